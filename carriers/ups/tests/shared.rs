//! Optional: runs only when `SHIPMUX_SHARED` points at the official samples. Parses every UPS
//! sample response (official samples and karrio's fixtures), compares with karrio's expected
//! results (service, total, currency), and — with feature `sandbox` — checks that the sandbox
//! accepts every official sample request.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{
    CarrierProtocol, ErrorKind, Exchange, HttpResponse, Rate, RateRequest, Status, Step,
    TrackingNumber,
};
use shipmux_ups::{Ups, UpsProtocol};

fn shared() -> Option<PathBuf> {
    match std::env::var("SHIPMUX_SHARED") {
        Ok(p) if !p.trim().is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!("SHIPMUX_SHARED is not set: skipping the shared UPS sample checks");
            None
        }
    }
}

fn ups() -> UpsProtocol {
    Ups::builder()
        .client_id("id")
        .client_secret("secret")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn any_request() -> RateRequest {
    serde_json::from_str(
        r#"{"origin": {"country": "US", "postal_code": "21093"},
            "destination": {"country": "US", "postal_code": "30005"},
            "parcels": [{"weight": {"value": "1", "unit": "lb"}}]}"#,
    )
    .unwrap()
}

fn parse_rates(status: u16, body: Vec<u8>) -> Result<Vec<Rate>, shipmux_core::Error> {
    let exchange = Exchange {
        round: 0,
        requests: vec![],
        responses: vec![HttpResponse::new(status, body)],
    };
    match ups().parse_rate(&any_request(), &exchange)? {
        Step::Done(r) => Ok(r),
        Step::Next(_) => panic!("one round"),
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// karrio's service names → UPS codes (from karrio's UPS service enum, as its tests use them).
const KARRIO_SERVICES: &[(&str, &str)] = &[
    ("ups_express_early_ca", "14"),
    ("ups_express_ca", "01"),
    ("ups_express_saver_ca", "13"),
    ("ups_expedited_ca", "02"),
    ("ups_standard_ca", "11"),
    ("ups_worldwide_express_ca", "07"),
    ("ups_express_saver_intl_ca", "65"),
    ("ups_worldwide_expedited_ca", "08"),
    ("ups_3_day_select_ca_us", "12"),
    ("ups_express_eu", "07"),
    ("ups_worldwide_saver_eu", "65"),
    ("ups_standard_eu", "11"),
];

fn decimal(v: &Value) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap_or_else(|_| panic!("not a number: {v}"))
}

#[test]
fn official_rating_samples_parse() {
    let Some(root) = shared() else { return };
    let dir = root.join("carrier-api/ups/samples/rating-responses");
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let body = read(&path);
        if name.contains("Error") {
            let e = parse_rates(400, body).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_deref()),
                (ErrorKind::Rejected, Some("111600")),
                "{name}"
            );
            continue;
        }
        let rates = parse_rates(200, body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!rates.is_empty(), "{name}");
        for r in &rates {
            assert!(r.total.amount > Decimal::ZERO, "{name}: {r:?}");
            assert!(!r.service_name.is_empty(), "{name}");
            assert_eq!(r.total.currency.as_str(), "USD", "{name}");
        }
        parsed += 1;
    }
    assert!(parsed >= 8, "parsed {parsed} samples");

    let tnt = parse_rates(200, read(&dir.join("tntRateShopResponse.json"))).unwrap();
    let early = tnt.iter().find(|r| r.service == "14").unwrap();
    assert_eq!(early.service_name, "UPS Next Day Air Early");
    assert_eq!(early.total.amount.to_string(), "117.15");
    assert_eq!(early.transit_days, Some(1));
    assert!(early.guaranteed);
    let ground = tnt.iter().find(|r| r.service == "03").unwrap();
    assert!(!ground.guaranteed || ground.transit_days.is_some());
}

#[test]
fn karrio_rate_fixtures_match_karrio() {
    let Some(root) = shared() else { return };
    let dir = root.join("peer-fixtures/karrio/ups");
    for (response, expected) in [
        ("rate_response.json", "rate_response_expected.json"),
        (
            "rate_response_total_charges.json",
            "rate_response_total_charges_expected.json",
        ),
        (
            "rate_response_missing_amount.json",
            "rate_response_missing_amount_expected.json",
        ),
        ("rate_response_fr.json", "rate_response_fr_expected.json"),
    ] {
        let rates = parse_rates(200, read(&dir.join(response))).unwrap();
        let expected: Value = serde_json::from_slice(&read(&dir.join(expected))).unwrap();
        let expected = expected[0].as_array().unwrap();
        assert_eq!(rates.len(), expected.len(), "{response}");
        for (ours, theirs) in rates.iter().zip(expected) {
            let service = theirs["service"].as_str().unwrap();
            let code = KARRIO_SERVICES
                .iter()
                .find(|(k, _)| *k == service)
                .map(|(_, c)| *c)
                .unwrap_or_else(|| panic!("unmapped karrio service {service}"));
            assert_eq!(ours.service, code, "{response}");
            assert_eq!(
                ours.total.amount,
                decimal(&theirs["total_charge"]),
                "{response} {code}"
            );
            assert_eq!(
                ours.total.currency.as_str(),
                theirs["currency"].as_str().unwrap()
            );
            if let Some(w) = theirs.get("meta").and_then(|m| m.get("billed_weight")) {
                let ours_w = ours.billed_weight.unwrap().value;
                assert!(
                    (ours_w - decimal(w)).abs() <= Decimal::new(1, 2),
                    "{response}"
                );
            }
        }
    }
    let e = parse_rates(401, read(&dir.join("rate_error_response.json"))).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unauthenticated, Some("250003"))
    );
}

