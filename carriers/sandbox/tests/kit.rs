//! The kit over real loopback HTTP, seen by a plain reqwest client: tokens, counters, and
//! every fault as a client observes it.

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use shipmux_sandbox::{Fault, FaultPlan, Sandbox, SandboxOptions, basic_credentials};

/// A toy carrier: Basic-auth token endpoint, one guarded JSON endpoint.
async fn start(options: SandboxOptions) -> Sandbox {
    let builder = Sandbox::builder(options).error_body(|status| {
        (
            status,
            Json(json!({"errors": [{"code": format!("E{}", status.as_u16())}]})),
        )
            .into_response()
    });
    let tokens = builder.tokens();
    let api = tokens.protect(
        Router::new().route(
            "/api/quote/{lane}",
            post(|| async {
                Json(json!({"price": "12.34", "lane": "ok", "pad": "x".repeat(200)}))
            }),
        ),
        |reason| {
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({"errors": [{"code": "AUTH", "message": reason.to_string()}]})),
            )
                .into_response()
        },
    );
    let token_route = Router::new().route(
        "/oauth/token",
        post(move |headers: HeaderMap| {
            let tokens = tokens.clone();
            async move {
                let (id, secret) = basic_credentials(&headers).unwrap_or_default();
                match tokens.issue(&id, &secret) {
                    Ok(t) => Json(json!({
                        "access_token": t.access_token.expose(),
                        "expires_in": t.expires_in.as_secs().to_string(),
                    }))
                    .into_response(),
                    Err(_) => StatusCode::UNAUTHORIZED.into_response(),
                }
            }
        }),
    );
    builder
        .serve(
            api.merge(token_route)
                .route("/ping", get(|| async { "pong" })),
        )
        .await
        .expect("sandbox starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

async fn token(sandbox: &Sandbox, id: &str, secret: &str) -> reqwest::Response {
    client()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .basic_auth(id, Some(secret))
        .send()
        .await
        .unwrap()
}

async fn bearer(sandbox: &Sandbox) -> String {
    let v: Value = token(sandbox, "id", "secret").await.json().await.unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

async fn quote(sandbox: &Sandbox, bearer: &str) -> reqwest::Result<reqwest::Response> {
    client()
        .post(format!("{}/api/quote/east", sandbox.base_url()))
        .bearer_auth(bearer)
        .send()
        .await
}

#[tokio::test]
async fn tokens_are_issued_checked_and_refused() {
    let sandbox = start(SandboxOptions::default().expect_credentials("id", "secret")).await;
    assert_eq!(token(&sandbox, "id", "wrong").await.status(), 401);
    assert_eq!(token(&sandbox, "", "").await.status(), 401);
    let t = bearer(&sandbox).await;
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 200);

    let missing = client()
        .post(format!("{}/api/quote/east", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["code"], "AUTH",
        "the carrier's own 401 body"
    );

    sandbox.expire_tokens();
    let stale = quote(&sandbox, &t).await.unwrap();
    assert_eq!(stale.status(), 401);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "expired bearer token");
    let fresh = bearer(&sandbox).await;
    assert_eq!(quote(&sandbox, &fresh).await.unwrap().status(), 200);
    assert_eq!(sandbox.stats().tokens_issued, 2);
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let sandbox = start(SandboxOptions::default().with_token_ttl(Duration::ZERO)).await;
    let t = bearer(&sandbox).await;
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 401);
}

