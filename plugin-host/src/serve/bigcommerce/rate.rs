//! `POST /bigcommerce/rate`: a BigCommerce cart to shipping quotes from every carrier the
//! zone offers, each carrier packing the items up to its own parcel weight limit.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Extension, State};
use futures::future::join_all;
use rust_decimal::Decimal;
use shipmux_core::checkout::{PackItem, PackingStrategy, carrier_max_weight};
use shipmux_core::{Address, Carrier, Currency, Error, ExchangeRates, Rate, RateRequest};

use super::auth::check_store;
use super::payload::{
    CarrierInfo, CarrierQuote, Message, MoneyValue, Quote, RateRequestPayload, RateResponsePayload,
    TransitTime, ZoneFilter, clip,
};
use crate::serve::json::{JsonAnswer, JsonBody};
use crate::serve::observe::RequestId;
use crate::serve::problem::Problem;
use crate::serve::state::AppState;
use crate::serve::tenants::StoreCarrier;

/// The most units (quantities summed) one request may ask to pack.
pub const MAX_UNITS: u64 = 100_000;

/// The `ttl` of an answer missing a carrier's rates: short, so BigCommerce asks again soon.
const TTL_AFTER_FAILURE: u32 = 5;

/// `POST /bigcommerce/rate`.
#[utoipa::path(
    post,
    path = "/bigcommerce/rate",
    tag = "bigcommerce",
    request_body = RateRequestPayload,
    responses(
        (status = 200, body = RateResponsePayload,
         description = "Quotes from every carrier the zone offers, cheapest first per carrier; a \
                        carrier that failed or cannot serve the route is a message."),
        crate::serve::openapi::BodyErrors,
        crate::serve::openapi::StoreSecretErrors,
        crate::serve::openapi::BoundedErrors,
    ),
)]
pub async fn rate(
    State(state): State<Arc<AppState>>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    JsonBody(payload): JsonBody<RateRequestPayload>,
) -> Result<JsonAnswer<RateResponsePayload>, Problem> {
    let empty = serde_json::Map::new();
    let connection = payload.connection_options.as_ref().unwrap_or(&empty);
    let base = &payload.base_options;
    check_store(&state, base.store_id.as_deref(), connection)?;
    let origin = base.origin.to_address("base_options.origin")?;
    let destination = base.destination.to_address("base_options.destination")?;
    let (items, store_currency) = read_items(&state, &payload)?;
    let filter = ZoneFilter::read(payload.zone_options.as_ref())?;
    let registered = state.host.registry().all();
    if let Some(unknown) = filter.carriers.iter().find(|c| {
        !registered
            .iter()
            .any(|r| r.info().id.as_str() == c.as_str())
    }) {
        return Err(Problem::invalid(
            "zone_options.carriers",
            format!("`{unknown}` is not offered by this server"),
        ));
    }
    let offered: Vec<Arc<dyn Carrier>> = registered
        .into_iter()
        .filter(|c| filter.allows_carrier(c.info().id.as_str()))
        .collect();
    let carriers = state.tenants.for_store(&offered, connection)?;

    // Carriers answer in the order they are configured, whatever order they finish in, under
    // the names their own info gives.
    let order = carriers
        .iter()
        .map(|c| {
            let info = c.carrier.info();
            (info.id.as_str().to_string(), info.name.clone())
        })
        .collect();
    let mut answer = Answer::new(request_id, state.options.bigcommerce.ttl_seconds, order);
    if items.is_empty() {
        return Ok(JsonAnswer(answer.finish()));
    }
    // Carriers that pack alike (same account scope, same parcel limit) share one fan-out.
    let mut groups: BTreeMap<(String, String), Vec<&StoreCarrier>> = BTreeMap::new();
    for c in &carriers {
        let limit = carrier_max_weight(c.carrier.info().id.as_str());
        groups
            .entry((c.scope.clone(), limit.grams().normalize().to_string()))
            .or_default()
            .push(c);
    }
    let asks = groups.into_values().map(|group| {
        let host = &state.host;
        let (items, origin, destination) = (&items, &origin, &destination);
        async move {
            let first = group[0].carrier.info().id.clone();
            let packing = PackingStrategy::combined_for(first.as_str());
            let request = match packing.pack(items) {
                Ok(parcels) => request(origin, destination, parcels),
                Err(e) => return (group, Err(e)),
            };
            let carriers: Vec<Arc<dyn Carrier>> = group.iter().map(|c| c.carrier.clone()).collect();
            let quote = host
                .quote_scoped(&group[0].scope, &carriers, &request)
                .await;
            (group, quote)
        }
    });
    let exchange = state.host.exchange_rates();
    for (group, quote) in join_all(asks).await {
        match quote {
            Ok(quote) => {
                state.metrics.carrier_errors(quote.errors());
                for c in &quote.carriers {
                    match &c.result {
                        Ok(rates) => {
                            answer.rates(rates, &filter, store_currency.as_ref(), &exchange)
                        }
                        Err(e) => answer.failed(e),
                    }
                }
                for s in &quote.skipped {
                    answer.note(
                        "INFO",
                        format!(
                            "{}: does not serve this route ({})",
                            answer.name(s.carrier.as_str()),
                            s.reason
                        ),
                    );
                }
            }
            // The cart cannot be packed for these carriers (a unit over their weight
            // limit): the others still quote.
            Err(e) => {
                for c in group {
                    answer.failed(&e.clone().with_carrier(&c.carrier.info().id));
                }
            }
        }
    }
    Ok(JsonAnswer(answer.finish()))
}

