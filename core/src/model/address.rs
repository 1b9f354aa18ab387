//! Postal addresses.

use serde::{Deserialize, Serialize};

use super::country::{is_iso_country, postal_code_shape_ok, uses_postal_codes};
use crate::error::Error;

/// A postal address. JSON:
/// `{"country": "US", "postal_code": "90210", "region": "CA", "city": "Beverly Hills",
///   "lines": ["1 Main St"], "residential": true, "name": null, "company": null}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Postal or ZIP code; may be partial (UK/CA first three characters) while quoting.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// State or province code (ISO 3166-2 subdivision without the country, e.g. `CA`).
    #[serde(default)]
    pub region: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Street lines.
    #[serde(default)]
    pub lines: Vec<String>,
    /// Residential (true), commercial (false) or unknown (null).
    #[serde(default)]
    pub residential: Option<bool>,
    /// Addressee's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Company name.
    #[serde(default)]
    pub company: Option<String>,
}

impl Address {
    /// An address with a country and postal code only (enough to quote).
    pub fn new(country: &str, postal_code: &str) -> Self {
        Address {
            country: country.to_string(),
            postal_code: Some(postal_code.to_string()),
            ..Address::default()
        }
    }

    /// Sets the region (state or province code).
    pub fn with_region(mut self, region: &str) -> Self {
        self.region = Some(region.to_string());
        self
    }

    /// Sets the city.
    pub fn with_city(mut self, city: &str) -> Self {
        self.city = Some(city.to_string());
        self
    }

    /// Marks the address residential or commercial.
    pub fn residential(mut self, residential: bool) -> Self {
        self.residential = Some(residential);
        self
    }

    /// The postal code upper-cased with spaces and hyphens removed (`"k1a 0b1"` → `"K1A0B1"`).
    pub fn normalized_postal_code(&self) -> Option<String> {
        self.postal_code
            .as_deref()
            .map(normalize_postcode)
            .filter(|p| !p.is_empty())
    }

    /// Checks the country code and the postal code; `field` names the address in errors
    /// (e.g. `destination`).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        let country = self.country.trim();
        if !is_iso_country(country) {
            return Err(Error::invalid_request(
                &format!("{field}.country"),
                format!(
                    "`{}` is not an ISO 3166-1 alpha-2 country code",
                    self.country
                ),
            ));
        }
        let postal = self.postal_code.as_deref().map(str::trim).unwrap_or("");
        if postal.is_empty() {
            if uses_postal_codes(country) {
                return Err(Error::invalid_request(
                    &format!("{field}.postal_code"),
                    format!("a postal code is required for {country}"),
                ));
            }
        } else if !postal_code_shape_ok(country, postal) {
            return Err(Error::invalid_request(
                &format!("{field}.postal_code"),
                format!("`{postal}` is not a valid {country} postal code"),
            ));
        }
        if let Some(region) = &self.region
            && (region.trim().is_empty() || region.len() > 3)
        {
            return Err(Error::invalid_request(
                &format!("{field}.region"),
                format!("`{region}` is not a state or province code"),
            ));
        }
        Ok(())
    }
}

/// Upper-cases a postcode and strips spaces and hyphens.
pub fn normalize_postcode(p: &str) -> String {
    p.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_field() {
        assert!(Address::new("US", "90210").validate("origin").is_ok());
        let e = Address::new("XX", "90210")
            .validate("destination")
            .unwrap_err();
        assert!(e.message.starts_with("destination.country"), "{e}");
        let e = Address::new("US", "").validate("destination").unwrap_err();
        assert!(e.message.starts_with("destination.postal_code"), "{e}");
        let e = Address::new("US", "ABCDE")
            .validate("destination")
            .unwrap_err();
        assert!(e.message.starts_with("destination.postal_code"), "{e}");
        assert!(Address::new("HK", "").validate("destination").is_ok());
        assert!(Address::new("CA", "K1A").validate("destination").is_ok());
    }

    #[test]
    fn postcodes_normalize() {
        assert_eq!(
            Address::new("CA", "k1a 0b1")
                .normalized_postal_code()
                .as_deref(),
            Some("K1A0B1")
        );
    }
}
