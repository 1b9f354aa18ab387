//! FedEx's rate answer (`RatcResponseVO` in FedEx's Rate API schema), mirrored only as far as
//! our rate mapping reads (docs/carriers/fedex.md), with the toolkit's tolerance ([`shipmux_core::raw::json`]):
//! [`Text`] borrows from the body (owned only when FedEx escaped something), unknown fields
//! are skipped by the parser, a [`List`] may be `null` or a bare object; amounts are [`Dec`],
//! the decimal text as written.

use serde::Deserialize;
use shipmux_core::raw::json::{Dec, List, Text};

use crate::error::ErrorItem;

/// The whole body: `output` on success, `errors` when FedEx refused (`RatcResponseVO`).
#[derive(Deserialize)]
pub(crate) struct RateReply<'a> {
    #[serde(default, borrow)]
    pub output: Option<RateOutput<'a>>,
    #[serde(default, borrow)]
    pub errors: List<ErrorItem<'a>>,
}

/// `output` (`RateOutputVO`): one reply detail per service.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateOutput<'a> {
    #[serde(default, borrow)]
    pub rate_reply_details: List<RateReplyDetail<'a>>,
}

/// One service's quote (`RateReplyDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateReplyDetail<'a> {
    #[serde(default, borrow)]
    pub service_type: Text<'a>,
    #[serde(default, borrow)]
    pub service_name: Text<'a>,
    #[serde(default, borrow)]
    pub rated_shipment_details: List<RatedShipmentDetail<'a>>,
    #[serde(default, borrow)]
    pub commit: Option<Commit<'a>>,
    #[serde(default, borrow)]
    pub operational_detail: Option<OperationalDetail<'a>>,
}

/// One rate type's prices for the service (`RatedShipmentDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RatedShipmentDetail<'a> {
    #[serde(default, borrow)]
    pub rate_type: Text<'a>,
    #[serde(default)]
    pub total_net_charge: Option<Dec>,
    #[serde(default)]
    pub total_base_charge: Option<Dec>,
    #[serde(default)]
    pub total_discounts: Option<Dec>,
    #[serde(default, borrow)]
    pub currency: Text<'a>,
    #[serde(default, borrow)]
    pub shipment_rate_detail: Option<ShipmentRateDetail<'a>>,
}

/// The breakdown of a rated detail (`ShipmentRateDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShipmentRateDetail<'a> {
    #[serde(default, borrow)]
    pub currency: Text<'a>,
    #[serde(default, borrow)]
    pub sur_charges: List<ChargeItem<'a>>,
    #[serde(default, borrow)]
    pub taxes: List<ChargeItem<'a>>,
    #[serde(default, borrow)]
    pub total_billing_weight: Option<WeightVo<'a>>,
}

/// A surcharge or tax (`Surcharge`, `Tax`): its type code and amount.
#[derive(Deserialize)]
pub(crate) struct ChargeItem<'a> {
    #[serde(default, borrow, rename = "type")]
    pub kind: Text<'a>,
    #[serde(default)]
    pub amount: Option<Dec>,
}

/// A weight (`Weight`): `{"units": "LB", "value": 162}`.
#[derive(Deserialize)]
pub(crate) struct WeightVo<'a> {
    #[serde(default, borrow)]
    pub units: Text<'a>,
    #[serde(default)]
    pub value: Option<Dec>,
}

/// The delivery commitment (`Commit`), present when transit times were asked for.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Commit<'a> {
    #[serde(default, borrow)]
    pub date_detail: Option<DateDetail<'a>>,
    #[serde(default, borrow)]
    pub transit_days: Option<TransitDays<'a>>,
    #[serde(default, borrow)]
    pub days_in_transit: Text<'a>,
    /// A guarantee code such as `GUARANTEED_DELIVERY`; any text names a guarantee.
    #[serde(default, borrow)]
    pub guaranteed_type: Text<'a>,
}

/// `commit.dateDetail`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DateDetail<'a> {
    #[serde(default, borrow)]
    pub day_format: Text<'a>,
}

/// `commit.transitDays`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransitDays<'a> {
    #[serde(default, borrow)]
    pub minimum_transit_time: Text<'a>,
}

/// `operationalDetail` (`OperationalDetail`): the fallback for delivery date and transit.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationalDetail<'a> {
    #[serde(default, borrow)]
    pub delivery_date: Text<'a>,
    #[serde(default, borrow)]
    pub transit_time: Text<'a>,
}
