//! The USPS sandbox's token endpoint takes every request shape USPS's OAuth 2.0 API allows:
//! JSON or form bodies, credentials in the body or as HTTP Basic, any documented scope or
//! none, and refuses the rest with RFC 6749 error bodies. The requests below are written in
//! our own values after the shapes of USPS's examples; with `SHIPMUX_SHARED` set, USPS's
//! own examples are read from the shared folder and sent as they are.

#![cfg(feature = "sandbox")]

use std::path::PathBuf;

use serde_json::{Value, json};
use shipmux_core::{CarrierProtocol, HttpRequest, Method, TrackingNumber};
use shipmux_sandbox::{Sandbox, SandboxOptions};
use shipmux_usps::sandbox;
use shipmux_usps::{Usps, UspsProtocol};

const ID: &str = "app-7f3c21";
const SECRET: &str = "s3cret-Q9";

/// Every scope USPS's token example grants, as a client copying it would ask.
const EXAMPLE_SCOPES: &str = "addresses international-prices subscriptions payments pickup \
     tracking labels scan-form companies service-delivery-standards locations \
     international-labels prices";

struct Answer {
    status: u16,
    body: Value,
    www_authenticate: Option<String>,
}

async fn start() -> Sandbox {
    sandbox::start(SandboxOptions::default().expect_credentials(ID, SECRET))
        .await
        .unwrap()
}

async fn post(
    sb: &Sandbox,
    content_type: Option<&str>,
    basic: Option<(&str, &str)>,
    body: &str,
) -> Answer {
    let mut r = reqwest::Client::new()
        .post(format!("{}/oauth2/v3/token", sb.base_url()))
        .body(body.to_string());
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    if let Some((id, secret)) = basic {
        r = r.basic_auth(id, Some(secret));
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let www_authenticate = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    Answer {
        status,
        body,
        www_authenticate,
    }
}

async fn post_json(sb: &Sandbox, body: Value) -> Answer {
    post(sb, Some("application/json"), None, &body.to_string()).await
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// A token answer as USPS's ProviderAccessTokenResponse has it.
fn assert_token(a: &Answer) -> String {
    assert_eq!(a.status, 200, "{}", a.body);
    let b = &a.body;
    assert!(
        b["access_token"].as_str().is_some_and(|t| !t.is_empty()),
        "{b}"
    );
    assert_eq!(b["token_type"], "Bearer");
    assert!(b["expires_in"].is_u64(), "{b}");
    assert!(b["issued_at"].is_u64(), "{b}");
    assert_eq!(b["status"], "approved");
    assert!(b["scope"].is_string(), "{b}");
    b["access_token"].as_str().unwrap().to_string()
}

/// An RFC 6749 §5.2 error body with exactly USPS's three fields.
fn assert_refusal(a: &Answer, status: u16, error: &str) {
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (status, Some(error)),
        "{}",
        a.body
    );
    let keys: Vec<&str> = a
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys.len(), 3, "{}", a.body);
    assert!(a.body["error_description"].is_string() && a.body["error_uri"].is_string());
    if status == 401 {
        assert!(a.www_authenticate.is_some(), "401 without WWW-Authenticate");
    }
}

