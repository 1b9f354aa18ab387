//! The USPS sandbox over real loopback HTTP, driven by the USPS protocol's own requests:
//! OAuth with scopes, Shipping Options, the prices fallback, validation errors with the
//! inventory's codes, 207 batches, injected faults.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, ErrorKind, Exchange, HttpRequest, HttpResponse, Method,
    Parcel, Rate, RateRequest, Status, Step, TrackingNumber, Weight,
};
use shipmux_sandbox::{Fault, Sandbox, SandboxOptions};
use shipmux_usps::sandbox::{self, ShippingOptionsAccess, UspsSandboxSettings};
use shipmux_usps::{Usps, UspsProtocol};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn send(request: &HttpRequest, token: Option<&str>) -> HttpResponse {
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
    if let Some(t) = token {
        r = r.bearer_auth(t);
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

fn protocol(sandbox: &Sandbox) -> UspsProtocol {
    Usps::builder()
        .client_id("sandbox-client")
        .client_secret("sandbox-secret")
        .base_url(sandbox.base_url())
        .build()
        .unwrap()
}

async fn token(usps: &UspsProtocol) -> String {
    let response = send(&usps.build_token().unwrap(), None).await;
    usps.parse_token(&response)
        .unwrap()
        .token
        .expose()
        .to_string()
}

/// Runs the rounds of a quote as the host would.
async fn quote(
    usps: &UspsProtocol,
    token: &str,
    request: &RateRequest,
) -> Result<Vec<Rate>, shipmux_core::Error> {
    let mut requests = usps.build_rate(request)?;
    for round in 0..4 {
        let mut responses = Vec::new();
        for r in &requests {
            responses.push(send(r, Some(token)).await);
        }
        let exchange = Exchange {
            round,
            requests,
            responses,
        };
        match usps.parse_rate(request, &exchange)? {
            Step::Done(rates) => return Ok(rates),
            Step::Next(next) => requests = next,
        }
    }
    panic!("too many rounds")
}

fn request(parcels: Vec<Parcel>) -> RateRequest {
    RateRequest::new(
        Address::new("US", "10001"),
        Address::new("US", "90210"),
        parcels,
    )
    .unwrap()
}

fn boxed(lb: &str, l: &str, w: &str, h: &str) -> Parcel {
    Parcel::new(Weight::lb(d(lb))).with_dimensions(Dimensions::inches(d(l), d(w), d(h)))
}

#[tokio::test]
async fn shipping_options_quote_with_commitments_and_deterministic_prices() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    let req =
        request(vec![boxed("2.5", "10", "8", "4")]).with_ship_date("2026-11-23".parse().unwrap());
    let rates = quote(&usps, &t, &req).await.unwrap();
    let classes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert!(
        classes.contains(&"USPS_GROUND_ADVANTAGE") && classes.contains(&"PRIORITY_MAIL_EXPRESS"),
        "{classes:?}"
    );
    // A 10×8×4 box fits the Medium Flat Rate Box: two Priority Mail options.
    assert_eq!(classes.iter().filter(|c| **c == "PRIORITY_MAIL").count(), 2);
    let pme = rates
        .iter()
        .find(|r| r.service == "PRIORITY_MAIL_EXPRESS")
        .unwrap();
    assert!(pme.guaranteed);
    assert!(pme.transit_days.is_some() && pme.estimated_delivery.is_some());
    assert!(
        rates
            .iter()
            .all(|r| r.total.currency.as_str() == "USD" && r.total.amount > Decimal::ZERO)
    );
    // Same request, same prices.
    let again = quote(&usps, &t, &req).await.unwrap();
    assert_eq!(rates, again);
    assert_eq!(sb.stats().requests("POST /shipments/v3/options/search"), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_big_parcel_drops_the_classes_it_is_too_big_for() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    // 40 + 2×(20+15) = 110 in: over Priority Mail's 108, within Ground Advantage's 130.
    let req = request(vec![
        boxed("1", "10", "8", "4"),
        boxed("12", "40", "20", "15"),
    ]);
    let rates = quote(&usps, &t, &req).await.unwrap();
    let classes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(classes, ["USPS_GROUND_ADVANTAGE", "PARCEL_SELECT"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn forbidden_shipping_options_fall_back_to_prices() {
    for access in [
        ShippingOptionsAccess::Forbidden,
        ShippingOptionsAccess::NotFound,
    ] {
        let sb = sandbox::start_with(
            SandboxOptions::default(),
            UspsSandboxSettings::with_shipping_options(access),
        )
        .await
        .unwrap();
        let usps = protocol(&sb);
        let t = token(&usps).await;
        let rates = quote(
            &usps,
            &t,
            &request(vec![boxed("3", "12", "10", "6"), boxed("1", "6", "4", "2")]),
        )
        .await
        .unwrap();
        assert!(!rates.is_empty());
        assert!(
            rates.iter().all(|r| r.transit_days.is_none()),
            "prices carry no commitment"
        );
        let stats = sb.stats();
        assert_eq!(
            stats.requests("POST /shipments/v3/options/search"),
            2,
            "{access:?}"
        );
        assert_eq!(
            stats.requests("POST /prices/v3/total-rates/search"),
            2,
            "{access:?}"
        );
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn international_quotes_have_no_commitment() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    let req = RateRequest::new(
        Address::new("US", "10001"),
        Address::new("GB", "SW1A 1AA"),
        vec![boxed("2", "10", "8", "4")],
    )
    .unwrap();
    let rates = quote(&usps, &t, &req).await.unwrap();
    let classes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(
        classes,
        [
            "FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE",
            "PRIORITY_MAIL_INTERNATIONAL",
            "PRIORITY_MAIL_EXPRESS_INTERNATIONAL"
        ]
    );
    assert!(
        rates
            .iter()
            .all(|r| r.transit_days.is_none() && r.estimated_delivery.is_none())
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn validation_answers_with_the_inventory_codes() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    let cases = [
        (request(vec![boxed("80", "10", "8", "4")]), "030004"),
        (
            RateRequest::new(
                Address::new("US", "00012"),
                Address::new("US", "90210"),
                vec![boxed("1", "5", "5", "5")],
            )
            .unwrap(),
            "030001",
        ),
    ];
    for (req, code) in cases {
        let e = quote(&usps, &t, &req).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected, "{e}");
        assert_eq!(e.code.as_deref(), Some(code), "{e}");
    }
    // Raw requests: a missing field, a bad ZIP.
    let url = format!("{}/shipments/v3/options/search", sb.base_url());
    let bodies = [
        (
            json!({"pricingOptions": [{"priceType": "RETAIL"}], "originZIPCode": "10001", "destinationZIPCode": "90210",
                "packageDescription": {"length": 1, "width": 1, "height": 1, "mailClass": "ALL"}}),
            "030010",
        ),
        (
            json!({"pricingOptions": [{"priceType": "RETAIL"}], "originZIPCode": "10001", "destinationZIPCode": "9021",
                "packageDescription": {"weight": 1, "length": 1, "width": 1, "height": 1, "mailClass": "ALL"}}),
            "160244",
        ),
        (
            json!({"pricingOptions": [{"priceType": "CONTRACT"}], "originZIPCode": "10001", "destinationZIPCode": "90210",
                "packageDescription": {"weight": 1, "length": 1, "width": 1, "height": 1, "mailClass": "ALL"}}),
            "160154",
        ),
    ];
    for (body, code) in bodies {
        let r = send(&HttpRequest::post(&url).json(&body).unwrap(), Some(&t)).await;
        assert_eq!(r.status, 400);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["error"]["errors"][0]["code"], code, "{v}");
        assert_eq!(v["apiVersion"], "v3");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn oauth_needs_credentials_and_grants_scopes() {
    let sb = sandbox::start(SandboxOptions::default().expect_credentials("id", "secret"))
        .await
        .unwrap();
    let wrong = Usps::builder()
        .client_id("id")
        .client_secret("nope")
        .base_url(sb.base_url())
        .build()
        .unwrap();
    let e = wrong
        .parse_token(&send(&wrong.build_token().unwrap(), None).await)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.code.as_deref(), Some("invalid_client"));
    // A scope token with a quote breaks RFC 6749's scope syntax.
    let bad_scope = Usps::builder()
        .client_id("id")
        .client_secret("secret")
        .scopes("prices \"labels\"")
        .base_url(sb.base_url())
        .build()
        .unwrap();
    let e = bad_scope
        .parse_token(&send(&bad_scope.build_token().unwrap(), None).await)
        .unwrap_err();
    assert_eq!(e.code.as_deref(), Some("invalid_scope"));
    // A form-encoded request works as well as JSON.
    let form = HttpRequest::post(format!("{}/oauth2/v3/token", sb.base_url())).body(
        "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=id&client_secret=secret&scope=tracking",
    );
    let r = send(&form, None).await;
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["scope"], "tracking");
    assert!(v["expires_in"].is_u64());
    // That token cannot quote: 403, the scope is missing.
    let tracking_only = v["access_token"].as_str().unwrap().to_string();
    let usps = Usps::builder()
        .client_id("id")
        .client_secret("secret")
        .base_url(sb.base_url())
        .build()
        .unwrap();
    let e = quote(
        &usps,
        &tracking_only,
        &request(vec![boxed("1", "5", "5", "5")]),
    )
    .await;
    // 403 on Shipping Options falls back; the prices API then refuses too.
    let e = e.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    // No token at all: USPS's 401.
    let r = send(
        &usps
            .build_rate(&request(vec![boxed("1", "5", "5", "5")]))
            .unwrap()[0],
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").is_some());
    sb.shutdown().await;
}

#[tokio::test]
async fn batch_tracking_answers_207_with_a_not_found() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    let numbers: Vec<TrackingNumber> = [
        "9400111202555842761023",
        "9400111202555842760000",
        "9205590164917312751089",
    ]
    .iter()
    .map(|n| TrackingNumber::new(n).unwrap())
    .collect();
    let requests = usps.build_track(&numbers).unwrap();
    let response = send(&requests[0], Some(&t)).await;
    assert_eq!(response.status, 207);
    let results = usps
        .parse_track(
            &numbers,
            &Exchange {
                round: 0,
                requests,
                responses: vec![response],
            },
        )
        .unwrap();
    let first = results[0].as_ref().unwrap();
    assert_ne!(first.status, Status::Unknown);
    assert!(!first.events.is_empty());
    let time = first.events[0].time.as_deref().unwrap();
    assert!(time.len() == 25 && time.as_bytes()[10] == b'T', "{time}");
    let e = results[1].as_ref().unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.code.as_deref(), Some("150002"));
    assert!(results[2].is_ok());
    // All known: a plain 200.
    let known = &numbers[..1];
    let requests = usps.build_track(known).unwrap();
    assert_eq!(send(&requests[0], Some(&t)).await.status, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn injected_rate_limit_carries_retry_after_in_usps_shape() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    sb.inject_at(
        "/shipments",
        Fault::Status429 {
            retry_after_secs: Some(30),
        },
        1,
    );
    let e = quote(&usps, &t, &request(vec![boxed("1", "5", "5", "5")]))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.code.as_deref(), Some("429"));
    assert_eq!(e.retry_after_ms, Some(30_000));
    sb.shutdown().await;
}

#[tokio::test]
async fn base_rates_answer_is_written_exactly() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let usps = protocol(&sb);
    let t = token(&usps).await;
    let request = HttpRequest::post(format!("{}/prices/v3/base-rates/search", sb.base_url()))
        .body(
            "application/json",
            r#"{"destinationEntryFacilityType":"NONE","destinationZIPCode":"10001","height":4,"length":9,"mailClass":"PRIORITY_MAIL","originZIPCode":"90210","priceType":"COMMERCIAL","processingCategory":"MACHINABLE","rateIndicator":"FB","weight":1,"width":7}"#,
        );
    let response = send(&request, Some(&t)).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    // Prices with two decimals, weights as computed, empty lists written, no extraServices.
    assert_eq!(
        response.text(),
        r#"{"rates":[{"SKU":"DPFB1XXXXR00700","description":"Priority Mail Medium Flat Rate Box","destinationEntryFacilityType":"NONE","dimWeight":0,"dimensionalWeight":0,"endDate":"","fees":[],"mailClass":"PRIORITY_MAIL","price":19.30,"priceType":"COMMERCIAL","processingCategory":"NONSTANDARD","productDefinition":"","productName":"Priority Mail Medium Flat Rate Box","rateIndicator":"FB","startDate":"2026-01-18","weight":1,"zone":"08"}],"totalBasePrice":19.30}"#
    );
    sb.shutdown().await;
}
