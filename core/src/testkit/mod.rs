//! Test kit (feature `testkit`): carriers for tests and the conformance suite every carrier
//! and plugin runs.
//!
//! - [`TableCarrier`] quotes from an in-memory rate table and tracks from a map: no I/O, a
//!   stand-in for a real carrier in host and checkout tests.
//! - [`MockCarrier::pair`] gives a carrier and a [`MockHandle`]; each call waits until the test
//!   answers it through the handle, so timing tests (with `tokio::time::pause`) decide exactly
//!   when each carrier answers.
//! - [`run_conformance`] and the `check_*` functions it calls state what every `Carrier` must do.
//! - [`run_protocol_conformance`] and its `check_*` functions state what every
//!   [`CarrierProtocol`](crate::CarrierProtocol) must do with whatever a carrier answers —
//!   error statuses, unreadable bodies, tracking batches, secrets — without any network.
//!
//! ```
//! use shipmux_core::testkit::{ConformanceFixture, TableCarrier, run_conformance};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let carrier = TableCarrier::example();
//! let fixture = ConformanceFixture::new(TableCarrier::example_request())
//!     .with_known_tracking(TableCarrier::example_tracking_number());
//! run_conformance(&carrier, &fixture).await;
//! # });
//! ```

mod conformance;
mod mock;
mod protocol;
mod table;

pub use conformance::{
    ConformanceFixture, check_connect, check_info, check_invalid_requests_are_refused, check_quote,
    check_quote_honours_services, check_track_known, check_track_unknown, run_conformance,
};
pub use mock::{MockCall, MockCarrier, MockHandle, MockRequest};
pub use protocol::{
    BodyFormat, Expectation, Operation, ProtocolFixture, ResponseCase, TrackResponder, check_case,
    check_error_responses, check_secrets_hidden, check_track_batches, run_protocol_conformance,
    standard_cases,
};
pub use table::{TableCarrier, TableService};
