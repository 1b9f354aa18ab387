//! `Fedex::builder()`: the usual way to make a [`FedexProtocol`].

use shipmux_core::{Error, Secret};

use crate::config::{FedexConfig, FedexEnvironment};
use crate::protocol::FedexProtocol;

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
    use super::*;
    use crate::config::PRODUCTION_BASE_URL;

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
