//! The tolerant readers the sandbox's typed request structs use: the toolkit's
//! (`shipmux_core::raw::json`), named here so `crate::tolerant` paths keep working.

pub(crate) use shipmux_core::raw::json::{List, Text};
pub(crate) use shipmux_core::tolerant_object;
