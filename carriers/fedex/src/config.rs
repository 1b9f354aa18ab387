//! FedEx account settings (credentials, account number, environment, request defaults) and
//! `Fedex::builder()`, the usual way to make a [`FedexProtocol`].

use serde::{Deserialize, Serialize};
use shipmux_core::{Error, Secret};

use crate::protocol::FedexProtocol;

/// FedEx's production API host.
pub const PRODUCTION_BASE_URL: &str = "https://apis.fedex.com";
/// FedEx's test (sandbox) API host.
pub const SANDBOX_BASE_URL: &str = "https://apis-sandbox.fedex.com";

/// Which FedEx environment an account talks to; picks the default base URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FedexEnvironment {
    /// `https://apis-sandbox.fedex.com`: test credentials, test data.
    #[default]
    Sandbox,
    /// `https://apis.fedex.com`: live rates, live tracking.
    Production,
}

impl FedexEnvironment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            FedexEnvironment::Sandbox => SANDBOX_BASE_URL,
            FedexEnvironment::Production => PRODUCTION_BASE_URL,
        }
    }

    /// Parses `FEDEX_ENV` spellings: `sandbox`/`test`, `production`/`prod`/`live`.
    pub fn parse(value: &str) -> Result<Self, Error> {
        match value.trim().to_ascii_lowercase().as_str() {
            "sandbox" | "test" | "testing" => Ok(FedexEnvironment::Sandbox),
            "production" | "prod" | "live" => Ok(FedexEnvironment::Production),
            other => Err(Error::config(format!(
                "FEDEX_ENV `{other}` is not an environment (use `sandbox` or `production`)"
            ))),
        }
    }
}

/// Everything the FedEx protocol needs. `Debug` never shows the client secret.
///
/// JSON/TOML: `{"client_id": "…", "client_secret": "…", "account_number": "…",
/// "base_url": "https://apis.fedex.com"}`; the other fields have defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FedexConfig {
    /// The API key from the FedEx developer portal (OAuth `client_id`).
    pub client_id: String,
    /// The secret key (OAuth `client_secret`).
    pub client_secret: Secret,
    /// The shipper's FedEx account number (at most 9 characters), sent with every quote.
    pub account_number: String,
    /// Where requests go: a FedEx host, or a sandbox on loopback.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// How parcels reach FedEx: `DROPOFF_AT_FEDEX_LOCATION` (default),
    /// `CONTACT_FEDEX_TO_SCHEDULE` or `USE_SCHEDULED_PICKUP`.
    #[serde(default = "default_pickup_type")]
    pub pickup_type: String,
    /// Packaging quoted for every parcel: `YOUR_PACKAGING` (default; the only one FedEx
    /// Ground takes) or a FedEx box type.
    #[serde(default = "default_packaging_type")]
    pub packaging_type: String,
}

/// Pickup types FedEx's rate API accepts.
pub const PICKUP_TYPES: [&str; 3] = [
    "DROPOFF_AT_FEDEX_LOCATION",
    "CONTACT_FEDEX_TO_SCHEDULE",
    "USE_SCHEDULED_PICKUP",
];

fn default_base_url() -> String {
    SANDBOX_BASE_URL.to_string()
}

fn default_pickup_type() -> String {
    PICKUP_TYPES[0].to_string()
}

fn default_packaging_type() -> String {
    "YOUR_PACKAGING".to_string()
}

impl FedexConfig {
    /// A config for the sandbox environment with default pickup and packaging.
    pub fn new(client_id: &str, client_secret: impl Into<Secret>, account_number: &str) -> Self {
        FedexConfig {
            client_id: client_id.to_string(),
            client_secret: client_secret.into(),
            account_number: account_number.to_string(),
            base_url: default_base_url(),
            pickup_type: default_pickup_type(),
            packaging_type: default_packaging_type(),
        }
    }

