//! Canada Post has no token call: every request carries HTTP Basic with the API key pair
//! (username and password). The sandbox accepts any well-formed Basic pair (or only the one
//! it was told to expect) and refuses anything else with 401 and Canada Post's `E002`
//! `<messages>` body. With `SHIPMUX_SHARED` set, that body is compared with Canada Post's
//! own E002 sample.

#![cfg(feature = "sandbox")]

use shipmux_canadapost::sandbox;
use shipmux_canadapost::{CanadaPost, RATE_MEDIA_TYPE};
use shipmux_core::CarrierProtocol;
use shipmux_sandbox::{Sandbox, SandboxOptions};

const USER: &str = "6e93d53968881714";
const PASSWORD: &str = "0bfa9fcb9853d1f51ee57a";

async fn probe(sb: &Sandbox, authorization: Option<&str>) -> (u16, String) {
    let mut r = reqwest::Client::new()
        .get(format!("{}/rs/ship/service?country=CA", sb.base_url()))
        .header("accept", RATE_MEDIA_TYPE);
    if let Some(a) = authorization {
        r = r.header("authorization", a);
    }
    let response = r.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn basic(pair: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// The text of `<tag>` in `xml`.
fn text_of<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xml.find(&open).map(|i| i + open.len()).unwrap_or(0);
    let end = xml[start..].find('<').map(|i| start + i).unwrap_or(start);
    xml[start..end].trim()
}

#[tokio::test]
async fn any_well_formed_basic_pair_is_accepted() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    for authorization in [
        basic(&format!("{USER}:{PASSWORD}")),
        // The scheme name is case-insensitive; the password may hold a colon.
        basic(&format!("{USER}:{PASSWORD}")).replacen("Basic", "basic", 1),
        basic("user:pass:word"),
    ] {
        let (status, body) = probe(&sb, Some(&authorization)).await;
        assert_eq!(status, 200, "{authorization}: {body}");
        assert!(body.contains("<services"), "{body}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn the_expected_pair_only_and_e002_for_the_rest() {
    let sb = sandbox::start(SandboxOptions::default().expect_credentials(USER, PASSWORD))
        .await
        .unwrap();
    let good = basic(&format!("{USER}:{PASSWORD}"));
    assert_eq!(probe(&sb, Some(&good)).await.0, 200);
    // The protocol's own connect probe carries the same header.
    let protocol = CanadaPost::builder()
        .username(USER)
        .password(PASSWORD)
        .base_url(sb.base_url())
        .build()
        .unwrap();
    let request = protocol.build_connect().unwrap().unwrap();
    assert_eq!(request.header_value("Authorization"), Some(good.as_str()));
    let refused = [
        None,
        Some(basic(&format!("{USER}:wrong"))),
        Some(basic(&format!("{USER}:"))),
        Some(basic(USER)),
        Some("Basic not-base64!".to_string()),
        Some(format!("Bearer {PASSWORD}")),
    ];
    for authorization in refused {
        let (status, body) = probe(&sb, authorization.as_deref()).await;
        assert_eq!(status, 401, "{authorization:?}: {body}");
        assert_eq!(text_of(&body, "code"), "E002", "{body}");
        assert_eq!(text_of(&body, "description"), "AAA Authentication Failure");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn the_refusal_matches_canada_posts_own_e002_sample() {
    let Some(root) = std::env::var_os("SHIPMUX_SHARED") else {
        eprintln!("SHIPMUX_SHARED is not set: skipping Canada Post's E002 sample");
        return;
    };
    let path = std::path::Path::new(&root)
        .join("carrier-api/canadapost/samples/errors/auth-error-E002_karrio.xml");
    let sample = std::fs::read_to_string(path).unwrap();
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let (status, body) = probe(&sb, None).await;
    assert_eq!(status, 401);
    for tag in ["code", "description"] {
        assert_eq!(text_of(&body, tag), text_of(&sample, tag), "<{tag}>");
    }
    sb.shutdown().await;
}
