//! What the load test quotes against: the host in this process ([`InProcess`]), or running
//! `shipmux serve` processes over HTTP ([`Servers`]). The runner is generic over [`Target`]
//! and never needs to know which it drives.
//!
//! [`InProcess`]: super::in_process::InProcess
//! [`Servers`]: super::server::Servers

use std::future::Future;

use shipmux_core::checkout::CheckoutQuote;
use shipmux_core::{ErrorKind, Result};

/// Something that answers the workload's checkout quotes.
pub trait Target: Send + Sync + 'static {
    /// One quote, ready to send (built before the clock starts for that quote).
    type Request: Send;

    /// The request for workload key `key`. `Err` only when the workload's checkout cannot be
    /// built: a bug in the workload, not a failure of the target.
    fn prepare(&self, key: u64) -> Result<Self::Request>;

    /// Sends quote number `n` and waits for its answer.
    fn quote(&self, n: u64, request: Self::Request) -> impl Future<Output = Answer> + Send;
}

/// How one quote came back.
pub struct Answer {
    /// The quote, or why there is none (a whole-quote error has no carrier).
    pub quote: Result<CheckoutQuote>,
    /// Over HTTP, the status or the transport failure; `None` in process.
    pub http: Option<HttpOutcome>,
}

/// What an HTTP exchange ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpOutcome {
    /// The server answered with this status.
    Status(u16),
    /// No answer: the connection failed, timed out or broke (`connect`, `timeout`, `body`,
    /// `other`).
    Transport(&'static str),
}

impl Answer {
    /// Whether this answer says the workload is wrong for the target (a checkout refused as
    /// invalid, a missing or wrong API key, a URL that is not a quoting server): the worker
    /// stops rather than spin on the same refusal.
    pub fn stops_worker(&self) -> bool {
        let refused = matches!(&self.quote, Err(e) if e.kind == ErrorKind::InvalidRequest);
        refused || matches!(self.http, Some(HttpOutcome::Status(401 | 403 | 404 | 405)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmux_core::Error;

    #[test]
    fn refusals_stop_a_worker_and_failures_do_not() {
        let answer = |quote: Result<CheckoutQuote>, http| Answer { quote, http };
        let invalid = Error::invalid_request("checkout", "no");
        let shed = Error::new(ErrorKind::Unavailable, "shed");
        assert!(answer(Err(invalid), None).stops_worker());
        assert!(answer(Err(shed.clone()), Some(HttpOutcome::Status(401))).stops_worker());
        assert!(!answer(Err(shed.clone()), Some(HttpOutcome::Status(503))).stops_worker());
        assert!(!answer(Err(shed), Some(HttpOutcome::Transport("connect"))).stops_worker());
    }
}
