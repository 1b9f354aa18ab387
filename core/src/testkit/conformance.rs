//! The conformance suite: what every [`Carrier`] — built in, HTTP-driven or plugin — must do.
//!
//! Each `check_*` function panics with a message naming the carrier and the broken promise, so
//! a carrier's tests call them (or [`run_conformance`]) inside `#[tokio::test]` functions.
//! A panic *inside the carrier* is caught and reported as a failure too.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use rust_decimal::Decimal;

use crate::carrier::Carrier;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Address, CarrierId, Parcel, RateRequest, TrackingNumber, Weight};

/// What a carrier's conformance run needs: a request it can quote and tracking numbers.
#[derive(Clone, Debug)]
pub struct ConformanceFixture {
    /// A valid request the carrier quotes with at least one rate.
    pub request: RateRequest,
    /// A tracking number the carrier knows; tracking checks are skipped when `None`.
    pub known_tracking: Option<TrackingNumber>,
    /// A well-formed tracking number the carrier does not know (a default is provided).
    pub unknown_tracking: TrackingNumber,
    /// Whether `connect()` is expected to succeed (true by default).
    pub expect_connect: bool,
}

impl ConformanceFixture {
    /// A fixture with a quotable request, no known tracking number, and a default unknown one.
    pub fn new(request: RateRequest) -> Self {
        ConformanceFixture {
            request,
            known_tracking: None,
            unknown_tracking: TrackingNumber::new("NOSUCHSHIPMENT0000000000")
                .expect("literal tracking number"),
            expect_connect: true,
        }
    }

    /// Sets a tracking number the carrier knows.
    pub fn with_known_tracking(mut self, number: TrackingNumber) -> Self {
        self.known_tracking = Some(number);
        self
    }

    /// Sets a well-formed tracking number the carrier does not know (some carriers check the
    /// shape of numbers, so the default may not suit them).
    pub fn with_unknown_tracking(mut self, number: TrackingNumber) -> Self {
        self.unknown_tracking = number;
        self
    }

    /// Skips the `connect()` check (for carriers whose fixture has no reachable upstream).
    pub fn without_connect(mut self) -> Self {
        self.expect_connect = false;
        self
    }
}

/// Runs every check in order: info, connect, quote, services filter, invalid requests,
/// tracking of a known and an unknown number.
pub async fn run_conformance(carrier: &dyn Carrier, fixture: &ConformanceFixture) {
    check_info(carrier);
    if fixture.expect_connect {
        check_connect(carrier).await;
    }
    let caps = carrier.info().capabilities.clone();
    if caps.rates {
        check_quote(carrier, &fixture.request).await;
        check_quote_honours_services(carrier, &fixture.request).await;
    }
    check_invalid_requests_are_refused(carrier, &fixture.request).await;
    if caps.tracking {
        if let Some(known) = &fixture.known_tracking {
            check_track_known(carrier, known).await;
        }
        check_track_unknown(carrier, &fixture.unknown_tracking).await;
    }
}

/// Calls `f`, turning a panic inside the carrier into a test failure that says so.
async fn no_panic<T>(
    carrier: &CarrierId,
    what: &str,
    f: impl std::future::Future<Output = T>,
) -> T {
    match AssertUnwindSafe(f).catch_unwind().await {
        Ok(v) => v,
        Err(_) => panic!("conformance[{carrier}]: {what} panicked; carriers must return errors"),
    }
}

/// Asserts that `err` names `carrier`.
fn assert_names_carrier(carrier: &CarrierId, err: &Error, what: &str) {
    assert_eq!(
        err.carrier.as_ref(),
        Some(carrier),
        "conformance[{carrier}]: the error from {what} must name the carrier: {err:?}"
    );
    assert!(
        !err.message.trim().is_empty(),
        "conformance[{carrier}]: the error from {what} has no message: {err:?}"
    );
}

/// Info is sane: a valid id, a name, unique named services when it quotes, a batch size.
pub fn check_info(carrier: &dyn Carrier) {
    let info = carrier.info();
    let id = &info.id;
    assert!(
        CarrierId::new(id.as_str()).is_ok(),
        "conformance[{id}]: invalid carrier id"
    );
    assert!(
        !info.name.trim().is_empty(),
        "conformance[{id}]: the carrier has no name"
    );
    if info.capabilities.rates {
        assert!(
            !info.services.is_empty(),
            "conformance[{id}]: a carrier that quotes lists its services"
        );
    }
    let mut seen = BTreeSet::new();
    for s in &info.services {
        assert!(
            !s.code.trim().is_empty() && !s.name.trim().is_empty(),
            "conformance[{id}]: service {s:?} needs a code and a name"
        );
        assert!(
            seen.insert(s.code.as_str()),
            "conformance[{id}]: service code {} is listed twice",
            s.code
        );
    }
}

/// `connect()` succeeds.
pub async fn check_connect(carrier: &dyn Carrier) {
    let id = carrier.info().id.clone();
    let result = no_panic(&id, "connect()", carrier.connect()).await;
    if let Err(e) = result {
        panic!("conformance[{id}]: connect() failed: {e}");
    }
}

