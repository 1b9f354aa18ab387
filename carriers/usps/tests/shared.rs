//! Optional: runs only when `SHIPMUX_SHARED` points at the official samples. The official USPS
//! samples and the README's JSON examples parse; karrio's USPS fixtures parse and agree with
//! karrio's expected results; the sandbox accepts the official sample requests.

use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{CarrierProtocol, ErrorKind, HttpResponse, Status, TrackingNumber};
use shipmux_usps::{Usps, UspsProtocol};

fn shared() -> Option<PathBuf> {
    match std::env::var_os("SHIPMUX_SHARED") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("SHIPMUX_SHARED is not set: skipping the shared USPS fixtures");
            None
        }
    }
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: PathBuf) -> Value {
    serde_json::from_slice(&read(path)).unwrap()
}

fn usps() -> UspsProtocol {
    Usps::builder()
        .client_id("k")
        .client_secret("s")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap()
}

/// The ```json blocks of the official README.
fn readme_json_blocks(root: &std::path::Path) -> Vec<Value> {
    let text = String::from_utf8(read(
        root.join("carrier-api/usps/v3/api-examples-README.md"),
    ))
    .unwrap();
    text.split("```json")
        .skip(1)
        .filter_map(|chunk| chunk.split("```").next())
        .filter_map(|block| serde_json::from_str(block.trim()).ok())
        .collect()
}

#[test]
fn official_samples_parse() {
    let Some(root) = shared() else { return };
    let samples = root.join("carrier-api/usps/v3/samples");
    let rates = shipmux_usps::parse_rate_response(&HttpResponse::new(
        200,
        read(samples.join("karrio_shipping-options_response.json")),
    ))
    .unwrap();
    assert_eq!(rates.len(), 2);
    assert!(rates.iter().all(|r| r.service == "LIBRARY_MAIL"));
    assert_eq!(rates[0].total.amount.to_string(), "5.82");
    assert_eq!(rates[0].transit_days, Some(7));
    assert_eq!(
        rates[0].estimated_delivery,
        Some("2025-06-04".parse().unwrap())
    );
    assert_eq!(
        rates[0].service_name,
        "Library Mail Machinable Single-piece"
    );

    let e = shipmux_usps::parse_rate_response(&HttpResponse::new(
        400,
        read(samples.join("karrio_error_response.json")),
    ))
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("string"))
    );

    let trackings = json(samples.join("karrio_tracking_responses.json"));
    let first = &trackings[0];
    let n = TrackingNumber::new(first["trackingNumber"].as_str().unwrap()).unwrap();
    let t = shipmux_usps::track::tracking_from_detail(&n, first);
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(t.delivered_at.as_deref(), Some("2024-11-22T13:58:00-05:00"));
    assert_eq!(t.events.len(), 12);
    // The spec-shaped second sample (placeholder values) must not panic.
    if let Some(second) = trackings.get(1) {
        let _ = shipmux_usps::track::tracking_from_detail(&n, second);
    }

    // Every price and tracking example of the README.
    let mut prices = 0;
    let mut tracked = 0;
    for block in readme_json_blocks(&root) {
        let price_shape = block.get("pricingOptions").is_some()
            || block.get("rateOptions").is_some()
            || (block.get("totalBasePrice").is_some() && block.get("rates").is_some());
        if price_shape {
            let body = serde_json::to_vec(&block).unwrap();
            let rates = shipmux_usps::parse_rate_response(&HttpResponse::new(200, body)).unwrap();
            assert!(!rates.is_empty(), "{block}");
            assert!(rates.iter().all(|r| r.total.amount > Decimal::ZERO));
            prices += 1;
        } else if block.get("trackingEvents").is_some() {
            let t = shipmux_usps::track::tracking_from_detail(&n, &block);
            assert_eq!(t.status, Status::InTransit, "Accepted");
            assert_eq!(t.events[0].time.as_deref(), Some("2023-08-02T07:31:00"));
            tracked += 1;
        }
    }
    assert!(prices >= 5, "README price examples found: {prices}");
    assert_eq!(tracked, 1);
}

#[test]
fn karrio_rates_agree() {
    let Some(root) = shared() else { return };
    for carrier in ["usps", "usps_international"] {
        let dir = root.join("peer-fixtures/karrio").join(carrier);
        let rates = shipmux_usps::parse_rate_response(&HttpResponse::new(
            200,
            read(dir.join("rate_response.json")),
        ))
        .unwrap();
        let expected = json(dir.join("rate_response_expected.json"));
        let expected = expected[0].as_array().unwrap();
        assert_eq!(
            rates.len(),
            expected.len(),
            "{carrier}: one rate per rate option"
        );
        for (ours, theirs) in rates.iter().zip(expected) {
            assert_eq!(ours.total.amount, dec(&theirs["total_charge"]), "{carrier}");
            assert_eq!(ours.total.currency.as_str(), theirs["currency"]);
            assert_eq!(ours.service, theirs["meta"]["usps_mail_class"], "{carrier}");
            assert_eq!(
                ours.transit_days.map(u64::from),
                theirs["transit_days"].as_u64(),
                "{carrier} {}",
                ours.service
            );
            assert_eq!(
                ours.guaranteed,
                theirs["meta"]["usps_guaranteed_delivery"]
                    .as_bool()
                    .unwrap_or(false)
            );
            // karrio lists the base price and every extra service; zero amounts we drop.
            let theirs_nonzero: Vec<Decimal> = theirs["extra_charges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| dec(&c["amount"]))
                .filter(|a| !a.is_zero())
                .collect();
            let ours_amounts: Vec<Decimal> = ours.charges.iter().map(|c| c.amount.amount).collect();
            assert_eq!(ours_amounts, theirs_nonzero, "{carrier} {}", ours.service);
        }
        // karrio's rate error test: the error body on the rate path.
        let e = shipmux_usps::parse_rate_response(&HttpResponse::new(
            400,
            read(dir.join("rate_error_response.json")),
        ))
        .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("string"));
    }
}