#[tokio::test]
async fn counters_count_per_endpoint_and_over_http() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    for _ in 0..3 {
        quote(&sandbox, &t).await.unwrap();
    }
    let nowhere = client()
        .get(format!("{}/nowhere", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);

    let stats = sandbox.stats();
    assert_eq!(stats.requests("POST /api/quote/{lane}"), 3);
    assert_eq!(stats.requests("POST /oauth/token"), 1);
    assert_eq!(stats.requests("unmatched"), 1);
    assert_eq!(stats.total, 5);

    let over_http: Value = client()
        .get(format!("{}/_sandbox/stats", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        over_http["endpoints"]["POST /api/quote/{lane}"]["requests"],
        3
    );
    assert_eq!(over_http["total"], 5, "control calls are not counted");

    sandbox.reset_stats();
    assert_eq!(sandbox.stats().total, 0);
}

#[tokio::test]
async fn status_faults_carry_the_carrier_body_and_retry_after() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::Status500, 1);
    sandbox.inject(
        Fault::Status503 {
            retry_after_secs: Some(3),
        },
        1,
    );
    sandbox.inject(
        Fault::Status429 {
            retry_after_secs: Some(1),
        },
        1,
    );
    sandbox.inject(
        Fault::Status429 {
            retry_after_secs: None,
        },
        1,
    );

    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 500);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "E500");

    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "3");

    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");

    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_none());

    assert_eq!(
        quote(&sandbox, &t).await.unwrap().status(),
        200,
        "faults used up"
    );
    let stats = sandbox.stats();
    assert_eq!(stats.faults, 4);
    assert_eq!(stats.fault_kinds["status429"], 2);
}

#[tokio::test]
async fn faults_target_a_path_prefix() {
    let sandbox = start(SandboxOptions::default()).await;
    sandbox.inject_at("/api/", Fault::Status500, 1);
    let t = bearer(&sandbox).await; // the token path is not hit
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 500);
    assert_eq!(sandbox.pending_faults(), 0);
}

#[tokio::test]
async fn malformed_and_wrong_content_type_bodies_do_not_parse() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::MalformedBody, 1);
    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    sandbox.inject(Fault::WrongContentType, 1);
    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn truncated_body_fails_while_reading() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::TruncatedBody, 1);
    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 200);
    let declared = r.content_length().unwrap();
    let body = r.bytes().await;
    assert!(body.is_err(), "declared {declared} bytes, got {body:?}");
}

#[tokio::test]
async fn connection_reset_aborts_without_an_answer() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::ConnectionReset, 1);
    let err = quote(&sandbox, &t).await.unwrap_err();
    assert!(!err.is_timeout() && err.status().is_none(), "{err:?}");
    assert_eq!(
        quote(&sandbox, &t).await.unwrap().status(),
        200,
        "server lives on"
    );
}

#[tokio::test]
async fn hang_never_answers_until_the_client_gives_up() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::Hang, 1);
    let err = client()
        .post(format!("{}/api/quote/east", sandbox.base_url()))
        .bearer_auth(&t)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn hang_ends_when_the_sandbox_shuts_down() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::Hang, 1);
    let url = format!("{}/api/quote/east", sandbox.base_url());
    let pending = tokio::spawn(async move { client().post(url).bearer_auth(t).send().await });
    while sandbox.pending_faults() > 0 {
        tokio::task::yield_now().await;
    }
    sandbox.shutdown().await;
    let result = pending.await.unwrap();
    assert!(result.is_err(), "{result:?}");
}

#[tokio::test]
async fn slow_drip_delivers_the_whole_body_in_pieces() {
    let sandbox =
        start(SandboxOptions::default().with_drip_interval(Duration::from_millis(1))).await;
    let t = bearer(&sandbox).await;
    let whole = quote(&sandbox, &t).await.unwrap().bytes().await.unwrap();
    sandbox.inject(Fault::SlowDrip, 1);
    let mut r = quote(&sandbox, &t).await.unwrap();
    let mut chunks = 0;
    let mut body = Vec::new();
    while let Some(chunk) = r.chunk().await.unwrap() {
        chunks += 1;
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body, whole);
    assert!(chunks > 5, "{chunks} chunks");
}

#[tokio::test]
async fn oversized_body_streams_the_configured_size() {
    let sandbox = start(SandboxOptions::default().with_oversized_bytes(1024 * 1024)).await;
    let t = bearer(&sandbox).await;
    sandbox.inject(Fault::OversizedBody, 1);
    let r = quote(&sandbox, &t).await.unwrap();
    assert!(r.content_length().is_none(), "streamed, no length");
    let body = r.bytes().await.unwrap();
    assert_eq!(body.len(), 1024 * 1024);
    assert!(serde_json::from_slice::<Value>(&body).is_ok());
}

