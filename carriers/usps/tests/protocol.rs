//! The USPS protocol on our own USPS-format fixtures: request building, the three price
//! shapes, multi-parcel sums, the Shipping Options fallback round, errors, tracking.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{
    Address, CarrierProtocol, ChargeKind, Dimensions, ErrorKind, Exchange, HttpRequest,
    HttpResponse, LengthUnit, Parcel, Rate, RateRequest, Status, Step, TrackingNumber, Weight,
};
use shipmux_usps::{RateApi, TrackApi, Usps, UspsProtocol};

const BASE: &str = "http://127.0.0.1:9";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn usps() -> UspsProtocol {
    Usps::builder()
        .client_id("key")
        .client_secret("secret")
        .base_url(BASE)
        .build()
        .unwrap()
}

fn domestic(parcels: Vec<Parcel>) -> RateRequest {
    RateRequest::new(
        Address::new("US", "10001"),
        Address::new("US", "90210-1234"),
        parcels,
    )
    .unwrap()
}

fn parcel(lb: &str) -> Parcel {
    Parcel::new(Weight::lb(d(lb)))
}

fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn round(round: u32, requests: Vec<HttpRequest>, responses: Vec<HttpResponse>) -> Exchange {
    Exchange {
        round,
        requests,
        responses,
    }
}

fn done(step: Step<Vec<Rate>>) -> Vec<Rate> {
    match step {
        Step::Done(rates) => rates,
        Step::Next(r) => panic!("expected rates, got another round of {} requests", r.len()),
    }
}

fn ok(name: &str) -> HttpResponse {
    HttpResponse::new(200, fixture(name))
}

#[test]
fn shipping_options_request_is_in_pounds_and_inches_rounded_up() {
    let p = Parcel::new(Weight::g(d("40"))).with_dimensions(Dimensions::new(
        d("10"),
        d("30.1"),
        d("5"),
        LengthUnit::Cm,
    ));
    let request = domestic(vec![p]).with_ship_date("2026-11-25".parse().unwrap());
    let requests = usps().build_rate(&request).unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url,
        format!("{BASE}/shipments/v3/options/search")
    );
    let b = body(&requests[0]);
    let pkg = &b["packageDescription"];
    // 40 g = 0.088 lb → 0.09; 30.1 cm = 11.850… in → 11.86 (the longest side is `length`).
    assert_eq!(pkg["weight"].to_string(), "0.09");
    assert_eq!(pkg["length"].to_string(), "11.86");
    assert_eq!(pkg["width"].to_string(), "3.94");
    assert_eq!(pkg["height"].to_string(), "1.97");
    assert_eq!(pkg["mailClass"], "ALL");
    assert_eq!(pkg["mailingDate"], "2026-11-25");
    assert_eq!(b["originZIPCode"], "10001");
    assert_eq!(b["destinationZIPCode"], "90210");
    assert_eq!(b["destinationEntryFacilityType"], "NONE");
    assert_eq!(b["pricingOptions"][0]["priceType"], "RETAIL");
}

#[test]
fn request_bodies_are_written_exactly_with_absent_options_omitted() {
    let text = |r: &HttpRequest| String::from_utf8(r.body.clone()).unwrap();
    let request = domestic(vec![parcel("2.50")]);
    assert_eq!(
        text(&usps().build_rate(&request).unwrap()[0]),
        r#"{"destinationEntryFacilityType":"NONE","destinationZIPCode":"90210","originZIPCode":"10001","packageDescription":{"height":1,"length":1,"mailClass":"ALL","weight":2.5,"width":1},"pricingOptions":[{"priceType":"RETAIL"}]}"#
    );
    let prices = Usps::builder()
        .client_id("k")
        .client_secret("s")
        .base_url(BASE)
        .rate_api(RateApi::Prices)
        .payment_account("EPS", "1000115566")
        .build()
        .unwrap();
    let request = RateRequest::new(
        Address::new("US", "10001"),
        Address::new("GB", "SW1A 1AA"),
        vec![parcel("1")],
    )
    .unwrap()
    .with_ship_date("2026-11-25".parse().unwrap());
    assert_eq!(
        text(&prices.build_rate(&request).unwrap()[0]),
        r#"{"accountNumber":"1000115566","accountType":"EPS","destinationCountryCode":"GB","foreignPostalCode":"SW1A 1AA","height":1,"length":1,"mailClass":"ALL","mailingDate":"2026-11-25","originZIPCode":"10001","priceType":"RETAIL","weight":1,"width":1}"#
    );
}

