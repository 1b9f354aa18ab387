//! Canada Post account settings (the API key pair, customer number, contract, host,
//! language) and `CanadaPost::builder()`, the usual way to make a [`CanadaPostProtocol`].

use serde::{Deserialize, Serialize};
use shipmux_core::{Error, Result, Secret};

use crate::protocol::CanadaPostProtocol;

/// Canada Post's production host.
pub const PRODUCTION_BASE_URL: &str = "https://soa-gw.canadapost.ca";
/// Canada Post's development (sandbox) host.
pub const DEVELOPMENT_BASE_URL: &str = "https://ct.soa-gw.canadapost.ca";

/// Everything the Canada Post protocol needs. `Debug` never shows the key pair.
///
/// JSON/TOML (also the plugin's config JSON):
/// `{"username": "…", "password": "…", "customer_number": "2004381", "contract_id": "42708517",
///   "base_url": "https://ct.soa-gw.canadapost.ca", "language": "en-CA",
///   "tracking_view": "detail"}`; only the key pair is required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CanadaPostConfig {
    /// The API key's user name (the part before `:` in the Developer Program key).
    pub username: Secret,
    /// The API key's password (the part after `:`).
    pub password: Secret,
    /// The mailed-on-behalf-of customer number (digits). With it, quotes are commercial
    /// (contract prices); without it, counter prices.
    #[serde(default)]
    pub customer_number: Option<String>,
    /// The parcel services contract (digits), for contract prices.
    #[serde(default)]
    pub contract_id: Option<String>,
    /// Where requests go: a Canada Post host, or a sandbox on loopback.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// `en-CA` (default) or `fr-CA`: the language of service names and event descriptions.
    #[serde(default = "default_language")]
    pub language: String,
    /// Which tracking call to use: `detail` (every event; default) or `summary` (the latest
    /// event only).
    #[serde(default)]
    pub tracking_view: TrackingView,
}

/// Which Canada Post tracking call answers `track`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackingView {
    /// `GET /vis/track/pin/{pin}/detail`: every significant event.
    #[default]
    Detail,
    /// `GET /vis/track/pin/{pin}/summary`: the latest event and the dates.
    Summary,
}

fn default_base_url() -> String {
    DEVELOPMENT_BASE_URL.to_string()
}

fn default_language() -> String {
    "en-CA".to_string()
}

impl CanadaPostConfig {
    /// A config for the development host with the given key pair.
    pub fn new(username: impl Into<Secret>, password: impl Into<Secret>) -> Self {
        CanadaPostConfig {
            username: username.into(),
            password: password.into(),
            customer_number: None,
            contract_id: None,
            base_url: default_base_url(),
            language: default_language(),
            tracking_view: TrackingView::Detail,
        }
    }

    /// Reads `CANADAPOST_USERNAME`, `CANADAPOST_PASSWORD` (required),
    /// `CANADAPOST_CUSTOMER_NUMBER`, `CANADAPOST_CONTRACT_ID`, `CANADAPOST_BASE_URL`
    /// (default: the development host) and `CANADAPOST_LANGUAGE`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let required =
            |key: &str| get(key).ok_or_else(|| Error::config(format!("{key} is not set")));
        let mut config = CanadaPostConfig::new(
            required("CANADAPOST_USERNAME")?,
            required("CANADAPOST_PASSWORD")?,
        );
        config.customer_number = get("CANADAPOST_CUSTOMER_NUMBER");
        config.contract_id = get("CANADAPOST_CONTRACT_ID");
        if let Some(url) = get("CANADAPOST_BASE_URL") {
            config.base_url = url;
        }
        if let Some(language) = get("CANADAPOST_LANGUAGE") {
            config.language = language;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks the settings Canada Post would refuse anyway, naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.username.is_empty() || self.password.is_empty() {
            return Err(Error::config(
                "canadapost: username and password (the API key pair) are required",
            ));
        }
        let digits =
            |v: &str| !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit());
        if let Some(n) = &self.customer_number
            && !digits(n)
        {
            return Err(Error::config(format!(
                "canadapost: customer_number `{n}` must be 1 to 10 digits"
            )));
        }
        if let Some(c) = &self.contract_id {
            if !digits(c) {
                return Err(Error::config(format!(
                    "canadapost: contract_id `{c}` must be 1 to 10 digits"
                )));
            }
            if self.customer_number.is_none() {
                return Err(Error::config(
                    "canadapost: contract_id needs customer_number (contract prices are commercial)",
                ));
            }
        }
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::config(format!(
                "canadapost: base_url `{url}` must start with http:// or https://"
            )));
        }
        if !matches!(self.language.as_str(), "en-CA" | "fr-CA") {
            return Err(Error::config(format!(
                "canadapost: language `{}` must be en-CA or fr-CA",
                self.language
            )));
        }
        Ok(())
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }
}

