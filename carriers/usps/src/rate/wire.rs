//! The USPS v3 price answers as typed views over the response body: only the keys
//! NORMALIZATION.md §3 reads, strings borrowed from the body, each read with the tolerance of
//! [`crate::lenient`]. One struct per USPS schema; the key names are USPS's.

use serde::de::{IgnoredAny, MapAccess};

use crate::lenient::{Dec, Fields, Flag, List, Obj, Text};

/// Result alias for the field readers.
type FieldResult<E> = std::result::Result<(), E>;

/// Any of the three price bodies (`ShippingOptionsResponse`, `TotalRatesResponse` /
/// international `TotalRatesResponse`, `BaseRateOption`), told apart by which keys are
/// present and not null. A base-rates body is itself a rate option, hence its option keys.
#[derive(Debug, Default)]
pub struct PriceBody<'a> {
    /// `error` present and not null: the body is an error document.
    pub has_error: bool,
    /// Shipping Options: `pricingOptions[]`.
    pub pricing_options: Option<List<PricingOption<'a>>>,
    /// Total rates: `rateOptions[]`.
    pub rate_options: Option<List<RateOption<'a>>>,
    /// Base rates: `totalBasePrice`.
    pub total_base_price: Dec<'a>,
    /// Base rates: `rates[]`.
    pub rates: Option<List<RateItem<'a>>>,
    /// `totalPrice` (base rates carry none, but a base body is read as an option).
    pub total_price: Dec<'a>,
    /// `extraServices[]`.
    pub extra_services: List<Charge<'a>>,
    /// `commitment`.
    pub commitment: Obj<Commitment<'a>>,
}

impl<'a> PriceBody<'a> {
    /// A base-rates body as the one rate option it is.
    pub fn into_rate_option(self) -> RateOption<'a> {
        RateOption {
            total_price: self.total_price,
            total_base_price: self.total_base_price,
            rates: self.rates.unwrap_or_default(),
            extra_services: self.extra_services,
            commitment: self.commitment,
        }
    }
}

impl<'de: 'a, 'a> Fields<'de> for PriceBody<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "error" => self.has_error = map.next_value::<Option<IgnoredAny>>()?.is_some(),
            "pricingOptions" => self.pricing_options = map.next_value()?,
            "rateOptions" => self.rate_options = map.next_value()?,
            "totalBasePrice" => self.total_base_price = map.next_value()?,
            "rates" => self.rates = map.next_value()?,
            "totalPrice" => self.total_price = map.next_value()?,
            "extraServices" => self.extra_services = map.next_value()?,
            "commitment" => self.commitment = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// Shipping Options `pricingOptions[]`: one price type's answer.
#[derive(Debug, Default)]
pub struct PricingOption<'a> {
    /// `shippingOptions[]`, one per mail class.
    pub shipping_options: List<ShippingOption<'a>>,
}

impl<'de: 'a, 'a> Fields<'de> for PricingOption<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "shippingOptions" => self.shipping_options = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// Shipping Options `shippingOptions[]`: a mail class and its rate options (whose rates
/// name no class of their own).
#[derive(Debug, Default)]
pub struct ShippingOption<'a> {
    /// `mailClass`.
    pub mail_class: Text<'a>,
    /// `rateOptions[]`.
    pub rate_options: List<RateOption<'a>>,
}

impl<'de: 'a, 'a> Fields<'de> for ShippingOption<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "mailClass" => self.mail_class = map.next_value()?,
            "rateOptions" => self.rate_options = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `RateOption`: one priced option — totals, its rates, extra services and (Shipping
/// Options only) the delivery commitment.
#[derive(Debug, Default)]
pub struct RateOption<'a> {
    /// `totalPrice`: base plus extra services, only when extra services were asked for.
    pub total_price: Dec<'a>,
    /// `totalBasePrice`.
    pub total_base_price: Dec<'a>,
    /// `rates[]`.
    pub rates: List<RateItem<'a>>,
    /// `extraServices[]`.
    pub extra_services: List<Charge<'a>>,
    /// `commitment`.
    pub commitment: Obj<Commitment<'a>>,
}

impl<'de: 'a, 'a> Fields<'de> for RateOption<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "totalPrice" => self.total_price = map.next_value()?,
            "totalBasePrice" => self.total_base_price = map.next_value()?,
            "rates" => self.rates = map.next_value()?,
            "extraServices" => self.extra_services = map.next_value()?,
            "commitment" => self.commitment = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `Rate` (in `rates[]`): one priced SKU with its fees and weights.
#[derive(Debug, Default)]
pub struct RateItem<'a> {
    /// `mailClass` (absent in Shipping Options).
    pub mail_class: Text<'a>,
    /// `productName`.
    pub product_name: Text<'a>,
    /// `description`.
    pub description: Text<'a>,
    /// `SKU`.
    pub sku: Text<'a>,
    /// `price`.
    pub price: Dec<'a>,
    /// `fees[]`.
    pub fees: List<Charge<'a>>,
    /// `weight`, pounds.
    pub weight: Dec<'a>,
    /// `dimWeight`, pounds.
    pub dim_weight: Dec<'a>,
    /// `dimensionalWeight`: the deprecated name of `dimWeight`.
    pub dimensional_weight: Dec<'a>,
}

impl<'de: 'a, 'a> Fields<'de> for RateItem<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "mailClass" => self.mail_class = map.next_value()?,
            "productName" => self.product_name = map.next_value()?,
            "description" => self.description = map.next_value()?,
            "SKU" => self.sku = map.next_value()?,
            "price" => self.price = map.next_value()?,
            "fees" => self.fees = map.next_value()?,
            "weight" => self.weight = map.next_value()?,
            "dimWeight" => self.dim_weight = map.next_value()?,
            "dimensionalWeight" => self.dimensional_weight = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `Fee` (in `rates[].fees[]`) and `ExtraService` (in `extraServices[]`): a SKU and a price.
#[derive(Debug, Default)]
pub struct Charge<'a> {
    /// `SKU`.
    pub sku: Text<'a>,
    /// `price`.
    pub price: Dec<'a>,
}

impl<'de: 'a, 'a> Fields<'de> for Charge<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "SKU" => self.sku = map.next_value()?,
            "price" => self.price = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// Shipping Options `commitment`: the delivery promise of a rate option.
#[derive(Debug, Default)]
pub struct Commitment<'a> {
    /// `name`: "1-Day", "3 Days".
    pub name: Text<'a>,
    /// `scheduleDeliveryDate`.
    pub schedule_delivery_date: Text<'a>,
    /// `guaranteedDelivery`.
    pub guaranteed_delivery: Flag,
}

impl<'de: 'a, 'a> Fields<'de> for Commitment<'a> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> FieldResult<A::Error> {
        match key {
            "name" => self.name = map.next_value()?,
            "scheduleDeliveryDate" => self.schedule_delivery_date = map.next_value()?,
            "guaranteedDelivery" => self.guaranteed_delivery = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// Skips the value of a key we do not read.
fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> FieldResult<A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}
