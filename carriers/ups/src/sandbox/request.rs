//! The parts of a UPS Rating `RateRequest` (v2409 schema `RATERequestWrapper`, and the
//! shapes of older versions) that the simulator checks and prices, as borrowing typed
//! structs; everything else is skipped unread. Tolerance is the toolkit's
//! ([`shipmux_core::raw::json`]), so a request reads exactly as it did through `json.rs` and
//! a `serde_json::Value`.

use serde::de::IgnoredAny;

use shipmux_core::raw::json::{List, Text};
use shipmux_core::tolerant_object;

tolerant_object! {
    /// The document: `{"RateRequest": …}`.
    pub(crate) struct RateRequestDocument<'de> {
        rate_request: Option<RateRequest<'de>> = "RateRequest",
    }
}

tolerant_object! {
    /// `RateRequest`.
    pub(crate) struct RateRequest<'de> {
        request: Option<Request<'de>> = "Request",
        shipment: Option<Shipment<'de>> = "Shipment",
        /// A presence flag: answer with taxes.
        tax_information_indicator: Option<IgnoredAny> = "TaxInformationIndicator",
    }
}

tolerant_object! {
    /// `RateRequest.Request`.
    pub(crate) struct Request<'de> {
        sub_version: Text<'de> = "SubVersion",
        transaction_reference: Option<TransactionReference<'de>> = "TransactionReference",
    }
}

tolerant_object! {
    /// `Request.TransactionReference`.
    pub(crate) struct TransactionReference<'de> {
        customer_context: Text<'de> = "CustomerContext",
    }
}

tolerant_object! {
    /// `RateRequest.Shipment`.
    pub(crate) struct Shipment<'de> {
        shipper: Option<Party<'de>> = "Shipper",
        ship_to: Option<Party<'de>> = "ShipTo",
        ship_from: Option<Party<'de>> = "ShipFrom",
        payment_details: Option<PaymentDetails<'de>> = "PaymentDetails",
        package: List<Package<'de>> = "Package",
        service: Option<Code<'de>> = "Service",
        delivery_time_information: Option<DeliveryTimeInformation<'de>> = "DeliveryTimeInformation",
        shipment_rating_options: Option<ShipmentRatingOptions<'de>> = "ShipmentRatingOptions",
        /// A presence flag: answer with taxes.
        tax_information_indicator: Option<IgnoredAny> = "TaxInformationIndicator",
    }
}

tolerant_object! {
    /// `Shipper`, `ShipTo`, `ShipFrom`.
    pub(crate) struct Party<'de> {
        address: Option<Address<'de>> = "Address",
        shipper_number: Text<'de> = "ShipperNumber",
    }
}

tolerant_object! {
    /// A party's `Address`.
    pub(crate) struct Address<'de> {
        country_code: Text<'de> = "CountryCode",
        postal_code: Text<'de> = "PostalCode",
        /// A presence flag: a home.
        residential_address_indicator: Option<IgnoredAny> = "ResidentialAddressIndicator",
    }
}

tolerant_object! {
    /// `Shipment.PaymentDetails`.
    pub(crate) struct PaymentDetails<'de> {
        shipment_charge: List<ShipmentCharge<'de>> = "ShipmentCharge",
    }
}

tolerant_object! {
    /// `PaymentDetails.ShipmentCharge[]`.
    pub(crate) struct ShipmentCharge<'de> {
        bill_shipper: Option<BillShipper<'de>> = "BillShipper",
    }
}

tolerant_object! {
    /// `ShipmentCharge.BillShipper`.
    pub(crate) struct BillShipper<'de> {
        account_number: Text<'de> = "AccountNumber",
    }
}

tolerant_object! {
    /// `Shipment.Package[]`.
    pub(crate) struct Package<'de> {
        package_weight: Option<PackageWeight<'de>> = "PackageWeight",
        dimensions: Option<Dimensions<'de>> = "Dimensions",
    }
}

tolerant_object! {
    /// `Package.PackageWeight`.
    pub(crate) struct PackageWeight<'de> {
        unit_of_measurement: Option<Code<'de>> = "UnitOfMeasurement",
        weight: Text<'de> = "Weight",
    }
}

tolerant_object! {
    /// `Package.Dimensions`.
    pub(crate) struct Dimensions<'de> {
        unit_of_measurement: Option<Code<'de>> = "UnitOfMeasurement",
        length: Text<'de> = "Length",
        width: Text<'de> = "Width",
        height: Text<'de> = "Height",
    }
}

tolerant_object! {
    /// `{Code}` (`Service`, `UnitOfMeasurement`).
    pub(crate) struct Code<'de> {
        code: Text<'de> = "Code",
    }
}

tolerant_object! {
    /// `Shipment.DeliveryTimeInformation`.
    pub(crate) struct DeliveryTimeInformation<'de> {
        pickup: Option<Pickup<'de>> = "Pickup",
    }
}

tolerant_object! {
    /// `DeliveryTimeInformation.Pickup`.
    pub(crate) struct Pickup<'de> {
        date: Text<'de> = "Date",
    }
}

tolerant_object! {
    /// `Shipment.ShipmentRatingOptions`.
    pub(crate) struct ShipmentRatingOptions<'de> {
        /// A presence flag: answer with the account's negotiated rates.
        negotiated_rates_indicator: Option<IgnoredAny> = "NegotiatedRatesIndicator",
    }
}

/// `Code` of an optional `{Code}` container.
pub(crate) fn code<'a>(container: &'a Option<Code<'_>>) -> Option<&'a str> {
    container.as_ref().and_then(|c| c.code.get())
}
