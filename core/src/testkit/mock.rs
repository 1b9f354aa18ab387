//! `MockCarrier`: a carrier whose every call waits until the test answers it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::carrier::Carrier;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Capabilities, CarrierId, CarrierInfo, Rate, RateRequest, ServiceInfo, Tracking, TrackingNumber,
};

/// What a [`MockCarrier`] was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MockRequest {
    /// `connect()`.
    Connect,
    /// `quote(request)`.
    Quote(Box<RateRequest>),
    /// `track(number)`.
    Track(TrackingNumber),
}

enum Reply {
    Connect(Result<()>),
    Quote(Result<Vec<Rate>>),
    Track(Result<Tracking>),
}

/// One pending call to a [`MockCarrier`]. Answer it with the `answer_*` method matching its
/// request, or [`fail`](Self::fail) for any; dropping it unanswered makes the call return an
/// `unavailable` error.
pub struct MockCall {
    /// What was asked.
    pub request: MockRequest,
    carrier: CarrierId,
    reply: oneshot::Sender<Reply>,
}

impl std::fmt::Debug for MockCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockCall")
            .field("carrier", &self.carrier)
            .field("request", &self.request)
            .finish()
    }
}

impl MockCall {
    /// Answers a `quote` call (panics if this call is not a quote: a bug in the test).
    pub fn answer_quote(self, result: Result<Vec<Rate>>) {
        assert!(
            matches!(self.request, MockRequest::Quote(_)),
            "answer_quote on a {:?} call",
            self.request
        );
        let _ = self.reply.send(Reply::Quote(result));
    }

    /// Answers a `track` call (panics if this call is not a track).
    pub fn answer_track(self, result: Result<Tracking>) {
        assert!(
            matches!(self.request, MockRequest::Track(_)),
            "answer_track on a {:?} call",
            self.request
        );
        let _ = self.reply.send(Reply::Track(result));
    }

    /// Answers a `connect` call (panics if this call is not a connect).
    pub fn answer_connect(self, result: Result<()>) {
        assert!(
            matches!(self.request, MockRequest::Connect),
            "answer_connect on a {:?} call",
            self.request
        );
        let _ = self.reply.send(Reply::Connect(result));
    }

    /// Fails the call, whatever it is, with `error` (the carrier is named if it is not).
    pub fn fail(self, error: Error) {
        let error = error.with_carrier(&self.carrier);
        let reply = match self.request {
            MockRequest::Connect => Reply::Connect(Err(error)),
            MockRequest::Quote(_) => Reply::Quote(Err(error)),
            MockRequest::Track(_) => Reply::Track(Err(error)),
        };
        let _ = self.reply.send(reply);
    }

    /// The quote request, if this is a quote.
    pub fn quote_request(&self) -> Option<&RateRequest> {
        match &self.request {
            MockRequest::Quote(r) => Some(r.as_ref()),
            _ => None,
        }
    }
}

/// The test's side of a [`MockCarrier`]: receives each call and answers it when it chooses.
#[derive(Debug)]
pub struct MockHandle {
    calls: Mutex<mpsc::UnboundedReceiver<MockCall>>,
    made: Arc<AtomicU64>,
}

impl MockHandle {
    /// The next call, waiting for one; `None` once the carrier is dropped.
    pub async fn next_call(&self) -> Option<MockCall> {
        self.calls.lock().await.recv().await
    }

    /// The next call if one is already waiting.
    pub fn try_next_call(&self) -> Option<MockCall> {
        self.calls.try_lock().ok()?.try_recv().ok()
    }

    /// How many calls the carrier has received so far.
    pub fn calls_made(&self) -> u64 {
        self.made.load(Ordering::SeqCst)
    }
}

/// A carrier that forwards every call to its [`MockHandle`] and waits for the answer —
/// `tower_test::mock::pair` for carriers.
///
/// ```
/// use shipmux_core::{Carrier, testkit::{MockCarrier, TableCarrier}};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (carrier, handle) = MockCarrier::pair();
/// let request = TableCarrier::example_request();
/// let (rates, ()) = tokio::join!(carrier.quote(&request), async {
///     let call = handle.next_call().await.unwrap();
///     call.answer_quote(Ok(vec![]));
/// });
/// assert!(rates.unwrap().is_empty());
/// # });
/// ```
#[derive(Debug)]
pub struct MockCarrier {
    info: CarrierInfo,
    calls: mpsc::UnboundedSender<MockCall>,
    made: Arc<AtomicU64>,
}

