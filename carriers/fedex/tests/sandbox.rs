//! The FedEx sandbox speaks FedEx's contract over real loopback HTTP: OAuth form tokens,
//! bearer checks, validation with FedEx error bodies, FedEx's limits, and answers our own
//! protocol reads. With `SHIPMUX_SHARED` set, FedEx's official sample requests are accepted.
#![cfg(feature = "sandbox")]

mod common;

use std::time::Duration;

use serde_json::{Value, json};
use shipmux_core::{CarrierProtocol, Exchange, HttpRequest, HttpResponse, Method, Status};
use shipmux_fedex::Fedex;
use shipmux_fedex::sandbox::{self, FedexSandboxSettings, TokenThrottle};
use shipmux_sandbox::{Sandbox, SandboxOptions};

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(sandbox: &Sandbox) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: sandbox.base_url(),
        }
    }

    async fn token(&self) -> String {
        let (status, body) = self
            .send(
                "/oauth/token",
                "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=key&client_secret=secret",
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body["expires_in"].is_u64(),
            "expires_in is an integer: {body}"
        );
        body["access_token"].as_str().unwrap().to_string()
    }

    async fn send(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        bearer: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body.to_string());
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sandbox answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn json(&self, path: &str, body: &Value, bearer: &str) -> (u16, Value) {
        self.send(path, "application/json", &body.to_string(), Some(bearer))
            .await
    }

    /// Sends a protocol-built request as the host would, and returns the response.
    async fn exchange(&self, request: &HttpRequest, bearer: &str) -> HttpResponse {
        assert_eq!(request.method, Method::Post);
        let mut r = self
            .http
            .post(&request.url)
            .bearer_auth(bearer)
            .body(request.body.clone());
        for (k, v) in &request.headers {
            r = r.header(k, v);
        }
        let response = r.send().await.unwrap();
        let status = response.status().as_u16();
        HttpResponse::new(status, response.bytes().await.unwrap().to_vec())
    }
}

fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or("")
}

fn minimum_rate_request() -> Value {
    json!({"accountNumber": {"value": "740561073"},
        "requestedShipment": {
            "shipper": {"address": {"postalCode": "38017", "countryCode": "US"}},
            "recipient": {"address": {"postalCode": "10001", "countryCode": "US", "residential": true}},
            "pickupType": "DROPOFF_AT_FEDEX_LOCATION",
            "rateRequestType": ["ACCOUNT", "LIST"],
            "requestedPackageLineItems": [{"weight": {"units": "LB", "value": 10}}]}})
}

#[tokio::test]
async fn tokens_are_form_posts_and_guard_the_api() {
    let sandbox = sandbox::start(SandboxOptions::default().expect_credentials("key", "secret"))
        .await
        .unwrap();
    let client = Client::new(&sandbox);
    let (status, body) = client
        .send(
            "/oauth/token",
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials&client_id=key&client_secret=wrong",
            None,
        )
        .await;
    assert_eq!((status, code(&body)), (401, "NOT.AUTHORIZED.ERROR"));
    let (status, _) = client
        .send(
            "/oauth/token",
            "application/json",
            r#"{"client_id":"key"}"#,
            None,
        )
        .await;
    assert_eq!(status, 400);
    let token = client.token().await;
    let (status, body) = client
        .send(
            shipmux_fedex::RATE_PATH,
            "application/json",
            &minimum_rate_request().to_string(),
            None,
        )
        .await;
    assert_eq!((status, code(&body)), (401, "NOT.AUTHORIZED.ERROR"));
    let (status, body) = client
        .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["transactionId"].is_string());
    sandbox.expire_tokens();
    let (status, body) = client
        .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
        .await;
    assert_eq!(status, 401);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
    let (status, body) = client
        .send("/rate/v2/nowhere", "application/json", "{}", Some(&token))
        .await;
    assert_eq!((status, code(&body)), (404, "NOT.FOUND.ERROR"));
}

#[tokio::test]
async fn quotes_look_like_fedex_and_are_deterministic() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::new(&sandbox);
    let token = client.token().await;
    let (status, first) = client
        .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
        .await;
    assert_eq!(status, 200, "{first}");
    let (_, again) = client
        .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
        .await;
    assert_eq!(
        first["output"], again["output"],
        "same request, same answer"
    );
    let details = first["output"]["rateReplyDetails"].as_array().unwrap();
    let services: Vec<&str> = details
        .iter()
        .map(|d| d["serviceType"].as_str().unwrap())
        .collect();
    assert!(services.contains(&"GROUND_HOME_DELIVERY"), "{services:?}");
    assert!(
        !services.contains(&"FEDEX_GROUND"),
        "residential gets Home Delivery"
    );
    let rated = details[0]["ratedShipmentDetails"].as_array().unwrap();
    let types: Vec<&str> = rated
        .iter()
        .map(|r| r["rateType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ACCOUNT", "LIST"]);
    assert!(
        details[0].get("commit").is_none(),
        "commit only with returnTransitTimes"
    );
    // Money is JSON numbers, written with cents.
    let net = &rated[0]["totalNetCharge"];
    assert!(net.is_number() && net.to_string().contains('.'), "{net}");

    let mut with_times = minimum_rate_request();
    with_times["rateRequestControlParameters"] = json!({"returnTransitTimes": true});
    with_times["requestedShipment"]["serviceType"] = json!("FEDEX_2_DAY");
    with_times["requestedShipment"]["shipDateStamp"] = json!("2026-11-20");
    let (_, body) = client
        .json(shipmux_fedex::RATE_PATH, &with_times, &token)
        .await;
    let details = body["output"]["rateReplyDetails"].as_array().unwrap();
    assert_eq!(details.len(), 1);
    assert_eq!(
        details[0]["commit"]["transitDays"]["minimumTransitTime"],
        "TWO_DAYS"
    );
    assert_eq!(
        details[0]["commit"]["dateDetail"]["dayFormat"],
        "2026-11-24T10:30:00"
    );
}

