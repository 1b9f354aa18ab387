//! The protocol conformance kit: what every [`CarrierProtocol`] — built in or loaded from a
//! plugin — must do with whatever a carrier answers, checked without any network.
//!
//! A carrier's tests build a [`ProtocolFixture`] (a request it can build, tracking numbers,
//! the secrets it was configured with, the body format it reads) and call
//! [`run_protocol_conformance`], or the `check_*` functions one by one. Each check collects
//! every broken promise and then panics once, listing them all with the operation and the
//! response that broke it. A panic *inside the protocol* is caught and reported as a broken
//! promise too: protocols must answer errors, never panic.
//!
//! What is checked:
//! - [`check_secrets_hidden`]: no configured secret shows in the protocol's `Debug`, in the
//!   `Debug` of the requests it builds (URLs included), or in any error it returns;
//! - [`check_error_responses`]: for each operation (token when [`auth`] is OAuth2, rate,
//!   track, connect when `build_connect` gives a request) every [`standard_cases`] response
//!   — 401, 403, 404, 408, 429 with and without `Retry-After`, 500, 502 (an HTML page), 503
//!   with and without `Retry-After`, 504, and 200s with an HTML page, an empty body, garbage,
//!   a truncated body or a well-formed body of another shape (`{}`, another XML root) —
//!   gives an `Err` of a sensible [`ErrorKind`] (docs/carriers/README.md, "Errors":
//!   401/403 unauthenticated, 404 not found, 408 timeout, 429 rate limited, 5xx unavailable
//!   and retryable, unreadable bodies parse or unavailable), with the wait the carrier asked
//!   for, naming the carrier. A carrier whose documented mapping differs says so in the
//!   fixture ([`ProtocolFixture::expect`]) and adds its own carrier-shaped responses
//!   ([`ProtocolFixture::with_case`]);
//! - [`check_track_batches`]: `parse_track` answers exactly one result per number, in the
//!   order asked, for every batch size up to `track_batch_size()` (reversed and with a
//!   repeated number too), given the fixture's [`TrackResponder`].
//!
//! [`auth`]: CarrierProtocol::auth

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::model::{RateRequest, Tracking, TrackingNumber};
use crate::protocol::{
    Auth, CarrierProtocol, Exchange, HttpRequest, HttpResponse, MAX_ROUNDS, Step,
};

/// An operation of a protocol, as the kit drives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// `build_token` / `parse_token` (OAuth2 protocols only).
    Token,
    /// `build_rate` / `parse_rate`, following `Step::Next` rounds.
    Rate,
    /// `build_track` / `parse_track`.
    Track,
    /// `build_connect` / `parse_connect` (when the protocol has a connect request).
    Connect,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 4] = [
        Operation::Token,
        Operation::Rate,
        Operation::Track,
        Operation::Connect,
    ];
}

/// The body format the carrier answers in; it shapes the truncated and HTML-ish bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    /// JSON bodies.
    Json,
    /// XML bodies.
    Xml,
}

/// What a response must turn into: an error of one of `kinds`, with the retryability and
/// the wait given (`None` leaves a field unchecked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// Acceptable kinds (any of them).
    pub kinds: Vec<ErrorKind>,
    /// The required `retryable`, if checked.
    pub retryable: Option<bool>,
    /// The required `retry_after_ms`, if checked (`Some(None)`: must have none).
    pub retry_after_ms: Option<Option<u64>>,
}

impl Expectation {
    /// An error of `kind`, retryable as that kind is by default (timeouts, unavailable and
    /// rate limited are; unauthenticated, not found and rejected are not; parse unchecked).
    pub fn kind(kind: ErrorKind) -> Self {
        let retryable = match kind {
            ErrorKind::Timeout | ErrorKind::Unavailable | ErrorKind::RateLimited => Some(true),
            ErrorKind::Unauthenticated | ErrorKind::NotFound | ErrorKind::Rejected => Some(false),
            _ => None,
        };
        Expectation {
            kinds: vec![kind],
            retryable,
            retry_after_ms: None,
        }
    }

    /// An error of any of `kinds`, retryability unchecked.
    pub fn any_of(kinds: &[ErrorKind]) -> Self {
        Expectation {
            kinds: kinds.to_vec(),
            retryable: None,
            retry_after_ms: None,
        }
    }

    /// Requires `retryable` to be `retryable`.
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = Some(retryable);
        self
    }

    /// Leaves `retryable` unchecked.
    pub fn any_retryability(mut self) -> Self {
        self.retryable = None;
        self
    }

    /// Requires `retry_after_ms` to be `wait`.
    pub fn retry_after_ms(mut self, wait: Option<u64>) -> Self {
        self.retry_after_ms = Some(wait);
        self
    }
}