fn request(
    origin: &Address,
    destination: &Address,
    parcels: Vec<shipmux_core::Parcel>,
) -> RateRequest {
    RateRequest {
        origin: origin.clone(),
        destination: destination.clone(),
        parcels,
        services: None,
        ship_date: None,
    }
}

/// The items to pack, and the store's currency (the currency its prices are in).
fn read_items(
    state: &AppState,
    payload: &RateRequestPayload,
) -> Result<(Vec<PackItem>, Option<Currency>), Problem> {
    let items = &payload.base_options.items;
    let max = state.options.bigcommerce.max_items;
    if items.len() > max {
        return Err(Problem::invalid(
            "base_options.items",
            format!("{} items, at most {max} in one request", items.len()),
        ));
    }
    let mut currency: Option<Currency> = None;
    let mut out = Vec::with_capacity(items.len());
    let mut units: u64 = 0;
    for (i, item) in items.iter().enumerate() {
        let field = format!("base_options.items[{i}]");
        let quantity = item.units(&field)?;
        for (name, money) in [
            ("discounted_price", &item.discounted_price),
            ("declared_value", &item.declared_value),
        ] {
            if let Some(m) = money {
                m.check(&format!("{field}.{name}"))?;
                if currency.is_none() {
                    currency = Some(Currency::new(&m.currency)?);
                }
            }
        }
        if quantity == 0 {
            continue;
        }
        units = units.saturating_add(quantity);
        if units > MAX_UNITS {
            return Err(Problem::invalid(
                "base_options.items",
                format!("more than {MAX_UNITS} units in one request"),
            ));
        }
        out.push(PackItem {
            id: item.label(i),
            quantity,
            weight: item.unit_weight(&field)?,
            dimensions: item.unit_dimensions(&field)?,
            ships_separately: false,
        });
    }
    Ok((out, currency))
}

/// The answer being built.
struct Answer {
    quote_id: String,
    ttl: u32,
    messages: Vec<Message>,
    carriers: BTreeMap<String, Vec<(Decimal, Quote)>>,
    /// Each carrier's id and display name, in configured order.
    order: Vec<(String, String)>,
    failed: bool,
}

impl Answer {
    fn new(quote_id: String, ttl: u32, order: Vec<(String, String)>) -> Self {
        Answer {
            quote_id: clip(&quote_id, 50),
            ttl,
            messages: Vec::new(),
            carriers: BTreeMap::new(),
            order,
            failed: false,
        }
    }

    /// The display name of carrier `id` (its id when it is not one of the request's carriers).
    fn name(&self, id: &str) -> String {
        self.order
            .iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_string(), |(_, name)| name.clone())
    }

    fn note(&mut self, kind: &str, text: String) {
        self.messages.push(Message::new(kind, text));
    }

    fn failed(&mut self, e: &Error) {
        self.failed = true;
        let who = e
            .carrier
            .as_ref()
            .map_or_else(|| "a carrier".to_string(), |c| self.name(c.as_str()));
        self.note(
            "WARNING",
            format!("{who}: no rates ({}: {})", e.kind, e.message),
        );
    }

    fn rates(
        &mut self,
        rates: &[Rate],
        filter: &ZoneFilter,
        currency: Option<&Currency>,
        exchange: &ExchangeRates,
    ) {
        for rate in rates {
            let carrier = rate.carrier.as_str();
            if !filter.allows_service(carrier, &rate.service) {
                continue;
            }
            // In the store's currency: converted once when the carrier answered in another,
            // with the carrier's own amount said in the description.
            let (total, converted_from) = match currency {
                Some(store) if &rate.total.currency != store => {
                    match exchange.convert(&rate.total, store) {
                        Ok(total) => (total, Some(rate.total.rounded())),
                        Err(e) => {
                            self.note(
                                "WARNING",
                                format!(
                                    "{} {}: {}",
                                    self.name(carrier),
                                    rate.service_name,
                                    e.message
                                ),
                            );
                            continue;
                        }
                    }
                }
                _ => (rate.total.rounded(), None),
            };
            let description = match (&converted_from, rate.guaranteed) {
                (Some(from), true) => {
                    Some(format!("Guaranteed delivery time; carrier price {from}"))
                }
                (Some(from), false) => Some(format!("Carrier price {from}")),
                (None, true) => Some("Guaranteed delivery time".to_string()),
                (None, false) => None,
            };
            let quote = Quote {
                code: clip(&rate.service, 50),
                display_name: clip(&rate.service_name, 100),
                cost: MoneyValue {
                    currency: total.currency.as_str().to_string(),
                    amount: total.amount,
                },
                discounted_cost: None,
                description,
                rate_id: clip(&format!("{carrier}:{}", rate.service), 50),
                transit_time: rate.transit_days.filter(|d| *d >= 1).map(|d| TransitTime {
                    units: "BUSINESS_DAYS".to_string(),
                    duration: d.min(90),
                }),
            };
            self.carriers
                .entry(carrier.to_string())
                .or_default()
                .push((total.amount, quote));
        }
    }

    fn finish(mut self) -> RateResponsePayload {
        let carrier_quotes = self
            .order
            .iter()
            .filter_map(|(id, name)| {
                let mut quotes = self.carriers.remove(id)?;
                quotes.sort_by_key(|q| q.0);
                Some(CarrierQuote {
                    carrier_info: CarrierInfo {
                        code: clip(id, 50),
                        display_name: clip(name, 100),
                    },
                    quotes: quotes.into_iter().map(|(_, q)| q).collect(),
                })
            })
            .collect();
        RateResponsePayload {
            quote_id: self.quote_id,
            ttl: if self.failed {
                self.ttl.min(TTL_AFTER_FAILURE)
            } else {
                self.ttl
            },
            messages: self.messages,
            carrier_quotes,
        }
    }
}
