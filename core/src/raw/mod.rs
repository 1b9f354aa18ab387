//! Building blocks for carrier authors: the plumbing every [`CarrierProtocol`] adapter needs
//! and should not write again, one responsibility per module.
//!
//! - [`json`]: tolerant, borrowing readers for carrier JSON (bare values as lists, `null` as
//!   absent, numbers as text and text as numbers) and the decimal that is written as it was
//!   read.
//! - [`oauth`]: the OAuth 2.0 client-credentials token request and answer, with one rule
//!   for a missing or odd `expires_in`.
//! - [`time`]: carrier dates, clocks and offsets → our dates and event times (the offset
//!   the carrier gave, or none; never converted, never `Z`).
//! - [`http_error`]: an error answer → [`Error`](crate::Error): status → kind, the carrier's
//!   code and message, `Retry-After`, a bounded body snippet.
//!
//! [`CarrierProtocol`]: crate::CarrierProtocol

pub mod http_error;
pub mod json;
pub mod oauth;
pub mod time;