/// Entry point: `CanadaPost::builder()…build()`.
#[derive(Debug, Clone, Copy)]
pub struct CanadaPost;

impl CanadaPost {
    /// A builder with nothing set.
    pub fn builder() -> CanadaPostBuilder {
        CanadaPostBuilder::default()
    }
}

/// Collects Canada Post settings; [`build`](CanadaPostBuilder::build) checks them. `Debug`
/// hides the key pair.
#[derive(Debug, Clone, Default)]
pub struct CanadaPostBuilder {
    username: Option<Secret>,
    password: Option<Secret>,
    customer_number: Option<String>,
    contract_id: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    tracking_view: Option<TrackingView>,
}

impl CanadaPostBuilder {
    /// Starts from `CANADAPOST_*` environment variables (see
    /// [`CanadaPostConfig::from_env`]); later calls override them.
    pub fn from_env() -> Result<Self> {
        Ok(Self::from_config(CanadaPostConfig::from_env()?))
    }

    /// Starts from a config.
    pub fn from_config(config: CanadaPostConfig) -> Self {
        CanadaPostBuilder {
            username: Some(config.username),
            password: Some(config.password),
            customer_number: config.customer_number,
            contract_id: config.contract_id,
            base_url: Some(config.base_url),
            language: Some(config.language),
            tracking_view: Some(config.tracking_view),
        }
    }

    /// The API key's user name.
    pub fn username(mut self, username: impl Into<Secret>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The API key's password.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The mailed-on-behalf-of customer number (commercial prices).
    pub fn customer_number(mut self, number: impl Into<String>) -> Self {
        self.customer_number = Some(number.into());
        self
    }

    /// The contract id (contract prices).
    pub fn contract_id(mut self, contract: impl Into<String>) -> Self {
        self.contract_id = Some(contract.into());
        self
    }

    /// Sends requests to `base_url` instead of the development host.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// `en-CA` or `fr-CA`.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Detail (default) or summary tracking.
    pub fn tracking_view(mut self, view: TrackingView) -> Self {
        self.tracking_view = Some(view);
        self
    }

    /// The checked config.
    pub fn config(self) -> Result<CanadaPostConfig> {
        let mut config = CanadaPostConfig::new(
            self.username.unwrap_or_default(),
            self.password.unwrap_or_default(),
        );
        config.customer_number = self.customer_number;
        config.contract_id = self.contract_id;
        if let Some(url) = self.base_url {
            config.base_url = url;
        }
        if let Some(language) = self.language {
            config.language = language;
        }
        config.tracking_view = self.tracking_view.unwrap_or_default();
        config.validate()?;
        Ok(config)
    }

    /// The protocol.
    pub fn build(self) -> Result<CanadaPostProtocol> {
        CanadaPostProtocol::new(self.config()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_env_reads_the_canadapost_variables() {
        let vars = [
            ("CANADAPOST_USERNAME", "user"),
            ("CANADAPOST_PASSWORD", "pass"),
            ("CANADAPOST_CUSTOMER_NUMBER", "2004381"),
            ("CANADAPOST_BASE_URL", "http://127.0.0.1:1/"),
        ];
        let c = CanadaPostConfig::from_lookup(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
        .unwrap();
        assert_eq!(c.customer_number.as_deref(), Some("2004381"));
        assert_eq!(c.base(), "http://127.0.0.1:1");
        assert!(!format!("{c:?}").contains("pass\""), "{c:?}");
        let e = CanadaPostConfig::from_lookup(|_| None).unwrap_err();
        assert!(e.message.contains("CANADAPOST_USERNAME"), "{e}");
    }

    #[test]
    fn bad_settings_are_config_errors() {
        let mut c = CanadaPostConfig::new("u", "p");
        c.contract_id = Some("42708517".into());
        assert!(
            c.validate()
                .unwrap_err()
                .message
                .contains("customer_number")
        );
        c.customer_number = Some("12ab".into());
        assert!(c.validate().unwrap_err().message.contains("digits"));
    }
}
