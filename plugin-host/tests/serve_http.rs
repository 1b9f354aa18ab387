//! `serve` end to end: a real HTTP client against the service over loopback, the service
//! against every built-in carrier's simulator over loopback.

mod serve_support;

use std::time::Duration;

use serde_json::{Value, json};
use shipmux_core::Secret;
use shipmux_host::serve::ServeOptions;
use shipmux_sandbox::{SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET};

use serve_support::{Served, cart};

fn carriers_of(answer: &Value) -> Vec<String> {
    answer["carrier_quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["carrier_info"]["code"].as_str().unwrap().to_string())
        .collect()
}

fn amounts(quotes: &Value) -> Vec<f64> {
    quotes
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["cost"]["amount"].as_f64().unwrap())
        .collect()
}

#[tokio::test]
async fn bigcommerce_rate_answers_every_carrier_that_serves_the_route_cheapest_first() {
    let served = Served::start(ServeOptions::default()).await;
    let (status, answer) = served.post("/bigcommerce/rate", &cart(json!({}))).await;
    assert_eq!(status, 200, "{answer}");
    let carriers = carriers_of(&answer);
    for c in ["ups", "fedex", "usps", "dhlexpress"] {
        assert!(carriers.contains(&c.to_string()), "{c} missing: {answer}");
    }
    // Canada Post ships only from Canada: said, not silently missing.
    assert!(!carriers.contains(&"canadapost".to_string()));
    let messages = answer["messages"].as_array().unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m["type"] == "INFO" && m["text"].as_str().unwrap().contains("Canada Post")),
        "{answer}"
    );
    for c in answer["carrier_quotes"].as_array().unwrap() {
        let a = amounts(&c["quotes"]);
        assert!(!a.is_empty());
        assert!(
            a.windows(2).all(|w| w[0] <= w[1]),
            "not cheapest first: {a:?}"
        );
        for q in c["quotes"].as_array().unwrap() {
            assert_eq!(q["cost"]["currency"], "USD");
            assert!(q["cost"]["amount"].is_number(), "amounts are JSON numbers");
            let code = q["code"].as_str().unwrap();
            assert!((1..=50).contains(&code.len()));
            assert!(q["rate_id"].as_str().unwrap().len() <= 50);
        }
    }
    assert_eq!(answer["ttl"], 300);
    let quote_id = answer["quote_id"].as_str().unwrap();
    assert!(!quote_id.is_empty() && quote_id.len() <= 50);
    served.stop().await;
}

#[tokio::test]
async fn zone_options_choose_the_carriers_and_services() {
    let served = Served::start(ServeOptions::default()).await;
    let mut body = cart(json!({}));
    body["zone_options"] =
        json!({"carriers": ["ups", "usps"], "services": ["ups:03", "usps:USPS_GROUND_ADVANTAGE"]});
    let (status, answer) = served.post("/bigcommerce/rate", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(carriers_of(&answer), ["ups", "usps"]);
    for c in answer["carrier_quotes"].as_array().unwrap() {
        for q in c["quotes"].as_array().unwrap() {
            assert!(
                ["03", "USPS_GROUND_ADVANTAGE"].contains(&q["code"].as_str().unwrap()),
                "{q}"
            );
        }
    }
    body["zone_options"] = json!({"carriers": "ups, royalmail"});
    let (status, answer) = served.post("/bigcommerce/rate", &body).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("zone_options.carriers")
    );
    served.stop().await;
}