#[test]
fn international_request_names_country_and_foreign_postcode() {
    let request = RateRequest::new(
        Address::new("US", "10001"),
        Address::new("GB", "SW1A 1AA"),
        vec![parcel("2.5")],
    )
    .unwrap();
    let b = body(&usps().build_rate(&request).unwrap()[0]);
    assert_eq!(b["destinationCountryCode"], "GB");
    assert_eq!(b["foreignPostalCode"], "SW1A 1AA");
    assert!(b.get("destinationZIPCode").is_none());
    assert!(b.get("destinationEntryFacilityType").is_none());
    assert_eq!(b["packageDescription"]["weight"].to_string(), "2.5");
}

#[test]
fn one_shipping_options_call_per_parcel() {
    let request = domestic(vec![parcel("3"), parcel("1"), parcel("0.5")]);
    let requests = usps().build_rate(&request).unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        body(&requests[2])["packageDescription"]["weight"].to_string(),
        "0.5"
    );
}

#[test]
fn not_from_the_us_is_refused_before_sending() {
    let request = RateRequest::new(
        Address::new("CA", "K1A0B1"),
        Address::new("US", "10001"),
        vec![parcel("1")],
    )
    .unwrap();
    let e = usps().build_rate(&request).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert!(e.message.starts_with("origin.country"), "{e}");
    assert_eq!(e.carrier.unwrap().as_str(), "usps");
}

#[test]
fn domestic_shipping_options_parse_one_rate_per_option() {
    let u = usps();
    let request = domestic(vec![parcel("3")]);
    let requests = u.build_rate(&request).unwrap();
    let rates = done(
        u.parse_rate(
            &request,
            &round(0, requests, vec![ok("options_domestic.json")]),
        )
        .unwrap(),
    );
    let services: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(
        services,
        [
            "USPS_GROUND_ADVANTAGE",
            "PRIORITY_MAIL",
            "PRIORITY_MAIL",
            "PRIORITY_MAIL_EXPRESS"
        ]
    );
    let ga = &rates[0];
    // totalPrice wins over totalBasePrice; written scale kept.
    assert_eq!(ga.total.amount.to_string(), "16.00");
    assert_eq!(ga.total.currency.as_str(), "USD");
    assert_eq!(ga.list_total, None);
    assert_eq!(
        ga.service_name,
        "USPS Ground Advantage Nonstandard Single-piece"
    );
    let charges: Vec<(ChargeKind, Option<&str>, String)> = ga
        .charges
        .iter()
        .map(|c| (c.kind, c.code.as_deref(), c.amount.amount.to_string()))
        .collect();
    assert_eq!(
        charges,
        [
            (
                ChargeKind::Base,
                Some("DUXR0XXXXR08030"),
                "9.10".to_string()
            ),
            (
                ChargeKind::Surcharge,
                Some("D811XVGXXXX0000"),
                "4.00".to_string()
            ),
            (
                ChargeKind::Surcharge,
                Some("DXSG0XXXXRX0000"),
                "2.90".to_string()
            ),
        ]
    );
    assert_eq!(ga.transit_days, Some(5));
    assert_eq!(ga.estimated_delivery, Some("2026-11-30".parse().unwrap()));
    assert!(!ga.guaranteed);
    assert_eq!(ga.billed_weight.unwrap().value.to_string(), "4.5");
    // HTML cleaned out of names; string booleans read.
    assert_eq!(rates[1].service_name, "Priority Mail");
    assert_eq!(rates[1].total.amount.to_string(), "21.35");
    assert_eq!(rates[1].transit_days, Some(2));
    assert_eq!(rates[2].service_name, "Priority Mail Medium Flat Rate Box");
    let pme = &rates[3];
    assert_eq!(pme.service_name, "Priority Mail Express");
    assert!(pme.guaranteed);
    assert_eq!(pme.transit_days, Some(1));
    assert_eq!(pme.estimated_delivery, Some("2026-11-26".parse().unwrap()));
}

