//! The UPS sandbox's token endpoint takes what UPS's OAuth Client Credentials API allows —
//! HTTP Basic, a form with `grant_type=client_credentials`, an optional `x-merchant-id` —
//! and refuses the rest with UPS's error body. Requests are written in our own values after
//! the spec's shape; with `SHIPMUX_SHARED` set, the spec's own grant default and header are
//! read from the shared folder and sent.

#![cfg(feature = "sandbox")]

use serde_json::Value;
use shipmux_sandbox::{Sandbox, SandboxOptions};
use shipmux_ups::sandbox;

const ID: &str = "ups-app-41d2";
const SECRET: &str = "ups-s3cret";

async fn start() -> Sandbox {
    sandbox::start(SandboxOptions::default().expect_credentials(ID, SECRET))
        .await
        .unwrap()
}

enum Auth<'a> {
    None,
    Basic(&'a str, &'a str),
    Header(&'a str),
}

async fn post(sb: &Sandbox, auth: Auth<'_>, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(format!("{}/security/v1/oauth/token", sb.base_url()))
        .body(body.to_string());
    match auth {
        Auth::None => {}
        Auth::Basic(id, secret) => r = r.basic_auth(id, Some(secret)),
        Auth::Header(value) => r = r.header("authorization", value),
    }
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (status, body)
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

/// UPS's tokenSuccessResponse: every field a string.
fn assert_token(status: u16, body: &Value) {
    assert_eq!(status, 200, "{body}");
    for field in [
        "token_type",
        "issued_at",
        "client_id",
        "access_token",
        "scope",
        "expires_in",
        "refresh_count",
        "status",
    ] {
        assert!(body[field].is_string(), "{field} is not a string: {body}");
    }
    assert_eq!(body["client_id"], ID);
    assert_eq!(body["status"], "approved");
}

/// UPS's tokenErrorResponse with `code`.
fn assert_refusal(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    let errors = body["response"]["errors"].as_array().unwrap();
    assert_eq!(errors[0]["code"], code, "{body}");
    assert!(errors[0]["message"].is_string());
}

#[tokio::test]
async fn the_specs_request_gets_a_token_with_or_without_a_merchant_id() {
    let sb = start().await;
    let (s, b) = post(
        &sb,
        Auth::Basic(ID, SECRET),
        &[FORM, ("x-merchant-id", "A1B2C3")],
        "grant_type=client_credentials",
    )
    .await;
    assert_token(s, &b);
    let (s, b) = post(
        &sb,
        Auth::Basic(ID, SECRET),
        &[FORM],
        "grant_type=client_credentials",
    )
    .await;
    assert_token(s, &b);
    // Media types are case-insensitive and may carry a charset; form values may be
    // percent-encoded; the scheme name is case-insensitive.
    let basic = format!("basic {}", base64_pair(ID, SECRET));
    let (s, b) = post(
        &sb,
        Auth::Header(&basic),
        &[(
            "content-type",
            "Application/x-www-form-urlencoded;charset=UTF-8",
        )],
        "grant_type=client%5Fcredentials",
    )
    .await;
    assert_token(s, &b);
    sb.shutdown().await;
}

fn base64_pair(id: &str, secret: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
}

/// A request (auth, headers, body) and the status and UPS code it must get.
type Refusal<'a> = (Auth<'a>, Vec<(&'a str, &'a str)>, String, u16, &'a str);

#[tokio::test]
async fn what_the_spec_does_not_allow_is_refused_in_ups_shape() {
    let sb = start().await;
    let cases: Vec<Refusal> = vec![
        // The body must be a form with grant_type=client_credentials.
        (
            Auth::Basic(ID, SECRET),
            vec![("content-type", "application/json")],
            r#"{"grant_type":"client_credentials"}"#.into(),
            400,
            "10400",
        ),
        (
            Auth::Basic(ID, SECRET),
            vec![FORM],
            String::new(),
            400,
            "10400",
        ),
        (
            Auth::Basic(ID, SECRET),
            vec![FORM],
            "grant_type=authorization_code&code=abc".into(),
            400,
            "10400",
        ),
        (
            Auth::Basic(ID, SECRET),
            vec![FORM],
            "grant_type=client_credentials&grant_type=refresh_token".into(),
            400,
            "10400",
        ),
        // The client authenticates with Basic only.
        (
            Auth::None,
            vec![FORM],
            format!("grant_type=client_credentials&client_id={ID}&client_secret={SECRET}"),
            401,
            "10401",
        ),
        (
            Auth::Basic(ID, "wrong"),
            vec![FORM],
            "grant_type=client_credentials".into(),
            401,
            "10401",
        ),
        (
            Auth::Header("Bearer abc"),
            vec![FORM],
            "grant_type=client_credentials".into(),
            401,
            "10401",
        ),
    ];
    for (auth, headers, body, status, code) in cases {
        let (s, b) = post(&sb, auth, &headers, &body).await;
        assert_refusal(s, &b, status, code);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn the_specs_own_grant_default_and_header_are_accepted() {
    let Some(root) = std::env::var_os("SHIPMUX_SHARED") else {
        eprintln!("SHIPMUX_SHARED is not set: skipping UPS's own OAuth description");
        return;
    };
    let path = std::path::Path::new(&root).join("carrier-api/ups/OAuthClientCredentials.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    // `grant_type`'s documented default, and the optional header's name.
    let grant = yaml
        .lines()
        .skip_while(|l| l.trim() != "grant_type:")
        .find_map(|l| l.trim().strip_prefix("default:"))
        .expect("grant_type has a default")
        .trim()
        .to_string();
    let header = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("name:").map(str::trim))
        .expect("the optional header")
        .to_string();
    assert_eq!(header, "x-merchant-id");
    let sb = start().await;
    let (s, b) = post(
        &sb,
        Auth::Basic(ID, SECRET),
        &[FORM, (header.as_str(), "123456")],
        &format!("grant_type={grant}"),
    )
    .await;
    assert_token(s, &b);
    sb.shutdown().await;
}
