//! `Host`: carriers, shipping rules and the quote cache together — quotes, checkout quotes,
//! tracking.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::future::join_all;
use shipmux_core::checkout::{
    Checkout, CheckoutQuote, Consignment, ConsignmentQuote, PackingStrategy, ShippingOption,
};
use shipmux_core::rules::{MethodOutcome, RealTimeQuery, ZoneMatcher};
use shipmux_core::{
    Carrier, CarrierId, Error, ErrorKind, ExchangeRates, Parcel, Rate, RateRequest, Result,
    Tracking, TrackingNumber,
};
use tokio::time::Instant;

use crate::cache::{CacheOptions, QuoteCache, QuoteKey, Shipment};
use crate::fanout::{CarrierQuote, FanOutQuote, Stragglers};
use crate::registry::Registry;

/// How the host answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostOptions {
    /// Every quote (plain or checkout) answers within this, with whatever arrived.
    pub quote_deadline: Duration,
    /// What happens to carriers still working at the deadline.
    pub stragglers: Stragglers,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            quote_deadline: Duration::from_secs(5),
            stragglers: Stragglers::Cancel,
        }
    }
}

/// The shipmux host. Cheap to share in an `Arc`; every method takes `&self`.
///
/// ```
/// use std::sync::Arc;
/// use shipmux_core::{testkit::TableCarrier, checkout::Checkout};
/// use shipmux_host::{Host, Registry};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut registry = Registry::new();
/// registry.register(Arc::new(TableCarrier::example())).unwrap();
/// let rules = serde_json::from_str(r#"{"zones": [{"id": "us", "name": "US", "type": "country",
///   "locations": [{"country": "US"}],
///   "methods": [{"id": "flat", "name": "Flat", "type": "per_order", "rate": "8.00"},
///               {"id": "rt", "name": "Table", "type": "real_time", "carrier": "table"}]}]}"#).unwrap();
/// let host = Host::builder(registry).rules(rules).build();
/// let checkout = Checkout::from_json(r#"{"origin": {"country": "US", "postal_code": "90210"},
///   "currency": "USD",
///   "line_items": [{"id": "li-1", "quantity": 1, "unit_price": "20.00",
///                   "weight": {"value": "2", "unit": "lb"}}],
///   "consignments": [{"id": "c1", "address": {"country": "US", "postal_code": "10001"},
///                     "line_items": [{"item_id": "li-1", "quantity": 1}]}]}"#).unwrap();
/// let quote = host.quote_checkout(&checkout).await.unwrap();
/// assert_eq!(quote.consignments[0].options.len(), 3); // flat + ground + express
/// # });
/// ```
pub struct Host {
    registry: Registry,
    rules: ZoneMatcher,
    cache: Arc<QuoteCache>,
    options: HostOptions,
    exchange: RwLock<Arc<ExchangeRates>>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("carriers", &self.registry)
            .field("zones", &self.rules.zones().len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Host`].
#[derive(Debug)]
pub struct HostBuilder {
    registry: Registry,
    rules: ZoneMatcher,
    cache: Option<Arc<QuoteCache>>,
    options: HostOptions,
    exchange: ExchangeRates,
}

impl HostBuilder {
    /// Shipping rules for checkouts (none by default: every consignment has no zone).
    pub fn rules(mut self, rules: ZoneMatcher) -> Self {
        self.rules = rules;
        self
    }

    /// A cache built from `options`.
    pub fn cache_options(mut self, options: CacheOptions) -> Self {
        self.cache = Some(Arc::new(QuoteCache::new(options)));
        self
    }

    /// A cache shared with others.
    pub fn cache(mut self, cache: Arc<QuoteCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Deadline and straggler policy.
    pub fn options(mut self, options: HostOptions) -> Self {
        self.options = options;
        self
    }

    /// Exchange rates for pricing carriers' rates in a checkout's currency (none by default:
    /// a rate in another currency is reported as an error of its carrier).
    pub fn exchange_rates(mut self, rates: ExchangeRates) -> Self {
        self.exchange = rates;
        self
    }

    /// The host.
    pub fn build(self) -> Host {
        Host {
            registry: self.registry,
            rules: self.rules,
            cache: self
                .cache
                .unwrap_or_else(|| Arc::new(QuoteCache::new(CacheOptions::default()))),
            options: self.options,
            exchange: RwLock::new(Arc::new(self.exchange)),
        }
    }
}

impl Host {
    /// A builder over `registry`.
    pub fn builder(registry: Registry) -> HostBuilder {
        crate::builtin::install_builtins();
        HostBuilder {
            registry,
            rules: ZoneMatcher::default(),
            cache: None,
            options: HostOptions::default(),
            exchange: ExchangeRates::none(),
        }
    }

    /// The carriers.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The shipping rules.
    pub fn rules(&self) -> &ZoneMatcher {
        &self.rules
    }

    /// The quote cache.
    pub fn cache(&self) -> &Arc<QuoteCache> {
        &self.cache
    }

    /// The options.
    pub fn options(&self) -> HostOptions {
        self.options
    }

    /// The exchange rates checkout quotes are priced with now.
    pub fn exchange_rates(&self) -> Arc<ExchangeRates> {
        self.exchange
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the exchange rates (checked first); quotes from now on use them, cached
    /// carrier answers included (the cache holds carriers' own amounts).
    pub fn set_exchange_rates(&self, rates: ExchangeRates) -> Result<()> {
        rates.validate("exchange_rates")?;
        *self.exchange.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(rates);
        Ok(())
    }

    /// Connects every carrier at once — fetching its OAuth token, checking its credentials
    /// and opening a connection — each within `within`, so that the first quotes do not pay
    /// those round trips. Returns each carrier with its error, if any; a carrier that fails
    /// here is not removed (its quotes say why). Call it when the host is built — `shipmux
    /// serve` does, before it reports ready — and let quotes start meanwhile: a quote that
    /// needs a token being fetched waits for that fetch rather than starting another.
    pub async fn warm_up(&self, within: Duration) -> Vec<(CarrierId, Option<Error>)> {
        let connects = self.registry.all().into_iter().map(|c| async move {
            let outcome = tokio::time::timeout(within, c.connect())
                .await
                .unwrap_or_else(|_| {
                    Err(Error::timeout(format!(
                        "no answer to connect within {} ms",
                        within.as_millis()
                    )))
                })
                .err();
            (c.info().id.clone(), outcome)
        });
        join_all(connects).await
    }

    /// Quotes `request` with every carrier (through the cache) within the quote deadline.
    pub async fn quote(&self, request: &RateRequest) -> Result<FanOutQuote> {
        self.quote_scoped("", &self.registry.all(), request).await
    }

    /// Quotes `request` with `carriers` — which need not be registered: a store's own
    /// accounts, say — through the cache within the quote deadline. `scope` keeps their cache
    /// entries apart from everyone else's (one scope per account; `""` is the registry's).
    pub async fn quote_scoped(
        &self,
        scope: &str,
        carriers: &[Arc<dyn Carrier>],
        request: &RateRequest,
    ) -> Result<FanOutQuote> {
        request.validate()?;
        let due = Instant::now() + self.options.quote_deadline;
        let (carriers, skipped) = crate::fanout::by_route(carriers, request);
        let calls = carriers.into_iter().map(|carrier| async move {
            let id = carrier.info().id.clone();
            let key = self.cache.enabled().then(|| {
                self.cache
                    .key_of(id.as_str(), &[scope], &Shipment::from(request))
            });
            let result = self
                .quote_cached(carrier.clone(), key, request.clone(), due)
                .await
                .map(|rates| rates.as_ref().clone());
            CarrierQuote {
                carrier: id,
                result,
            }
        });
        Ok(FanOutQuote {
            carriers: join_all(calls).await,
            skipped,
        })
    }

    /// Tracks `number` with carrier `carrier`.
    pub async fn track(&self, carrier: &str, number: &TrackingNumber) -> Result<Tracking> {
        self.registry.require(carrier)?.track(number).await
    }

    /// Tracks `number` with `carrier`, or — when `None` — with each configured carrier whose
    /// tracking-number formats it fits, in order, until one knows it. A number no configured
    /// carrier's format fits is an `invalid_request` saying why; one no candidate knows is the
    /// last `not_found`.
    pub async fn track_detected(
        &self,
        number: &TrackingNumber,
        carrier: Option<&CarrierId>,
    ) -> Result<Tracking> {
        if let Some(carrier) = carrier {
            return self.track(carrier.as_str(), number).await;
        }
        let detected = shipmux_core::orders::tracking_number::detect(number.as_str());
        if detected.is_empty() {
            shipmux_core::orders::tracking_number::detect_one(number.as_str())?;
            return Err(Error::invalid_request(
                "number",
                format!("cannot tell the carrier of `{number}`"),
            ));
        }
        let mut last = None;
        for id in &detected {
            let Some(carrier) = self.registry.get(id) else {
                continue;
            };
            match carrier.track(number).await {
                Err(e) if e.kind == ErrorKind::NotFound => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| {
            let names: Vec<&str> = detected.iter().map(CarrierId::as_str).collect();
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "`{number}` looks like a {} number, and no such carrier is configured",
                    names.join(" or ")
                ),
            )
        }))
    }

    /// One carrier's rates for `request` through the cache under `key` (`None` when the cache
    /// is off: the carrier is asked directly), by `due`.
    async fn quote_cached(
        &self,
        carrier: Arc<dyn Carrier>,
        key: Option<QuoteKey>,
        request: RateRequest,
        due: Instant,
    ) -> Result<Arc<Vec<Rate>>> {
        let named = carrier.clone();
        let cache = self.cache.clone();
        let work = async move {
            match key {
                Some(key) => cache
                    .get_or_load(key, || carrier.quote(&request))
                    .await
                    .map(|(rates, _)| rates),
                None => cache
                    .bypass(|| carrier.quote(&request))
                    .await
                    .map(|(rates, _)| rates),
            }
        };
        let late = || {
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "no answer within the {} ms quote deadline",
                    self.options.quote_deadline.as_millis()
                ),
            )
        };
        let result = match self.options.stragglers {
            Stragglers::Cancel => tokio::time::timeout_at(due, work)
                .await
                .unwrap_or_else(|_| Err(late())),
            Stragglers::Finish => match tokio::time::timeout_at(due, tokio::spawn(work)).await {
                Ok(Ok(result)) => result,
                Ok(Err(join)) => Err(Error::new(
                    ErrorKind::Unavailable,
                    format!("the quote task failed: {join}"),
                )),
                Err(_) => Err(late()),
            },
        };
        result.map_err(|e| e.with_carrier(&named.info().id))
    }

    /// Shipping options for every consignment of `checkout` (a `CheckoutQuote`, docs/design.md).
    ///
    /// Per consignment: the most specific zone for its address; the zone's methods — static
    /// ones priced locally, real-time ones by packing the items into parcels and asking the
    /// carrier (through fan-out and the cache, all methods of all consignments at once, within
    /// the quote deadline), each rate priced with markup and handling fees. A carrier that
    /// fails adds one error to the consignment and removes only its own options. Options are
    /// sorted cheapest first. Only an invalid checkout is an `Err`.
    pub async fn quote_checkout(&self, checkout: &Checkout) -> Result<CheckoutQuote> {
        checkout.validate()?;
        let due = Instant::now() + self.options.quote_deadline;
        let consignments = checkout
            .consignments
            .iter()
            .map(|c| self.quote_consignment(checkout, c, due));
        let consignments = join_all(consignments)
            .await
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(CheckoutQuote { consignments })
    }

    async fn quote_consignment(
        &self,
        checkout: &Checkout,
        consignment: &Consignment,
        due: Instant,
    ) -> Result<ConsignmentQuote> {
        let zone = match self.rules.zone_for(&consignment.address) {
            Ok(zone) => zone,
            Err(none) => {
                let mut quote = ConsignmentQuote::new(&consignment.id, None);
                quote.errors.push(Error::from(none));
                return Ok(quote);
            }
        };
        let summary = checkout.summarize(consignment)?;
        let mut quote = ConsignmentQuote::new(&consignment.id, Some(&zone.name));
        let mut real_time = Vec::new();
        for offer in zone.offers(&summary) {
            match offer.outcome {
                MethodOutcome::Static(priced) => quote.options.push(ShippingOption::flat(
                    &offer.method_id,
                    &offer.method_name,
                    priced.cost,
                )),
                MethodOutcome::RealTime(query) => real_time.push((offer.method_id, query)),
                MethodOutcome::Unavailable(_) => {}
            }
        }
        // The items are listed once, and packed once per packing strategy (carriers with the
        // same weight limit share their parcels); each carrier borrows its packing.
        let items = if real_time.is_empty() {
            Vec::new()
        } else {
            checkout.items_to_pack(consignment)
        };
        let mut packings: Vec<(&PackingStrategy, Result<Vec<Parcel>>)> = Vec::new();
        let packing_of: Vec<usize> = real_time
            .iter()
            .map(|(_, query)| {
                packings
                    .iter()
                    .position(|(strategy, _)| **strategy == query.packing)
                    .unwrap_or_else(|| {
                        packings.push((&query.packing, query.packing.pack(&items)));
                        packings.len() - 1
                    })
            })
            .collect();
        // Fresh answers are looked up first, without a future per carrier; only the misses
        // are asked for, together.
        let mut answers = Vec::with_capacity(real_time.len());
        let mut misses = Vec::new();
        for ((method_id, query), &p) in real_time.iter().zip(&packing_of) {
            let parcels = packings[p].1.as_deref().map_err(Error::clone);
            match self.look_up(checkout, consignment, (&zone.id, method_id), query, parcels) {
                Ok(Lookup::Found(rates)) => answers.push(Ok(rates)),
                Ok(Lookup::Missing(miss)) => {
                    misses.push((answers.len(), miss));
                    answers.push(Ok(Arc::default()));
                }
                Err(e) => answers.push(Err(e)),
            }
        }
        if !misses.is_empty() {
            let loads = misses
                .iter_mut()
                .map(|(_, miss)| self.load(checkout, consignment, miss, due));
            let loaded = join_all(loads).await;
            for ((at, _), loaded) in misses.iter().zip(loaded) {
                answers[*at] = loaded;
            }
        }
        // Priced straight into the consignment's list, sized once for every answer. The
        // exchange rates (behind a lock every thread reads) only when an answer needs them.
        let foreign = answers.iter().zip(&real_time).any(|(answer, (_, query))| {
            answer.as_ref().is_ok_and(|rates| {
                rates
                    .iter()
                    .any(|r| r.total.currency != query.pricing.currency)
            })
        });
        let (held, none);
        let exchange: &ExchangeRates = if foreign {
            held = self.exchange_rates();
            &held
        } else {
            none = ExchangeRates::none();
            &none
        };
        let rates: usize = answers.iter().flatten().map(|rates| rates.len()).sum();
        quote.options.reserve(rates);
        let mut failed: Vec<CarrierId> = Vec::new();
        for (answer, (method_id, query)) in answers.into_iter().zip(&real_time) {
            let priced = answer.and_then(|rates| {
                price_into(&mut quote.options, method_id, query, &rates, exchange)
            });
            if let Err(e) = priced {
                // One error per carrier, however many of its methods failed.
                if !failed.contains(&query.carrier) {
                    failed.push(query.carrier.clone());
                    quote.errors.push(e.with_carrier(&query.carrier));
                }
            }
        }
        sort_by_cost(&mut quote.options);
        Ok(quote)
    }

    /// What the cache holds for `query`'s carrier asked about `parcels` (none for no parcels),
    /// or what is needed to ask it. Nothing is built for a fresh answer but its key.
    fn look_up<'a>(
        &'a self,
        checkout: &Checkout,
        consignment: &Consignment,
        (zone_id, method_id): (&str, &str),
        query: &'a RealTimeQuery,
        parcels: Result<&'a [Parcel]>,
    ) -> Result<Lookup<'a>> {
        let carrier = self.registry.get(&query.carrier).ok_or_else(|| {
            Error::config(format!(
                "method `{method_id}` uses carrier `{}`, which is not configured",
                query.carrier
            ))
        })?;
        let parcels = parcels?;
        if parcels.is_empty() {
            return Ok(Lookup::Found(Arc::default()));
        }
        let key = self.cache.enabled().then(|| {
            let shipment = Shipment {
                origin: &checkout.origin,
                destination: &consignment.address,
                parcels,
                services: query.services.as_deref(),
                ship_date: None,
            };
            self.cache.key_of(
                query.carrier.as_str(),
                &[zone_id, "/", method_id],
                &shipment,
            )
        });
        if let Some(rates) = key.as_ref().and_then(|key| self.cache.fresh(key)) {
            return Ok(Lookup::Found(rates));
        }
        Ok(Lookup::Missing(Miss {
            carrier,
            key,
            query,
            parcels,
        }))
    }

    /// `miss`'s carrier's answer, through the cache (one call for identical misses).
    async fn load(
        &self,
        checkout: &Checkout,
        consignment: &Consignment,
        miss: &mut Miss<'_>,
        due: Instant,
    ) -> Result<Arc<Vec<Rate>>> {
        let mut request = RateRequest {
            origin: checkout.origin.clone(),
            destination: consignment.address.clone(),
            parcels: miss.parcels.to_vec(),
            services: None,
            ship_date: None,
        };
        if let Some(services) = &miss.query.services {
            request = request.with_services(services.iter().cloned());
        }
        // The checkout's addresses were validated and packing makes valid parcels; carriers
        // validate again on a miss, so the hit path does not pay twice.
        self.quote_cached(miss.carrier.clone(), miss.key.take(), request, due)
            .await
    }
}