/// A response fed to every request of an operation, and what it must give.
#[derive(Clone, Debug)]
pub struct ResponseCase {
    /// Names the case in failures and in [`ProtocolFixture::expect`].
    pub name: String,
    /// The response.
    pub response: HttpResponse,
    /// What it must give.
    pub expect: Expectation,
    /// The operations it applies to (`None`: all).
    pub operations: Option<Vec<Operation>>,
}

impl ResponseCase {
    /// A case for every operation.
    pub fn new(name: impl Into<String>, response: HttpResponse, expect: Expectation) -> Self {
        ResponseCase {
            name: name.into(),
            response,
            expect,
            operations: None,
        }
    }

    /// Limits the case to `operations`.
    pub fn only(mut self, operations: &[Operation]) -> Self {
        self.operations = Some(operations.to_vec());
        self
    }

    fn applies_to(&self, op: Operation) -> bool {
        self.operations.as_ref().is_none_or(|ops| ops.contains(&op))
    }
}

/// Answers a round of tracking requests with successful carrier responses (one per request,
/// in order), as the carrier would for those numbers. The kit uses it to check that
/// `parse_track` keeps one result per number, in order.
pub type TrackResponder = Arc<dyn Fn(&[HttpRequest]) -> Vec<HttpResponse> + Send + Sync>;

/// What a protocol conformance run needs.
#[derive(Clone)]
pub struct ProtocolFixture {
    /// A request the protocol builds rate requests for.
    pub request: RateRequest,
    /// Distinct, well-formed tracking numbers: at least `track_batch_size()` of them for the
    /// batch checks (fewer limits the batches checked).
    pub tracking_numbers: Vec<TrackingNumber>,
    /// The secrets the protocol was configured with (client secret, password, …).
    pub secrets: Vec<String>,
    /// The carrier's body format.
    pub format: BodyFormat,
    /// A real success body per operation: truncated at several points, it must not parse.
    pub success_bodies: BTreeMap<Operation, Vec<u8>>,
    /// Carrier-shaped responses checked after the standard ones.
    pub extra_cases: Vec<ResponseCase>,
    /// The carrier's documented mapping where it differs from the standard expectation:
    /// (operation or all, case name, expectation).
    pub overrides: Vec<(Option<Operation>, String, Expectation)>,
    /// Successful tracking answers, for [`check_track_batches`].
    pub track_responder: Option<TrackResponder>,
}

impl fmt::Debug for ProtocolFixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtocolFixture")
            .field("request", &self.request)
            .field("tracking_numbers", &self.tracking_numbers)
            .field("secrets", &format_args!("<{} secrets>", self.secrets.len()))
            .field("format", &self.format)
            .field("extra_cases", &self.extra_cases.len())
            .field("overrides", &self.overrides)
            .field("track_responder", &self.track_responder.is_some())
            .finish_non_exhaustive()
    }
}

impl ProtocolFixture {
    /// A fixture for `request`, answered in `format`.
    pub fn new(request: RateRequest, format: BodyFormat) -> Self {
        ProtocolFixture {
            request,
            tracking_numbers: Vec::new(),
            secrets: Vec::new(),
            format,
            success_bodies: BTreeMap::new(),
            extra_cases: Vec::new(),
            overrides: Vec::new(),
            track_responder: None,
        }
    }

    /// Adds a secret the protocol was configured with.
    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Sets the tracking numbers.
    pub fn with_tracking_numbers(mut self, numbers: Vec<TrackingNumber>) -> Self {
        self.tracking_numbers = numbers;
        self
    }

    /// Sets a real success body of `op`, to be truncated.
    pub fn with_success_body(mut self, op: Operation, body: impl Into<Vec<u8>>) -> Self {
        self.success_bodies.insert(op, body.into());
        self
    }

    /// Adds a carrier-shaped case.
    pub fn with_case(mut self, case: ResponseCase) -> Self {
        self.extra_cases.push(case);
        self
    }

    /// The carrier maps standard case `case` (see [`standard_cases`]) differently for `op`
    /// (`None`: every operation).
    pub fn expect(mut self, op: Option<Operation>, case: &str, expect: Expectation) -> Self {
        self.overrides.push((op, case.to_string(), expect));
        self
    }

