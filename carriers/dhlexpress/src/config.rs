//! DHL Express account settings — the MyDHL API user name and password, the account number,
//! the environment or an explicit base URL — and `DhlExpress::builder()`, which checks them.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use shipmux_core::{Error, Result, Secret};

use crate::protocol::DhlExpressProtocol;

/// MyDHL API production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://express.api.dhl.com/mydhlapi";
/// MyDHL API test-environment base URL (the default).
pub const TEST_BASE_URL: &str = "https://express.api.dhl.com/mydhlapi/test";
/// DHL's mock server, which answers with fixed test data.
pub const MOCK_BASE_URL: &str = "https://api-mock.dhl.com/mydhlapi";

/// Which MyDHL API environment, when no explicit base URL is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DhlExpressEnvironment {
    /// [`TEST_BASE_URL`]: DHL's test environment (the default).
    #[default]
    Test,
    /// [`PRODUCTION_BASE_URL`].
    Production,
    /// [`MOCK_BASE_URL`]: fixed answers, whatever is asked.
    Mock,
}

impl DhlExpressEnvironment {
    /// The base URL of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            DhlExpressEnvironment::Test => TEST_BASE_URL,
            DhlExpressEnvironment::Production => PRODUCTION_BASE_URL,
            DhlExpressEnvironment::Mock => MOCK_BASE_URL,
        }
    }
}

impl FromStr for DhlExpressEnvironment {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "test" | "testing" | "sandbox" => Ok(DhlExpressEnvironment::Test),
            "production" | "prod" | "live" => Ok(DhlExpressEnvironment::Production),
            "mock" => Ok(DhlExpressEnvironment::Mock),
            other => Err(Error::config(format!(
                "dhlexpress: environment `{other}` is not `test`, `production` or `mock`"
            ))),
        }
    }
}

/// Everything the DHL Express protocol needs. `Debug` never shows the password.
///
/// JSON/TOML: `{"username": "…", "password": "…", "account_number": "123456789",
///   "environment": "test", "base_url": null}`; the user name, password and account number
/// are required. `base_url`, when set, wins over `environment`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhlExpressConfig {
    /// The MyDHL API user name (HTTP Basic).
    pub username: Secret,
    /// The MyDHL API password (HTTP Basic).
    pub password: Secret,
    /// The DHL Express account that pays (its prices are quoted): `accounts[].number`.
    pub account_number: String,
    /// Which environment when `base_url` is not set.
    #[serde(default)]
    pub environment: DhlExpressEnvironment,
    /// Where requests go, overriding `environment` (a sandbox on loopback, a proxy).
    #[serde(default)]
    pub base_url: Option<String>,
}

impl DhlExpressConfig {
    /// A config for the test environment.
    pub fn new(
        username: impl Into<Secret>,
        password: impl Into<Secret>,
        account_number: impl Into<String>,
    ) -> Self {
        DhlExpressConfig {
            username: username.into(),
            password: password.into(),
            account_number: account_number.into(),
            environment: DhlExpressEnvironment::Test,
            base_url: None,
        }
    }

    /// Reads `DHLEXPRESS_USERNAME`, `DHLEXPRESS_PASSWORD`, `DHLEXPRESS_ACCOUNT_NUMBER`
    /// (required), `DHLEXPRESS_ENV` (`test`, the default, `production` or `mock`) and
    /// `DHLEXPRESS_BASE_URL`.
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
        let mut config = DhlExpressConfig::new(
            required("DHLEXPRESS_USERNAME")?,
            required("DHLEXPRESS_PASSWORD")?,
            required("DHLEXPRESS_ACCOUNT_NUMBER")?,
        );
        if let Some(env) = get("DHLEXPRESS_ENV") {
            config.environment = env.parse()?;
        }
        config.base_url = get("DHLEXPRESS_BASE_URL");
        config.validate()?;
        Ok(config)
    }

    /// Checks what DHL would refuse anyway, naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.username.is_empty() || self.password.is_empty() {
            return Err(Error::config(
                "dhlexpress: username and password (the MyDHL API credentials) are required",
            ));
        }
        let n = self.account_number.trim();
        if n.is_empty() || n.len() > 12 || !n.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::config(format!(
                "dhlexpress: account_number `{n}` must be 1 to 12 letters or digits"
            )));
        }
        let url = self.base();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::config(format!(
                "dhlexpress: base_url `{url}` must start with http:// or https://"
            )));
        }
        Ok(())
    }

    /// The base URL in use (explicit, else the environment's), without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(self.environment.base_url())
            .trim_end_matches('/')
    }
}

