//! `UspsConfig` and the `Usps::builder()` that checks it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use shipmux_core::{Error, Result, Secret};

use crate::protocol::UspsProtocol;

/// Production host of the USPS APIs v3.
pub const PRODUCTION_URL: &str = "https://apis.usps.com";
/// Test (TEM) host of the USPS APIs v3.
pub const TEST_URL: &str = "https://apis-tem.usps.com";
/// OAuth scopes asked for by default: Shipping Options, prices, tracking.
pub const DEFAULT_SCOPES: &str = "shipments prices tracking";

/// Which USPS environment, when no explicit base URL is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UspsEnvironment {
    /// `https://apis.usps.com`.
    #[default]
    Production,
    /// `https://apis-tem.usps.com` (USPS's Test Environment for Mailers).
    Test,
}

impl UspsEnvironment {
    /// The base URL of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            UspsEnvironment::Production => PRODUCTION_URL,
            UspsEnvironment::Test => TEST_URL,
        }
    }
}

impl FromStr for UspsEnvironment {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" | "live" => Ok(UspsEnvironment::Production),
            "test" | "tem" | "testing" | "sandbox" => Ok(UspsEnvironment::Test),
            other => Err(Error::config(format!(
                "USPS_ENV `{other}` is not `production` or `test`"
            ))),
        }
    }
}

/// The USPS price type asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PriceType {
    /// Post Office counter prices; needs no account.
    #[default]
    Retail,
    /// Commercial (online) prices.
    Commercial,
    /// Negotiated prices; needs a payment account.
    Contract,
}

impl PriceType {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceType::Retail => "RETAIL",
            PriceType::Commercial => "COMMERCIAL",
            PriceType::Contract => "CONTRACT",
        }
    }
}

impl FromStr for PriceType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "RETAIL" => Ok(PriceType::Retail),
            "COMMERCIAL" => Ok(PriceType::Commercial),
            "CONTRACT" => Ok(PriceType::Contract),
            other => Err(Error::config(format!(
                "USPS price type `{other}` is not RETAIL, COMMERCIAL or CONTRACT"
            ))),
        }
    }
}

/// The payment account that unlocks commercial and contract prices.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAccount {
    /// `EPS`, `PERMIT` or `METER`.
    pub account_type: String,
    /// The account number (digits).
    pub account_number: String,
}

impl fmt::Debug for PaymentAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Account numbers are not secrets, but they need not sit in logs whole.
        let n = &self.account_number;
        let tail = n.get(n.len().saturating_sub(4)..).unwrap_or("");
        write!(f, "PaymentAccount({} …{tail})", self.account_type)
    }
}

/// Which API quotes rates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateApi {
    /// Shipping Options (`/shipments/v3/options/search`): price and delivery commitment in one
    /// call. Falls back to the prices APIs on its own when USPS answers 403 or 404 because the
    /// account does not have it.
    #[default]
    ShippingOptions,
    /// The prices APIs (`/prices/v3/total-rates/search`, `/international-prices/v3/…`)
    /// directly: prices without delivery commitments.
    Prices,
}

impl FromStr for RateApi {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "shipping_options" | "options" => Ok(RateApi::ShippingOptions),
            "prices" => Ok(RateApi::Prices),
            other => Err(Error::config(format!(
                "USPS rate API `{other}` is not `shipping-options` or `prices`"
            ))),
        }
    }
}

/// Which tracking API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackApi {
    /// v3r2: `POST /tracking/v3r2/tracking`, up to 35 numbers a call (207 multi-status).
    #[default]
    V3r2,
    /// v3: `GET /tracking/v3/tracking/{number}?expand=DETAIL`, one number a call.
    V3,
}

impl FromStr for TrackApi {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v3r2" | "batch" => Ok(TrackApi::V3r2),
            "v3" | "single" => Ok(TrackApi::V3),
            other => Err(Error::config(format!(
                "USPS tracking API `{other}` is not `v3r2` or `v3`"
            ))),
        }
    }
}

