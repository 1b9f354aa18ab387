//! The operations a host calls through [`PluginV1::call`](super::PluginV1::call): one per
//! [`CarrierProtocol`](crate::CarrierProtocol) method, each with the JSON it takes and gives.
//!
//! | op | input JSON | output JSON (status OK) |
//! |---|---|---|
//! | `info` | `null` | [`CarrierInfo`](crate::CarrierInfo) |
//! | `auth` | `null` | [`Auth`](crate::Auth) |
//! | `build_token` | `null` | [`HttpRequest`](crate::HttpRequest) |
//! | `parse_token` | [`HttpResponse`](crate::HttpResponse) | [`AccessToken`](crate::AccessToken) |
//! | `build_rate` | [`RateRequest`](crate::RateRequest) | `[HttpRequest]` |
//! | `parse_rate` | [`ParseRateInput`] | [`Step`](crate::Step)`<[Rate]>` |
//! | `track_batch_size` | `null` | integer |
//! | `build_track` | `[TrackingNumber]` | `[HttpRequest]` |
//! | `parse_track` | [`ParseTrackInput`] | `[`[`TrackOutcome`]`]` |
//! | `build_connect` | `null` | `HttpRequest` or `null` |
//! | `parse_connect` | `HttpResponse` | `null` |
//! | `parse_rate_binary` | [`BinaryParseRateInput`](super::binary::BinaryParseRateInput) | `Step<`[`BinaryRates`](super::binary::BinaryRates)`>` |
//! | `build_rate_binary` | [`BinaryRequest`](super::binary::BinaryRequest) | `[HttpRequest]` |
//!
//! With status ERROR the output is an [`Error`](crate::Error) instead. New operations get new
//! numbers; an older plugin answers UNKNOWN_OP. An operation that is not in ABI 1.0 is an
//! *extension*: a plugin that knows it lists its name in its manifest's `extensions`, and a
//! host calls it only on plugins that list it (so neither side needs a newer table, and a
//! plugin with an extension still loads in a host without it).
//!
//! Extensions (both only worth it through `call_framed`; through plain `call` they take and
//! give exactly what `build_rate` and `parse_rate` do):
//!
//! - `build_rate_binary` (op 13): `build_rate` with the request as a binary blob in the
//!   frame's bodies section ([`super::binary`]): the input JSON is `[offset, length]`.
//! - `parse_rate_binary` (op 12): `parse_rate` with the request as a binary blob
//!   (`{"request": [offset, length], "exchange": …}`), answering the rates as a binary blob:
//!   `{"done": [offset, length]}`, or `{"next": [HttpRequest]}` for another round as in
//!   `parse_rate`.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{RateRequest, Tracking, TrackingNumber};
use crate::protocol::Exchange;

/// An operation number. Numbers are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Op {
    /// `CarrierProtocol::info`.
    Info = 1,
    /// `CarrierProtocol::auth`.
    Auth = 2,
    /// `CarrierProtocol::build_token`.
    BuildToken = 3,
    /// `CarrierProtocol::parse_token`.
    ParseToken = 4,
    /// `CarrierProtocol::build_rate`.
    BuildRate = 5,
    /// `CarrierProtocol::parse_rate`.
    ParseRate = 6,
    /// `CarrierProtocol::track_batch_size`.
    TrackBatchSize = 7,
    /// `CarrierProtocol::build_track`.
    BuildTrack = 8,
    /// `CarrierProtocol::parse_track`.
    ParseTrack = 9,
    /// `CarrierProtocol::build_connect`.
    BuildConnect = 10,
    /// `CarrierProtocol::parse_connect`.
    ParseConnect = 11,
    /// Extension `parse_rate_binary`: `CarrierProtocol::parse_rate`, request and rates in
    /// binary.
    ParseRateBinary = 12,
    /// Extension `build_rate_binary`: `CarrierProtocol::build_rate`, the request in binary.
    BuildRateBinary = 13,
}

impl Op {
    /// Every operation this build knows: ABI 1.0's eleven, then the extensions.
    pub const ALL: [Op; 13] = [
        Op::Info,
        Op::Auth,
        Op::BuildToken,
        Op::ParseToken,
        Op::BuildRate,
        Op::ParseRate,
        Op::TrackBatchSize,
        Op::BuildTrack,
        Op::ParseTrack,
        Op::BuildConnect,
        Op::ParseConnect,
        Op::ParseRateBinary,
        Op::BuildRateBinary,
    ];

    /// The number sent across the ABI.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The operation with number `code`, if this build knows it.
    pub fn from_code(code: u32) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.code() == code)
    }

    /// The snake_case name (the trait method's name), for messages.
    pub fn name(self) -> &'static str {
        match self {
            Op::Info => "info",
            Op::Auth => "auth",
            Op::BuildToken => "build_token",
            Op::ParseToken => "parse_token",
            Op::BuildRate => "build_rate",
            Op::ParseRate => "parse_rate",
            Op::TrackBatchSize => "track_batch_size",
            Op::BuildTrack => "build_track",
            Op::ParseTrack => "parse_track",
            Op::BuildConnect => "build_connect",
            Op::ParseConnect => "parse_connect",
            Op::ParseRateBinary => "parse_rate_binary",
            Op::BuildRateBinary => "build_rate_binary",
        }
    }
}

/// The extensions a plugin built with this `shipmux-core` knows, by name (the operation's
/// [`name`](Op::name)); `export_plugin!` lists them in the manifest.
pub const EXTENSIONS: [Op; 2] = [Op::BuildRateBinary, Op::ParseRateBinary];

/// Input of `parse_rate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseRateInput {
    /// The request being quoted.
    pub request: RateRequest,
    /// The round just completed.
    pub exchange: Exchange,
}

/// Input of `parse_track`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseTrackInput {
    /// The numbers being tracked.
    pub numbers: Vec<TrackingNumber>,
    /// The round just completed.
    pub exchange: Exchange,
}

/// One number's tracking result in `parse_track`'s output:
/// `{"ok": Tracking}` or `{"error": Error}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackOutcome {
    /// Tracked.
    Ok(Tracking),
    /// This number failed (the others may not have).
    Error(Error),
}

impl From<Result<Tracking, Error>> for TrackOutcome {
    fn from(r: Result<Tracking, Error>) -> Self {
        match r {
            Ok(t) => TrackOutcome::Ok(t),
            Err(e) => TrackOutcome::Error(e),
        }
    }
}

impl From<TrackOutcome> for Result<Tracking, Error> {
    fn from(o: TrackOutcome) -> Self {
        match o {
            TrackOutcome::Ok(t) => Ok(t),
            TrackOutcome::Error(e) => Err(e),
        }
    }
}

/// Borrowed form of [`ParseRateInput`], so the host serializes without cloning.
#[derive(Serialize)]
pub struct ParseRateInputRef<'a> {
    /// The request being quoted.
    pub request: &'a RateRequest,
    /// The round just completed.
    pub exchange: &'a Exchange,
}

/// Borrowed form of [`ParseTrackInput`].
#[derive(Serialize)]
pub struct ParseTrackInputRef<'a> {
    /// The numbers being tracked.
    pub numbers: &'a [TrackingNumber],
    /// The round just completed.
    pub exchange: &'a Exchange,
}