#[test]
fn karrio_and_official_tracking_fixtures() {
    let Some(root) = shared() else { return };
    let dir = root.join("peer-fixtures/karrio/ups");
    let number = TrackingNumber::new("1ZA82D672031716786").unwrap();
    let track = |status: u16, body: Vec<u8>| {
        let exchange = Exchange {
            round: 0,
            requests: vec![],
            responses: vec![HttpResponse::new(status, body)],
        };
        ups()
            .parse_track(std::slice::from_ref(&number), &exchange)
            .unwrap()
            .remove(0)
    };
    let t = track(200, read(&dir.join("tracking_response.json"))).unwrap();
    let expected: Value =
        serde_json::from_slice(&read(&dir.join("tracking_expected.json"))).unwrap();
    let theirs = &expected[0][0];
    assert_eq!(t.status, Status::Exception, "currentStatus.type X");
    assert_eq!(t.signed_by.as_deref(), theirs["info"]["signed_by"].as_str());
    let events = theirs["events"].as_array().unwrap();
    assert_eq!(t.events.len(), events.len());
    for (ours, theirs) in t.events.iter().zip(events) {
        assert_eq!(ours.code.as_deref(), theirs["code"].as_str());
        assert_eq!(ours.description.as_deref(), theirs["description"].as_str());
        let date = theirs["date"].as_str().unwrap();
        assert!(ours.time.as_deref().unwrap().starts_with(date));
    }
    assert_eq!(t.estimated_delivery, None, "`string` is no date");

    let e = track(200, read(&dir.join("tracking_not_found_response.json"))).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("TW0001"))
    );
    let e = track(
        400,
        read(&dir.join("tracking_invalid_number_response.json")),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("TV1002"))
    );
    let e = track(401, read(&dir.join("error_response.json"))).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unauthenticated, Some("250003"))
    );

    let token = ups()
        .parse_token(&HttpResponse::new(
            200,
            read(&dir.join("auth_response.json")),
        ))
        .unwrap();
    assert_eq!(token.expires_in_secs, 14399);

    let official = root.join("carrier-api/ups/samples/karrio");
    let t = track(200, read(&official.join("tracking_response.json")));
    assert!(
        t.is_ok() || t.as_ref().is_err_and(|e| e.kind == ErrorKind::NotFound),
        "{t:?}"
    );
    // A list of responses; the schema placeholders ("string" amounts) are not readable.
    let responses: Vec<Value> =
        serde_json::from_slice(&read(&official.join("rating_responses.json"))).unwrap();
    for (i, response) in responses.iter().enumerate() {
        let placeholder = response
            .to_string()
            .contains("\"MonetaryValue\":\"string\"");
        let rates = parse_rates(200, serde_json::to_vec(response).unwrap());
        if placeholder {
            assert_eq!(rates.unwrap_err().kind, ErrorKind::Parse, "response {i}");
        } else {
            assert!(rates.is_ok_and(|r| !r.is_empty()), "response {i}");
        }
    }
}

/// Official sample requests carry placeholders such as `<your shipper number>`; a client
/// fills them in with real values, so we do too.
#[cfg(feature = "sandbox")]
fn fill_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => {
                let placeholder = &rest[start + 1..start + end];
                out.push_str(if placeholder.contains("invalid") {
                    "\"\""
                } else {
                    "\"A1B2C3\""
                });
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn sandbox_accepts_every_official_sample_request() {
    let Some(root) = shared() else { return };
    let sandbox = shipmux_ups::sandbox::start(shipmux_sandbox::SandboxOptions::default())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token: Value = serde_json::from_slice(
        &http
            .post(format!("{}/security/v1/oauth/token", sandbox.base_url()))
            .basic_auth("client", Some("secret"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_string();
    let post = |path: String, body: String| {
        let http = http.clone();
        let bearer = bearer.clone();
        let url = format!("{}{path}", sandbox.base_url());
        async move {
            let r = http
                .post(url)
                .bearer_auth(bearer)
                .header("content-type", "application/json")
                .header("transId", "sample")
                .header("transactionSrc", "shared-test")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
            (status, body)
        }
    };
    let dir = root.join("carrier-api/ups/samples/rating-requests");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = fill_placeholders(&String::from_utf8(read(&path)).unwrap());
        let option = if name.contains("Shop") {
            "Shop"
        } else {
            "Rate"
        };
        let (status, body) = post(format!("/api/rating/v2409/{option}"), text).await;
        if name.starts_with("invalid") {
            // UPS refuses an empty BillShipper account: the sandbox answers as UPS does.
            assert_eq!(status, 400, "{name}: {body}");
            assert_eq!(body["response"]["errors"][0]["code"], "111600", "{name}");
        } else {
            assert_eq!(status, 200, "{name}: {body}");
            let rates = parse_rates(status, serde_json::to_vec(&body).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!rates.is_empty(), "{name}");
        }
        checked += 1;
    }
    assert!(checked >= 11, "checked {checked} samples");

    // karrio's own UPS request, on the path karrio calls.
    let karrio = root.join("peer-fixtures/karrio/ups/rate_request.json");
    let text = String::from_utf8(read(&karrio))
        .unwrap()
        .replace("\"<ANY>\"", "\"20230227\"");
    let (status, body) = post(
        "/api/rating/v2409/Shop?additionalinfo=timeintransit".to_string(),
        text,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rates = parse_rates(200, serde_json::to_vec(&body).unwrap()).unwrap();
    assert!(rates.iter().all(|r| r.total.currency.as_str() == "CAD"));
    assert!(rates.iter().all(|r| r.transit_days.is_some()));
}