/// Quoting `request` gives at least one rate, all of this carrier, positive totals in one
/// currency, named services, charges and list totals in the same currency.
pub async fn check_quote(carrier: &dyn Carrier, request: &RateRequest) {
    let id = carrier.info().id.clone();
    let rates = match no_panic(&id, "quote()", carrier.quote(request)).await {
        Ok(rates) => rates,
        Err(e) => panic!("conformance[{id}]: quoting the fixture request failed: {e}"),
    };
    assert!(
        !rates.is_empty(),
        "conformance[{id}]: the fixture request got no rates"
    );
    let currency = rates[0].total.currency.clone();
    for r in &rates {
        assert_eq!(
            r.carrier, id,
            "conformance[{id}]: a rate names another carrier: {r:?}"
        );
        assert!(
            !r.service.trim().is_empty() && !r.service_name.trim().is_empty(),
            "conformance[{id}]: a rate needs a service code and name: {r:?}"
        );
        assert!(
            r.total.amount > Decimal::ZERO,
            "conformance[{id}]: rate {} has a total that is not positive: {}",
            r.service,
            r.total
        );
        assert_eq!(
            r.total.currency, currency,
            "conformance[{id}]: rates mix currencies ({} and {})",
            currency, r.total.currency
        );
        if let Some(list) = &r.list_total {
            assert_eq!(
                list.currency, currency,
                "conformance[{id}]: list_total of {} is in another currency",
                r.service
            );
        }
        for c in &r.charges {
            assert_eq!(
                c.amount.currency, currency,
                "conformance[{id}]: a charge of {} is in another currency",
                r.service
            );
        }
    }
}

/// Quoting with `services` set returns only those services; an unknown service yields no
/// rates or a typed error naming the carrier.
pub async fn check_quote_honours_services(carrier: &dyn Carrier, request: &RateRequest) {
    let id = carrier.info().id.clone();
    let all = match no_panic(&id, "quote()", carrier.quote(request)).await {
        Ok(rates) => rates,
        Err(e) => panic!("conformance[{id}]: quoting the fixture request failed: {e}"),
    };
    let Some(first) = all.first() else {
        panic!("conformance[{id}]: the fixture request got no rates");
    };
    let only = request.clone().with_services([first.service.clone()]);
    match no_panic(&id, "quote() with services", carrier.quote(&only)).await {
        Ok(rates) => {
            assert!(
                !rates.is_empty(),
                "conformance[{id}]: asking only for {} returned nothing although it was offered",
                first.service
            );
            assert!(
                rates.iter().all(|r| r.service == first.service),
                "conformance[{id}]: asked only for {}, got {:?}",
                first.service,
                rates.iter().map(|r| &r.service).collect::<Vec<_>>()
            );
        }
        Err(e) => panic!(
            "conformance[{id}]: asking only for offered service {} failed: {e}",
            first.service
        ),
    }
    let none = request.clone().with_services(["NO_SUCH_SERVICE_ZZ"]);
    match no_panic(&id, "quote() with an unknown service", carrier.quote(&none)).await {
        Ok(rates) => assert!(
            rates.is_empty(),
            "conformance[{id}]: an unknown service must get no rates, got {rates:?}"
        ),
        Err(e) => assert_names_carrier(&id, &e, "quote() with an unknown service"),
    }
}

/// Requests that break the model's rules (built without validation) are refused with a typed
/// error naming the carrier — never a panic, never rates.
pub async fn check_invalid_requests_are_refused(carrier: &dyn Carrier, valid: &RateRequest) {
    let id = carrier.info().id.clone();
    let mut no_parcels = valid.clone();
    no_parcels.parcels.clear();
    let mut zero_weight = valid.clone();
    zero_weight.parcels = vec![Parcel::new(Weight::new(
        Decimal::ZERO,
        valid.parcels[0].weight.unit,
    ))];
    let mut bad_country = valid.clone();
    bad_country.destination = Address {
        country: "XX".into(),
        ..valid.destination.clone()
    };
    for (what, request) in [
        ("no parcels", no_parcels),
        ("a zero weight", zero_weight),
        ("an unknown country", bad_country),
    ] {
        let result: Result<_> = no_panic(&id, "quote()", carrier.quote(&request)).await;
        match result {
            Ok(rates) => panic!(
                "conformance[{id}]: a request with {what} must be refused, got {} rates",
                rates.len()
            ),
            Err(e) => assert_names_carrier(&id, &e, &format!("a request with {what}")),
        }
    }
}

/// Tracking a known number gives a `Tracking` for that number from this carrier.
pub async fn check_track_known(carrier: &dyn Carrier, number: &TrackingNumber) {
    let id = carrier.info().id.clone();
    match no_panic(&id, "track()", carrier.track(number)).await {
        Ok(t) => {
            assert_eq!(
                TrackingNumber::new(&t.tracking_number).ok().as_ref(),
                Some(number),
                "conformance[{id}]: tracked {number}, got {}",
                t.tracking_number
            );
            assert_eq!(
                t.carrier, id,
                "conformance[{id}]: tracking names another carrier"
            );
        }
        Err(e) => panic!("conformance[{id}]: tracking known number {number} failed: {e}"),
    }
}

/// Tracking an unknown number is a `not_found` error naming the carrier.
pub async fn check_track_unknown(carrier: &dyn Carrier, number: &TrackingNumber) {
    let id = carrier.info().id.clone();
    match no_panic(&id, "track()", carrier.track(number)).await {
        Ok(t) => panic!("conformance[{id}]: unknown number {number} was tracked: {t:?}"),
        Err(e) => {
            assert_eq!(
                e.kind,
                ErrorKind::NotFound,
                "conformance[{id}]: an unknown number must be not_found, got {e}"
            );
            assert_names_carrier(&id, &e, "tracking an unknown number");
        }
    }
}
