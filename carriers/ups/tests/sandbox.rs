//! The UPS sandbox spoken to over real loopback HTTP by the protocol itself (a tiny reqwest
//! driver stands in for the host) and by a raw client, as a client written from UPS's docs
//! would.
#![cfg(feature = "sandbox")]

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, Error, ErrorKind, Exchange, HttpRequest, HttpResponse,
    Method, Parcel, Rate, RateRequest, Status, Step, Tracking, TrackingNumber, Weight,
};
use shipmux_sandbox::{Sandbox, SandboxOptions};
use shipmux_ups::{Ups, UpsProtocol, sandbox};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn send(request: &HttpRequest, bearer: Option<&str>) -> HttpResponse {
    let client = reqwest::Client::new();
    let mut r = match request.method {
        Method::Get => client.get(&request.url),
        Method::Post => client.post(&request.url),
        Method::Put => client.put(&request.url),
        Method::Delete => client.delete(&request.url),
    };
    for (k, v) in &request.headers {
        r = r.header(k, v);
    }
    if let Some(token) = bearer {
        r = r.bearer_auth(token);
    }
    let response = r.body(request.body.clone()).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response.bytes().await.unwrap().to_vec();
    HttpResponse {
        status,
        headers,
        body,
    }
}

struct Client {
    ups: UpsProtocol,
    token: String,
}

impl Client {
    async fn connect(sandbox: &Sandbox, account: Option<&str>) -> Result<Client, Error> {
        let mut b = Ups::builder()
            .client_id("client")
            .client_secret("secret")
            .base_url(&sandbox.base_url());
        if let Some(a) = account {
            b = b.account_number(a);
        }
        let ups = b.build().unwrap();
        let response = send(&ups.build_token().unwrap(), None).await;
        let token = ups.parse_token(&response)?;
        Ok(Client {
            token: token.token.expose().to_string(),
            ups,
        })
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>, Error> {
        let requests = self.ups.build_rate(request)?;
        let mut responses = Vec::new();
        for r in &requests {
            responses.push(send(r, Some(&self.token)).await);
        }
        let exchange = Exchange {
            round: 0,
            requests,
            responses,
        };
        match self.ups.parse_rate(request, &exchange)? {
            Step::Done(rates) => Ok(rates),
            Step::Next(_) => panic!("one round"),
        }
    }

    async fn track(&self, number: &str) -> Result<Tracking, Error> {
        let n = TrackingNumber::new(number).unwrap();
        let requests = self.ups.build_track(std::slice::from_ref(&n)).unwrap();
        let responses = vec![send(&requests[0], Some(&self.token)).await];
        let exchange = Exchange {
            round: 0,
            requests,
            responses,
        };
        self.ups.parse_track(&[n], &exchange).unwrap().remove(0)
    }
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "21093").with_region("MD"),
        Address::new("US", "30005")
            .with_region("GA")
            .residential(true),
        vec![
            Parcel::new(Weight::lb(d("2.5"))).with_dimensions(Dimensions::inches(
                d("12"),
                d("8"),
                d("6"),
            )),
            Parcel::new(Weight::lb(d("1"))),
        ],
    )
    .unwrap()
}

