//! What the plugin benches share: Canada Post linked in, a real answer from its simulator
//! captured once, one quote (`build_rate` + `parse_rate`, no network), and two protocols
//! measured interleaved.

use std::hint::black_box;
use std::time::{Duration, Instant};

use shipmux_canadapost::{CanadaPost, CanadaPostProtocol};
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, Exchange, LengthUnit, Parcel, RateRequest, Step, Weight,
};
use shipmux_host::HttpDriver;
use shipmux_sandbox::Sandbox;

/// Canada Post linked in against its simulator, and one real rate exchange with it.
pub struct Captured {
    /// Runs the simulator.
    pub runtime: tokio::runtime::Runtime,
    /// The simulator (stopped when dropped).
    pub sandbox: Sandbox,
    /// The protocol linked in.
    pub linked: CanadaPostProtocol,
    /// The same account as plugin config.
    pub config: serde_json::Value,
    /// The quoted request.
    pub request: RateRequest,
    /// The simulator's answer to it.
    pub exchange: Exchange,
    /// How many rates the answer holds.
    pub rates: usize,
}

/// Starts the simulator and captures its answer to [`request`].
pub fn capture() -> Captured {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(shipmux_canadapost::sandbox::start(Default::default()))
        .expect("sandbox starts");
    let linked = CanadaPost::builder()
        .username("bench")
        .password("bench-password")
        .customer_number("2004381")
        .base_url(sandbox.base_url())
        .build()
        .expect("config");
    let config = serde_json::json!({
        "username": "bench", "password": "bench-password",
        "customer_number": "2004381", "base_url": sandbox.base_url(),
    });
    let request = request();
    let calls = linked.build_rate(&request).expect("builds");
    let driver = HttpDriver::new().expect("driver");
    let response = runtime
        .block_on(driver.send(&calls[0], Duration::from_secs(5)))
        .expect("sandbox answers");
    let exchange = Exchange {
        round: 0,
        requests: calls,
        responses: vec![response],
    };
    let rates = quote(&linked, &request, &exchange);
    assert!(rates >= 3, "a realistic answer has several quotes");
    Captured {
        runtime,
        sandbox,
        linked,
        config,
        request,
        exchange,
        rates,
    }
}

/// Ottawa to Montreal, one 2.25 kg parcel.
pub fn request() -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G 3H7"),
        Address::new("CA", "H4T 1Z6"),
        vec![
            Parcel::new(Weight::kg("2.25".parse().expect("decimal"))).with_dimensions(
                Dimensions::new(30.into(), 20.into(), 10.into(), LengthUnit::Cm),
            ),
        ],
    )
    .expect("valid request")
}

/// One quote: build the request, read the answer.
pub fn quote(protocol: &dyn CarrierProtocol, request: &RateRequest, exchange: &Exchange) -> usize {
    let calls = protocol.build_rate(request).expect("builds");
    assert_eq!(calls.len(), 1);
    match protocol.parse_rate(request, exchange).expect("parses") {
        Step::Done(rates) => rates.len(),
        Step::Next(_) => unreachable!("one round"),
    }
}

/// `iters` quotes on each of `a` and `b`, interleaved in batches of 8 so that a change in
/// the machine's load hits both alike; returns (time of `b` − time of `a`). A sample where
/// noise made `b` faster counts as (almost) nothing: criterion refuses a zero, so this can
/// only overstate the difference.
pub fn interleaved(
    iters: u64,
    a: &dyn CarrierProtocol,
    b: &dyn CarrierProtocol,
    request: &RateRequest,
    exchange: &Exchange,
) -> Duration {
    const BATCH: u64 = 8;
    let (mut a_time, mut b_time) = (Duration::ZERO, Duration::ZERO);
    let mut left = iters;
    while left > 0 {
        let n = left.min(BATCH);
        let start = Instant::now();
        for _ in 0..n {
            black_box(quote(a, request, exchange));
        }
        a_time += start.elapsed();
        let start = Instant::now();
        for _ in 0..n {
            black_box(quote(b, request, exchange));
        }
        b_time += start.elapsed();
        left -= n;
    }
    b_time.saturating_sub(a_time).max(Duration::from_nanos(1))
}