#[tokio::test]
async fn check_connection_options_connects_each_account_the_store_sent() {
    let served = Served::start(ServeOptions::default()).await;
    let check = |options: Value| {
        let served = &served;
        async move {
            let (status, answer) = served
                .post(
                    "/bigcommerce/check_connection_options",
                    &json!({ "connection_options": options }),
                )
                .await;
            assert_eq!(status, 200, "{answer}");
            answer
        }
    };
    let good = check(
        json!({"ups_client_id": SANDBOX_CLIENT_ID, "ups_client_secret": SANDBOX_CLIENT_SECRET}),
    )
    .await;
    assert_eq!(good["valid"], true, "{good}");
    let bad =
        check(json!({"ups_client_id": SANDBOX_CLIENT_ID, "ups_client_secret": "guess"})).await;
    assert_eq!(bad["valid"], false, "{bad}");
    let text = bad["messages"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("UPS: unauthenticated"), "{text}");
    assert!(
        !text.contains("guess"),
        "the secret is never echoed: {text}"
    );
    let incomplete = check(json!({"fedex_client_id": "abc"})).await;
    assert_eq!(incomplete["valid"], false);
    assert!(
        incomplete["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("connection_options.fedex_client_secret")
    );
    let none = check(json!({})).await;
    assert_eq!(none["valid"], true, "the service's own accounts: {none}");
    served.stop().await;
}

#[tokio::test]
async fn a_store_never_borrows_another_stores_account() {
    let served = Served::start(ServeOptions::default()).await;
    let only_ups = |connection: Value| {
        let mut body = cart(connection);
        body["zone_options"] = json!({"carriers": ["ups"]});
        body
    };
    // Store A connects its (valid) UPS account: quotes come back.
    let a = only_ups(
        json!({"ups_client_id": SANDBOX_CLIENT_ID, "ups_client_secret": SANDBOX_CLIENT_SECRET}),
    );
    let (status, answer) = served.post("/bigcommerce/rate", &a).await;
    assert_eq!(status, 200);
    assert_eq!(carriers_of(&answer), ["ups"], "{answer}");
    // Store B knows A's client id but not its secret: A's token and A's cached quotes stay A's.
    let b = only_ups(
        json!({"ups_client_id": SANDBOX_CLIENT_ID, "ups_client_secret": "not-the-secret"}),
    );
    let (status, answer) = served.post("/bigcommerce/rate", &b).await;
    assert_eq!(status, 200);
    assert!(carriers_of(&answer).is_empty(), "{answer}");
    let warning = answer["messages"][0]["text"].as_str().unwrap();
    assert!(
        warning.contains("UPS") && warning.contains("unauthenticated"),
        "{warning}"
    );
    assert_eq!(
        answer["ttl"], 5,
        "an answer missing a carrier is cached briefly"
    );
    served.stop().await;
}

/// A `RateRequest`: 2 lb from 90210 to 10001.
fn two_pounds_across_the_us() -> Value {
    json!({"origin": {"country": "US", "postal_code": "90210"},
           "destination": {"country": "US", "postal_code": "10001"},
           "parcels": [{"weight": {"value": "2", "unit": "lb"}}]})
}

/// The value of the metric line starting with `series` (name and labels), if present.
fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn metrics_count_upstream_attempts_token_fetches_and_failures_per_carrier() {
    let served = Served::start(ServeOptions::default()).await;
    let before = served.get_text("/metrics").await;
    // Start-up connected every account: one token fetch per OAuth carrier.
    assert_eq!(
        metric(&before, r#"shipmux_token_fetches_total{carrier="ups"}"#),
        Some(1.0),
        "{before}"
    );
    let ups_before = metric(&before, r#"shipmux_upstream_requests_total{carrier="ups"}"#).unwrap();

    let (status, _) = served.post("/v1/rates", &two_pounds_across_the_us()).await;
    assert_eq!(status, 200);
    // A store whose UPS secret is wrong: its token request fails with 401.
    let (status, _) = served
        .post(
            "/bigcommerce/check_connection_options",
            &json!({"connection_options":
                {"ups_client_id": SANDBOX_CLIENT_ID, "ups_client_secret": "a-wrong-secret"}}),
        )
        .await;
    assert_eq!(status, 200);

    let after = served.get_text("/metrics").await;
    let ups_after = metric(&after, r#"shipmux_upstream_requests_total{carrier="ups"}"#).unwrap();
    assert_eq!(
        ups_after - ups_before,
        2.0,
        "one rate call and the store's token request: {after}"
    );
    assert_eq!(
        metric(&after, r#"shipmux_token_fetches_total{carrier="ups"}"#),
        Some(2.0),
        "{after}"
    );
    assert!(
        metric(
            &after,
            r#"shipmux_upstream_failures_total{carrier="ups",kind="unauthenticated"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "{after}"
    );
    assert!(
        metric(&after, r#"shipmux_upstream_requests_total{carrier="usps"}"#)
            .is_some_and(|n| n >= 1.0),
        "{after}"
    );
    assert!(
        after.contains(r#"shipmux_rate_limit_waits_total{carrier="ups"} 0"#),
        "{after}"
    );
    assert!(
        !after.contains("a-wrong-secret"),
        "secrets never reach metrics"
    );
    assert!(
        !after.contains(SANDBOX_CLIENT_ID),
        "account ids never become labels"
    );
    served.stop().await;
}

#[tokio::test]
async fn every_v1_route_answers_with_the_library_types() {
    let served = Served::start(ServeOptions::default()).await;
    let (status, answer) = served.post("/v1/rates", &two_pounds_across_the_us()).await;
    assert_eq!(status, 200, "{answer}");
    let rates: Vec<shipmux_core::Rate> = serde_json::from_value(answer["rates"].clone()).unwrap();
    assert!(rates.iter().any(|r| r.carrier.as_str() == "ups"));
    assert_eq!(answer["errors"], json!([]));
    assert_eq!(answer["skipped"][0]["carrier"], "canadapost");

    let checkout = json!({"origin": {"country": "US", "postal_code": "90210"}, "currency": "USD",
        "line_items": [{"id": "li-1", "quantity": 1, "unit_price": "20.00",
                        "weight": {"value": "2", "unit": "lb"}}],
        "consignments": [{"id": "c1", "address": {"country": "US", "postal_code": "10001"},
                          "line_items": [{"item_id": "li-1", "quantity": 1}]}]});
    let (status, answer) = served.post("/v1/checkouts/quote", &checkout).await;
    assert_eq!(status, 200, "{answer}");
    let quote: shipmux_core::checkout::CheckoutQuote = serde_json::from_value(answer).unwrap();
    let options = &quote.consignments[0].options;
    assert!(options.iter().any(|o| o.method == "flat"));
    assert!(options.iter().any(|o| o.method == "ups"));

    let (status, answer) = served.get("/v1/tracking/1ZA1B2C30312345673").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["tracking"]["carrier"], "ups");
    let (status, answer) = served.get("/v1/tracking/not-a-number?carrier=ups").await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = served
        .get("/v1/tracking/1ZA1B2C30312345673?carrier=royalmail")
        .await;
    assert_eq!(status, 400, "{answer}");

    let (status, answer) = served.get("/v1/carriers").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = answer["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    served.stop().await;
}

#[tokio::test]
async fn v1_wants_a_configured_key_and_health_does_not() {
    let served = Served::start(ServeOptions {
        api_keys: vec![Secret::new("k-123456")],
        ..ServeOptions::default()
    })
    .await;
    let url = format!("{}/v1/carriers", served.base);
    let none = served.client.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let wrong = served
        .client
        .get(&url)
        .bearer_auth("k-12345")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = served
        .client
        .get(&url)
        .bearer_auth("k-123456")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert_eq!(served.get("/healthz").await.0, 200);
    assert_eq!(served.get("/readyz").await.0, 200);
    let text = served.get_text("/metrics").await;
    assert!(
        text.contains(r#"shipmux_http_requests_total{route="/v1/carriers",status="401"} 2"#),
        "{text}"
    );
    assert!(text.contains("shipmux_cache_hits_total"), "{text}");
    assert!(!text.contains("k-123456"), "keys never reach metrics");
    served.stop().await;
}

#[tokio::test]
async fn bigcommerce_requests_carry_their_stores_secret_when_stores_are_configured() {
    let mut options = ServeOptions::default();
    options
        .bigcommerce
        .store_secrets
        .insert("1001".into(), Secret::new("store-secret"));
    let served = Served::start(options).await;
    let (status, answer) = served.post("/bigcommerce/rate", &cart(json!({}))).await;
    assert_eq!(status, 401, "{answer}");
    let (status, _) = served
        .post(
            "/bigcommerce/rate",
            &cart(json!({"shipmux_secret": "wrong"})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, answer) = served
        .post(
            "/bigcommerce/rate",
            &cart(json!({"shipmux_secret": "store-secret"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    served.stop().await;
}

#[tokio::test]
async fn a_request_over_the_limit_in_flight_is_shed_with_retry_after() {
    let served = Served::start_with(
        ServeOptions {
            max_in_flight: 1,
            ..ServeOptions::default()
        },
        Duration::from_millis(400),
    )
    .await;
    let body = json!({"origin": {"country": "US", "postal_code": "90210"},
                      "destination": {"country": "US", "postal_code": "10001"},
                      "parcels": [{"weight": {"value": "3", "unit": "lb"}}]});
    let first = {
        let client = served.client.clone();
        let url = format!("{}/v1/rates", served.base);
        let body = body.clone();
        tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status() })
    };
    // The first request is in flight once a simulator has it.
    let ups = served.fleet.sandbox("ups").unwrap();
    while ups.rate_calls() == 0 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let second = served
        .client
        .post(format!("{}/v1/rates", served.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 503);
    assert_eq!(second.headers()["retry-after"], "1");
    assert_eq!(first.await.unwrap(), 200);
    served.stop().await;
}

#[tokio::test]
async fn stopping_lets_the_requests_in_flight_finish() {
    let served = Served::start_with(ServeOptions::default(), Duration::from_millis(300)).await;
    let body = json!({"origin": {"country": "US", "postal_code": "90210"},
                      "destination": {"country": "US", "postal_code": "10001"},
                      "parcels": [{"weight": {"value": "4", "unit": "lb"}}]});
    let in_flight = {
        let client = served.client.clone();
        let url = format!("{}/v1/rates", served.base);
        tokio::spawn(async move {
            let r = client.post(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        })
    };
    let ups = served.fleet.sandbox("ups").unwrap();
    while ups.rate_calls() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let base = served.base.clone();
    served.stop().await;
    let (status, answer) = in_flight.await.unwrap();
    assert_eq!(status, 200);
    assert!(!answer["rates"].as_array().unwrap().is_empty(), "{answer}");
    // And nothing new is accepted.
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());
}

#[tokio::test]
async fn a_rate_in_another_currency_is_converted_with_the_stores_exchange_rates() {
    let served = Served::start(ServeOptions::default()).await;
    // A USD store shipping from its Canadian warehouse: Canada Post answers in CAD.
    let mut body = cart(json!({}));
    body["base_options"]["origin"] = json!({"zip": "K1G 3H7", "country_iso2": "CA"});
    body["base_options"]["destination"] = json!({"zip": "M5V 3L9", "country_iso2": "CA"});
    body["zone_options"] = json!({"carriers": ["canadapost"]});
    let (status, answer) = served.post("/bigcommerce/rate", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(carriers_of(&answer).is_empty(), "{answer}");
    let warning = answer["messages"][0]["text"].as_str().unwrap();
    assert!(
        warning.contains("no exchange rate from CAD to USD"),
        "reported, not dropped: {warning}"
    );

    served
        .host
        .set_exchange_rates(
            serde_json::from_value(json!({"base": "USD", "rates": {"CAD": "1.25"}})).unwrap(),
        )
        .unwrap();
    let (status, answer) = served.post("/bigcommerce/rate", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(carriers_of(&answer), ["canadapost"], "{answer}");
    for q in answer["carrier_quotes"][0]["quotes"].as_array().unwrap() {
        assert_eq!(q["cost"]["currency"], "USD");
        let said = q["description"].as_str().unwrap();
        let cad: f64 = said
            .split("carrier price ")
            .nth(1)
            .or_else(|| said.strip_prefix("Carrier price "))
            .and_then(|t| t.strip_suffix(" CAD"))
            .unwrap_or_else(|| panic!("{said}"))
            .parse()
            .unwrap();
        let usd = q["cost"]["amount"].as_f64().unwrap();
        assert!((usd - cad / 1.25).abs() < 0.006, "{usd} USD for {cad} CAD");
    }
    served.stop().await;
}
