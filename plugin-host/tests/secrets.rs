//! Secrets (client secret, bearer tokens) never reach logs, errors or Debug output.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use shipmux_core::Carrier;
use shipmux_host::{HttpCarrier, HttpCarrierOptions, HttpDriver};
use support::{CLIENT_SECRET, Scripted, TOKEN_PREFIX, Upstream, request};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_appear_in_logs_errors_or_debug() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let up = Upstream::start().await;
    let c = HttpCarrier::with_options(
        up.protocol(),
        HttpDriver::new().unwrap(),
        HttpCarrierOptions::default(),
    );
    let mut seen = Vec::new();
    c.quote(&request()).await.unwrap();
    up.script([
        Scripted::Unauthorized,
        Scripted::Status(429, vec![("retry-after", "0")], r#"{"error":"slow"}"#),
        Scripted::Status(400, vec![], r#"{"error":"bad postcode"}"#),
    ]);
    let err = c.quote(&request()).await.unwrap_err();
    seen.push(format!(
        "{err} {err:?} {}",
        serde_json::to_string(&err).unwrap()
    ));
    let bad = HttpCarrier::new(
        up.protocol().with_secret("wrong-secret-value"),
        HttpDriver::new().unwrap(),
    );
    let err = bad.connect().await.unwrap_err();
    seen.push(format!("{err} {err:?}"));
    seen.push(format!("{c:?} {bad:?}"));
    assert!(up.token_calls() >= 2, "a token was refreshed while logging");

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("carrier_call"), "spans were logged:\n{logs}");
    assert!(logs.contains("status=401") || logs.contains("status: 401") || logs.contains("401"));
    for text in seen.iter().chain(std::iter::once(&logs)) {
        for secret in [CLIENT_SECRET, TOKEN_PREFIX, "wrong-secret-value"] {
            assert!(!text.contains(secret), "`{secret}` leaked into:\n{text}");
        }
    }
}