    /// Sets the tracking responder.
    pub fn with_track_responder(
        mut self,
        responder: impl Fn(&[HttpRequest]) -> Vec<HttpResponse> + Send + Sync + 'static,
    ) -> Self {
        self.track_responder = Some(Arc::new(responder));
        self
    }

    /// The cases checked for `op`: the standard ones (with the overrides applied), then the
    /// carrier's own. For tracking, a well-formed body that names none of the numbers may
    /// also be `not_found` for each of them (docs/carriers/README.md: no entry for a number is
    /// not found).
    pub fn cases_for(&self, op: Operation) -> Vec<ResponseCase> {
        let mut cases =
            standard_cases(self.format, self.success_bodies.get(&op).map(Vec::as_slice));
        if op == Operation::Track {
            for case in &mut cases {
                if case.name == OTHER_SHAPE {
                    case.expect.kinds.push(ErrorKind::NotFound);
                }
            }
        }
        for case in &mut cases {
            for (o, name, expect) in &self.overrides {
                if o.is_none_or(|o| o == op) && *name == case.name {
                    case.expect = expect.clone();
                }
            }
        }
        cases.extend(
            self.extra_cases
                .iter()
                .filter(|c| c.applies_to(op))
                .cloned(),
        );
        cases
    }
}

/// An HTML error page, as load balancers and gateways send.
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
    <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";

/// The name of the case whose body is well formed but of no shape the carrier answers in.
const OTHER_SHAPE: &str = "HTTP 200 with a well-formed body of another shape";

/// Bytes that are neither JSON nor XML nor UTF-8.
const GARBAGE: &[u8] = b"\xff\xfe\x00\x01garbage \x9c\x80 }{ ]] <<>> \x00";

/// The responses every protocol must turn into errors, for a carrier answering in
/// `format`. `success` is a real success body of the operation: it is cut at a third, at
/// half and just before its end; without one, a generic cut body stands in.
pub fn standard_cases(format: BodyFormat, success: Option<&[u8]>) -> Vec<ResponseCase> {
    use ErrorKind::*;
    let status = |code: u16| HttpResponse::new(code, Vec::new());
    let unreadable = || Expectation::any_of(&[Parse, Unavailable]);
    let mut cases = vec![
        ResponseCase::new("HTTP 401", status(401), Expectation::kind(Unauthenticated)),
        ResponseCase::new("HTTP 403", status(403), Expectation::kind(Unauthenticated)),
        ResponseCase::new("HTTP 404", status(404), Expectation::kind(NotFound)),
        ResponseCase::new("HTTP 408", status(408), Expectation::kind(Timeout)),
        ResponseCase::new(
            "HTTP 429",
            status(429),
            Expectation::kind(RateLimited).retry_after_ms(None),
        ),
        ResponseCase::new(
            "HTTP 429 with Retry-After",
            status(429).with_header("Retry-After", "17"),
            Expectation::kind(RateLimited).retry_after_ms(Some(17_000)),
        ),
        ResponseCase::new("HTTP 500", status(500), Expectation::kind(Unavailable)),
        ResponseCase::new(
            "HTTP 502 with an HTML page",
            HttpResponse::new(502, HTML_PAGE).with_header("Content-Type", "text/html"),
            Expectation::kind(Unavailable),
        ),
        ResponseCase::new("HTTP 503", status(503), Expectation::kind(Unavailable)),
        ResponseCase::new(
            "HTTP 503 with Retry-After",
            status(503).with_header("Retry-After", "5"),
            Expectation::kind(Unavailable).retry_after_ms(Some(5_000)),
        ),
        ResponseCase::new("HTTP 504", status(504), Expectation::kind(Unavailable)),
        ResponseCase::new(
            "HTTP 200 with an HTML page",
            HttpResponse::new(200, HTML_PAGE).with_header("Content-Type", "text/html"),
            unreadable(),
        ),
        ResponseCase::new("HTTP 200 with an empty body", status(200), unreadable()),
        ResponseCase::new(
            "HTTP 200 with garbage",
            HttpResponse::new(200, GARBAGE),
            unreadable(),
        ),
    ];
    let (other_shape, other_type): (&[u8], &str) = match format {
        BodyFormat::Json => (b"{}", "application/json"),
        BodyFormat::Xml => (
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<unexpected xmlns=\"urn:x\"/>",
            "application/xml",
        ),
    };
    cases.push(ResponseCase::new(
        OTHER_SHAPE,
        HttpResponse::new(200, other_shape.to_vec()).with_header("Content-Type", other_type),
        unreadable(),
    ));
    let (content_type, generic): (&str, &[u8]) = match format {
        BodyFormat::Json => (
            "application/json",
            br#"{"response": {"items": [{"code": "01", "amount": "12.5"#,
        ),
        BodyFormat::Xml => (
            "application/xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response xmlns=\"urn:x\"><item><code>01</code><amount>12.5",
        ),
    };
    match success {
        Some(body) => {
            let end = body.trim_ascii_end().len();
            let mut cuts = vec![end / 3, end / 2, end.saturating_sub(1)];
            cuts.dedup();
            for cut in cuts.into_iter().filter(|c| *c > 0) {
                cases.push(ResponseCase::new(
                    format!("HTTP 200 with a body cut at byte {cut} of {end}"),
                    HttpResponse::new(200, body[..cut].to_vec())
                        .with_header("Content-Type", content_type),
                    unreadable(),
                ));
            }
        }
        None => cases.push(ResponseCase::new(
            "HTTP 200 with a truncated body",
            HttpResponse::new(200, generic.to_vec()).with_header("Content-Type", content_type),
            unreadable(),
        )),
    }
    cases
}

