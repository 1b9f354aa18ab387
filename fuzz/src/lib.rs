//! What the fuzz targets share: turning fuzz bytes into an [`HttpResponse`], the carriers'
//! protocols (each carrier's `DESCRIPTOR.offline` one, or a configured variant pointed at a
//! loopback address nothing listens on), and the requests and tracking numbers the parsers
//! are called with.
//!
//! Input layout of every carrier target: byte 0 picks the HTTP status, byte 1 picks the
//! headers (content type, `Retry-After` in every form a server might send), the rest is the
//! body. So the fuzzer explores error statuses and odd headers as well as odd bodies.

use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use shipmux_core::{
    Address, CarrierDescriptor, CarrierProtocol, Dimensions, Exchange, HttpRequest, HttpResponse,
    Parcel, RateRequest, Step, TrackingNumber, Weight,
};

/// The base URL the configured protocols below are built with: nothing is ever sent there.
pub const BASE_URL: &str = "http://127.0.0.1:9";

/// Statuses a carrier (or a proxy in front of it) answers with.
const STATUSES: [u16; 16] = [
    200, 200, 200, 200, 201, 207, 204, 400, 401, 403, 404, 422, 429, 500, 503, 302,
];

/// `Retry-After` values, sane and not.
const RETRY_AFTER: [&str; 10] = [
    "2",
    "0",
    "1.5",
    "-1",
    "1e300",
    "18446744073709551615",
    "18446744073709552",
    "NaN",
    "inf",
    "Wed, 21 Oct 2026 07:28:00 GMT",
];

/// Content types.
const CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "application/vnd.cpc.ship.rate-v4+xml",
    "text/html; charset=utf-8",
    "text/plain",
];

/// Splits fuzz input into a response: status from byte 0, headers from byte 1, body the rest.
pub fn response(data: &[u8]) -> HttpResponse {
    let (status, headers, body) = match data {
        [s, h, body @ ..] => (*s, *h, body),
        [s] => (*s, 0, &[][..]),
        [] => (0, 0, &[][..]),
    };
    let status = if status >= 0xF0 {
        // Now and then a status nobody expects (1xx, 3xx, 6xx, 999).
        100 + u16::from(status) * 3
    } else {
        STATUSES[usize::from(status) % STATUSES.len()]
    };
    let mut r = HttpResponse::new(status, body.to_vec());
    if headers & 0x80 == 0 {
        r = r.with_header(
            "Content-Type",
            CONTENT_TYPES[usize::from(headers) % CONTENT_TYPES.len()],
        );
    }
    if headers & 0x40 != 0 {
        r = r.with_header(
            "Retry-After",
            RETRY_AFTER[usize::from(headers >> 2) % RETRY_AFTER.len()],
        );
    }
    r
}

/// One round: every request answered with the same response.
pub fn exchange(round: u32, requests: Vec<HttpRequest>, response: &HttpResponse) -> Exchange {
    let responses = vec![response.clone(); requests.len()];
    Exchange {
        round,
        requests,
        responses,
    }
}

/// Runs `parse_rate` on `data`; if the protocol asks for another round, answers that one
/// with the same response (a fallback endpoint answering the same bytes). Panics are the
/// only failure: every `Err` is a fine answer to garbage.
pub fn rate_rounds<P: CarrierProtocol + ?Sized>(protocol: &P, request: &RateRequest, data: &[u8]) {
    let response = response(data);
    let Ok(mut requests) = protocol.build_rate(request) else {
        panic!("the fuzz request must build");
    };
    for round in 0..shipmux_core::protocol::MAX_ROUNDS {
        let ex = exchange(round, requests, &response);
        match protocol.parse_rate(request, &ex) {
            Ok(Step::Next(next)) => requests = next,
            Ok(Step::Done(rates)) => {
                // What is returned must serialize (it crosses the plugin ABI as JSON).
                serde_json::to_vec(&rates).expect("rates serialize");
                return;
            }
            Err(e) => {
                let _ = e.to_string();
                return;
            }
        }
    }
}