#[test]
fn karrio_tracking_and_errors_agree() {
    let Some(root) = shared() else { return };
    for carrier in ["usps", "usps_international"] {
        let dir = root.join("peer-fixtures/karrio").join(carrier);
        let body = json(dir.join("tracking_response.json"));
        let expected = json(dir.join("tracking_expected.json"));
        let theirs = &expected[0][0];
        let n = TrackingNumber::new(theirs["tracking_number"].as_str().unwrap()).unwrap();
        let t = shipmux_usps::track::tracking_from_detail(&n, &body);
        assert_eq!(t.tracking_number, theirs["tracking_number"]);
        assert_eq!(t.status, Status::Delivered);
        assert_eq!(theirs["status"], "delivered");
        let events = theirs["events"].as_array().unwrap();
        assert_eq!(t.events.len(), events.len());
        for (ours, theirs) in t.events.iter().zip(events) {
            assert_eq!(ours.code.as_deref(), theirs["code"].as_str());
            assert_eq!(ours.description.as_deref(), theirs["description"].as_str());
            let time = ours.time.as_deref().unwrap();
            assert_eq!(&time[..10], theirs["date"].as_str().unwrap());
            assert_eq!(&time[11..16], &theirs["time"].as_str().unwrap()[..5]);
            if let Some(status) = theirs["status"].as_str() {
                let ours = serde_json::to_value(ours.status).unwrap();
                assert_eq!(ours, status, "{}", theirs["code"]);
            }
        }

        let e = shipmux_usps::error::error_from_response(
            &HttpResponse::new(400, read(dir.join("error_response.json"))),
            "tracking",
        );
        let theirs = &json(dir.join("error_expected.json"))[1][0];
        assert_eq!(e.code.as_deref(), theirs["code"].as_str());
        assert!(e.message.contains(theirs["message"].as_str().unwrap()));

        let token = usps()
            .parse_token(&HttpResponse::new(
                200,
                read(dir.join("auth_response.json")),
            ))
            .unwrap();
        assert_eq!(token.expires_in_secs, 14399);
    }
    let dir = root.join("peer-fixtures/karrio/usps");
    let e = usps()
        .parse_token(&HttpResponse::new(
            401,
            read(dir.join("auth_error_response.json")),
        ))
        .unwrap_err();
    let theirs = &json(dir.join("auth_error_expected.json"))[1][0];
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.code.as_deref(), theirs["code"].as_str());
    assert_eq!(e.message, theirs["message"].as_str().unwrap());
}

/// `(path, body)` of every `curl … --data '…'` example in the README on a path we serve.
#[cfg(feature = "sandbox")]
fn readme_requests(root: &std::path::Path) -> Vec<(String, Value)> {
    const SERVED: [&str; 5] = [
        "/prices/v3/base-rates/search",
        "/prices/v3/total-rates/search",
        "/international-prices/v3/base-rates/search",
        "/international-prices/v3/total-rates/search",
        "/shipments/v3/options/search",
    ];
    let text = String::from_utf8(read(
        root.join("carrier-api/usps/v3/api-examples-README.md"),
    ))
    .unwrap();
    let mut out = Vec::new();
    for chunk in text.split("curl").skip(1) {
        let Some(start) = chunk.find("https://apis.usps.com") else {
            continue;
        };
        let url = &chunk[start..];
        let url = &url[..url.find('\'').unwrap_or(url.len())];
        let path = url.trim_start_matches("https://apis.usps.com").to_string();
        if !SERVED.contains(&path.as_str()) {
            continue;
        }
        let Some(data) = chunk.find("--data") else {
            continue;
        };
        let after = &chunk[data..];
        let Some(open) = after.find('\'') else {
            continue;
        };
        let body = &after[open + 1..];
        let Some(close) = body.find('\'') else {
            continue;
        };
        if let Ok(v) = serde_json::from_str(&body[..close]) {
            out.push((path, v));
        }
    }
    out
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn the_sandbox_accepts_the_official_sample_requests() {
    let Some(root) = shared() else { return };
    let sb = shipmux_usps::sandbox::start(shipmux_sandbox::SandboxOptions::default())
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let token: Value = client
        .post(format!("{}/oauth2/v3/token", sb.base_url()))
        .header("Content-Type", "application/json")
        .body(r#"{"client_id":"XXXX","client_secret":"XXXX","grant_type":"client_credentials"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_string();
    let mut requests = readme_requests(&root);
    assert!(
        requests.len() >= 5,
        "README requests found: {}",
        requests.len()
    );
    requests.push((
        "/shipments/v3/options/search".to_string(),
        json(root.join("carrier-api/usps/v3/samples/karrio_shipping-options_request.json")),
    ));
    for (path, body) in requests {
        let r = client
            .post(format!("{}{path}", sb.base_url()))
            .bearer_auth(&bearer)
            .header("Content-Type", "application/json")
            .body(serde_json::to_vec(&body).unwrap())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let answer: Value = r.json().await.unwrap();
        assert_eq!(status, 200, "{path}: {answer}");
        let rates = shipmux_usps::parse_rate_response(&HttpResponse::new(
            200,
            serde_json::to_vec(&answer).unwrap(),
        ))
        .unwrap();
        assert!(!rates.is_empty(), "{path}");
    }
    let r = client
        .get(format!(
            "{}/tracking/v3/tracking/9400109104250532908587?expand=DETAIL",
            sb.base_url()
        ))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    sb.shutdown().await;
}
