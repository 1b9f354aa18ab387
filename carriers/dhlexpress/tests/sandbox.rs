//! The DHL Express sandbox over real loopback HTTP, driven by the protocol's own requests
//! (a tiny driver here plays the host): the address look-ups and the rate call, DHL's checks
//! and codes, batch and piece tracking, injected faults, and the core conformance suite.

use std::str::FromStr;

use async_trait::async_trait;
use rust_decimal::Decimal;
use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{
    Address, Carrier, CarrierInfo, CarrierProtocol, ChargeKind, Dimensions, Error, ErrorKind,
    Exchange, HttpRequest, HttpResponse, LengthUnit, Method, Parcel, Rate, RateRequest, Status,
    Step, Tracking, TrackingNumber, Weight,
};
use shipmux_dhlexpress::{DhlExpress, DhlExpressProtocol, sandbox};
use shipmux_sandbox::{Fault, Sandbox, SandboxOptions};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Sends one request as the host would, keeping every response header.
async fn send(request: &HttpRequest) -> HttpResponse {
    let client = reqwest::Client::new();
    let method = match request.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut r = client
        .request(method, &request.url)
        .body(request.body.clone());
    for (k, v) in &request.headers {
        r = r.header(k, v);
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let mut out = HttpResponse::new(status, response.bytes().await.unwrap().to_vec());
    out.headers = headers;
    out
}

fn protocol(sandbox: &Sandbox) -> DhlExpressProtocol {
    DhlExpress::builder()
        .username("sandbox-user")
        .password("sandbox-password")
        .account_number(sandbox::ACCOUNT_NUMBER)
        .base_url(format!("{}/mydhlapi/test", sandbox.base_url()))
        .build()
        .unwrap()
}

/// The protocol driven over HTTP, as the host's `HttpCarrier` drives it (minus retries).
struct Driver {
    protocol: DhlExpressProtocol,
    info: CarrierInfo,
}

impl Driver {
    fn new(protocol: DhlExpressProtocol) -> Self {
        let info = protocol.info();
        Driver { protocol, info }
    }

    /// The rounds of a quote, and the last round's requests.
    async fn quote_rounds(
        &self,
        request: &RateRequest,
    ) -> (Result<Vec<Rate>, Error>, Vec<Exchange>) {
        let mut exchanges = Vec::new();
        let mut requests = match self.protocol.build_rate(request) {
            Ok(r) => r,
            Err(e) => return (Err(e), exchanges),
        };
        for round in 0..4 {
            let mut responses = Vec::new();
            for r in &requests {
                responses.push(send(r).await);
            }
            let exchange = Exchange {
                round,
                requests,
                responses,
            };
            let step = self.protocol.parse_rate(request, &exchange);
            exchanges.push(exchange);
            match step {
                Ok(Step::Done(mut rates)) => {
                    rates.retain(|r| request.wants_service(&r.service));
                    return (Ok(rates), exchanges);
                }
                Ok(Step::Next(next)) => requests = next,
                Err(e) => return (Err(e), exchanges),
            }
        }
        panic!("too many rounds")
    }

    async fn track_numbers(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking, Error>> {
        let requests = self.protocol.build_track(numbers).unwrap();
        let mut responses = Vec::new();
        for r in &requests {
            responses.push(send(r).await);
        }
        let exchange = Exchange {
            round: 0,
            requests,
            responses,
        };
        self.protocol.parse_track(numbers, &exchange).unwrap()
    }
}

#[async_trait]
impl Carrier for Driver {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }

    async fn connect(&self) -> shipmux_core::Result<()> {
        let request = self.protocol.build_connect()?.expect("a connect request");
        self.protocol.parse_connect(&send(&request).await)
    }

    async fn quote(&self, request: &RateRequest) -> shipmux_core::Result<Vec<Rate>> {
        let result = match request.validate() {
            Ok(()) => self.quote_rounds(request).await.0,
            Err(e) => Err(e),
        };
        result.map_err(|e| e.with_carrier(&self.info.id))
    }

    async fn track(&self, number: &TrackingNumber) -> shipmux_core::Result<Tracking> {
        self.track_numbers(std::slice::from_ref(number))
            .await
            .pop()
            .unwrap()
            .map_err(|e| e.with_carrier(&self.info.id))
    }
}

fn parcel_kg(kg: &str, l: &str, w: &str, h: &str) -> Parcel {
    Parcel::new(Weight::kg(d(kg))).with_dimensions(Dimensions::new(
        d(l),
        d(w),
        d(h),
        LengthUnit::Cm,
    ))
}

fn bonn_to_new_york() -> RateRequest {
    RateRequest::new(
        Address::new("DE", "53113").with_city("Bonn"),
        Address::new("US", "10001").with_city("New York"),
        vec![
            parcel_kg("2", "30", "20", "10"),
            parcel_kg("1.5", "20", "20", "20"),
        ],
    )
    .unwrap()
    .with_ship_date("2026-12-01".parse().unwrap())
}

fn body(exchange: &Exchange) -> serde_json::Value {
    serde_json::from_slice(&exchange.requests[0].body).unwrap()
}

#[tokio::test]
async fn an_international_quote_with_cities_and_a_date_is_one_round() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let dhl = Driver::new(protocol(&sb));
    let (rates, exchanges) = dhl.quote_rounds(&bonn_to_new_york()).await;
    let rates = rates.unwrap();
    assert_eq!(exchanges.len(), 1);
    let sent = body(&exchanges[0]);
    assert_eq!(sent["isCustomsDeclarable"], true);
    assert_eq!(
        sent["plannedShippingDateAndTime"],
        "2026-12-01T10:00:00 GMT+00:00"
    );
    let codes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(codes, ["P", "Y", "M", "E", "H"]);
    for r in &rates {
        assert_eq!(
            r.total.currency.as_str(),
            "EUR",
            "a German account bills in euros"
        );
        let sum: Decimal = r.charges.iter().map(|c| c.amount.amount).sum();
        assert_eq!(sum, r.total.amount, "{r:?}");
        assert!(r.charges.iter().any(|c| c.kind == ChargeKind::Fuel));
        assert!(r.transit_days.is_some() && r.estimated_delivery.is_some());
        assert!(!r.guaranteed && r.list_total.is_none());
        // 2 + 1.5 kg provided; 6,000 + 8,000 cm³ / 5,000 = 2.8 kg volumetric.
        assert_eq!(r.billed_weight, Some(Weight::kg(d("3.5"))));
    }
    let y = rates.iter().find(|r| r.service == "Y").unwrap();
    assert!(y.charges.iter().any(|c| c.code.as_deref() == Some("YK")));
    assert!(y.total.amount > rates[0].total.amount);
    // Same request, same prices.
    assert_eq!(
        dhl.quote_rounds(&bonn_to_new_york()).await.0.unwrap(),
        rates
    );
    assert_eq!(sb.stats().requests("POST /mydhlapi/test/rates"), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_domestic_quote_without_city_or_date_looks_them_up_first() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let dhl = Driver::new(protocol(&sb));
    let request = RateRequest::new(
        Address::new("DE", "53113"),
        Address::new("DE", "20095"),
        vec![parcel_kg("4", "40", "30", "15")],
    )
    .unwrap();
    let (rates, exchanges) = dhl.quote_rounds(&request).await;
    let rates = rates.unwrap();
    assert_eq!(exchanges.len(), 2);
    assert_eq!(
        exchanges[0].requests.len(),
        2,
        "pickup and delivery look-ups"
    );
    let sent = body(&exchanges[1]);
    assert_eq!(
        sent["customerDetails"]["shipperDetails"]["cityName"],
        "BONN"
    );
    assert_eq!(
        sent["customerDetails"]["receiverDetails"]["cityName"],
        "HAMBURG"
    );
    assert_eq!(sent["isCustomsDeclarable"], false);
    // The next weekday after the sandbox's Date header, at the shipper's offset.
    let planned = sent["plannedShippingDateAndTime"].as_str().unwrap();
    assert!(planned.ends_with("T10:00:00 GMT+01:00"), "{planned}");
    let date = chrono::NaiveDate::parse_from_str(&planned[..10], "%Y-%m-%d").unwrap();
    let today = chrono::Utc::now().date_naive();
    assert!(
        date > today && date <= today + chrono::Duration::days(4),
        "{date}"
    );
    // EXPRESS EASY DOC comes priced at zero: no Rate.
    let codes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(codes, ["N", "1", "O", "I"]);
    let n = &rates[0];
    // German VAT inside each row: base, tax, fuel, tax.
    let kinds: Vec<ChargeKind> = n.charges.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChargeKind::Base,
            ChargeKind::Tax,
            ChargeKind::Fuel,
            ChargeKind::Tax
        ]
    );
    assert_eq!(n.charges[1].code.as_deref(), Some("DEFAUL"));
    let sum: Decimal = n.charges.iter().map(|c| c.amount.amount).sum();
    assert_eq!(sum, n.total.amount);
    let stats = sb.stats();
    assert_eq!(stats.requests("GET /mydhlapi/test/address-validate"), 2);
    assert_eq!(stats.requests_matching("/rates"), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn imperial_requests_are_rated_in_pounds_and_the_accounts_currency() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let dhl = Driver::new(protocol(&sb));
    let request = RateRequest::new(
        Address::new("US", "10001").with_city("New York"),
        Address::new("GB", "SW1A 1AA").with_city("London"),
        vec![
            Parcel::new(Weight::lb(d("5"))).with_dimensions(Dimensions::inches(
                d("12"),
                d("10"),
                d("8"),
            )),
        ],
    )
    .unwrap()
    .with_ship_date("2026-12-05".parse().unwrap()); // a Saturday: DHL moves it to Monday
    let (rates, exchanges) = dhl.quote_rounds(&request).await;
    let rates = rates.unwrap();
    let sent = body(&exchanges[0]);
    assert_eq!(sent["unitOfMeasurement"], "imperial");
    assert_eq!(sent["packages"][0]["weight"], 5);
    assert!(!rates.is_empty());
    for r in &rates {
        assert_eq!(r.total.currency.as_str(), "USD", "BILLC, not BASEC");
        // 960 in³ / 139 = 6.906 lb volumetric beats 5 lb.
        assert_eq!(r.billed_weight, Some(Weight::lb(d("6.906"))));
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn dhl_rules_answer_with_dhls_codes() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let bad_account = Driver::new(
        DhlExpress::builder()
            .username("u")
            .password("p")
            .account_number("NOSUCH")
            .base_url(format!("{}/mydhlapi", sb.base_url()))
            .build()
            .unwrap(),
    );
    let e = bad_account
        .quote_rounds(&bonn_to_new_york())
        .await
        .0
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("998")),
        "{e}"
    );

    let dhl = Driver::new(protocol(&sb));
    let heavy = RateRequest::new(
        Address::new("DE", "53113").with_city("Bonn"),
        Address::new("US", "10001").with_city("New York"),
        vec![parcel_kg("71", "60", "60", "60")],
    )
    .unwrap()
    .with_ship_date("2026-12-01".parse().unwrap());
    let e = dhl.quote_rounds(&heavy).await.0.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("1001")),
        "{e}"
    );

    // No dimensions: a 1 × 1 × 1 cm box, rated on its actual weight.
    let mut flat = bonn_to_new_york();
    flat.parcels[0].dimensions = None;
    let (rates, exchanges) = dhl.quote_rounds(&flat).await;
    assert_eq!(
        body(&exchanges[0])["packages"][0]["dimensions"],
        serde_json::json!({"length": 1, "width": 1, "height": 1})
    );
    // 2 + 1.5 kg provided beats 0.0002 + 1.6 kg volumetric.
    assert_eq!(rates.unwrap()[0].billed_weight, Some(Weight::kg(d("3.5"))));

    // What the protocol would never send, sent by hand: schema and header checks.
    let mut raw = dhl
        .protocol
        .build_rate(&bonn_to_new_york())
        .unwrap()
        .remove(0);
    let mut value: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    value["packages"][0]["weight"] = serde_json::json!(0.0001);
    value["customerDetails"]["shipperDetails"]["cityName"] = serde_json::json!("");
    raw.body = serde_json::to_vec(&value).unwrap();
    let response = send(&raw).await;
    assert_eq!(response.status, 422);
    let problem: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        problem["detail"],
        "Multiple problems found, see Additional Details"
    );
    assert_eq!(problem["additionalDetails"].as_array().unwrap().len(), 2);
    let e = shipmux_dhlexpress::parse_error_response(&response);
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("422"))
    );

    let mut raw = dhl
        .protocol
        .build_rate(&bonn_to_new_york())
        .unwrap()
        .remove(0);
    raw.headers.retain(|(k, _)| k != "x-version");
    raw.headers.push(("x-version".into(), "2.0".into()));
    let e = shipmux_dhlexpress::parse_error_response(&send(&raw).await);
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("9001"))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_unauthenticated_everywhere() {
    let sb = sandbox::start(SandboxOptions::default().expect_credentials("right", "pass"))
        .await
        .unwrap();
    let wrong = Driver::new(protocol(&sb));
    let e = wrong.connect().await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unauthenticated, Some("401"))
    );
    let e = wrong.quote_rounds(&bonn_to_new_york()).await.0.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    let right = Driver::new(
        DhlExpress::builder()
            .username("right")
            .password("pass")
            .account_number(sandbox::ACCOUNT_NUMBER)
            .base_url(format!("{}/mydhlapi", sb.base_url()))
            .build()
            .unwrap(),
    );
    right.connect().await.unwrap();
    sb.shutdown().await;
}