/// Runs `parse_track` on `data` for `numbers` and checks one result per number.
pub fn track<P: CarrierProtocol + ?Sized>(protocol: &P, numbers: &[TrackingNumber], data: &[u8]) {
    let response = response(data);
    let requests = protocol
        .build_track(numbers)
        .expect("the fuzz numbers must build");
    let ex = exchange(0, requests, &response);
    if let Ok(results) = protocol.parse_track(numbers, &ex) {
        assert_eq!(results.len(), numbers.len(), "one result per number");
        for t in results.into_iter().flatten() {
            serde_json::to_vec(&t).expect("trackings serialize");
        }
    }
}

/// Runs `parse_token` on `data`.
pub fn token<P: CarrierProtocol + ?Sized>(protocol: &P, data: &[u8]) {
    let response = response(data);
    if let Ok(t) = protocol.parse_token(&response) {
        // The token never shows in Debug.
        let shown = format!("{t:?}");
        let secret = t.token.expose();
        assert!(
            secret.len() < 8 || !shown.contains(secret),
            "token leaked into Debug"
        );
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// A US domestic request (two parcels, one with dimensions), or to Canada when `abroad`.
pub fn us_request(abroad: bool) -> RateRequest {
    let destination = if abroad {
        Address::new("CA", "K1A 0B1").with_region("ON")
    } else {
        Address::new("US", "30005")
            .with_region("GA")
            .residential(true)
    };
    RateRequest::new(
        Address::new("US", "21093").with_region("MD"),
        destination,
        vec![
            Parcel::new(Weight::lb(d("2.5"))).with_dimensions(Dimensions::inches(
                d("12"),
                d("8"),
                d("6"),
            )),
        ],
    )
    .expect("valid fuzz request")
}

/// A request `carrier` can quote (its descriptor's sample: a Canadian domestic parcel for
/// Canada Post).
pub fn sample_request(carrier: &CarrierDescriptor) -> RateRequest {
    (carrier.sample_request)()
}

/// Tracking numbers from a list of literals.
pub fn numbers(list: &[&str]) -> Vec<TrackingNumber> {
    list.iter()
        .map(|n| TrackingNumber::new(n).expect("valid fuzz tracking number"))
        .collect()
}

/// `carrier`'s protocol with placeholder credentials, as `shipmux decode` reads saved
/// answers: for the targets whose parser no setting changes (FedEx; every token answer).
pub fn offline(carrier: &CarrierDescriptor) -> Arc<dyn CarrierProtocol> {
    (carrier.offline)()
}

/// The UPS protocol (with an account, so negotiated rates are read too).
pub fn ups() -> shipmux_ups::UpsProtocol {
    shipmux_ups::Ups::builder()
        .client_id("fuzz-client")
        .client_secret("fuzz-secret")
        .account_number("A1B2C3")
        .base_url(BASE_URL)
        .build()
        .expect("UPS fuzz config")
}

/// The USPS protocol, on Shipping Options (with its fallback) or on the prices APIs, and on
/// the v3r2 batch or the v3 single tracking API.
pub fn usps(prices: bool, v3: bool) -> shipmux_usps::UspsProtocol {
    let mut b = shipmux_usps::Usps::builder()
        .client_id("fuzz-client")
        .client_secret("fuzz-secret")
        .base_url(BASE_URL);
    if prices {
        b = b.rate_api(shipmux_usps::config::RateApi::Prices);
    }
    if v3 {
        b = b.track_api(shipmux_usps::config::TrackApi::V3);
    }
    b.build().expect("USPS fuzz config")
}

/// The Canada Post protocol, with the detail or the summary tracking view.
pub fn canadapost(summary: bool) -> shipmux_canadapost::CanadaPostProtocol {
    let view = if summary {
        shipmux_canadapost::TrackingView::Summary
    } else {
        shipmux_canadapost::TrackingView::Detail
    };
    shipmux_canadapost::CanadaPost::builder()
        .username("fuzz-user")
        .password("fuzz-password")
        .customer_number("2004381")
        .base_url(BASE_URL)
        .tracking_view(view)
        .build()
        .expect("Canada Post fuzz config")
}