#[tokio::test]
async fn bad_requests_get_fedex_error_bodies() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::new(&sandbox);
    let token = client.token().await;
    let mut no_weight = minimum_rate_request();
    no_weight["requestedShipment"]["requestedPackageLineItems"][0]["weight"]["value"] = json!(0);
    no_weight["requestedShipment"]["pickupType"] = json!("TELEPORT");
    let (status, body) = client
        .json(shipmux_fedex::RATE_PATH, &no_weight, &token)
        .await;
    assert_eq!(status, 400);
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["PICKUPTYPE.INVALID", "PACKAGE.WEIGHT.INVALID"],
        "every problem listed"
    );
    let mut bad_country = minimum_rate_request();
    bad_country["requestedShipment"]["recipient"]["address"]["countryCode"] = json!("XX");
    let (status, body) = client
        .json(shipmux_fedex::RATE_PATH, &bad_country, &token)
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "RECIPIENT.COUNTRYCODE.INVALID")
    );
    let mut unknown_service = minimum_rate_request();
    unknown_service["requestedShipment"]["serviceType"] = json!("NO_SUCH_SERVICE_ZZ");
    let (status, body) = client
        .json(shipmux_fedex::RATE_PATH, &unknown_service, &token)
        .await;
    assert_eq!((status, code(&body)), (400, "SERVICETYPE.INVALID"));
    let (status, body) = client
        .send(
            shipmux_fedex::RATE_PATH,
            "application/json",
            "{not json",
            Some(&token),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "INVALID.INPUT.EXCEPTION"));
    let (status, body) = client
        .json(
            shipmux_fedex::TRACK_PATH,
            &json!({"includeDetailedScans": true, "trackingInfo": []}),
            &token,
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "TRACKING.TRACKINGNUMBER.EMPTY")
    );
}

#[tokio::test]
async fn the_protocol_reads_what_the_sandbox_says() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::new(&sandbox);
    let token = client.token().await;
    let fedex = Fedex::builder()
        .client_id("key")
        .client_secret("secret")
        .account_number("740561073")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let request: shipmux_core::RateRequest = serde_json::from_value(json!({
        "origin": {"country": "CA", "postal_code": "K1A 0B1", "region": "ON"},
        "destination": {"country": "CA", "postal_code": "V6M 2V9", "region": "BC"},
        "parcels": [{"weight": {"value": "2.5", "unit": "kg"},
            "dimensions": {"length": "30", "width": "20", "height": "10", "unit": "cm"}}]}))
    .unwrap();
    let http = fedex.build_rate(&request).unwrap();
    let response = client.exchange(&http[0], &token).await;
    let exchange = Exchange {
        round: 0,
        requests: http,
        responses: vec![response],
    };
    let shipmux_core::Step::Done(rates) = fedex.parse_rate(&request, &exchange).unwrap() else {
        panic!("one round")
    };
    assert!(!rates.is_empty());
    for rate in &rates {
        assert_eq!(rate.total.currency.as_str(), "CAD");
        let sum: rust_decimal::Decimal = rate.charges.iter().map(|c| c.amount.amount).sum();
        assert_eq!(
            sum, rate.total.amount,
            "charges add up for {}",
            rate.service
        );
        assert!(
            rate.charges
                .iter()
                .any(|c| c.code.as_deref() == Some("HST"))
        );
        assert!(
            rate.list_total
                .as_ref()
                .is_some_and(|l| l.amount > rate.total.amount)
        );
        assert!(rate.transit_days.is_some() && rate.estimated_delivery.is_some());
    }

    let numbers: Vec<_> = ["794843185271", "39936862321", "128667043726"]
        .iter()
        .map(|n| shipmux_core::TrackingNumber::new(n).unwrap())
        .collect();
    let http = fedex.build_track(&numbers).unwrap();
    let response = client.exchange(&http[0], &token).await;
    let exchange = Exchange {
        round: 0,
        requests: http,
        responses: vec![response],
    };
    let results = fedex.parse_track(&numbers, &exchange).unwrap();
    let known = results[0].as_ref().unwrap();
    assert_eq!(known.tracking_number, "794843185271");
    assert!(!known.events.is_empty());
    assert_ne!(known.status, Status::Unknown);
    assert_eq!(
        results[1].as_ref().unwrap_err().kind,
        shipmux_core::ErrorKind::NotFound
    );
    assert!(results[2].is_ok());
}