/// Everything the USPS adapter needs. Serializable (the plugin ABI and config files carry
/// it); `Debug` never shows the client secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UspsConfig {
    /// The app's Consumer Key.
    pub client_id: String,
    /// The app's Consumer Secret.
    pub client_secret: Secret,
    /// Where the APIs live, without a trailing slash (`https://apis.usps.com`).
    pub base_url: String,
    /// OAuth scopes, space separated.
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// The price type quoted.
    #[serde(default)]
    pub price_type: PriceType,
    /// The payment account for commercial or contract prices.
    #[serde(default)]
    pub payment_account: Option<PaymentAccount>,
    /// Which API quotes rates.
    #[serde(default)]
    pub rate_api: RateApi,
    /// Which API tracks.
    #[serde(default)]
    pub track_api: TrackApi,
}

fn default_scopes() -> String {
    DEFAULT_SCOPES.to_string()
}

impl UspsConfig {
    /// Reads `USPS_CLIENT_ID`, `USPS_CLIENT_SECRET`, `USPS_ENV` (`production` | `test`),
    /// `USPS_BASE_URL` (wins over `USPS_ENV`), and optionally `USPS_SCOPES`,
    /// `USPS_PRICE_TYPE`, `USPS_ACCOUNT_TYPE` + `USPS_ACCOUNT_NUMBER`, `USPS_RATE_API`
    /// (`shipping-options` | `prices`) and `USPS_TRACK_API` (`v3r2` | `v3`).
    pub fn from_env() -> Result<Self> {
        Usps::builder().from_env()?.config()
    }

    /// Checks the config: credentials present, an http(s) base URL, an account when contract
    /// prices are asked for.
    pub fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() {
            return Err(Error::config("USPS client_id (USPS_CLIENT_ID) is missing"));
        }
        if self.client_secret.expose().trim().is_empty() {
            return Err(Error::config(
                "USPS client_secret (USPS_CLIENT_SECRET) is missing",
            ));
        }
        let url = self.base_url.trim();
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        if host.is_none_or(|h| h.is_empty() || h.contains(char::is_whitespace)) {
            return Err(Error::config(format!(
                "USPS base_url `{url}` is not an http(s) URL"
            )));
        }
        if let Some(account) = &self.payment_account {
            if !matches!(account.account_type.as_str(), "EPS" | "PERMIT" | "METER") {
                return Err(Error::config(format!(
                    "USPS account type `{}` is not EPS, PERMIT or METER",
                    account.account_type
                )));
            }
            if account.account_number.is_empty()
                || !account.account_number.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(Error::config("USPS account number must be digits"));
            }
        } else if self.price_type == PriceType::Contract {
            return Err(Error::config(
                "USPS CONTRACT prices need a payment account (USPS_ACCOUNT_TYPE, USPS_ACCOUNT_NUMBER)",
            ));
        }
        Ok(())
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }
}

/// Entry point for building a USPS protocol: `Usps::builder()`.
pub struct Usps;

impl Usps {
    /// A builder with nothing set.
    pub fn builder() -> UspsBuilder {
        UspsBuilder::default()
    }
}

/// Builds a checked [`UspsProtocol`]. Values set explicitly win over `from_env()`.
#[derive(Clone, Debug, Default)]
pub struct UspsBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    base_url: Option<String>,
    environment: Option<UspsEnvironment>,
    scopes: Option<String>,
    price_type: Option<PriceType>,
    payment_account: Option<PaymentAccount>,
    rate_api: Option<RateApi>,
    track_api: Option<TrackApi>,
}

impl UspsBuilder {
    /// The Consumer Key.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The Consumer Secret.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// An explicit base URL (a sandbox on loopback, say); wins over the environment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Production or test.
    pub fn environment(mut self, environment: UspsEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// OAuth scopes, space separated.
    pub fn scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = Some(scopes.into());
        self
    }

    /// The price type.
    pub fn price_type(mut self, price_type: PriceType) -> Self {
        self.price_type = Some(price_type);
        self
    }

    /// The payment account (`EPS` | `PERMIT` | `METER`, number).
    pub fn payment_account(
        mut self,
        account_type: impl Into<String>,
        account_number: impl Into<String>,
    ) -> Self {
        self.payment_account = Some(PaymentAccount {
            account_type: account_type.into().trim().to_ascii_uppercase(),
            account_number: account_number.into().trim().to_string(),
        });
        self
    }

    /// Which API quotes.
    pub fn rate_api(mut self, rate_api: RateApi) -> Self {
        self.rate_api = Some(rate_api);
        self
    }

    /// Which API tracks.
    pub fn track_api(mut self, track_api: TrackApi) -> Self {
        self.track_api = Some(track_api);
        self
    }