impl MockCarrier {
    /// A mock carrier `mock` and its handle.
    pub fn pair() -> (MockCarrier, MockHandle) {
        Self::pair_with_id("mock")
    }

    /// A mock carrier with the given id (panics on an invalid id: a bug in the test).
    pub fn pair_with_id(id: &str) -> (MockCarrier, MockHandle) {
        let id = CarrierId::new(id).expect("mock carrier id must be valid");
        let info = CarrierInfo {
            name: format!("Mock carrier {id}"),
            id,
            services: vec![ServiceInfo::new("STD", "Mock Standard")],
            capabilities: Capabilities {
                rates: true,
                tracking: true,
                tracking_batch: 1,
                international: true,
                transit_times: false,
                origin_countries: Vec::new(),
            },
        };
        Self::pair_with_info(info)
    }

    /// A mock carrier describing itself with `info`.
    pub fn pair_with_info(info: CarrierInfo) -> (MockCarrier, MockHandle) {
        let (tx, rx) = mpsc::unbounded_channel();
        let made = Arc::new(AtomicU64::new(0));
        (
            MockCarrier {
                info,
                calls: tx,
                made: made.clone(),
            },
            MockHandle {
                calls: Mutex::new(rx),
                made,
            },
        )
    }

    async fn call(&self, request: MockRequest) -> Result<Reply> {
        self.made.fetch_add(1, Ordering::SeqCst);
        let (reply, answer) = oneshot::channel();
        let call = MockCall {
            request,
            carrier: self.info.id.clone(),
            reply,
        };
        let gone = || {
            Error::new(
                ErrorKind::Unavailable,
                "mock call was dropped without an answer",
            )
            .with_carrier(&self.info.id)
        };
        self.calls.send(call).map_err(|_| gone())?;
        answer.await.map_err(|_| gone())
    }

    fn mismatch(&self) -> Error {
        Error::new(
            ErrorKind::Plugin,
            "mock answered with the wrong kind of reply",
        )
        .with_carrier(&self.info.id)
    }
}

#[async_trait]
impl Carrier for MockCarrier {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }

    async fn connect(&self) -> Result<()> {
        match self.call(MockRequest::Connect).await? {
            Reply::Connect(r) => r,
            _ => Err(self.mismatch()),
        }
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        match self
            .call(MockRequest::Quote(Box::new(request.clone())))
            .await?
        {
            Reply::Quote(r) => r,
            _ => Err(self.mismatch()),
        }
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        match self.call(MockRequest::Track(number.clone())).await? {
            Reply::Track(r) => r,
            _ => Err(self.mismatch()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Money;
    use crate::testkit::TableCarrier;

    #[tokio::test]
    async fn the_test_decides_when_a_call_returns() {
        let (carrier, handle) = MockCarrier::pair();
        let request = TableCarrier::example_request();
        let (rates, ()) = tokio::join!(carrier.quote(&request), async {
            let call = handle.next_call().await.unwrap();
            assert_eq!(call.quote_request(), Some(&request));
            tokio::task::yield_now().await;
            let rate = Rate::new(
                CarrierId::from_static("mock"),
                "STD",
                "Mock Standard",
                Money::parse("7.00", "USD").unwrap(),
            );
            call.answer_quote(Ok(vec![rate]));
        });
        assert_eq!(rates.unwrap().len(), 1);
        assert_eq!(handle.calls_made(), 1);
    }

    #[tokio::test]
    async fn dropped_calls_become_unavailable_errors_naming_the_carrier() {
        let (carrier, handle) = MockCarrier::pair_with_id("flaky");
        let (result, ()) = tokio::join!(carrier.connect(), async {
            drop(handle.next_call().await.unwrap());
        });
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unavailable);
        assert_eq!(err.carrier.unwrap().as_str(), "flaky");
    }

    #[tokio::test]
    async fn failures_name_the_carrier() {
        let (carrier, handle) = MockCarrier::pair_with_id("broken");
        let number = TrackingNumber::new("ABCD1234").unwrap();
        let (result, ()) = tokio::join!(carrier.track(&number), async {
            handle
                .next_call()
                .await
                .unwrap()
                .fail(Error::new(ErrorKind::NotFound, "no such number"));
        });
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert_eq!(err.carrier.unwrap().as_str(), "broken");
    }
}