/// Runs every check: secrets, error responses of every operation, tracking batches.
pub fn run_protocol_conformance<P>(protocol: &P, fixture: &ProtocolFixture)
where
    P: CarrierProtocol + fmt::Debug,
{
    check_secrets_hidden(protocol, fixture);
    check_error_responses(protocol, fixture);
    check_track_batches(protocol, fixture);
}

/// Runs `f`, turning a panic into `Err(message)`.
fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// Panics listing `failures`, if any.
fn report(carrier: &str, what: &str, failures: Vec<String>) {
    if !failures.is_empty() {
        panic!(
            "protocol conformance[{carrier}]: {what}: {} broken promise(s):\n  - {}",
            failures.len(),
            failures.join("\n  - ")
        );
    }
}

fn leaks<'a>(text: &str, secrets: &'a [String]) -> Option<&'a str> {
    secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .find(|s| text.contains(s))
}

/// No configured secret shows in the protocol's `Debug` (plain and `{:#?}`), nor in the
/// `Debug` of the token, rate, tracking and connect requests it builds (URLs and headers as
/// they would be logged).
pub fn check_secrets_hidden<P>(protocol: &P, fixture: &ProtocolFixture)
where
    P: CarrierProtocol + fmt::Debug + ?Sized,
{
    let carrier = protocol.info().id.to_string();
    let mut failures = Vec::new();
    assert!(
        fixture.secrets.iter().any(|s| !s.is_empty()),
        "protocol conformance[{carrier}]: the fixture names no secret to look for"
    );
    for (what, text) in [
        ("Debug", format!("{protocol:?}")),
        ("pretty Debug", format!("{protocol:#?}")),
    ] {
        if let Some(s) = leaks(&text, &fixture.secrets) {
            failures.push(format!(
                "the protocol's {what} shows the secret `{s}`: {text}"
            ));
        }
    }
    let mut built: Vec<(&str, Result<Vec<HttpRequest>, String>)> = Vec::new();
    if matches!(protocol.auth(), Auth::OAuth2 { .. }) {
        built.push((
            "build_token",
            flatten(guard(|| protocol.build_token().map(|r| vec![r]))),
        ));
    }
    built.push((
        "build_rate",
        flatten(guard(|| protocol.build_rate(&fixture.request))),
    ));
    if let Some(first) = fixture.tracking_numbers.first() {
        let numbers = std::slice::from_ref(first);
        built.push((
            "build_track",
            flatten(guard(|| protocol.build_track(numbers))),
        ));
    }
    built.push((
        "build_connect",
        flatten(guard(|| {
            protocol.build_connect().map(|r| r.into_iter().collect())
        })),
    ));
    for (what, requests) in built {
        match requests {
            Ok(requests) => {
                for r in requests {
                    let text = format!("{r:?}");
                    if let Some(s) = leaks(&text, &fixture.secrets) {
                        failures.push(format!("the Debug of a {what} request shows `{s}`"));
                    }
                }
            }
            Err(e) => failures.push(format!("{what} failed on the fixture: {e}")),
        }
    }
    report(&carrier, "secrets", failures);
}

/// A guarded `Result<Vec<HttpRequest>>` as one `Result` with a printable error.
fn flatten(r: Result<crate::Result<Vec<HttpRequest>>, String>) -> Result<Vec<HttpRequest>, String> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!("panicked: {panic}")),
    }
}

