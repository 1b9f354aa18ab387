//! UPS settings: credentials, account, environment and base URL; from code or from `UPS_…`
//! environment variables.

use serde::{Deserialize, Serialize};
use shipmux_core::{Error, Secret};

use crate::protocol::UpsProtocol;

/// UPS's test host (Customer Integration Environment).
pub const TEST_BASE_URL: &str = "https://wwwcie.ups.com";
/// UPS's production host.
pub const PRODUCTION_BASE_URL: &str = "https://onlinetools.ups.com";
/// The Rating API version this adapter speaks.
pub const RATING_VERSION: &str = "v2409";

/// Which UPS environment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpsEnvironment {
    /// `wwwcie.ups.com`.
    #[default]
    Test,
    /// `onlinetools.ups.com`.
    Production,
}

impl UpsEnvironment {
    /// The environment's host.
    pub fn base_url(self) -> &'static str {
        match self {
            UpsEnvironment::Test => TEST_BASE_URL,
            UpsEnvironment::Production => PRODUCTION_BASE_URL,
        }
    }
}

/// Everything the UPS adapter needs. `Debug` never shows the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsConfig {
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: Secret,
    /// The 6-character shipper (account) number; with it UPS returns negotiated rates.
    #[serde(default)]
    pub account_number: Option<String>,
    /// Host the paths are appended to (`https://wwwcie.ups.com`, or a sandbox on loopback).
    pub base_url: String,
    /// Sent as `transactionSrc` (the client's name).
    #[serde(default = "default_transaction_src")]
    pub transaction_src: String,
}

fn default_transaction_src() -> String {
    "shipmux".to_string()
}

impl UpsConfig {
    /// A config for the test environment.
    pub fn new(client_id: &str, client_secret: impl Into<Secret>) -> Self {
        UpsConfig {
            client_id: client_id.to_string(),
            client_secret: client_secret.into(),
            account_number: None,
            base_url: TEST_BASE_URL.to_string(),
            transaction_src: default_transaction_src(),
        }
    }

    /// Reads `UPS_CLIENT_ID`, `UPS_CLIENT_SECRET` (both required), `UPS_ACCOUNT_NUMBER`,
    /// `UPS_ENV` (`test` or `production`, default test) and `UPS_BASE_URL` (overrides the
    /// environment's host).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env) with any lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let client_id =
            get("UPS_CLIENT_ID").ok_or_else(|| Error::config("UPS_CLIENT_ID is not set"))?;
        let client_secret = get("UPS_CLIENT_SECRET")
            .ok_or_else(|| Error::config("UPS_CLIENT_SECRET is not set"))?;
        let environment = match get("UPS_ENV").as_deref().map(str::to_ascii_lowercase) {
            None => UpsEnvironment::Test,
            Some(e) if e == "test" || e == "cie" || e == "sandbox" => UpsEnvironment::Test,
            Some(e) if e == "production" || e == "prod" => UpsEnvironment::Production,
            Some(other) => {
                return Err(Error::config(format!(
                    "UPS_ENV must be `test` or `production`, got `{other}`"
                )));
            }
        };
        Ok(UpsConfig {
            client_id,
            client_secret: Secret::new(client_secret),
            account_number: get("UPS_ACCOUNT_NUMBER"),
            base_url: get("UPS_BASE_URL").unwrap_or_else(|| environment.base_url().to_string()),
            transaction_src: default_transaction_src(),
        })
    }

    /// Checks the config: credentials present, base URL absolute http(s), account number
    /// shaped like one.
    pub fn validate(&self) -> Result<(), Error> {
        if self.client_id.trim().is_empty() {
            return Err(Error::config("ups: client_id is empty"));
        }
        if self.client_secret.expose().trim().is_empty() {
            return Err(Error::config("ups: client_secret is empty"));
        }
        let url = self.base_url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 9 {
            return Err(Error::config(format!(
                "ups: base_url `{}` is not an http(s) URL",
                self.base_url
            )));
        }
        if let Some(account) = &self.account_number
            && (account.len() != 6 || !account.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(Error::config(format!(
                "ups: account_number `{account}` is not a 6-character UPS shipper number"
            )));
        }
        Ok(())
    }

    /// The base URL without a trailing slash.
    pub(crate) fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }
}

/// Builds a [`UpsProtocol`]: `Ups::builder().client_id(…).client_secret(…).build()`.
#[derive(Debug, Default)]
pub struct UpsBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    account_number: Option<String>,
    base_url: Option<String>,
    environment: UpsEnvironment,
    transaction_src: Option<String>,
}