/// A carrier's answer found in the cache, or what asking it takes.
enum Lookup<'a> {
    Found(Arc<Vec<Rate>>),
    Missing(Miss<'a>),
}

/// A real-time method's carrier to be asked.
struct Miss<'a> {
    carrier: &'a Arc<dyn Carrier>,
    /// `None` with the cache off.
    key: Option<QuoteKey>,
    query: &'a RealTimeQuery,
    parcels: &'a [Parcel],
}

/// `rates` that `query` allows, priced, appended to `options` as `method_id`'s; when one
/// cannot be priced, none is added and that is the error.
fn price_into(
    options: &mut Vec<ShippingOption>,
    method_id: &str,
    query: &RealTimeQuery,
    rates: &[Rate],
    exchange: &ExchangeRates,
) -> Result<()> {
    let start = options.len();
    for rate in rates.iter().filter(|rate| query.allows(rate)) {
        match query.pricing.cost_in(rate, exchange) {
            Ok(cost) => options.push(ShippingOption::from_rate(method_id, rate, cost)),
            Err(e) => {
                options.truncate(start);
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Sorts `options` cheapest first, stable. Costs are rounded to their currency's minor units,
/// so they nearly always share one scale and compare as integers (far cheaper than decimal
/// comparison); otherwise they compare as decimals.
fn sort_by_cost(options: &mut [ShippingOption]) {
    let scale = options.first().map(|o| o.cost.amount.scale());
    if options.iter().all(|o| Some(o.cost.amount.scale()) == scale) {
        options.sort_by_cached_key(|o| o.cost.amount.mantissa());
    } else {
        options.sort_by_cached_key(|o| o.cost.amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use shipmux_core::{Currency, Money};

    fn option(method: &str, amount: Decimal) -> ShippingOption {
        ShippingOption::flat(method, method, Money::new(amount, Currency::usd()))
    }

    fn methods(options: &[ShippingOption]) -> Vec<&str> {
        options.iter().map(|o| o.method.as_str()).collect()
    }

    #[test]
    fn options_sort_cheapest_first_keeping_ties_in_order_whatever_their_scales() {
        // One scale: compared as integers.
        let mut same = vec![
            option("c", Decimal::new(1050, 2)),
            option("a", Decimal::new(-100, 2)),
            option("b1", Decimal::new(750, 2)),
            option("b2", Decimal::new(750, 2)),
        ];
        sort_by_cost(&mut same);
        assert_eq!(methods(&same), ["a", "b1", "b2", "c"]);

        // Mixed scales (flat 10 and 5 beside carriers' 7.50 and 5.00): compared as decimals,
        // where the integers 10 and 5 would wrongly come before 500 and 750.
        let mut mixed = vec![
            option("ten", Decimal::new(10, 0)),
            option("seven-fifty", Decimal::new(750, 2)),
            option("five", Decimal::new(500, 2)),
            option("five-again", Decimal::new(5, 0)),
        ];
        sort_by_cost(&mut mixed);
        assert_eq!(
            methods(&mixed),
            ["five", "five-again", "seven-fifty", "ten"]
        );
    }
}
