//! Parcels and rate requests.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Address, Dimensions, Money, Weight};
use crate::error::Error;

/// One box to ship. JSON:
/// `{"weight": {"value": "2.5", "unit": "lb"}, "dimensions": {…} | null,
///   "declared_value": {"amount": "50.00", "currency": "USD"} | null}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parcel {
    /// Actual weight.
    pub weight: Weight,
    /// Outer dimensions, if known.
    #[serde(default)]
    pub dimensions: Option<Dimensions>,
    /// Declared value for insurance and customs.
    #[serde(default)]
    pub declared_value: Option<Money>,
}

impl Parcel {
    /// A parcel of the given weight, without dimensions or value.
    pub fn new(weight: Weight) -> Self {
        Parcel {
            weight,
            dimensions: None,
            declared_value: None,
        }
    }

    /// Sets the dimensions.
    pub fn with_dimensions(mut self, dimensions: Dimensions) -> Self {
        self.dimensions = Some(dimensions);
        self
    }

    /// Sets the declared value.
    pub fn with_declared_value(mut self, value: Money) -> Self {
        self.declared_value = Some(value);
        self
    }

    /// Checks weight, dimensions and value; `field` names the parcel (e.g. `parcels[0]`).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        self.weight.validate(&format!("{field}.weight"))?;
        if let Some(d) = &self.dimensions {
            d.validate(&format!("{field}.dimensions"))?;
        }
        if let Some(v) = &self.declared_value
            && v.amount.is_sign_negative()
        {
            return Err(Error::invalid_request(
                &format!("{field}.declared_value"),
                format!("must not be negative, got {v}"),
            ));
        }
        Ok(())
    }
}

/// A request for rates. JSON:
/// `{"origin": Address, "destination": Address, "parcels": [Parcel],
///   "services": ["03"] | null, "ship_date": "2026-11-25" | null}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateRequest {
    /// Where the parcels leave from.
    pub origin: Address,
    /// Where they go.
    pub destination: Address,
    /// One or more parcels travelling together.
    pub parcels: Vec<Parcel>,
    /// Only these carrier service codes; `None` for every service.
    #[serde(default)]
    pub services: Option<Vec<String>>,
    /// The day the parcels are handed over; `None` for the carrier's default (today).
    #[serde(default)]
    pub ship_date: Option<NaiveDate>,
}

impl RateRequest {
    /// A validated request for every service, shipping today.
    pub fn new(origin: Address, destination: Address, parcels: Vec<Parcel>) -> Result<Self, Error> {
        let request = RateRequest {
            origin,
            destination,
            parcels,
            services: None,
            ship_date: None,
        };
        request.validate()?;
        Ok(request)
    }

    /// Restricts the request to some services.
    pub fn with_services<S: Into<String>>(mut self, services: impl IntoIterator<Item = S>) -> Self {
        self.services = Some(services.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the ship date.
    pub fn with_ship_date(mut self, date: NaiveDate) -> Self {
        self.ship_date = Some(date);
        self
    }

    /// Checks every field: addresses, at least one parcel, each parcel, one currency for all
    /// declared values, no empty service code. The error names the field.
    pub fn validate(&self) -> Result<(), Error> {
        self.origin.validate("origin")?;
        self.destination.validate("destination")?;
        if self.parcels.is_empty() {
            return Err(Error::invalid_request(
                "parcels",
                "at least one parcel is required",
            ));
        }
        let mut currency = None;
        for (i, parcel) in self.parcels.iter().enumerate() {
            parcel.validate(&format!("parcels[{i}]"))?;
            if let Some(v) = &parcel.declared_value {
                match &currency {
                    None => currency = Some(v.currency.clone()),
                    Some(c) if *c != v.currency => {
                        return Err(Error::invalid_request(
                            &format!("parcels[{i}].declared_value.currency"),
                            format!("mixed currencies in one request: {c} and {}", v.currency),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(services) = &self.services
            && services.iter().any(|s| s.trim().is_empty())
        {
            return Err(Error::invalid_request(
                "services",
                "service codes must not be empty",
            ));
        }
        Ok(())
    }

    /// Does the request allow `service`?
    pub fn wants_service(&self, service: &str) -> bool {
        self.services
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == service))
    }

    /// Total actual weight of all parcels, in the first parcel's unit.
    pub fn total_weight(&self) -> Option<Weight> {
        let mut parcels = self.parcels.iter();
        let first = parcels.next()?.weight;
        Some(parcels.fold(first, |acc, p| acc.add(&p.weight)))
    }
}
