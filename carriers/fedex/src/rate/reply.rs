//! FedEx's rate answer (`RatcResponseVO` in FedEx's Rate API schema), mirrored only as far as
//! NORMALIZATION.md §2 reads it. Text borrows from the body ([`Str`]: owned only when FedEx
//! escaped something); unknown fields are skipped by the parser; a `null` list reads as
//! empty; amounts are [`Dec`], the decimal text as written.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::ErrorItem;
use crate::json::{Dec, Str, null_as_default};

/// The whole body: `output` on success, `errors` when FedEx refused (`RatcResponseVO`).
#[derive(Deserialize)]
pub(crate) struct RateReply<'a> {
    #[serde(default, borrow)]
    pub output: Option<RateOutput<'a>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub errors: Vec<ErrorItem>,
}

/// `output` (`RateOutputVO`): one reply detail per service.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateOutput<'a> {
    #[serde(default, borrow, deserialize_with = "null_as_default")]
    pub rate_reply_details: Vec<RateReplyDetail<'a>>,
}

/// One service's quote (`RateReplyDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateReplyDetail<'a> {
    #[serde(default, borrow)]
    pub service_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub service_name: Option<Str<'a>>,
    #[serde(default, borrow, deserialize_with = "null_as_default")]
    pub rated_shipment_details: Vec<RatedShipmentDetail<'a>>,
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
    pub rate_type: Option<Str<'a>>,
    #[serde(default)]
    pub total_net_charge: Option<Dec>,
    #[serde(default)]
    pub total_base_charge: Option<Dec>,
    #[serde(default)]
    pub total_discounts: Option<Dec>,
    #[serde(default, borrow)]
    pub currency: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub shipment_rate_detail: Option<ShipmentRateDetail<'a>>,
}

/// The breakdown of a rated detail (`ShipmentRateDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShipmentRateDetail<'a> {
    #[serde(default, borrow)]
    pub currency: Option<Str<'a>>,
    #[serde(default, borrow, deserialize_with = "null_as_default")]
    pub sur_charges: Vec<ChargeItem<'a>>,
    #[serde(default, borrow, deserialize_with = "null_as_default")]
    pub taxes: Vec<ChargeItem<'a>>,
    #[serde(default, borrow)]
    pub total_billing_weight: Option<WeightVo<'a>>,
}

/// A surcharge or tax (`Surcharge`, `Tax`): its type code and amount.
#[derive(Deserialize)]
pub(crate) struct ChargeItem<'a> {
    #[serde(default, borrow, rename = "type")]
    pub kind: Option<Str<'a>>,
    #[serde(default)]
    pub amount: Option<Dec>,
}

/// A weight (`Weight`): `{"units": "LB", "value": 162}`.
#[derive(Deserialize)]
pub(crate) struct WeightVo<'a> {
    #[serde(default, borrow)]
    pub units: Option<Str<'a>>,
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
    pub days_in_transit: Option<Str<'a>>,
    #[serde(default)]
    pub guaranteed_type: Option<Guarantee>,
}

/// `commit.dateDetail`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DateDetail<'a> {
    #[serde(default, borrow)]
    pub day_format: Option<Str<'a>>,
}

/// `commit.transitDays`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransitDays<'a> {
    #[serde(default, borrow)]
    pub minimum_transit_time: Option<Str<'a>>,
}

/// `operationalDetail` (`OperationalDetail`): the fallback for delivery date and transit.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationalDetail<'a> {
    #[serde(default, borrow)]
    pub delivery_date: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub transit_time: Option<Str<'a>>,
}

/// Whether a non-null `commit.guaranteedType` names a guarantee: any value but blank text
/// does (FedEx writes a code such as `GUARANTEED_DELIVERY`; a null reads as absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Guarantee(pub bool);

impl<'de> Deserialize<'de> for Guarantee {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(GuaranteeVisitor).map(Guarantee)
    }
}

struct GuaranteeVisitor;

impl<'de> Visitor<'de> for GuaranteeVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<bool, E> {
        Ok(!s.trim().is_empty())
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(true)
    }

    /// An object — or, with `arbitrary_precision`, a number token — is a value.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(true)
    }
}