#[tokio::test]
async fn shop_and_rate_through_the_protocol() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::connect(&sandbox, None).await.unwrap();
    let rates = client.quote(&request()).await.unwrap();
    let codes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(codes, ["14", "01", "13", "59", "02", "12", "03"]);
    for r in &rates {
        assert_eq!(r.total.currency.as_str(), "USD");
        assert!(r.total.amount > Decimal::ZERO);
        assert!(r.transit_days.is_some() && r.estimated_delivery.is_some());
        assert_eq!(r.list_total, None);
        assert!(!r.service_name.is_empty());
        assert_eq!(r.total.amount.scale(), 2);
    }
    let ground = rates.iter().find(|r| r.service == "03").unwrap();
    assert!(!ground.guaranteed);
    assert!(
        ground
            .charges
            .iter()
            .any(|c| c.code.as_deref() == Some("270")),
        "residential"
    );

    let again = client.quote(&request()).await.unwrap();
    assert_eq!(rates, again, "deterministic");

    let one = client
        .quote(&request().with_services(["02"]))
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(
        one[0].total,
        rates.iter().find(|r| r.service == "02").unwrap().total
    );

    let mut far = request();
    far.destination = Address::new("US", "98101").with_region("WA");
    let far_rates = client.quote(&far).await.unwrap();
    assert_ne!(far_rates[6].total, rates[6].total, "lanes differ");

    let stats = sandbox.stats();
    assert_eq!(
        stats.requests("POST /api/rating/{version}/{requestoption}"),
        4
    );
    assert_eq!(stats.requests("POST /security/v1/oauth/token"), 1);
}

#[tokio::test]
async fn negotiated_rates_with_an_account() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::connect(&sandbox, Some("A1B2C3")).await.unwrap();
    let rates = client.quote(&request()).await.unwrap();
    for r in &rates {
        let list = r.list_total.as_ref().expect("published price");
        assert!(r.total.amount < list.amount, "{r:?}");
    }
}

#[tokio::test]
async fn unavailable_service_and_international_lanes() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::connect(&sandbox, None).await.unwrap();
    let e = client
        .quote(&request().with_services(["07"]))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("111210"))
    );
    let intl = RateRequest::new(
        Address::new("US", "10001"),
        Address::new("CA", "K1A0B1"),
        vec![Parcel::new(Weight::kg(d("2")))],
    )
    .unwrap();
    let rates = client.quote(&intl).await.unwrap();
    assert!(rates.iter().any(|r| r.service == "07"));
    assert!(
        rates.iter().any(|r| r.service == "11"),
        "Standard to Canada"
    );
}

#[tokio::test]
async fn tracking_tells_stories_and_says_not_found() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = Client::connect(&sandbox, None).await.unwrap();
    let t = client.track("1Z5R89390357567127").await.unwrap();
    assert_eq!(t.tracking_number, "1Z5R89390357567127");
    assert!(!t.events.is_empty());
    assert_ne!(t.status, Status::Unknown);
    assert_eq!(t, client.track("1Z5R89390357567127").await.unwrap());
    if t.status == Status::Delivered {
        assert!(t.delivered_at.is_some() && t.signed_by.is_some());
    }
    let e = client.track("1Z1111111111111111").await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("TW0001")),
        "404 form"
    );
    let e = client.track("T123456789").await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("TW0001")),
        "200 form"
    );
    let e = client.track("ABC12").await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("TV1002"))
    );

    let mut statuses = std::collections::HashSet::new();
    for i in 0..60u32 {
        // Build valid 1Z numbers with their check digit.
        let body = format!("1Z999AA101{i:07}");
        let n = (0..10)
            .map(|c| format!("{body}{c}"))
            .find(|n| sandbox::is_valid_1z(n))
            .unwrap();
        statuses.insert(client.track(&n).await.unwrap().status);
    }
    for s in [Status::Delivered, Status::InTransit, Status::Exception] {
        assert!(statuses.contains(&s), "{s:?} among {statuses:?}");
    }
}

#[tokio::test]
async fn tokens_are_checked_like_ups_does() {
    let sandbox = sandbox::start(SandboxOptions::default().expect_credentials("client", "secret"))
        .await
        .unwrap();
    let wrong = Ups::builder()
        .client_id("client")
        .client_secret("nope")
        .base_url(&sandbox.base_url())
        .build()
        .unwrap();
    let e = wrong
        .parse_token(&send(&wrong.build_token().unwrap(), None).await)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);

    let raw: Value = reqwest::Client::new()
        .post(format!("{}/security/v1/oauth/token", sandbox.base_url()))
        .basic_auth("client", Some("secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert!(raw["expires_in"].is_string(), "{raw}");
    assert_eq!(raw["status"], "approved");

    let client = Client::connect(&sandbox, None).await.unwrap();
    sandbox.expire_tokens();
    let e = client.quote(&request()).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unauthenticated, Some("250002"))
    );
}