#[tokio::test]
async fn batches_track_in_one_call_newest_event_first() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let dhl = Driver::new(protocol(&sb));
    let numbers: Vec<TrackingNumber> = [
        "9356579890",
        "4818240420",
        "5584773180",
        "9356579891", // wrong check digit: unknown to DHL
        "JD014600002449648740",
    ]
    .iter()
    .map(|n| TrackingNumber::new(n).unwrap())
    .collect();
    let results = dhl.track_numbers(&numbers).await;
    assert_eq!(results.len(), 5);
    for (n, r) in numbers.iter().zip(&results).take(3) {
        let t = r.as_ref().unwrap();
        assert_eq!(t.tracking_number, n.as_str());
        let times: Vec<&str> = t.events.iter().filter_map(|e| e.time.as_deref()).collect();
        assert!(
            times.windows(2).all(|w| w[0] >= w[1]),
            "newest first: {times:?}"
        );
        if t.status == Status::Delivered {
            assert!(t.delivered_at.is_some() && t.signed_by.is_some(), "{t:?}");
        }
    }
    let e = results[3].as_ref().unwrap_err();
    assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::NotFound, None));
    let piece = results[4].as_ref().unwrap();
    assert_eq!(piece.tracking_number, "JD014600002449648740");
    assert_eq!(sb.stats().requests("GET /mydhlapi/test/tracking"), 2);

    let unknown = dhl
        .track_numbers(&[TrackingNumber::new("0000000000").unwrap()])
        .await;
    let e = unknown[0].as_ref().unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("404"))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn injected_faults_come_back_in_dhls_shape() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let dhl = Driver::new(protocol(&sb));
    let request = bonn_to_new_york();
    sb.inject_at("/mydhlapi/test/rates", Fault::Status500, 1);
    let e = dhl.quote_rounds(&request).await.0.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref(), e.retryable),
        (ErrorKind::Unavailable, Some("999"), true)
    );
    sb.inject(
        Fault::Status429 {
            retry_after_secs: Some(3),
        },
        1,
    );
    let e = dhl.quote_rounds(&request).await.0.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref(), e.retry_after_ms),
        (ErrorKind::RateLimited, Some("429"), Some(3000))
    );
    sb.inject(
        Fault::Status503 {
            retry_after_secs: None,
        },
        1,
    );
    let e = dhl.quote_rounds(&request).await.0.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unavailable, Some("503"))
    );
    for fault in [Fault::MalformedBody, Fault::WrongContentType] {
        sb.inject(fault, 1);
        let e = dhl.quote_rounds(&request).await.0.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse, "{e}");
    }
    assert!(dhl.quote_rounds(&request).await.0.is_ok());
    sb.shutdown().await;
}

#[tokio::test]
async fn the_sandbox_passes_the_core_conformance_suite() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let dhl = Driver::new(protocol(&sb));
    let fixture = ConformanceFixture::new(bonn_to_new_york())
        .with_known_tracking(TrackingNumber::new("9356579890").unwrap())
        .with_unknown_tracking(TrackingNumber::new("0000000000").unwrap());
    run_conformance(&dhl, &fixture).await;
    sb.shutdown().await;
}
