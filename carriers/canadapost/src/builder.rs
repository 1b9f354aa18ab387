//! `CanadaPost::builder()`: the usual way to make a [`CanadaPostProtocol`].

use shipmux_core::{Result, Secret};

use crate::config::{CanadaPostConfig, TrackingView};
use crate::protocol::CanadaPostProtocol;

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