/// Checks one error against `expect`; a description of what is wrong, if anything.
fn judge(carrier: &str, error: &Error, expect: &Expectation, secrets: &[String]) -> Option<String> {
    let mut wrong = Vec::new();
    if !expect.kinds.contains(&error.kind) {
        let kinds: Vec<&str> = expect.kinds.iter().map(|k| k.as_str()).collect();
        wrong.push(format!(
            "kind {} (expected {})",
            error.kind,
            kinds.join(" or ")
        ));
    }
    if let Some(r) = expect.retryable
        && error.retryable != r
    {
        wrong.push(format!("retryable {} (expected {r})", error.retryable));
    }
    if let Some(wait) = expect.retry_after_ms
        && error.retry_after_ms != wait
    {
        wrong.push(format!(
            "retry_after_ms {:?} (expected {wait:?})",
            error.retry_after_ms
        ));
    }
    if error.carrier.as_ref().map(|c| c.as_str()) != Some(carrier) {
        wrong.push(format!("carrier {:?} (expected {carrier})", error.carrier));
    }
    if error.message.trim().is_empty() {
        wrong.push("an empty message".to_string());
    }
    if let Some(s) = leaks(&error.message, secrets) {
        wrong.push(format!("a message showing the secret `{s}`"));
    }
    (!wrong.is_empty()).then(|| format!("{} — error was: {error:?}", wrong.join(", ")))
}

/// For every operation the protocol has, every case of [`ProtocolFixture::cases_for`] gives
/// an error as expected, without a panic.
pub fn check_error_responses(protocol: &dyn CarrierProtocol, fixture: &ProtocolFixture) {
    let carrier = protocol.info().id.to_string();
    let mut failures = Vec::new();
    for op in Operation::ALL {
        for case in fixture.cases_for(op) {
            failures.extend(
                check_case(protocol, fixture, op, &case)
                    .into_iter()
                    .map(|f| format!("{op:?} / {}: {f}", case.name)),
            );
        }
    }
    report(&carrier, "error responses", failures);
}

/// The batch sizes the error checks use: 1, 2 and the largest.
fn error_batch_sizes(protocol: &dyn CarrierProtocol, available: usize) -> Vec<usize> {
    let largest = protocol.track_batch_size().min(available);
    let mut sizes = vec![1, 2.min(largest), largest];
    sizes.retain(|n| *n >= 1);
    sizes.dedup();
    sizes
}

/// Feeds `case` to operation `op`; what went wrong.
pub fn check_case(
    protocol: &dyn CarrierProtocol,
    fixture: &ProtocolFixture,
    op: Operation,
    case: &ResponseCase,
) -> Vec<String> {
    let carrier = protocol.info().id.to_string();
    let judge = |e: &Error| judge(&carrier, e, &case.expect, &fixture.secrets);
    let mut failures = Vec::new();
    match op {
        Operation::Token => {
            if !matches!(protocol.auth(), Auth::OAuth2 { .. }) {
                return failures;
            }
            match guard(|| protocol.parse_token(&case.response)) {
                Err(panic) => failures.push(format!("parse_token panicked: {panic}")),
                Ok(Ok(_)) => failures.push("parse_token gave a token".to_string()),
                Ok(Err(e)) => failures.extend(judge(&e)),
            }
        }
        Operation::Connect => match guard(|| protocol.build_connect()) {
            Err(panic) => failures.push(format!("build_connect panicked: {panic}")),
            Ok(Err(e)) => failures.push(format!("build_connect failed: {e}")),
            Ok(Ok(None)) => {}
            Ok(Ok(Some(_))) => match guard(|| protocol.parse_connect(&case.response)) {
                Err(panic) => failures.push(format!("parse_connect panicked: {panic}")),
                Ok(Ok(())) => failures.push("parse_connect said the check passed".to_string()),
                Ok(Err(e)) => failures.extend(judge(&e)),
            },
        },
        Operation::Rate => failures.extend(rate_case(protocol, fixture, case, &judge)),
        Operation::Track => {
            for n in error_batch_sizes(protocol, fixture.tracking_numbers.len()) {
                let numbers = &fixture.tracking_numbers[..n];
                let requests = match guard(|| protocol.build_track(numbers)) {
                    Err(panic) => {
                        failures.push(format!("build_track of {n} panicked: {panic}"));
                        continue;
                    }
                    Ok(Err(e)) => {
                        failures.push(format!("build_track of {n} failed: {e}"));
                        continue;
                    }
                    Ok(Ok(r)) => r,
                };
                let exchange = Exchange {
                    round: 0,
                    responses: vec![case.response.clone(); requests.len()],
                    requests,
                };
                match guard(|| protocol.parse_track(numbers, &exchange)) {
                    Err(panic) => failures.push(format!("parse_track of {n} panicked: {panic}")),
                    Ok(Err(e)) => failures.extend(judge(&e).map(|f| format!("{n} numbers: {f}"))),
                    Ok(Ok(results)) => {
                        if results.len() != n {
                            failures.push(format!(
                                "parse_track gave {} results for {n} numbers",
                                results.len()
                            ));
                        }
                        for (i, r) in results.iter().enumerate() {
                            match r {
                                Ok(t) => failures.push(format!(
                                    "number {i} of {n} got a tracking ({:?}, status {:?})",
                                    t.tracking_number, t.status
                                )),
                                Err(e) => failures
                                    .extend(judge(e).map(|f| format!("number {i} of {n}: {f}"))),
                            }
                        }
                    }
                }
            }
        }
    }
    failures
}