    /// Fills every value not set yet from `USPS_…` environment variables (see
    /// [`UspsConfig::from_env`]); a malformed variable is a `config` error.
    pub fn from_env(self) -> Result<Self> {
        self.from_lookup(|k| std::env::var(k).ok())
    }

    /// `from_env` over any lookup (tests pass a map instead of the process environment).
    pub fn from_lookup(mut self, get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        if self.client_id.is_none() {
            self.client_id = get("USPS_CLIENT_ID");
        }
        if self.client_secret.is_none() {
            self.client_secret = get("USPS_CLIENT_SECRET").map(Secret::new);
        }
        if self.base_url.is_none() {
            self.base_url = get("USPS_BASE_URL");
        }
        if self.environment.is_none() {
            self.environment = get("USPS_ENV").map(|v| v.parse()).transpose()?;
        }
        if self.scopes.is_none() {
            self.scopes = get("USPS_SCOPES");
        }
        if self.price_type.is_none() {
            self.price_type = get("USPS_PRICE_TYPE").map(|v| v.parse()).transpose()?;
        }
        if self.payment_account.is_none()
            && let (Some(t), Some(n)) = (get("USPS_ACCOUNT_TYPE"), get("USPS_ACCOUNT_NUMBER"))
        {
            self = self.payment_account(t, n);
        }
        if self.rate_api.is_none() {
            self.rate_api = get("USPS_RATE_API").map(|v| v.parse()).transpose()?;
        }
        if self.track_api.is_none() {
            self.track_api = get("USPS_TRACK_API").map(|v| v.parse()).transpose()?;
        }
        Ok(self)
    }

    /// The checked config.
    pub fn config(self) -> Result<UspsConfig> {
        let base_url = self
            .base_url
            .unwrap_or_else(|| self.environment.unwrap_or_default().base_url().to_string())
            .trim()
            .trim_end_matches('/')
            .to_string();
        let config = UspsConfig {
            client_id: self.client_id.unwrap_or_default().trim().to_string(),
            client_secret: self.client_secret.unwrap_or_default(),
            base_url,
            scopes: self.scopes.unwrap_or_else(default_scopes),
            price_type: self.price_type.unwrap_or_default(),
            payment_account: self.payment_account,
            rate_api: self.rate_api.unwrap_or_default(),
            track_api: self.track_api.unwrap_or_default(),
        };
        config.validate()?;
        Ok(config)
    }

    /// The protocol, or a `config` error naming what is missing or wrong.
    pub fn build(self) -> Result<UspsProtocol> {
        UspsProtocol::new(self.config()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmux_core::ErrorKind;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_picks_the_host_and_base_url_wins() {
        let c = Usps::builder()
            .from_lookup(env(&[
                ("USPS_CLIENT_ID", "id"),
                ("USPS_CLIENT_SECRET", "s3cret"),
                ("USPS_ENV", "test"),
            ]))
            .unwrap()
            .config()
            .unwrap();
        assert_eq!(c.base_url, TEST_URL);
        let c = Usps::builder()
            .base_url("http://127.0.0.1:9/")
            .from_lookup(env(&[
                ("USPS_CLIENT_ID", "id"),
                ("USPS_CLIENT_SECRET", "s3cret"),
                ("USPS_BASE_URL", "https://elsewhere"),
            ]))
            .unwrap()
            .config()
            .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.rate_api, RateApi::ShippingOptions);
    }

    #[test]
    fn missing_or_bad_values_are_config_errors() {
        let e = Usps::builder().client_secret("x").config().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("USPS_CLIENT_ID"));
        let e = Usps::builder()
            .from_lookup(env(&[("USPS_ENV", "staging")]))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        let e = Usps::builder()
            .client_id("a")
            .client_secret("b")
            .price_type(PriceType::Contract)
            .config()
            .unwrap_err();
        assert!(e.message.contains("payment account"), "{e}");
        let e = Usps::builder()
            .client_id("a")
            .client_secret("b")
            .base_url("ftp://x")
            .config()
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = Usps::builder()
            .client_id("id")
            .client_secret("hunter2")
            .payment_account("eps", "1000115566")
            .config()
            .unwrap();
        let s = format!("{c:?}");
        assert!(!s.contains("hunter2") && !s.contains("1000115566"), "{s}");
    }
}