#[test]
fn international_shipping_options_have_no_commitment() {
    let rates = shipmux_usps::parse_rate_response(&ok("options_international.json")).unwrap();
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0].service, "PRIORITY_MAIL_INTERNATIONAL");
    assert_eq!(
        rates[0].service_name,
        "Priority Mail International ISC Single-piece"
    );
    assert_eq!(rates[0].total.amount.to_string(), "61.20");
    assert_eq!(rates[0].transit_days, None);
    assert_eq!(rates[0].estimated_delivery, None);
    assert_eq!(rates[0].charges.len(), 1, "zero extra services dropped");
    assert_eq!(
        rates[1].service,
        "FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE"
    );
    assert_eq!(rates[1].total.amount.to_string(), "38.65");
}

#[test]
fn parcels_are_summed_per_mail_class_and_classes_missing_for_one_parcel_dropped() {
    let u = usps();
    let request = domestic(vec![parcel("3"), parcel("1")]);
    let requests = u.build_rate(&request).unwrap();
    let rates = done(
        u.parse_rate(
            &request,
            &round(
                0,
                requests,
                vec![
                    ok("options_domestic.json"),
                    ok("options_second_parcel.json"),
                ],
            ),
        )
        .unwrap(),
    );
    // Priority Mail Express is not offered for the second parcel: dropped.
    let services: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(services, ["USPS_GROUND_ADVANTAGE", "PRIORITY_MAIL"]);
    let ga = &rates[0];
    assert_eq!(ga.total.amount.to_string(), "23.15"); // 16.00 + 7.15
    assert_eq!(ga.service_name, "USPS Ground Advantage");
    assert_eq!(ga.transit_days, Some(5));
    assert_eq!(ga.estimated_delivery, Some("2026-11-30".parse().unwrap()));
    assert_eq!(ga.billed_weight.unwrap().value.to_string(), "5.5");
    let pm = &rates[1];
    // The cheapest Priority Mail option per parcel: 19.30 (flat rate box) + 12.70.
    assert_eq!(pm.total.amount.to_string(), "32.00");
    assert_eq!(pm.transit_days, Some(3));
    let charged: Decimal = pm.charges.iter().map(|c| c.amount.amount).sum();
    assert_eq!(charged, pm.total.amount);
}

#[test]
fn forbidden_shipping_options_fall_back_to_the_prices_api() {
    let u = usps();
    let request = domestic(vec![parcel("3"), parcel("1")]);
    let first = u.build_rate(&request).unwrap();
    let denied = HttpResponse::new(
        403,
        r#"{"apiVersion":"v3","error":{"code":"403","message":"Access is denied"}}"#,
    );
    let step = u
        .parse_rate(&request, &round(0, first, vec![denied.clone(), denied]))
        .unwrap();
    let Step::Next(second) = step else {
        panic!("expected a fallback round")
    };
    assert_eq!(second.len(), 2);
    assert_eq!(
        second[0].url,
        format!("{BASE}/prices/v3/total-rates/search")
    );
    let b = body(&second[0]);
    assert_eq!(b["mailClasses"][0], "ALL");
    assert_eq!(b["weight"].to_string(), "3");
    assert_eq!(b["priceType"], "RETAIL");
    let rates = done(
        u.parse_rate(
            &request,
            &round(
                1,
                second,
                vec![
                    ok("total_rates_domestic.json"),
                    ok("total_rates_domestic.json"),
                ],
            ),
        )
        .unwrap(),
    );
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0].service, "USPS_GROUND_ADVANTAGE");
    assert_eq!(rates[0].total.amount.to_string(), "18.20");
    assert_eq!(rates[0].transit_days, None, "prices carry no commitment");
    assert_eq!(rates[1].total.amount.to_string(), "48.50"); // 2 × totalPrice 24.25
}

#[test]
fn not_found_shipping_options_fall_back_too_and_international_uses_its_api() {
    let u = usps();
    let request = RateRequest::new(
        Address::new("US", "10001"),
        Address::new("GB", "SW1A 1AA"),
        vec![parcel("2.5")],
    )
    .unwrap();
    let first = u.build_rate(&request).unwrap();
    let Step::Next(second) = u
        .parse_rate(&request, &round(0, first, vec![HttpResponse::new(404, "")]))
        .unwrap()
    else {
        panic!("expected a fallback round")
    };
    assert_eq!(
        second[0].url,
        format!("{BASE}/international-prices/v3/total-rates/search")
    );
    let b = body(&second[0]);
    assert_eq!(b["destinationCountryCode"], "GB");
    assert_eq!(b["mailClass"], "ALL");
}

