//! The toolkit's JSON pieces (`shipmux_core::raw::json`) under the names the sandbox uses.

pub use shipmux_core::raw::json::Dec;
/// The exact decimal of a JSON number or numeric string (`None` for anything else).
#[cfg(feature = "sandbox")]
pub use shipmux_core::raw::json::value::decimal as decimal_of;