/// Entry point for building the UPS adapter.
pub struct Ups;

impl Ups {
    /// A builder with nothing set (test environment).
    pub fn builder() -> UpsBuilder {
        UpsBuilder::default()
    }
}

impl UpsBuilder {
    /// OAuth client id.
    pub fn client_id(mut self, id: &str) -> Self {
        self.client_id = Some(id.to_string());
        self
    }

    /// OAuth client secret.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// Shipper number, for negotiated rates.
    pub fn account_number(mut self, account: &str) -> Self {
        self.account_number = Some(account.to_string());
        self
    }

    /// Test or production host (ignored when a base URL is set).
    pub fn environment(mut self, environment: UpsEnvironment) -> Self {
        self.environment = environment;
        self
    }

    /// Another host, e.g. a sandbox's `http://127.0.0.1:port`.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = Some(url.to_string());
        self
    }

    /// The `transactionSrc` header value.
    pub fn transaction_src(mut self, name: &str) -> Self {
        self.transaction_src = Some(name.to_string());
        self
    }

    /// Fills what is still unset from `UPS_…` environment variables.
    pub fn from_env(self) -> Self {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        let environment = match var("UPS_ENV").as_deref() {
            Some("production") | Some("prod") => UpsEnvironment::Production,
            _ => self.environment,
        };
        UpsBuilder {
            client_id: self.client_id.or_else(|| var("UPS_CLIENT_ID")),
            client_secret: self
                .client_secret
                .or_else(|| var("UPS_CLIENT_SECRET").map(Secret::new)),
            account_number: self.account_number.or_else(|| var("UPS_ACCOUNT_NUMBER")),
            base_url: self.base_url.or_else(|| var("UPS_BASE_URL")),
            environment,
            transaction_src: self.transaction_src,
        }
    }

    /// The config, checked.
    pub fn config(self) -> Result<UpsConfig, Error> {
        let config = UpsConfig {
            client_id: self
                .client_id
                .ok_or_else(|| Error::config("ups: client_id is required"))?,
            client_secret: self
                .client_secret
                .ok_or_else(|| Error::config("ups: client_secret is required"))?,
            account_number: self.account_number,
            base_url: self
                .base_url
                .unwrap_or_else(|| self.environment.base_url().to_string()),
            transaction_src: self.transaction_src.unwrap_or_else(default_transaction_src),
        };
        config.validate()?;
        Ok(config)
    }

    /// The protocol.
    pub fn build(self) -> Result<UpsProtocol, Error> {
        UpsProtocol::new(self.config()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn env_picks_the_environment_and_override() {
        let c = UpsConfig::from_lookup(lookup(&[
            ("UPS_CLIENT_ID", "id"),
            ("UPS_CLIENT_SECRET", "s3cret"),
            ("UPS_ENV", "production"),
        ]))
        .unwrap();
        assert_eq!(c.base_url, PRODUCTION_BASE_URL);
        let c = UpsConfig::from_lookup(lookup(&[
            ("UPS_CLIENT_ID", "id"),
            ("UPS_CLIENT_SECRET", "s3cret"),
            ("UPS_BASE_URL", "http://127.0.0.1:9"),
            ("UPS_ACCOUNT_NUMBER", "A1B2C3"),
        ]))
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.account_number.as_deref(), Some("A1B2C3"));
        let e = UpsConfig::from_lookup(lookup(&[("UPS_CLIENT_ID", "id")])).unwrap_err();
        assert!(e.message.contains("UPS_CLIENT_SECRET"));
        let e = UpsConfig::from_lookup(lookup(&[
            ("UPS_CLIENT_ID", "id"),
            ("UPS_CLIENT_SECRET", "s"),
            ("UPS_ENV", "staging"),
        ]))
        .unwrap_err();
        assert_eq!(e.kind, shipmux_core::ErrorKind::Config);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c = UpsConfig::new("id", "hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn builder_checks_what_it_builds() {
        assert!(Ups::builder().client_id("id").build().is_err());
        assert!(
            Ups::builder()
                .client_id("id")
                .client_secret("s")
                .account_number("123")
                .build()
                .is_err()
        );
        let p = Ups::builder()
            .client_id("id")
            .client_secret("s")
            .base_url("http://127.0.0.1:1/")
            .build()
            .unwrap();
        assert_eq!(p.config().base(), "http://127.0.0.1:1");
    }
}