/// Runs a quote's rounds with every request answered by `case`.
fn rate_case(
    protocol: &dyn CarrierProtocol,
    fixture: &ProtocolFixture,
    case: &ResponseCase,
    judge: &dyn Fn(&Error) -> Option<String>,
) -> Option<String> {
    let mut requests = match guard(|| protocol.build_rate(&fixture.request)) {
        Err(panic) => return Some(format!("build_rate panicked: {panic}")),
        Ok(Err(e)) => return Some(format!("build_rate failed on the fixture request: {e}")),
        Ok(Ok(r)) => r,
    };
    for round in 0..MAX_ROUNDS {
        if requests.is_empty() {
            return Some(format!("round {round} has no request"));
        }
        let exchange = Exchange {
            round,
            responses: vec![case.response.clone(); requests.len()],
            requests,
        };
        match guard(|| protocol.parse_rate(&fixture.request, &exchange)) {
            Err(panic) => return Some(format!("parse_rate (round {round}) panicked: {panic}")),
            Ok(Ok(Step::Done(rates))) => {
                return Some(format!("round {round} gave {} rate(s)", rates.len()));
            }
            Ok(Ok(Step::Next(next))) => requests = next,
            Ok(Err(e)) => return judge(&e).map(|f| format!("round {round}: {f}")),
        }
    }
    Some(format!("still asking for rounds after {MAX_ROUNDS}"))
}

/// The number a tracking answers for, normalized as [`TrackingNumber`] does.
fn same_number(tracking: &Tracking, number: &TrackingNumber) -> bool {
    TrackingNumber::new(&tracking.tracking_number).is_ok_and(|t| t == *number)
        || tracking.tracking_number == number.as_str()
}

/// `parse_track` gives exactly one result per number, in the order of the numbers, for
/// every batch size from 1 to `track_batch_size()`: the numbers as given, reversed, and
/// with the first number repeated at the end. Successful responses come from the fixture's
/// [`TrackResponder`]; without one, only the error checks of [`check_error_responses`]
/// count results.
pub fn check_track_batches(protocol: &dyn CarrierProtocol, fixture: &ProtocolFixture) {
    let carrier = protocol.info().id.to_string();
    let batch = protocol.track_batch_size();
    let mut failures = Vec::new();
    if batch == 0 {
        failures.push("track_batch_size() is 0".to_string());
    }
    if fixture.tracking_numbers.len() < batch {
        failures.push(format!(
            "the fixture has {} tracking numbers for a batch size of {batch}",
            fixture.tracking_numbers.len()
        ));
    }
    let Some(responder) = &fixture.track_responder else {
        report(&carrier, "tracking batches", failures);
        return;
    };
    let largest = batch.min(fixture.tracking_numbers.len());
    for n in 1..=largest {
        let given = &fixture.tracking_numbers[..n];
        let reversed: Vec<TrackingNumber> = given.iter().rev().cloned().collect();
        let mut batches = vec![("in order", given.to_vec()), ("reversed", reversed)];
        if n >= 2 && n < batch {
            let mut repeated = given.to_vec();
            repeated.push(given[0].clone());
            batches.push(("with a repeat", repeated));
        }
        for (how, numbers) in batches {
            failures.extend(
                track_batch(protocol, responder, &numbers)
                    .into_iter()
                    .map(|f| format!("{} numbers {how}: {f}", numbers.len())),
            );
        }
    }
    report(&carrier, "tracking batches", failures);
}

