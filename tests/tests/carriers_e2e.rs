//! What every built-in carrier owes end to end, over `shipmux_host::builtins()`: each
//! carrier's protocol (from its plugin when it ships as one: Canada Post) driven by the host's
//! `HttpCarrier` over real loopback HTTP against its own sandbox — connect and quote its
//! descriptor's sample request, refuse an invalid one before sending it, refuse a wrong
//! secret without echoing it, refresh an expired token once, ride out a transient failure.
//! What only one carrier does (its services, codes, tracking batches, quotas) is in its own
//! file (`ups_e2e.rs`, `fedex_e2e.rs`, `usps_e2e.rs`, `plugin_canadapost.rs`).

mod sandbox_support;

use rust_decimal::Decimal;
use sandbox_support::CarrierSandbox;
use shipmux_core::{Carrier, ErrorKind};
use shipmux_host::builtins;
use shipmux_sandbox::Fault;

#[tokio::test]
async fn every_carrier_connects_and_quotes_its_sample_request_with_one_token() {
    for b in builtins() {
        let sb = CarrierSandbox::start(b.id()).await;
        let id = sb.id();
        let carrier = sb.carrier();
        carrier.connect().await.unwrap();
        let tokens = u64::from(sb.uses_tokens());
        assert_eq!(sb.sandbox.stats().tokens_issued, tokens, "{id}");

        let rates = carrier.quote(&sb.sample_request()).await.unwrap();
        assert!(!rates.is_empty(), "{id} quoted no service");
        for r in &rates {
            assert_eq!(r.carrier, sb.carrier_id());
            assert!(r.total.amount > Decimal::ZERO, "{r:?}");
        }
        assert_eq!(sb.rate_calls(), 1, "{id}");
        assert_eq!(
            sb.sandbox.stats().tokens_issued,
            tokens,
            "{id}: one token for everything"
        );
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn an_invalid_request_is_refused_before_sending() {
    for b in builtins() {
        let sb = CarrierSandbox::start(b.id()).await;
        let mut bad = sb.sample_request();
        bad.destination.country = "XX".into();
        let e = sb.carrier().quote(&bad).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest, "{}: {e}", sb.id());
        assert_eq!(e.carrier, Some(sb.carrier_id()), "{e}");
        assert!(e.message.starts_with("destination.country"), "{e}");
        assert_eq!(sb.rate_calls(), 0, "{}", sb.id());
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn a_wrong_secret_is_unauthenticated_and_never_echoed() {
    for b in builtins() {
        let sb = CarrierSandbox::start(b.id()).await;
        sb.wrong_credentials_error().await;
        sb.shutdown().await;
    }
}

/// The sandbox forgets its tokens: the next call gets the carrier's 401, fetches one new
/// token and succeeds; the same on demand, as an injected fault. A carrier without tokens
/// (HTTP Basic) has none to expire and quotes on.
#[tokio::test]
async fn expired_tokens_are_refreshed_once() {
    for b in builtins() {
        let sb = CarrierSandbox::start(b.id()).await;
        let id = sb.id();
        let carrier = sb.carrier();
        let request = sb.sample_request();
        let tokens = u64::from(sb.uses_tokens());
        carrier.quote(&request).await.unwrap();
        assert_eq!(carrier.token_fetches(), tokens, "{id}");

        sb.sandbox.expire_tokens();
        carrier.quote(&request).await.unwrap();
        assert_eq!(
            carrier.token_fetches(),
            2 * tokens,
            "{id}: 401 → one new token → success"
        );

        sb.sandbox
            .inject_at(&sb.rate_route(), Fault::ExpiredToken, 1);
        carrier.quote(&request).await.unwrap();
        assert_eq!(carrier.token_fetches(), 3 * tokens, "{id}");
        assert_eq!(sb.sandbox.stats().tokens_issued, 3 * tokens, "{id}");
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn retries_ride_out_a_transient_failure() {
    for b in builtins() {
        let sb = CarrierSandbox::start(b.id()).await;
        let carrier = sb.carrier();
        let request = sb.sample_request();
        carrier.quote(&request).await.unwrap();
        let (route, before) = (sb.rate_route(), sb.rate_calls());
        let unavailable = Fault::Status503 {
            retry_after_secs: None,
        };
        sb.sandbox.inject_at(&route, unavailable, 1);
        sb.sandbox.inject_at(&route, Fault::ConnectionReset, 1);
        let rates = carrier.quote(&request).await.unwrap();
        assert!(!rates.is_empty(), "{}", sb.id());
        assert_eq!(sb.rate_calls() - before, 3, "{}", sb.id());
        sb.shutdown().await;
    }
}
