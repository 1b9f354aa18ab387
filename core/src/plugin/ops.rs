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
//!
//! With status ERROR the output is an [`Error`](crate::Error) instead. New operations get new
//! numbers in a minor version; an older plugin answers UNKNOWN_OP.

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
}

impl Op {
    /// Every operation of ABI 1.0.
    pub const ALL: [Op; 11] = [
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
        }
    }
}

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