    /// Reads `FEDEX_CLIENT_ID`, `FEDEX_CLIENT_SECRET`, `FEDEX_ACCOUNT_NUMBER`, `FEDEX_ENV`
    /// (`sandbox` by default) and `FEDEX_BASE_URL` (overrides the environment's host).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (for tests and
    /// for hosts that keep settings elsewhere).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let required = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::config(format!("{key} is not set")))
        };
        let environment = match lookup("FEDEX_ENV").filter(|v| !v.trim().is_empty()) {
            Some(v) => FedexEnvironment::parse(&v)?,
            None => FedexEnvironment::default(),
        };
        let base_url = lookup("FEDEX_BASE_URL")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| environment.base_url().to_string());
        let config = FedexConfig {
            base_url,
            ..FedexConfig::new(
                &required("FEDEX_CLIENT_ID")?,
                required("FEDEX_CLIENT_SECRET")?,
                &required("FEDEX_ACCOUNT_NUMBER")?,
            )
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks every field; the error names the field and never shows the secret.
    pub fn validate(&self) -> Result<(), Error> {
        if self.client_id.trim().is_empty() {
            return Err(Error::config("fedex.client_id is empty"));
        }
        if self.client_secret.expose().trim().is_empty() {
            return Err(Error::config("fedex.client_secret is empty"));
        }
        let account = self.account_number.trim();
        if account.is_empty()
            || account.len() > 9
            || !account.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Error::config(format!(
                "fedex.account_number `{}` is not a FedEx account number (1–9 letters or digits)",
                self.account_number
            )));
        }
        let url = self.base_url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() <= "https://".len()
        {
            return Err(Error::config(format!(
                "fedex.base_url `{}` is not an http(s) URL",
                self.base_url
            )));
        }
        if !PICKUP_TYPES.contains(&self.pickup_type.as_str()) {
            return Err(Error::config(format!(
                "fedex.pickup_type `{}` is not one of {}",
                self.pickup_type,
                PICKUP_TYPES.join(", ")
            )));
        }
        if self.packaging_type.trim().is_empty() {
            return Err(Error::config("fedex.packaging_type is empty"));
        }
        Ok(())
    }

    /// The base URL without a trailing slash.
    pub(crate) fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }
}

/// Entry point for building the FedEx protocol: `Fedex::builder()…build()`.
#[derive(Debug, Clone, Copy)]
pub struct Fedex;

impl Fedex {
    /// A builder with nothing set.
    pub fn builder() -> FedexBuilder {
        FedexBuilder::default()
    }
}

/// Collects FedEx settings; [`build`](FedexBuilder::build) checks them. `Debug` hides the
/// secret.
#[derive(Debug, Clone, Default)]
pub struct FedexBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    account_number: Option<String>,
    environment: Option<FedexEnvironment>,
    base_url: Option<String>,
    pickup_type: Option<String>,
    packaging_type: Option<String>,
    /// A bad `FEDEX_ENV` seen by `from_env`, reported by `config()`.
    env_error: Option<Error>,
}

