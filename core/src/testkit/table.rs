//! `TableCarrier`: rates from a table, tracking from a map, no I/O.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use rust_decimal::Decimal;

use crate::carrier::Carrier;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Address, Capabilities, CarrierId, CarrierInfo, Charge, ChargeKind, Currency, Money, Parcel,
    Rate, RateRequest, ServiceInfo, Status, Tracking, TrackingNumber, Weight, WeightUnit,
};

/// One row of a [`TableCarrier`]'s rate table: `base + per_lb × ⌈total weight in lb⌉`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableService {
    /// Service code.
    pub code: String,
    /// Service name.
    pub name: String,
    /// Price per shipment.
    pub base: Decimal,
    /// Price per started pound of the shipment's total weight.
    pub per_lb: Decimal,
    /// Business days in transit.
    pub transit_days: Option<u32>,
    /// Heaviest shipment (lb) the service takes; heavier shipments get no rate for it.
    pub max_weight_lb: Option<Decimal>,
}

impl TableService {
    /// A row with no weight limit.
    pub fn new(code: &str, name: &str, base: Decimal, per_lb: Decimal) -> Self {
        TableService {
            code: code.into(),
            name: name.into(),
            base,
            per_lb,
            transit_days: None,
            max_weight_lb: None,
        }
    }

    /// Sets the transit time.
    pub fn transit_days(mut self, days: u32) -> Self {
        self.transit_days = Some(days);
        self
    }

    /// Sets the weight limit.
    pub fn max_weight_lb(mut self, lb: Decimal) -> Self {
        self.max_weight_lb = Some(lb);
        self
    }
}

/// A carrier that quotes from an in-memory table and tracks from a map. Deterministic, no I/O;
/// counts its calls so tests can see how often the host reached it.
#[derive(Debug)]
pub struct TableCarrier {
    info: CarrierInfo,
    currency: Currency,
    services: Vec<TableService>,
    tracking: HashMap<TrackingNumber, Tracking>,
    quote_calls: AtomicU64,
    track_calls: AtomicU64,
}

impl TableCarrier {
    /// An empty table for carrier `id` quoting in `currency` (add rows with [`service`](Self::service)).
    pub fn new(id: &str, currency: Currency) -> Result<Self> {
        let id = CarrierId::new(id)?;
        Ok(TableCarrier {
            info: CarrierInfo {
                name: format!("Table carrier {id}"),
                id,
                services: Vec::new(),
                capabilities: Capabilities {
                    rates: true,
                    tracking: true,
                    tracking_batch: 1,
                    international: true,
                    transit_times: true,
                    origin_countries: Vec::new(),
                },
            },
            currency,
            services: Vec::new(),
            tracking: HashMap::new(),
            quote_calls: AtomicU64::new(0),
            track_calls: AtomicU64::new(0),
        })
    }

    /// Adds a row to the rate table.
    pub fn service(mut self, service: TableService) -> Self {
        self.info
            .services
            .push(ServiceInfo::new(&service.code, &service.name));
        self.services.push(service);
        self
    }

    /// Makes a tracking number known.
    pub fn with_tracking(mut self, tracking: Tracking) -> Result<Self> {
        let number = TrackingNumber::new(&tracking.tracking_number)?;
        self.tracking.insert(number, tracking);
        Ok(self)
    }

    /// A carrier `table` in USD with ground (5.00 + 1.00/lb, 5 days) and express
    /// (15.00 + 2.50/lb, 1 day, up to 70 lb) and one delivered shipment
    /// ([`example_tracking_number`](Self::example_tracking_number)).
    pub fn example() -> Self {
        Self::example_with_id("table")
    }

    /// [`example`](Self::example) under another id (several table carriers in one test).
    pub fn example_with_id(id: &str) -> Self {
        let d = |s: &str| Decimal::from_str(s).expect("literal decimal");
        let id_checked = CarrierId::new(id).expect("example carrier id is valid");
        TableCarrier::new(id, Currency::usd())
            .expect("example carrier id is valid")
            .service(
                TableService::new("GROUND", "Table Ground", d("5.00"), d("1.00")).transit_days(5),
            )
            .service(
                TableService::new("EXPRESS", "Table Express", d("15.00"), d("2.50"))
                    .transit_days(1)
                    .max_weight_lb(d("70")),
            )
            .with_tracking(Tracking {
                carrier: id_checked,
                tracking_number: Self::example_tracking_number().to_string(),
                status: Status::Delivered,
                estimated_delivery: None,
                delivered_at: Some("2026-11-24T10:12:00-05:00".into()),
                signed_by: Some("FRONT DOOR".into()),
                events: Vec::new(),
            })
            .expect("example tracking number is valid")
    }