fn track_batch(
    protocol: &dyn CarrierProtocol,
    responder: &TrackResponder,
    numbers: &[TrackingNumber],
) -> Vec<String> {
    let requests = match guard(|| protocol.build_track(numbers)) {
        Err(panic) => return vec![format!("build_track panicked: {panic}")],
        Ok(Err(e)) => return vec![format!("build_track failed: {e}")],
        Ok(Ok(r)) => r,
    };
    let responses = responder(&requests);
    assert_eq!(
        responses.len(),
        requests.len(),
        "the fixture's track responder must answer each request"
    );
    let exchange = Exchange {
        round: 0,
        requests,
        responses,
    };
    let results = match guard(|| protocol.parse_track(numbers, &exchange)) {
        Err(panic) => return vec![format!("parse_track panicked: {panic}")],
        Ok(Err(e)) => return vec![format!("parse_track failed as a whole: {e}")],
        Ok(Ok(r)) => r,
    };
    let mut failures = Vec::new();
    if results.len() != numbers.len() {
        failures.push(format!(
            "{} results for {} numbers",
            results.len(),
            numbers.len()
        ));
    }
    for (i, (result, number)) in results.iter().zip(numbers).enumerate() {
        if let Ok(t) = result
            && !same_number(t, number)
        {
            failures.push(format!(
                "result {i} is for {} but number {i} is {number}",
                t.tracking_number
            ));
        }
    }
    if !results.iter().any(Result::is_ok) {
        failures.push(format!(
            "no number was tracked from the responder's answers: {:?}",
            results.first()
        ));
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, CarrierId, CarrierInfo, Parcel, Rate, Status, Weight};

    /// What a toy protocol gets wrong.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Flaw {
        None,
        ShowsSecret,
        PanicsOnGarbage,
        CallsOutagesRefusals,
        ForgetsTheWait,
        TakesHtmlForNoRates,
        ReordersTracking,
    }

    /// A JSON carrier: rates are `{"rates": []}`, tracking `{"number": "…"}`.
    struct Toy {
        secret: String,
        flaw: Flaw,
    }

    impl fmt::Debug for Toy {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let secret = if self.flaw == Flaw::ShowsSecret {
                self.secret.as_str()
            } else {
                "[redacted]"
            };
            write!(f, "Toy {{ secret: {secret} }}")
        }
    }

    fn id() -> CarrierId {
        CarrierId::from_static("toy")
    }

    impl Toy {
        fn error(&self, response: &HttpResponse) -> Option<Error> {
            if response.is_success() {
                if self.flaw == Flaw::PanicsOnGarbage && response.body.starts_with(b"\xff") {
                    panic!("unexpected byte");
                }
                return None;
            }
            let mut e = Error::from_status(response.status, "toy said no").with_carrier(&id());
            if self.flaw == Flaw::CallsOutagesRefusals && response.status == 503 {
                e = Error::new(ErrorKind::Rejected, "toy refused").with_carrier(&id());
            }
            if self.flaw != Flaw::ForgetsTheWait {
                e = e.with_retry_after(response.retry_after());
            }
            Some(e)
        }

        fn body(&self, response: &HttpResponse, key: &str) -> crate::Result<serde_json::Value> {
            if let Some(e) = self.error(response) {
                return Err(e);
            }
            if self.flaw == Flaw::TakesHtmlForNoRates && response.body.starts_with(b"<!DOCTYPE") {
                return Ok(serde_json::json!({ key: [] }));
            }
            let v: serde_json::Value = serde_json::from_slice(&response.body)
                .map_err(|e| Error::parse(format!("toy body: {e}")).with_carrier(&id()))?;
            if v.get(key).is_none() {
                return Err(Error::parse(format!("toy body has no {key}")).with_carrier(&id()));
            }
            Ok(v)
        }
    }

    impl CarrierProtocol for Toy {
        fn info(&self) -> CarrierInfo {
            CarrierInfo {
                id: id(),
                name: "Toy".into(),
                services: Vec::new(),
                capabilities: Default::default(),
            }
        }

        fn build_rate(&self, _request: &RateRequest) -> crate::Result<Vec<HttpRequest>> {
            Ok(vec![HttpRequest::post("http://toy.invalid/rate")])
        }

        fn parse_rate(
            &self,
            _: &RateRequest,
            exchange: &Exchange,
        ) -> crate::Result<Step<Vec<Rate>>> {
            self.body(&exchange.responses[0], "rates")?;
            Ok(Step::Done(Vec::new()))
        }

        fn track_batch_size(&self) -> usize {
            3
        }

        fn build_track(&self, numbers: &[TrackingNumber]) -> crate::Result<Vec<HttpRequest>> {
            Ok(numbers
                .iter()
                .map(|n| HttpRequest::get(format!("http://toy.invalid/track/{n}")))
                .collect())
        }

        fn parse_track(
            &self,
            numbers: &[TrackingNumber],
            exchange: &Exchange,
        ) -> crate::Result<Vec<crate::Result<Tracking>>> {
            let mut results: Vec<crate::Result<Tracking>> = exchange
                .responses
                .iter()
                .map(|r| {
                    let v = self.body(r, "number")?;
                    Ok(Tracking {
                        carrier: id(),
                        tracking_number: v["number"].as_str().unwrap_or("").to_string(),
                        status: Status::InTransit,
                        estimated_delivery: None,
                        delivered_at: None,
                        signed_by: None,
                        events: Vec::new(),
                    })
                })
                .collect();
            results.truncate(numbers.len());
            if self.flaw == Flaw::ReordersTracking {
                results.reverse();
            }
            Ok(results)
        }
    }

    fn fixture() -> ProtocolFixture {
        let request = RateRequest::new(
            Address::new("US", "10001"),
            Address::new("US", "90210"),
            vec![Parcel::new(Weight::lb(1.into()))],
        )
        .unwrap();
        ProtocolFixture::new(request, BodyFormat::Json)
            .with_secret("hunter2-toy")
            .with_tracking_numbers(
                ["TOY0001", "TOY0002", "TOY0003"]
                    .iter()
                    .map(|n| TrackingNumber::new(n).unwrap())
                    .collect(),
            )
            .with_success_body(Operation::Rate, r#"{"rates": [{"service": "X"}]}"#)
            .with_track_responder(|requests| {
                requests
                    .iter()
                    .map(|r| {
                        let n = r.url.rsplit('/').next().unwrap();
                        HttpResponse::new(200, format!(r#"{{"number": "{n}"}}"#))
                    })
                    .collect()
            })
    }

    fn failure_of(flaw: Flaw) -> String {
        let toy = Toy {
            secret: "hunter2-toy".into(),
            flaw,
        };
        let fixture = fixture();
        match guard(|| run_protocol_conformance(&toy, &fixture)) {
            Ok(()) => String::new(),
            Err(message) => message,
        }
    }

    #[test]
    fn a_sound_protocol_passes() {
        assert_eq!(failure_of(Flaw::None), "");
    }

    #[test]
    fn each_flaw_is_reported() {
        for (flaw, expected) in [
            (Flaw::ShowsSecret, "Debug shows the secret `hunter2-toy`"),
            (
                Flaw::PanicsOnGarbage,
                "HTTP 200 with garbage: parse_rate (round 0) panicked: unexpected byte",
            ),
            (
                Flaw::CallsOutagesRefusals,
                "Rate / HTTP 503: round 0: kind rejected (expected unavailable), retryable false (expected true)",
            ),
            (
                Flaw::ForgetsTheWait,
                "HTTP 429 with Retry-After: round 0: retry_after_ms None (expected Some(17000))",
            ),
            (
                Flaw::TakesHtmlForNoRates,
                "Rate / HTTP 200 with an HTML page: round 0 gave 0 rate(s)",
            ),
            (
                Flaw::ReordersTracking,
                "2 numbers in order: result 0 is for TOY0002 but number 0 is TOY0001",
            ),
        ] {
            let message = failure_of(flaw);
            assert!(message.contains(expected), "{flaw:?}: {message}");
        }
    }

    #[test]
    fn overrides_and_carrier_cases_change_what_is_expected() {
        let toy = Toy {
            secret: "hunter2-toy".into(),
            flaw: Flaw::CallsOutagesRefusals,
        };
        let fixture = fixture()
            .expect(None, "HTTP 503", Expectation::kind(ErrorKind::Rejected))
            .expect(
                None,
                "HTTP 503 with Retry-After",
                Expectation::kind(ErrorKind::Rejected),
            )
            .with_case(
                ResponseCase::new(
                    "a 418",
                    HttpResponse::new(418, ""),
                    Expectation::kind(ErrorKind::Rejected),
                )
                .only(&[Operation::Track]),
            );
        check_error_responses(&toy, &fixture);
        let cases = fixture.cases_for(Operation::Track);
        assert!(cases.iter().any(|c| c.name == "a 418"));
        assert!(
            !fixture
                .cases_for(Operation::Rate)
                .iter()
                .any(|c| c.name == "a 418")
        );
    }
}