#[test]
fn prices_switch_skips_shipping_options() {
    let u = Usps::builder()
        .client_id("k")
        .client_secret("s")
        .base_url(BASE)
        .rate_api(RateApi::Prices)
        .payment_account("EPS", "1000115566")
        .build()
        .unwrap();
    let request = domestic(vec![parcel("1")]);
    let requests = u.build_rate(&request).unwrap();
    assert_eq!(
        requests[0].url,
        format!("{BASE}/prices/v3/total-rates/search")
    );
    let b = body(&requests[0]);
    assert_eq!(b["accountType"], "EPS");
    assert_eq!(b["accountNumber"], "1000115566");
    // A 404 from the prices API is an error, not another fallback.
    let e = u
        .parse_rate(
            &request,
            &round(0, requests, vec![HttpResponse::new(404, "{}")]),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn all_three_price_shapes_are_recognised() {
    let total = shipmux_usps::parse_rate_response(&ok("total_rates_domestic.json")).unwrap();
    assert_eq!(total[1].total.amount.to_string(), "24.25");
    assert_eq!(total[1].charges.len(), 2);
    let base = shipmux_usps::parse_rate_response(&ok("base_rates.json")).unwrap();
    assert_eq!(base.len(), 1);
    assert_eq!(base[0].service, "PARCEL_SELECT");
    assert_eq!(base[0].total.amount.to_string(), "8.02");
    assert_eq!(base[0].charges[0].code.as_deref(), Some("DVXR0XXXXC01070"));
    assert_eq!(base[0].billed_weight.unwrap().value.to_string(), "7");
    let e =
        shipmux_usps::parse_rate_response(&HttpResponse::new(200, r#"{"foo": 1}"#)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    let e = shipmux_usps::parse_rate_response(&HttpResponse::new(200, "{\"rateOptions\":"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    let e = shipmux_usps::parse_rate_response(&HttpResponse::new(
        200,
        r#"{"rateOptions":[{"rates":[{"mailClass":"PRIORITY_MAIL"}]}]}"#,
    ))
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    assert!(e.message.contains("totalBasePrice"), "{e}");
}

#[test]
fn rate_errors_map_per_normalization() {
    let u = usps();
    let request = domestic(vec![parcel("1"), parcel("2")]);
    let cases = [
        (
            HttpResponse::new(
                400,
                r#"{"apiVersion":"v3","error":{"code":"400","message":"Bad Request","errors":[{"status":"400","code":"030001","title":"Could not find zone from provided ZIPs, date, and mail class"}]}}"#,
            ),
            ErrorKind::Rejected,
            Some("030001"),
            false,
            None,
        ),
        (
            HttpResponse::new(401, r#"{"error":{"code":"401","message":"Unauthorized"}}"#),
            ErrorKind::Unauthenticated,
            Some("401"),
            false,
            None,
        ),
        (
            HttpResponse::new(
                429,
                r#"{"error":{"code":"429","message":"Too Many Requests"}}"#,
            )
            .with_header("Retry-After", "30"),
            ErrorKind::RateLimited,
            Some("429"),
            true,
            Some(30_000),
        ),
        (
            HttpResponse::new(503, "Service Unavailable").with_header("Retry-After", "2"),
            ErrorKind::Unavailable,
            None,
            true,
            Some(2_000),
        ),
    ];
    for (response, kind, code, retryable, wait) in cases {
        let requests = u.build_rate(&request).unwrap();
        // The failing parcel fails the whole quote.
        let e = u
            .parse_rate(
                &request,
                &round(
                    0,
                    requests,
                    vec![ok("options_second_parcel.json"), response],
                ),
            )
            .unwrap_err();
        assert_eq!(e.kind, kind, "{e}");
        assert_eq!(e.code.as_deref(), code, "{e}");
        assert_eq!(e.retryable, retryable, "{e}");
        assert_eq!(e.retry_after_ms, wait, "{e}");
        assert_eq!(e.carrier.as_ref().unwrap().as_str(), "usps");
    }
}

#[test]
fn token_round_trip_and_oauth_errors() {
    let u = usps();
    let r = u.build_token().unwrap();
    assert_eq!(r.url, format!("{BASE}/oauth2/v3/token"));
    let t = u
        .parse_token(&HttpResponse::new(
            200,
            r#"{"access_token":"eyJ","token_type":"Bearer","issued_at":1700000000000,"expires_in":28799,"status":"approved","scope":"shipments prices tracking"}"#,
        ))
        .unwrap();
    assert_eq!(t.expires_in_secs, 28799);
    let e = u
        .parse_token(&HttpResponse::new(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#,
        ))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.code.as_deref(), Some("invalid_client"));
    assert!(
        matches!(u.auth(), shipmux_core::Auth::OAuth2 { cache_key } if cache_key == format!("key@{BASE}"))
    );
}

fn numbers(list: &[&str]) -> Vec<TrackingNumber> {
    list.iter()
        .map(|n| TrackingNumber::new(n).unwrap())
        .collect()
}

#[test]
fn v3r2_batches_up_to_35_numbers_in_one_post() {
    let u = usps();
    assert_eq!(u.track_batch_size(), 35);
    let n = numbers(&["9400100000000000000024", "9400100000000000000031"]);
    let requests = u.build_track(&n).unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url, format!("{BASE}/tracking/v3r2/tracking"));
    assert_eq!(
        body(&requests[0]),
        serde_json::json!([
            {"trackingNumber": "9400100000000000000024"},
            {"trackingNumber": "9400100000000000000031"}
        ])
    );
    let too_many: Vec<TrackingNumber> = (0..36)
        .map(|i| TrackingNumber::new(&format!("94001{i:017}")).unwrap())
        .collect();
    assert_eq!(
        u.build_track(&too_many).unwrap_err().kind,
        ErrorKind::InvalidRequest
    );
}

#[test]
fn batch_207_gives_one_success_and_one_not_found() {
    let u = usps();
    // Asked in the other order than answered: results follow the asked order.
    let n = numbers(&["9400100000000000000031", "9400100000000000000024"]);
    let requests = u.build_track(&n).unwrap();
    let results = u
        .parse_track(
            &n,
            &round(
                0,
                requests,
                vec![HttpResponse::new(207, fixture("tracking_batch_207.json"))],
            ),
        )
        .unwrap();
    assert_eq!(results.len(), 2);
    let e = results[0].as_ref().unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.code.as_deref(), Some("150002"));
    let t = results[1].as_ref().unwrap();
    assert_eq!(t.tracking_number, "9400100000000000000024");
    assert_eq!(t.status, Status::InTransit);
    assert_eq!(t.estimated_delivery, Some("2026-12-02".parse().unwrap()));
    assert_eq!(t.delivered_at, None);
    assert_eq!(
        t.events[0].time.as_deref(),
        Some("2026-11-29T03:12:45-06:00")
    );
    assert_eq!(t.events[0].status, Status::InTransit);
    assert_eq!(
        t.events[0].location.city.as_deref(),
        Some("CHICAGO IL DISTRIBUTION CENTER")
    );
    assert_eq!(t.events[0].location.postal_code, None);
    assert_eq!(
        t.events[1].time.as_deref(),
        Some("2026-11-27T18:40:00-05:00")
    );
    assert_eq!(t.events[1].location.postal_code.as_deref(), Some("07102"));
    assert_eq!(t.events[1].location.country.as_deref(), Some("US"));
}