#[tokio::test]
async fn expired_token_fault_gives_the_carrier_401() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.inject_at("/api", Fault::ExpiredToken, 1);
    let r = quote(&sandbox, &t).await.unwrap();
    assert_eq!(r.status(), 401);
    let fresh = bearer(&sandbox).await;
    assert_eq!(quote(&sandbox, &fresh).await.unwrap().status(), 200);
}

#[tokio::test]
async fn control_endpoint_injects_faults_from_another_process() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    let r = client()
        .post(format!("{}/_sandbox/faults", sandbox.base_url()))
        .json(&json!({"fault": {"kind": "status503", "retry_after_secs": 2}, "count": 2, "path_prefix": "/api"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 503);
    assert_eq!(sandbox.pending_faults(), 1);
    client()
        .delete(format!("{}/_sandbox/faults", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 200);

    let bad = client()
        .post(format!("{}/_sandbox/faults", sandbox.base_url()))
        .json(&json!({"fault": {"kind": "meteor"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    client()
        .post(format!("{}/_sandbox/tokens/expire", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 401);
}

#[tokio::test]
async fn random_faults_follow_the_plan() {
    let sandbox = start(SandboxOptions::default()).await;
    let t = bearer(&sandbox).await;
    sandbox.set_fault_plan(FaultPlan {
        rate: 1.0,
        kinds: vec![Fault::Status500],
    });
    for _ in 0..3 {
        assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 500);
    }
    sandbox.set_fault_plan(FaultPlan::default());
    assert_eq!(quote(&sandbox, &t).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_dropped_sandbox_stops_listening() {
    let sandbox = start(SandboxOptions::default()).await;
    let url = format!("{}/ping", sandbox.base_url());
    assert_eq!(
        client()
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "pong"
    );
    sandbox.shutdown().await;
    assert!(client().get(&url).send().await.is_err());
}

/// A sandbox whose one route tells the test when the carrier's work starts.
async fn start_with_work_signal(
    options: SandboxOptions,
) -> (Sandbox, tokio::sync::mpsc::Receiver<()>) {
    let (started, work) = tokio::sync::mpsc::channel(4);
    let route = Router::new().route(
        "/api/work",
        post(move || {
            let started = started.clone();
            async move {
                let _ = started.send(()).await;
                "done"
            }
        }),
    );
    let sandbox = Sandbox::builder(options)
        .serve(route)
        .await
        .expect("sandbox starts");
    (sandbox, work)
}

#[tokio::test]
async fn latency_is_the_response_time_and_the_work_happens_inside_it() {
    // A minute of latency: the carrier's work must still start as soon as the request
    // arrives (it used to wait for the whole delay first, adding its work on top).
    let (sandbox, mut work) = start_with_work_signal(
        SandboxOptions::default().with_latency(Duration::from_secs(60), Duration::ZERO),
    )
    .await;
    let url = format!("{}/api/work", sandbox.base_url());
    let request = tokio::spawn(async move { client().post(url).send().await });
    tokio::time::timeout(Duration::from_secs(30), work.recv())
        .await
        .expect("the work starts while the answer waits for the latency")
        .expect("the route ran");
    assert!(
        !request.is_finished(),
        "no answer before the latency is over"
    );
    request.abort();
}

#[tokio::test]
async fn no_answer_leaves_before_the_latency() {
    let latency = Duration::from_millis(300);
    let (sandbox, _work) =
        start_with_work_signal(SandboxOptions::default().with_latency(latency, Duration::ZERO))
            .await;
    let sent = std::time::Instant::now();
    let answer = client()
        .post(format!("{}/api/work", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.text().await.unwrap(), "done");
    assert!(
        sent.elapsed() >= latency,
        "answered after {:?}",
        sent.elapsed()
    );
}
