//! Fan-out: quote every carrier at once; one slow or broken carrier never costs the others.

use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use serde::{Deserialize, Serialize};
use shipmux_core::{Carrier, CarrierId, Error, ErrorKind, Rate, RateRequest, Result};
use tokio::time::Instant;

/// What happens to carriers still working at the deadline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stragglers {
    /// Cancel them (drop their calls).
    #[default]
    Cancel,
    /// Let them finish in the background (a cached carrier then fills the cache for the next
    /// quote). Needs a tokio runtime.
    Finish,
}

/// How a fan-out runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FanOutOptions {
    /// When the answer is due, from the start of the call.
    pub deadline: Duration,
    /// What happens to carriers still working at the deadline.
    pub stragglers: Stragglers,
}

impl FanOutOptions {
    /// Cancel stragglers at `deadline`.
    pub fn new(deadline: Duration) -> Self {
        FanOutOptions {
            deadline,
            stragglers: Stragglers::Cancel,
        }
    }
}

/// One carrier's part of a fan-out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierQuote {
    /// Which carrier.
    pub carrier: CarrierId,
    /// Its rates, or why there are none.
    pub result: Result<Vec<Rate>>,
}

/// A carrier that was not asked because it cannot serve the request's route (it ships only
/// from other countries, or only domestically).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Skipped {
    /// Which carrier.
    pub carrier: CarrierId,
    /// Why, in words (`ships only from CA, not from US`).
    pub reason: String,
}

/// Every rate that arrived in time, a typed error for each carrier that did not answer, and
/// the carriers that were not asked because they cannot serve the route.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FanOutQuote {
    /// Per carrier asked, in the order the carriers were given.
    pub carriers: Vec<CarrierQuote>,
    /// The carriers not asked, in the order they were given.
    pub skipped: Vec<Skipped>,
}

impl FanOutQuote {
    /// All rates, carrier by carrier.
    pub fn rates(&self) -> impl Iterator<Item = &Rate> {
        self.carriers
            .iter()
            .filter_map(|c| c.result.as_ref().ok())
            .flatten()
    }

    /// The errors, one per failed carrier.
    pub fn errors(&self) -> impl Iterator<Item = &Error> {
        self.carriers.iter().filter_map(|c| c.result.as_ref().err())
    }

    /// The carriers not asked, and why.
    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped.iter()
    }

    /// The result of one carrier.
    pub fn get(&self, carrier: &CarrierId) -> Option<&Result<Vec<Rate>>> {
        self.carriers
            .iter()
            .find(|c| &c.carrier == carrier)
            .map(|c| &c.result)
    }
}

fn late(carrier: &CarrierId, deadline: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "no answer within the {} ms quote deadline",
            deadline.as_millis()
        ),
    )
    .with_carrier(carrier)
}

/// Quotes `request` with every carrier concurrently and returns at `deadline` at the latest
/// (stragglers cancelled). Each error names its carrier.
pub async fn quote_all(
    request: &RateRequest,
    carriers: &[Arc<dyn Carrier>],
    deadline: Duration,
) -> FanOutQuote {
    quote_all_with(request, carriers, FanOutOptions::new(deadline)).await
}

/// [`quote_all`] with options (e.g. let stragglers finish to warm the cache).
pub async fn quote_all_with(
    request: &RateRequest,
    carriers: &[Arc<dyn Carrier>],
    options: FanOutOptions,
) -> FanOutQuote {
    let due = Instant::now() + options.deadline;
    let (carriers, skipped) = by_route(carriers, request);
    let calls = carriers.into_iter().map(|carrier| async move {
        let id = carrier.info().id.clone();
        let result = match options.stragglers {
            Stragglers::Cancel => tokio::time::timeout_at(due, carrier.quote(request))
                .await
                .unwrap_or_else(|_| Err(late(&id, options.deadline))),
            Stragglers::Finish => {
                let carrier = carrier.clone();
                let request = request.clone();
                let task = tokio::spawn(async move { carrier.quote(&request).await });
                match tokio::time::timeout_at(due, task).await {
                    Ok(Ok(result)) => result,
                    Ok(Err(join)) => Err(Error::new(
                        ErrorKind::Unavailable,
                        format!("the carrier's quote task failed: {join}"),
                    )),
                    Err(_) => Err(late(&id, options.deadline)),
                }
            }
        };
        CarrierQuote {
            result: result.map_err(|e| e.with_carrier(&id)),
            carrier: id,
        }
    });
    FanOutQuote {
        carriers: join_all(calls).await,
        skipped,
    }
}

/// The carriers that can serve `request`'s route, and the others with the reason.
pub(crate) fn by_route<'a>(
    carriers: impl IntoIterator<Item = &'a Arc<dyn Carrier>>,
    request: &RateRequest,
) -> (Vec<&'a Arc<dyn Carrier>>, Vec<Skipped>) {
    let mut asked = Vec::new();
    let mut skipped = Vec::new();
    for carrier in carriers {
        let info = carrier.info();
        match info.capabilities.route_refusal(request) {
            None => asked.push(carrier),
            Some(reason) => skipped.push(Skipped {
                carrier: info.id.clone(),
                reason,
            }),
        }
    }
    (asked, skipped)
}