#[test]
fn delivered_tracking_reads_string_booleans_offsets_and_signer() {
    let u = Usps::builder()
        .client_id("k")
        .client_secret("s")
        .base_url(BASE)
        .track_api(TrackApi::V3)
        .build()
        .unwrap();
    assert_eq!(u.track_batch_size(), 1);
    let n = numbers(&["9400100000000000000017"]);
    let requests = u.build_track(&n).unwrap();
    assert_eq!(
        requests[0].url,
        format!("{BASE}/tracking/v3/tracking/9400100000000000000017?expand=DETAIL")
    );
    let results = u
        .parse_track(&n, &round(0, requests, vec![ok("tracking_delivered.json")]))
        .unwrap();
    let t = results[0].as_ref().unwrap();
    assert_eq!(t.carrier.as_str(), "usps");
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(t.delivered_at.as_deref(), Some("2026-11-27T14:04:00-08:00"));
    assert_eq!(t.signed_by.as_deref(), Some("M SMITH"));
    assert_eq!(t.estimated_delivery, Some("2026-11-27".parse().unwrap()));
    let codes: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.code.as_deref().unwrap(), e.status))
        .collect();
    assert_eq!(
        codes,
        [
            ("01", Status::Delivered),
            ("OF", Status::OutForDelivery),
            ("03", Status::InTransit),
            ("GX", Status::PreTransit)
        ]
    );
    assert_eq!(t.events[1].location.country, None, "blank country is null");
    assert_eq!(
        t.events[2].time.as_deref(),
        Some("2026-11-25T09:31:00-05:00")
    );
    assert_eq!(t.events[3].time.as_deref(), Some("2026-11-24"));
}

