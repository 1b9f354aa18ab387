//! The USPS v3 price answers as typed views over the response body: only the keys
//! our rate mapping reads (docs/carriers/usps.md), strings borrowed from the body, each read with the toolkit's
//! tolerance ([`shipmux_core::raw::json`]). One struct per USPS schema; the key names are
//! USPS's.

use serde::de::IgnoredAny;
use shipmux_core::raw::json::{DecimalField, Flag, List, Text};
use shipmux_core::tolerant_object;

tolerant_object! {
    /// Any of the three price bodies (`ShippingOptionsResponse`, `TotalRatesResponse` /
    /// international `TotalRatesResponse`, `BaseRateOption`), told apart by which keys are
    /// present and not null. A base-rates body is itself a rate option, hence its option keys.
    pub struct PriceBody<'a> {
        /// `error`: present and not null when the body is an error document.
        error: Option<IgnoredAny> = "error",
        /// Shipping Options: `pricingOptions[]`.
        pricing_options: Option<List<PricingOption<'a>>> = "pricingOptions",
        /// Total rates: `rateOptions[]`.
        rate_options: Option<List<RateOption<'a>>> = "rateOptions",
        /// Base rates: `totalBasePrice`.
        total_base_price: DecimalField<'a> = "totalBasePrice",
        /// Base rates: `rates[]`.
        rates: Option<List<RateItem<'a>>> = "rates",
        /// `totalPrice` (base rates carry none, but a base body is read as an option).
        total_price: DecimalField<'a> = "totalPrice",
        /// `extraServices[]`.
        extra_services: List<Charge<'a>> = "extraServices",
        /// `commitment`.
        commitment: Commitment<'a> = "commitment",
    }
}

impl<'a> PriceBody<'a> {
    /// Whether the body is an error document (`error` present and not null).
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// A base-rates body as the one rate option it is.
    pub fn into_rate_option(self) -> RateOption<'a> {
        RateOption {
            total_price: self.total_price,
            total_base_price: self.total_base_price,
            rates: self.rates.unwrap_or_default(),
            extra_services: self.extra_services,
            commitment: self.commitment,
            _borrows: std::marker::PhantomData,
        }
    }
}

tolerant_object! {
    /// Shipping Options `pricingOptions[]`: one price type's answer.
    pub struct PricingOption<'a> {
        /// `shippingOptions[]`, one per mail class.
        shipping_options: List<ShippingOption<'a>> = "shippingOptions",
    }
}

tolerant_object! {
    /// Shipping Options `shippingOptions[]`: a mail class and its rate options (whose rates
    /// name no class of their own).
    pub struct ShippingOption<'a> {
        /// `mailClass`.
        mail_class: Text<'a> = "mailClass",
        /// `rateOptions[]`.
        rate_options: List<RateOption<'a>> = "rateOptions",
    }
}

tolerant_object! {
    /// `RateOption`: one priced option — totals, its rates, extra services and (Shipping
    /// Options only) the delivery commitment.
    pub struct RateOption<'a> {
        /// `totalPrice`: base plus extra services, only when extra services were asked for.
        total_price: DecimalField<'a> = "totalPrice",
        /// `totalBasePrice`.
        total_base_price: DecimalField<'a> = "totalBasePrice",
        /// `rates[]`.
        rates: List<RateItem<'a>> = "rates",
        /// `extraServices[]`.
        extra_services: List<Charge<'a>> = "extraServices",
        /// `commitment`.
        commitment: Commitment<'a> = "commitment",
    }
}

tolerant_object! {
    /// `Rate` (in `rates[]`): one priced SKU with its fees and weights.
    pub struct RateItem<'a> {
        /// `mailClass` (absent in Shipping Options).
        mail_class: Text<'a> = "mailClass",
        /// `productName`.
        product_name: Text<'a> = "productName",
        /// `description`.
        description: Text<'a> = "description",
        /// `SKU`.
        sku: Text<'a> = "SKU",
        /// `price`.
        price: DecimalField<'a> = "price",
        /// `fees[]`.
        fees: List<Charge<'a>> = "fees",
        /// `weight`, pounds.
        weight: DecimalField<'a> = "weight",
        /// `dimWeight`, pounds.
        dim_weight: DecimalField<'a> = "dimWeight",
        /// `dimensionalWeight`: the deprecated name of `dimWeight`.
        dimensional_weight: DecimalField<'a> = "dimensionalWeight",
    }
}

tolerant_object! {
    /// `Fee` (in `rates[].fees[]`) and `ExtraService` (in `extraServices[]`): a SKU and a price.
    pub struct Charge<'a> {
        /// `SKU`.
        sku: Text<'a> = "SKU",
        /// `price`.
        price: DecimalField<'a> = "price",
    }
}

tolerant_object! {
    /// Shipping Options `commitment`: the delivery promise of a rate option.
    pub struct Commitment<'a> {
        /// `name`: "1-Day", "3 Days".
        name: Text<'a> = "name",
        /// `scheduleDeliveryDate`.
        schedule_delivery_date: Text<'a> = "scheduleDeliveryDate",
        /// `guaranteedDelivery`.
        guaranteed_delivery: Flag = "guaranteedDelivery",
    }
}