    /// The tracking number [`example`](Self::example) knows.
    pub fn example_tracking_number() -> TrackingNumber {
        TrackingNumber::new("TABLE0000000001").expect("literal tracking number")
    }

    /// A valid request the example carrier quotes: 2.5 lb from 90210 to 10001.
    pub fn example_request() -> RateRequest {
        RateRequest::new(
            Address::new("US", "90210").with_region("CA"),
            Address::new("US", "10001")
                .with_region("NY")
                .residential(true),
            vec![Parcel::new(Weight::lb(Decimal::new(25, 1)))],
        )
        .expect("example request is valid")
    }

    /// How many times `quote` was called.
    pub fn quote_calls(&self) -> u64 {
        self.quote_calls.load(Ordering::Relaxed)
    }

    /// How many times `track` was called.
    pub fn track_calls(&self) -> u64 {
        self.track_calls.load(Ordering::Relaxed)
    }

    fn rate(&self, row: &TableService, billable_lb: Decimal) -> Rate {
        let weight_part = row.per_lb * billable_lb;
        let base = Money::new(row.base, self.currency.clone());
        let mut rate = Rate::new(
            self.info.id.clone(),
            &row.code,
            &row.name,
            Money::new(row.base + weight_part, self.currency.clone()),
        );
        rate.charges.push(Charge {
            kind: ChargeKind::Base,
            code: None,
            amount: base,
        });
        if !weight_part.is_zero() {
            rate.charges.push(Charge {
                kind: ChargeKind::Other,
                code: Some("WEIGHT".into()),
                amount: Money::new(weight_part, self.currency.clone()),
            });
        }
        rate.transit_days = row.transit_days;
        rate.billed_weight = Some(Weight::lb(billable_lb));
        rate
    }
}

#[async_trait]
impl Carrier for TableCarrier {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }

    async fn connect(&self) -> Result<()> {
        Ok(())
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        self.quote_calls.fetch_add(1, Ordering::Relaxed);
        request
            .validate()
            .map_err(|e| e.with_carrier(&self.info.id))?;
        let total = request
            .total_weight()
            .expect("validated request has parcels");
        let billable_lb = total.ceil_to(WeightUnit::Lb, Decimal::ONE);
        Ok(self
            .services
            .iter()
            .filter(|row| request.wants_service(&row.code))
            .filter(|row| row.max_weight_lb.is_none_or(|max| billable_lb <= max))
            .map(|row| self.rate(row, billable_lb))
            .collect())
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        self.track_calls.fetch_add(1, Ordering::Relaxed);
        self.tracking.get(number).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("tracking number {number} is not known"),
            )
            .with_carrier(&self.info.id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ConformanceFixture, run_conformance};

    #[tokio::test]
    async fn table_carrier_passes_conformance() {
        let carrier = TableCarrier::example();
        let fixture = ConformanceFixture::new(TableCarrier::example_request())
            .with_known_tracking(TableCarrier::example_tracking_number());
        run_conformance(&carrier, &fixture).await;
    }

    #[tokio::test]
    async fn prices_by_started_pound() {
        let carrier = TableCarrier::example();
        let rates = carrier
            .quote(&TableCarrier::example_request())
            .await
            .unwrap();
        // 2.5 lb bills as 3 lb: ground 5.00 + 3 × 1.00, express 15.00 + 3 × 2.50.
        let totals: Vec<String> = rates.iter().map(|r| r.total.amount.to_string()).collect();
        assert_eq!(totals, ["8.00", "22.50"]);
        assert_eq!(carrier.quote_calls(), 1);
    }

    #[tokio::test]
    async fn heavy_shipments_lose_limited_services() {
        let carrier = TableCarrier::example();
        let mut request = TableCarrier::example_request();
        request.parcels[0].weight = Weight::lb(Decimal::from(80));
        let rates = carrier.quote(&request).await.unwrap();
        assert_eq!(rates.len(), 1);
        assert_eq!(rates[0].service, "GROUND");
    }
}