/// Entry point: `DhlExpress::builder()…build()`.
#[derive(Debug, Clone, Copy)]
pub struct DhlExpress;

impl DhlExpress {
    /// A builder with nothing set.
    pub fn builder() -> DhlExpressBuilder {
        DhlExpressBuilder::default()
    }
}

/// Collects DHL Express settings; [`build`](DhlExpressBuilder::build) checks them. `Debug`
/// hides the password.
#[derive(Debug, Clone, Default)]
pub struct DhlExpressBuilder {
    username: Option<Secret>,
    password: Option<Secret>,
    account_number: Option<String>,
    environment: Option<DhlExpressEnvironment>,
    base_url: Option<String>,
}

impl DhlExpressBuilder {
    /// Starts from `DHLEXPRESS_*` environment variables (see [`DhlExpressConfig::from_env`]);
    /// later calls override them.
    pub fn from_env() -> Result<Self> {
        Ok(Self::from_config(DhlExpressConfig::from_env()?))
    }

    /// Starts from a config.
    pub fn from_config(config: DhlExpressConfig) -> Self {
        DhlExpressBuilder {
            username: Some(config.username),
            password: Some(config.password),
            account_number: Some(config.account_number),
            environment: Some(config.environment),
            base_url: config.base_url,
        }
    }

    /// The MyDHL API user name.
    pub fn username(mut self, username: impl Into<Secret>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The MyDHL API password.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The DHL Express account number whose prices are quoted.
    pub fn account_number(mut self, number: impl Into<String>) -> Self {
        self.account_number = Some(number.into());
        self
    }

    /// Test (default), production or mock.
    pub fn environment(mut self, environment: DhlExpressEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Sends requests to `base_url` instead of the environment's.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The checked config.
    pub fn config(self) -> Result<DhlExpressConfig> {
        let mut config = DhlExpressConfig::new(
            self.username.unwrap_or_default(),
            self.password.unwrap_or_default(),
            self.account_number.unwrap_or_default(),
        );
        config.environment = self.environment.unwrap_or_default();
        config.base_url = self.base_url;
        config.validate()?;
        Ok(config)
    }

    /// The protocol.
    pub fn build(self) -> Result<DhlExpressProtocol> {
        DhlExpressProtocol::new(self.config()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn from_env_reads_the_dhlexpress_variables() {
        let vars = [
            ("DHLEXPRESS_USERNAME", "user"),
            ("DHLEXPRESS_PASSWORD", "hunter2"),
            ("DHLEXPRESS_ACCOUNT_NUMBER", "123456789"),
            ("DHLEXPRESS_ENV", "production"),
        ];
        let c = DhlExpressConfig::from_lookup(lookup(&vars)).unwrap();
        assert_eq!(c.base(), PRODUCTION_BASE_URL);
        assert_eq!(c.account_number, "123456789");
        assert!(!format!("{c:?}").contains("hunter2"), "{c:?}");
        let vars = [
            ("DHLEXPRESS_USERNAME", "user"),
            ("DHLEXPRESS_PASSWORD", "pass"),
            ("DHLEXPRESS_ACCOUNT_NUMBER", "123456789"),
            ("DHLEXPRESS_BASE_URL", "http://127.0.0.1:1/mydhlapi/"),
        ];
        let c = DhlExpressConfig::from_lookup(lookup(&vars)).unwrap();
        assert_eq!(c.base(), "http://127.0.0.1:1/mydhlapi");
        let e = DhlExpressConfig::from_lookup(|_| None).unwrap_err();
        assert!(e.message.contains("DHLEXPRESS_USERNAME"), "{e}");
    }

    #[test]
    fn the_test_environment_is_the_default() {
        let c: DhlExpressConfig = serde_json::from_value(serde_json::json!({
            "username": "u", "password": "p", "account_number": "123456789"
        }))
        .unwrap();
        assert_eq!(c.base(), TEST_BASE_URL);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn bad_settings_are_config_errors() {
        let c = DhlExpressConfig::new("u", "p", "12-34");
        assert!(c.validate().unwrap_err().message.contains("account_number"));
        let c = DhlExpressConfig::new("u", "", "123456789");
        assert!(c.validate().unwrap_err().message.contains("password"));
        let mut c = DhlExpressConfig::new("u", "p", "123456789");
        c.base_url = Some("ftp://x".into());
        assert!(c.validate().unwrap_err().message.contains("base_url"));
        assert!("staging".parse::<DhlExpressEnvironment>().is_err());
    }
}