fn scopes(a: &Answer) -> Vec<String> {
    a.body["scope"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn protocol(sb: &Sandbox) -> UspsProtocol {
    Usps::builder()
        .client_id(ID)
        .client_secret(SECRET)
        .base_url(sb.base_url())
        .build()
        .unwrap()
}

/// Sends `request` with `token`; the HTTP status.
async fn status_with(request: &HttpRequest, token: &str) -> u16 {
    let client = reqwest::Client::new();
    let mut r = match request.method {
        Method::Get => client.get(&request.url),
        _ => client.post(&request.url).body(request.body.clone()),
    };
    for (k, v) in &request.headers {
        r = r.header(k, v);
    }
    r.bearer_auth(token).send().await.unwrap().status().as_u16()
}

/// What the token may do: quote through Shipping Options, quote through the prices API,
/// track.
async fn powers(sb: &Sandbox, token: &str) -> (u16, u16) {
    let usps = protocol(sb);
    let request = shipmux_core::RateRequest::new(
        shipmux_core::Address::new("US", "10001"),
        shipmux_core::Address::new("US", "90210"),
        vec![
            shipmux_core::Parcel::new(shipmux_core::Weight::lb(2.into())).with_dimensions(
                shipmux_core::Dimensions::inches(10.into(), 8.into(), 4.into()),
            ),
        ],
    )
    .unwrap();
    let quote = status_with(&usps.build_rate(&request).unwrap()[0], token).await;
    let number = TrackingNumber::new("9400100000000000000017").unwrap();
    let track = status_with(&usps.build_track(&[number]).unwrap()[0], token).await;
    (quote, track)
}

#[tokio::test]
async fn the_json_client_credentials_request_gets_a_token() {
    let sb = start().await;
    let a = post_json(
        &sb,
        json!({"grant_type": "client_credentials", "client_id": ID, "client_secret": SECRET,
               "scope": "prices tracking shipments"}),
    )
    .await;
    let token = assert_token(&a);
    assert_eq!(scopes(&a), ["prices", "tracking", "shipments"]);
    assert_eq!(a.body["client_id"], ID);
    assert_eq!(powers(&sb, &token).await, (200, 200));
    sb.shutdown().await;
}

#[tokio::test]
async fn the_form_request_reads_like_the_json_one_even_with_spaces_around_separators() {
    let sb = start().await;
    // USPS's form example puts a space before each `&`.
    let body = format!(
        "grant_type=client_credentials &client_id={ID} &client_secret={SECRET} &scope=prices+tracking"
    );
    let a = post(&sb, FORM, None, &body).await;
    assert_token(&a);
    assert_eq!(scopes(&a), ["prices", "tracking"]);
    // Percent-encoding and a charset parameter, as HTML forms and many clients send them.
    let body = format!(
        "grant_type=client%5Fcredentials&client_id={ID}&client_secret=s3cret%2DQ9&scope=international-prices%20prices"
    );
    let a = post(
        &sb,
        Some("Application/X-WWW-Form-URLEncoded; charset=UTF-8"),
        None,
        &body,
    )
    .await;
    assert_token(&a);
    assert_eq!(scopes(&a), ["international-prices", "prices"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn every_scope_of_the_token_example_is_granted() {
    let sb = start().await;
    for (content_type, body) in [
        (
            "application/json",
            json!({"grant_type": "client_credentials", "client_id": ID,
                   "client_secret": SECRET, "scope": EXAMPLE_SCOPES})
            .to_string(),
        ),
        (
            "application/x-www-form-urlencoded",
            format!(
                "grant_type=client_credentials&client_id={ID}&client_secret={SECRET}&scope={}",
                EXAMPLE_SCOPES.replace(' ', "+")
            ),
        ),
    ] {
        let a = post(&sb, Some(content_type), None, &body).await;
        let token = assert_token(&a);
        let asked: Vec<&str> = EXAMPLE_SCOPES.split_whitespace().collect();
        assert_eq!(scopes(&a), asked, "{content_type}");
        // `prices` and `tracking` are among them; `shipments` is not, so Shipping Options
        // says 403 (the adapter then falls back to the prices API).
        assert_eq!(powers(&sb, &token).await, (403, 200), "{content_type}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn without_scope_the_token_has_the_apps_whole_scope() {
    let sb = start().await;
    // USPS's README example: JSON with the client credentials and no scope.
    for body in [
        json!({"client_id": ID, "client_secret": SECRET, "grant_type": "client_credentials"}),
        json!({"client_id": ID, "client_secret": SECRET, "grant_type": "client_credentials",
               "scope": ""}),
    ] {
        let a = post_json(&sb, body).await;
        let token = assert_token(&a);
        for s in [
            "prices",
            "international-prices",
            "tracking",
            "shipments",
            "service-standards",
        ] {
            assert!(scopes(&a).iter().any(|g| g == s), "{s} missing: {}", a.body);
        }
        assert_eq!(powers(&sb, &token).await, (200, 200));
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn scopes_the_app_lacks_are_left_out_not_refused() {
    let sb = start().await;
    let a = post_json(
        &sb,
        json!({"grant_type": "client_credentials", "client_id": ID, "client_secret": SECRET,
               "scope": "ResourceA tracking usps:MIDs tracking"}),
    )
    .await;
    let token = assert_token(&a);
    assert_eq!(scopes(&a), ["tracking"]);
    assert_eq!(powers(&sb, &token).await, (403, 200));
    // Nothing grantable: a token that opens nothing.
    let a = post_json(
        &sb,
        json!({"grant_type": "client_credentials", "client_id": ID, "client_secret": SECRET,
               "scope": "ResourceA ResourceB ResourceC"}),
    )
    .await;
    let token = assert_token(&a);
    assert_eq!(a.body["scope"], "");
    assert_eq!(powers(&sb, &token).await, (403, 403));
    sb.shutdown().await;
}

#[tokio::test]
async fn basic_credentials_work_alone_or_with_the_same_pair_in_the_body() {
    let sb = start().await;
    let a = post(
        &sb,
        FORM,
        Some((ID, SECRET)),
        "grant_type=client_credentials&scope=prices",
    )
    .await;
    assert_token(&a);
    let a = post(
        &sb,
        Some("application/json"),
        Some((ID, SECRET)),
        r#"{"grant_type":"client_credentials"}"#,
    )
    .await;
    assert_token(&a);
    let a = post(
        &sb,
        FORM,
        Some((ID, SECRET)),
        &format!("grant_type=client_credentials&client_id={ID}"),
    )
    .await;
    assert_token(&a);
    // Two different pairs: refused, whichever is right.
    let a = post(
        &sb,
        FORM,
        Some((ID, SECRET)),
        &format!("grant_type=client_credentials&client_id={ID}&client_secret=other"),
    )
    .await;
    assert_refusal(&a, 400, "invalid_request");
    // A wrong Basic pair: 401, and the challenge names Basic.
    let a = post(
        &sb,
        FORM,
        Some((ID, "wrong")),
        "grant_type=client_credentials",
    )
    .await;
    assert_refusal(&a, 401, "invalid_client");
    assert!(a.www_authenticate.unwrap().starts_with("Basic"));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_body_without_content_type_is_read_by_its_look() {
    let sb = start().await;
    let a = post(
        &sb,
        None,
        None,
        &json!({"grant_type": "client_credentials", "client_id": ID, "client_secret": SECRET})
            .to_string(),
    )
    .await;
    assert_token(&a);
    let a = post(
        &sb,
        None,
        None,
        &format!("grant_type=client_credentials&client_id={ID}&client_secret={SECRET}"),
    )
    .await;
    assert_token(&a);
    sb.shutdown().await;
}

#[tokio::test]
async fn invalid_requests_get_rfc6749_errors() {
    let sb = start().await;
    let good = |extra: Value| {
        let mut body = json!({"client_id": ID, "client_secret": SECRET});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (good(json!({})), 400, "invalid_request"),
        (
            good(json!({"grant_type": "password", "username": "u", "password": "p"})),
            400,
            "unsupported_grant_type",
        ),
        (
            good(json!({"grant_type": "ClientCredentials"})),
            400,
            "unsupported_grant_type",
        ),
        (
            good(json!({"grant_type": "client_credentials", "scope": "prices \"all\""})),
            400,
            "invalid_scope",
        ),
        (
            good(json!({"grant_type": "client_credentials", "client_secret": 42})),
            400,
            "invalid_request",
        ),
        (
            good(json!({"grant_type": "authorization_code", "code": "Xy12Ab34"})),
            400,
            "invalid_request",
        ),
        (
            good(
                json!({"grant_type": "authorization_code", "code": "Xy12Ab34",
                     "redirect_uri": "https://shop.example/cb", "scope": "prices"}),
            ),
            400,
            "invalid_grant",
        ),
        (
            good(json!({"grant_type": "refresh_token"})),
            400,
            "invalid_request",
        ),
        (
            good(json!({"grant_type": "refresh_token", "refresh_token": "r-123"})),
            400,
            "invalid_grant",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": ID, "client_secret": "nope"}),
            401,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": ID}),
            401,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials"}),
            401,
            "invalid_client",
        ),
        // Wrong credentials fail before the grant is looked at.
        (
            json!({"grant_type": "refresh_token", "refresh_token": "r", "client_id": ID,
                "client_secret": "nope"}),
            401,
            "invalid_client",
        ),
    ];
    for (body, status, error) in cases {
        let a = post_json(&sb, body.clone()).await;
        assert_refusal(&a, status, error);
        assert!(a.body["error_description"].as_str().is_some(), "{body}");
    }
    for (content_type, body) in [
        (
            Some("text/plain"),
            "grant_type=client_credentials".to_string(),
        ),
        (Some("application/json"), "[1, 2]".to_string()),
        (Some("application/json"), "{\"grant_type\": ".to_string()),
        (
            FORM.unwrap().into(),
            format!(
                "grant_type=client_credentials&client_id={ID}&client_id={ID}&client_secret={SECRET}"
            ),
        ),
    ] {
        let a = post(&sb, content_type, None, &body).await;
        assert_refusal(&a, 400, "invalid_request");
    }
    sb.shutdown().await;
}

/// `SHIPMUX_SHARED`, or `None` with a note.
fn shared() -> Option<PathBuf> {
    match std::env::var_os("SHIPMUX_SHARED") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("SHIPMUX_SHARED is not set: skipping USPS's own OAuth examples");
            None
        }
    }
}

/// The `key: value` lines of the YAML example `name` (a flat map under `value:`), or its
/// one-line `value: text`.
fn yaml_example(yaml: &str, name: &str) -> (Vec<(String, String)>, Option<String>) {
    let mut lines = yaml
        .lines()
        .skip_while(|l| l.trim() != format!("{name}:"))
        .skip(1);
    let mut fields = Vec::new();
    for line in lines.by_ref() {
        if let Some(v) = line.trim().strip_prefix("value:") {
            if !v.trim().is_empty() {
                return (fields, Some(v.trim().to_string()));
            }
            break;
        }
    }
    let mut indent = None;
    for line in lines {
        let depth = line.len() - line.trim_start().len();
        if *indent.get_or_insert(depth) != depth || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.trim().split_once(':') {
            fields.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
        }
    }
    (fields, None)
}

#[tokio::test]
async fn usps_own_examples_are_accepted() {
    let Some(root) = shared() else { return };
    let v3 = root.join("carrier-api/usps/v3");
    let yaml = std::fs::read_to_string(v3.join("oauth2_1.yaml")).unwrap();

    // The JSON client-credentials example, as written, against an app with its credentials.
    let (fields, _) = yaml_example(&yaml, "clientCredentialsTokenRequest");
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let sb = sandbox::start(
        SandboxOptions::default().expect_credentials(&field("client_id"), &field("client_secret")),
    )
    .await
    .unwrap();
    let body: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let a = post_json(&sb, Value::Object(body)).await;
    assert_token(&a);
    // Its placeholder scopes name nothing the app has: a token with no scope.
    assert_eq!(a.body["scope"], "");
    // The sample response's scopes, asked for: all granted.
    let (response, _) = yaml_example(&yaml, "clientCredentialsTokenResponse");
    let example_scope = response
        .iter()
        .find(|(k, _)| k == "scope")
        .unwrap()
        .1
        .clone();
    let a = post_json(
        &sb,
        json!({"grant_type": "client_credentials", "client_id": field("client_id"),
               "client_secret": field("client_secret"), "scope": example_scope}),
    )
    .await;
    assert_token(&a);
    assert_eq!(
        scopes(&a),
        example_scope.split_whitespace().collect::<Vec<_>>()
    );
    // The authorization-code and refresh examples are read; their code and refresh token
    // were never issued by this sandbox.
    for name in [
        "authorizationCodeTokenRequest",
        "refreshTokenCredentialsTokenRequest",
    ] {
        let (fields, _) = yaml_example(&yaml, name);
        let body: serde_json::Map<String, Value> = fields
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        assert_refusal(
            &post_json(&sb, Value::Object(body)).await,
            400,
            "invalid_grant",
        );
    }
    sb.shutdown().await;

    // The form example, as written (its secret differs in case from the JSON one).
    let (_, form) = yaml_example(&yaml, "clientCredentialsTokenRequestFormURLEncoded");
    let form = form.expect("the form example is one line");
    let pairs = shipmux_sandbox::form_fields(form.as_bytes()).unwrap();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .unwrap()
            .1
            .trim()
            .to_string()
    };
    let sb = sandbox::start(
        SandboxOptions::default().expect_credentials(&get("client_id"), &get("client_secret")),
    )
    .await
    .unwrap();
    assert_token(&post(&sb, FORM, None, &form).await);

    // The README's curl examples (`--data '{…}'`), placeholders filled in.
    let readme = std::fs::read_to_string(v3.join("api-examples-README.md")).unwrap();
    let mut sent = 0;
    for chunk in readme.split("--data '").skip(1) {
        let Some(data) = chunk.split('\'').next() else {
            continue;
        };
        let data = data
            .replace("{{CLIENT_ID}}", &get("client_id"))
            .replace("{{CLIENT_SECRET}}", &get("client_secret"))
            .replace("{{CODE}}", "Xy12Ab34");
        let Ok(body) = serde_json::from_str::<Value>(&data) else {
            continue;
        };
        let expected = match body["grant_type"].as_str() {
            Some("client_credentials") => None,
            Some("authorization_code" | "refresh_token") => Some("invalid_grant"),
            _ => continue,
        };
        let a = post_json(&sb, body).await;
        match expected {
            None => {
                assert_token(&a);
            }
            Some(error) => assert_refusal(&a, 400, error),
        }
        sent += 1;
    }
    assert!(
        sent >= 3,
        "the README's three token examples were expected, sent {sent}"
    );
    sb.shutdown().await;
}