async fn post_raw(sandbox: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let client = Client::connect(sandbox, None).await.unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(&client.token)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap(),
    )
}

fn doc_request(option: &str, sub_version: &str) -> Value {
    json!({"RateRequest": {
        "Request": {"RequestOption": option, "SubVersion": sub_version},
        "Shipment": {
            "Shipper": {"Name": "S", "ShipperNumber": "A1B2C3", "Address": {"AddressLine": "1 Main", "PostalCode": "21093", "CountryCode": "US"}},
            "ShipTo": {"Name": "T", "Address": {"AddressLine": ["2 Elm"], "PostalCode": "30005", "CountryCode": "US", "ResidentialAddressIndicator": ""}},
            "Service": {"Code": "03"},
            "Package": {"PackagingType": {"Code": "02"}, "PackageWeight": {"UnitOfMeasurement": {"Code": "LBS"}, "Weight": "5"}}
        }
    }})
}

#[tokio::test]
async fn validation_answers_in_ups_error_shape() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let mut body = doc_request("Rate", "2409");
    body["RateRequest"]["Shipment"]
        .as_object_mut()
        .unwrap()
        .remove("ShipTo");
    let (status, answer) = post_raw(&sandbox, "/api/rating/v2409/Rate", &body).await;
    assert_eq!(status, 400);
    let error = &answer["response"]["errors"][0];
    assert!(error["code"].is_string() && error["message"].as_str().unwrap().contains("ShipTo"));

    let (status, _) = post_raw(
        &sandbox,
        "/api/rating/v2409/Teleport",
        &doc_request("Rate", "2409"),
    )
    .await;
    assert_eq!(status, 400);
    let mut heavy = doc_request("Rate", "2409");
    heavy["RateRequest"]["Shipment"]["Package"]["PackageWeight"]["Weight"] = json!("0");
    let (status, answer) = post_raw(&sandbox, "/api/rating/v2409/Rate", &heavy).await;
    assert_eq!(status, 400, "{answer}");
}

#[tokio::test]
async fn older_versions_get_bare_objects_v2409_gets_arrays() {
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let (status, old) = post_raw(
        &sandbox,
        "/api/rating/v2409/Rate",
        &doc_request("Rate", "2108"),
    )
    .await;
    assert_eq!(status, 200, "{old}");
    let shipment = &old["RateResponse"]["RatedShipment"];
    assert!(shipment.is_object(), "{old}");
    assert!(
        shipment["ItemizedCharges"].is_array(),
        "fuel and residential"
    );
    assert!(shipment["RatedPackage"].is_object());
    assert!(
        shipment["TotalCharges"]["MonetaryValue"].is_string(),
        "money as strings"
    );
    assert_eq!(shipment["Service"]["Description"], "");
    let (_, new) = post_raw(
        &sandbox,
        "/api/rating/v2409/Shop",
        &doc_request("Shop", "2409"),
    )
    .await;
    assert!(new["RateResponse"]["RatedShipment"].is_array());
    assert!(
        new["RateResponse"]["RatedShipment"][0]
            .get("TimeInTransit")
            .is_none()
    );
    let (_, tnt) = post_raw(
        &sandbox,
        "/api/rating/v2409/Shop?additionalinfo=timeintransit",
        &doc_request("Shop", "2409"),
    )
    .await;
    assert!(tnt["RateResponse"]["RatedShipment"][0]["TimeInTransit"]["ServiceSummary"].is_object());
    let negotiated = &new["RateResponse"]["RatedShipment"][0]["NegotiatedRateCharges"];
    assert!(
        negotiated.is_null(),
        "no NegotiatedRatesIndicator, no negotiated rates"
    );
}