#[tokio::test(start_paused = true)]
async fn fedex_limits_answer_429_and_403() {
    let settings = FedexSandboxSettings {
        rate_limit: (3, Duration::from_secs(10)),
        token_throttle: TokenThrottle {
            burst_hits: 1,
            ..TokenThrottle::default()
        },
    };
    let sandbox = sandbox::start_with(SandboxOptions::default(), settings)
        .await
        .unwrap();
    let client = Client::new(&sandbox);
    let token = client.token().await;
    for _ in 0..3 {
        let (status, _) = client
            .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
            .await;
        assert_eq!(status, 200);
    }
    let (status, body) = client
        .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
        .await;
    assert_eq!((status, code(&body)), (429, "TOO.MANY.REQUESTS"));
    tokio::time::advance(Duration::from_secs(10)).await;
    let (status, _) = client
        .json(shipmux_fedex::RATE_PATH, &minimum_rate_request(), &token)
        .await;
    assert_eq!(status, 200, "the window restarts after 10 s");

    client.token().await;
    let form = "grant_type=client_credentials&client_id=key&client_secret=secret";
    let (status, body) = client
        .send(
            "/oauth/token",
            "application/x-www-form-urlencoded",
            form,
            None,
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "FORBIDDEN.ERROR"),
        "token spam blocks the IP"
    );
    let fedex = common::fedex();
    let e = fedex
        .parse_token(&HttpResponse::new(403, body.to_string()))
        .unwrap_err();
    assert!(e.message.contains("blocks an IP address"), "{e}");
}

fn shared() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("SHIPMUX_SHARED");
    if dir.is_none() {
        eprintln!("SHIPMUX_SHARED is not set: skipping FedEx's official sample requests");
    }
    dir.map(std::path::PathBuf::from)
}

#[tokio::test]
async fn official_sample_requests_are_accepted() {
    let Some(dir) = shared() else { return };
    let fedex_dir = dir.join("carrier-api/fedex");
    let read = |p: std::path::PathBuf| -> Value {
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
    };
    let mut rate_requests = vec![(
        "rating_request.json".to_string(),
        read(fedex_dir.join("samples/rating_request.json")),
    )];
    let spec = read(fedex_dir.join("RateQuotes-Resource.json"));
    let schemas = &spec["components"]["schemas"];
    for reference in spec["components"]["schemas"]["body"]["oneOf"]
        .as_array()
        .unwrap()
    {
        let name = reference["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        if let Some(example) = schemas[name].get("example") {
            rate_requests.push((name.to_string(), example.clone()));
        }
    }
    let karrio = dir.join("peer-fixtures/karrio/fedex");
    for file in ["rate_request.json", "rate_request_scheduled_pickup.json"] {
        let mut body = read(karrio.join(file));
        body["requestedShipment"]["shipDateStamp"] = json!("2024-02-15");
        rate_requests.push((file.to_string(), body));
    }
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::new(&sandbox);
    let token = client.token().await;
    assert!(rate_requests.len() > 20, "the spec's examples were found");
    for (name, body) in &rate_requests {
        let (status, reply) = client.json(shipmux_fedex::RATE_PATH, body, &token).await;
        assert_eq!(status, 200, "{name}: {reply}");
        let details = reply["output"]["rateReplyDetails"].as_array().unwrap();
        assert!(!details.is_empty(), "{name}");
        // And the answer reads back through our parser.
        let answer = HttpResponse::new(200, reply.to_string());
        let exchange = Exchange {
            round: 0,
            requests: vec![],
            responses: vec![answer],
        };
        let request = shipmux_core::testkit::TableCarrier::example_request();
        let shipmux_core::Step::Done(rates) =
            common::fedex().parse_rate(&request, &exchange).unwrap()
        else {
            panic!("{name}: one round")
        };
        assert_eq!(rates.len(), details.len(), "{name}");
    }
    let track_spec = read(fedex_dir.join("TrackingNumbers-Resource.json"));
    for body in [
        read(fedex_dir.join("samples/tracking_request.json")),
        track_spec["components"]["schemas"]["Track_by_Tracking_Number"]["example"].clone(),
        read(karrio.join("tracking_request.json")),
    ] {
        let (status, reply) = client.json(shipmux_fedex::TRACK_PATH, &body, &token).await;
        assert_eq!(status, 200, "{body}: {reply}");
        let asked = body["trackingInfo"].as_array().unwrap().len();
        assert_eq!(
            reply["output"]["completeTrackResults"]
                .as_array()
                .unwrap()
                .len(),
            asked
        );
    }
}