impl FedexBuilder {
    /// The API key (OAuth `client_id`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The secret key (OAuth `client_secret`).
    pub fn client_secret(mut self, client_secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// The shipper's FedEx account number.
    pub fn account_number(mut self, account_number: impl Into<String>) -> Self {
        self.account_number = Some(account_number.into());
        self
    }

    /// Sandbox (default) or production; ignored when [`base_url`](Self::base_url) is set.
    pub fn environment(mut self, environment: FedexEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Sends requests to `base_url` instead of FedEx's host (a sandbox on loopback, a proxy).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The pickup type quoted (default `DROPOFF_AT_FEDEX_LOCATION`).
    pub fn pickup_type(mut self, pickup_type: impl Into<String>) -> Self {
        self.pickup_type = Some(pickup_type.into());
        self
    }

    /// The packaging type quoted (default `YOUR_PACKAGING`).
    pub fn packaging_type(mut self, packaging_type: impl Into<String>) -> Self {
        self.packaging_type = Some(packaging_type.into());
        self
    }

    /// Fills every setting not given yet from `FEDEX_CLIENT_ID`, `FEDEX_CLIENT_SECRET`,
    /// `FEDEX_ACCOUNT_NUMBER`, `FEDEX_ENV` and `FEDEX_BASE_URL`.
    pub fn from_env(self) -> Self {
        self.from_lookup(|key| std::env::var(key).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        self.client_id = self.client_id.or_else(|| get("FEDEX_CLIENT_ID"));
        self.client_secret = self
            .client_secret
            .or_else(|| get("FEDEX_CLIENT_SECRET").map(Secret::new));
        self.account_number = self.account_number.or_else(|| get("FEDEX_ACCOUNT_NUMBER"));
        self.base_url = self.base_url.or_else(|| get("FEDEX_BASE_URL"));
        if self.environment.is_none()
            && let Some(env) = get("FEDEX_ENV")
        {
            match FedexEnvironment::parse(&env) {
                Ok(environment) => self.environment = Some(environment),
                Err(e) => self.env_error = Some(e),
            }
        }
        self
    }

    /// The checked configuration.
    pub fn config(self) -> Result<FedexConfig, Error> {
        if let Some(e) = self.env_error {
            return Err(e);
        }
        let missing = |what: &str| Error::config(format!("fedex: {what} is required"));
        let environment = self.environment.unwrap_or_default();
        let mut config = FedexConfig::new(
            &self.client_id.ok_or_else(|| missing("client_id"))?,
            self.client_secret.ok_or_else(|| missing("client_secret"))?,
            &self
                .account_number
                .ok_or_else(|| missing("account_number"))?,
        );
        config.base_url = self
            .base_url
            .unwrap_or_else(|| environment.base_url().to_string());
        if let Some(pickup) = self.pickup_type {
            config.pickup_type = pickup;
        }
        if let Some(packaging) = self.packaging_type {
            config.packaging_type = packaging;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks the settings and makes the protocol.
    pub fn build(self) -> Result<FedexProtocol, Error> {
        FedexProtocol::new(self.config()?)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const CREDS: [(&str, &str); 3] = [
        ("FEDEX_CLIENT_ID", "l7xx-key"),
        ("FEDEX_CLIENT_SECRET", "s3cr3t-value"),
        ("FEDEX_ACCOUNT_NUMBER", "740561073"),
    ];

    #[test]
    fn environment_picks_the_host_and_base_url_overrides_it() {
        let c = FedexConfig::from_lookup(env(&CREDS)).unwrap();
        assert_eq!(c.base_url, SANDBOX_BASE_URL);
        let mut vars = CREDS.to_vec();
        vars.push(("FEDEX_ENV", "production"));
        assert_eq!(
            FedexConfig::from_lookup(env(&vars)).unwrap().base_url,
            PRODUCTION_BASE_URL
        );
        vars.push(("FEDEX_BASE_URL", "http://127.0.0.1:9999/"));
        let c = FedexConfig::from_lookup(env(&vars)).unwrap();
        assert_eq!(c.base(), "http://127.0.0.1:9999");
    }

    #[test]
    fn missing_or_bad_settings_are_config_errors() {
        let e = FedexConfig::from_lookup(env(&CREDS[..2])).unwrap_err();
        assert_eq!(e.kind, shipmux_core::ErrorKind::Config);
        assert!(e.message.contains("FEDEX_ACCOUNT_NUMBER"), "{e}");
        let mut vars = CREDS.to_vec();
        vars.push(("FEDEX_ENV", "staging"));
        assert!(FedexConfig::from_lookup(env(&vars)).is_err());
        let bad = FedexConfig::new("id", "secret", "1234567890");
        assert!(bad.validate().is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = FedexConfig::from_lookup(env(&CREDS)).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn builder_needs_credentials_and_checks_them() {
        let e = Fedex::builder().client_id("k").build().unwrap_err();
        assert!(e.message.contains("client_secret"), "{e}");
        let p = Fedex::builder()
            .client_id("k")
            .client_secret("s")
            .account_number("123456789")
            .environment(FedexEnvironment::Production)
            .build()
            .unwrap();
        assert_eq!(p.config().base_url, PRODUCTION_BASE_URL);
        let e = Fedex::builder()
            .client_id("k")
            .client_secret("s")
            .account_number("123456789")
            .pickup_type("TELEPORT")
            .build()
            .unwrap_err();
        assert!(e.message.contains("pickup_type"), "{e}");
    }

    #[test]
    fn explicit_settings_win_over_the_environment() {
        let vars = |k: &str| match k {
            "FEDEX_CLIENT_ID" => Some("env-id".to_string()),
            "FEDEX_CLIENT_SECRET" => Some("env-secret".to_string()),
            "FEDEX_ACCOUNT_NUMBER" => Some("510087020".to_string()),
            _ => None,
        };
        let bogus = |k: &str| (k == "FEDEX_ENV").then(|| "bogus".to_string()).or(vars(k));
        let e = Fedex::builder().from_lookup(bogus).config().unwrap_err();
        assert!(e.message.contains("bogus"), "{e}");
        let c = Fedex::builder()
            .client_id("mine")
            .base_url("http://127.0.0.1:1")
            .from_lookup(vars)
            .config()
            .unwrap();
        assert_eq!(c.client_id, "mine");
        assert_eq!(c.account_number, "510087020");
    }
}
