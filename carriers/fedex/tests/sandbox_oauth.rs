//! The FedEx sandbox's token endpoint takes what FedEx's API Authorization spec allows — a
//! form body with `grant_type` (`client_credentials`, `client_pc_credentials` or
//! `csp_credentials`), `client_id`, `client_secret` and, for parents and integrators,
//! `child_Key` / `child_secret` — and refuses the rest with FedEx's error body. Requests are
//! written in our own values after the spec's three examples; with `SHIPMUX_SHARED` set, the
//! examples themselves are read from the shared folder and sent.

#![cfg(feature = "sandbox")]

use std::time::Duration;

use serde_json::Value;
use shipmux_fedex::sandbox::{self, FedexSandboxSettings, TokenThrottle};
use shipmux_sandbox::{Sandbox, SandboxOptions};

const ID: &str = "l7fe0c2d9a41b";
const SECRET: &str = "f3dx-s3cret";

/// A sandbox expecting `id` / `secret`, with a token throttle these tests never reach.
async fn start(id: &str, secret: &str) -> Sandbox {
    let settings = FedexSandboxSettings {
        token_throttle: TokenThrottle {
            burst_hits: 1_000,
            burst_window: Duration::from_secs(5),
            average_hits: 10_000,
            average_window: Duration::from_secs(120),
            block: Duration::from_secs(600),
        },
        ..FedexSandboxSettings::default()
    };
    sandbox::start_with(
        SandboxOptions::default().expect_credentials(id, secret),
        settings,
    )
    .await
    .unwrap()
}

async fn post(
    sb: &Sandbox,
    content_type: Option<&str>,
    basic: Option<(&str, &str)>,
    body: &str,
) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(format!("{}/oauth/token", sb.base_url()))
        .body(body.to_string());
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    if let Some((id, secret)) = basic {
        r = r.basic_auth(id, Some(secret));
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// FedEx's token Response: bearer, integer expires_in, scope CXS.
fn assert_token(status: u16, body: &Value) {
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(body["token_type"], "bearer");
    assert!(body["expires_in"].is_u64(), "{body}");
    assert_eq!(body["scope"], "CXS");
}

/// FedEx's ErrorResponseVO with `code`.
fn assert_refusal(status: u16, body: &Value, expected: u16, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    assert!(body["errors"][0]["message"].is_string());
    assert!(body["transactionId"].is_string(), "{body}");
}

#[tokio::test]
async fn the_three_documented_grants_get_tokens() {
    let sb = start(ID, SECRET).await;
    let proprietary = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", ID),
        ("client_secret", SECRET),
    ]);
    let (s, b) = post(&sb, FORM, None, &proprietary).await;
    assert_token(s, &b);
    for grant in ["client_pc_credentials", "csp_credentials"] {
        let body = form(&[
            ("grant_type", grant),
            ("client_id", ID),
            ("client_secret", SECRET),
            ("child_Key", "child-key-77"),
            ("child_secret", "child-secret-77"),
        ]);
        let (s, b) = post(&sb, FORM, None, &body).await;
        assert_token(s, &b);
    }
    // A charset parameter and another spelling of the media type.
    let (s, b) = post(
        &sb,
        Some("Application/X-WWW-Form-Urlencoded; charset=utf-8"),
        None,
        &proprietary,
    )
    .await;
    assert_token(s, &b);
    sb.shutdown().await;
}

/// A request (content type, Basic pair, body) and the status and FedEx code it must get.
type Refusal<'a> = (
    Option<&'a str>,
    Option<(&'a str, &'a str)>,
    String,
    u16,
    &'a str,
);

#[tokio::test]
async fn what_the_spec_does_not_allow_is_refused_in_fedex_shape() {
    let sb = start(ID, SECRET).await;
    let good = |grant: &str, secret: &str| {
        form(&[
            ("grant_type", grant),
            ("client_id", ID),
            ("client_secret", secret),
        ])
    };
    let cases: Vec<Refusal> = vec![
        // Content-Type is required and is a form.
        (
            None,
            None,
            good("client_credentials", SECRET),
            400,
            "INVALID.INPUT.EXCEPTION",
        ),
        (
            Some("application/json"),
            None,
            format!(
                r#"{{"grant_type":"client_credentials","client_id":"{ID}","client_secret":"{SECRET}"}}"#
            ),
            400,
            "INVALID.INPUT.EXCEPTION",
        ),
        // grant_type is one of the three.
        (
            FORM,
            None,
            good("refresh_token", SECRET),
            400,
            "INVALID.INPUT.EXCEPTION",
        ),
        (
            FORM,
            None,
            form(&[("client_id", ID), ("client_secret", SECRET)]),
            400,
            "INVALID.INPUT.EXCEPTION",
        ),
        // client_id and client_secret are required, in the form.
        (
            FORM,
            None,
            good("client_credentials", "wrong"),
            401,
            "NOT.AUTHORIZED.ERROR",
        ),
        (
            FORM,
            None,
            form(&[("grant_type", "client_credentials"), ("client_id", ID)]),
            401,
            "NOT.AUTHORIZED.ERROR",
        ),
        (
            FORM,
            Some((ID, SECRET)),
            form(&[("grant_type", "client_credentials")]),
            401,
            "NOT.AUTHORIZED.ERROR",
        ),
    ];
    for (content_type, basic, body, status, code) in cases {
        let (s, b) = post(&sb, content_type, basic, &body).await;
        assert_refusal(s, &b, status, code);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn fedex_own_examples_are_accepted() {
    let Some(root) = std::env::var_os("SHIPMUX_SHARED") else {
        eprintln!("SHIPMUX_SHARED is not set: skipping FedEx's own OAuth examples");
        return;
    };
    let path = std::path::Path::new(&root).join("carrier-api/fedex/APIAuthorization-Resource.json");
    let spec: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let examples = spec["paths"]["/oauth/token"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["examples"]
        .as_object()
        .unwrap();
    assert_eq!(examples.len(), 3);
    for (name, example) in examples {
        let fields: Vec<(&str, &str)> = example["value"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let get = |k: &str| fields.iter().find(|(n, _)| *n == k).unwrap().1;
        let sb = start(get("client_id"), get("client_secret")).await;
        let (s, b) = post(&sb, FORM, None, &form(&fields)).await;
        assert_eq!(s, 200, "{name}: {b}");
        assert_token(s, &b);
        sb.shutdown().await;
    }
}