#[test]
fn alert_is_an_exception_and_unknown_codes_stay_unknown() {
    let n = numbers(&["LZ123456785US"]);
    let t = shipmux_usps::track::parse_single(&n[0], &ok("tracking_alert.json")).unwrap();
    assert_eq!(t.status, Status::Exception);
    assert_eq!(t.events[0].status, Status::Unknown);
    assert_eq!(t.events[0].time.as_deref(), Some("2026-11-26T10:05:00"));
    assert_eq!(t.events[0].location.country.as_deref(), Some("CA"));
}

#[test]
fn tracking_not_found_codes_are_not_found_even_with_400() {
    let u = Usps::builder()
        .client_id("k")
        .client_secret("s")
        .base_url(BASE)
        .track_api(TrackApi::V3)
        .build()
        .unwrap();
    let n = numbers(&["9400100000000000000048"]);
    let requests = u.build_track(&n).unwrap();
    let r = HttpResponse::new(
        400,
        r#"{"apiVersion":"v3","error":{"code":"400","message":"Bad Request","errors":[{"status":"400","code":"150001","title":"12: A status update is not yet available on your Priority Mail<SUP>reg;</SUP> package."}]}}"#,
    );
    let results = u.parse_track(&n, &round(0, requests, vec![r])).unwrap();
    let e = results[0].as_ref().unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.code.as_deref(), Some("150001"));
}

#[test]
fn a_batch_that_fails_whole_fails_every_number() {
    let u = usps();
    let n = numbers(&["9400100000000000000024", "9400100000000000000031"]);
    let requests = u.build_track(&n).unwrap();
    let r = HttpResponse::new(
        429,
        r#"{"error":{"code":"429","message":"Too Many Requests"}}"#,
    )
    .with_header("Retry-After", "60");
    let e = u.parse_track(&n, &round(0, requests, vec![r])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after_ms, Some(60_000));
}

#[test]
fn garbage_never_panics() {
    let u = usps();
    let request = domestic(vec![parcel("1")]);
    let n = numbers(&["9400100000000000000024"]);
    let bodies: [&[u8]; 9] = [
        b"",
        b"null",
        b"[]",
        b"[1,2]",
        b"{\"pricingOptions\": 3}",
        b"{\"pricingOptions\": [{\"shippingOptions\": [{\"rateOptions\": [{\"totalPrice\": \"x\"}]}]}]}",
        b"{\"rateOptions\": {\"totalBasePrice\": 1, \"rates\": {\"mailClass\": \"X\", \"fees\": 5}}}",
        b"{\"trackingEvents\": [null, 1, {\"eventTimestamp\": 5}]}",
        &[0xff, 0xfe, 0x00],
    ];
    for status in [200u16, 207, 400, 503] {
        for b in bodies {
            let requests = u.build_rate(&request).unwrap();
            let _ = u.parse_rate(
                &request,
                &round(0, requests, vec![HttpResponse::new(status, b)]),
            );
            let requests = u.build_track(&n).unwrap();
            let _ = u.parse_track(&n, &round(0, requests, vec![HttpResponse::new(status, b)]));
            let _ = u.parse_token(&HttpResponse::new(status, b));
        }
    }
    // Fewer responses than requests is a parse error, not a panic.
    let requests = u
        .build_rate(&domestic(vec![parcel("1"), parcel("2")]))
        .unwrap();
    let e = u
        .parse_rate(&request, &round(0, requests, vec![]))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
}
