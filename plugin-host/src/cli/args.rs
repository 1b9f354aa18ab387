//! Flag values the commands share: carrier lists, `CARRIER=VALUE` pairs, fault kinds,
//! addresses, parcels, and the simulator settings of `sandbox` and `loadtest`.

use std::str::FromStr;
use std::time::Duration;

use clap::Args;
use rust_decimal::Decimal;
use shipmux_core::{Address, CarrierId, Dimensions, LengthUnit, Parcel, Weight, WeightUnit};
use shipmux_host::RateLimit;
use shipmux_sandbox::Fault;

/// A carrier id from the command line (lowercase letters, digits, `_` and `-`).
pub fn carrier_id(s: &str) -> Result<CarrierId, String> {
    CarrierId::new(s.trim()).map_err(|e| e.message)
}

/// A built-in carrier (every built-in has a sandbox and an offline parser).
pub fn sandbox_carrier(s: &str) -> Result<CarrierId, String> {
    let id = carrier_id(s)?;
    if shipmux_host::builtin(id.as_str()).is_some() {
        Ok(id)
    } else {
        Err(format!(
            "`{id}` has no sandbox (one of {})",
            shipmux_host::builtin::builtin_ids()
        ))
    }
}

/// Every built-in carrier's id, in order.
pub fn builtin_carriers() -> Vec<CarrierId> {
    shipmux_host::builtins()
        .iter()
        .map(|b| b.carrier.carrier_id())
        .collect()
}

/// `CARRIER=MS`: one carrier's latency in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierMillis {
    /// The carrier.
    pub carrier: CarrierId,
    /// The delay.
    pub delay: Duration,
}

impl FromStr for CarrierMillis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (carrier, ms) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not CARRIER=MS"))?;
        let ms: u64 = ms
            .trim()
            .parse()
            .map_err(|_| format!("`{ms}` is not a number of milliseconds"))?;
        Ok(CarrierMillis {
            carrier: sandbox_carrier(carrier)?,
            delay: Duration::from_millis(ms),
        })
    }
}

/// `CARRIER=N/s`: a rate limit for one carrier (`ups=100/s`, `fedex=1400/10s burst 100`).
///
/// Without an explicit `burst`, the burst is a tenth of a second's worth (at least 1), so a
/// limit holds over short windows too: `ups=100/s` lets at most 10 + 100 per second through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierRateLimit {
    /// The carrier.
    pub carrier: CarrierId,
    /// Its limit.
    pub limit: RateLimit,
}

impl FromStr for CarrierRateLimit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (carrier, limit) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not CARRIER=N/s"))?;
        let mut limit = RateLimit::from_str(limit.trim()).map_err(|e| e.message)?;
        if limit.burst.is_none() {
            let per_second = u128::from(limit.requests) * 1000 / limit.per.as_millis().max(1);
            let tenth = u32::try_from(per_second / 10).unwrap_or(u32::MAX);
            limit = limit.burst(tenth.clamp(1, limit.requests));
        }
        Ok(CarrierRateLimit {
            carrier: carrier_id(carrier)?,
            limit,
        })
    }
}

/// `CARRIER=URL`: where a carrier's sandbox runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierUrl {
    /// The carrier.
    pub carrier: CarrierId,
    /// Its base URL.
    pub url: String,
}

impl FromStr for CarrierUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (carrier, url) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not CARRIER=URL"))?;
        let url = url.trim().trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("`{url}` is not an http(s) URL"));
        }
        Ok(CarrierUrl {
            carrier: sandbox_carrier(carrier)?,
            url: url.to_string(),
        })
    }
}

/// A fault kind by its name (`status500`, `connection_reset`, `hang`, …).
pub fn fault(s: &str) -> Result<Fault, String> {
    let name = s.trim();
    Fault::all()
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| {
            let names: Vec<_> = Fault::all().iter().map(|f| f.name()).collect();
            format!("unknown fault `{name}` (one of {})", names.join(", "))
        })
}

/// A failure rate between 0 and 1.
pub fn rate(s: &str) -> Result<f64, String> {
    let f: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&f) {
        Ok(f)
    } else {
        Err(format!("{f} is not between 0 and 1"))
    }
}

/// `"US 90210"`: a country code and a postcode (which may contain spaces: `"CA K1A 0B1"`).
pub fn place(s: &str) -> Result<Address, String> {
    let s = s.trim();
    let (country, postcode) = s
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("`{s}` is not \"COUNTRY POSTCODE\", e.g. \"US 90210\""))?;
    let address = Address::new(&country.to_ascii_uppercase(), postcode.trim());
    address
        .validate("address")
        .map_err(|e| format!("`{s}`: {}", e.message))?;
    Ok(address)
}

/// `2lb` or `2lb,12x8x6in`: a parcel's weight with its unit, then optional dimensions.
pub fn parcel(s: &str) -> Result<Parcel, String> {
    let (weight, dims) = match s.split_once(',') {
        Some((w, d)) => (w.trim(), Some(d.trim())),
        None => (s.trim(), None),
    };
    let (value, unit) = number_and_unit(weight)?;
    let unit = WeightUnit::parse(unit)
        .ok_or_else(|| format!("`{weight}`: weight unit must be lb, oz, kg or g"))?;
    let mut parcel = Parcel::new(Weight::new(value, unit));
    if let Some(dims) = dims {
        let parts: Vec<&str> = dims.split('x').collect();
        let [l, w, h] = parts[..] else {
            return Err(format!("`{dims}` is not LxWxH with a unit, e.g. 12x8x6in"));
        };
        let (h, unit) = number_and_unit(h)?;
        let unit = match unit.to_ascii_lowercase().as_str() {
            "in" => LengthUnit::In,
            "cm" => LengthUnit::Cm,
            "mm" => LengthUnit::Mm,
            _ => return Err(format!("`{dims}`: length unit must be in, cm or mm")),
        };
        let number = |t: &str| {
            Decimal::from_str(t.trim()).map_err(|_| format!("`{t}` in `{dims}` is not a number"))
        };
        parcel = parcel.with_dimensions(Dimensions::new(number(l)?, number(w)?, h, unit));
    }
    parcel
        .validate("parcel")
        .map_err(|e| format!("`{s}`: {}", e.message))?;
    Ok(parcel)
}

fn number_and_unit(s: &str) -> Result<(Decimal, &str), String> {
    let split = s
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("`{s}` has no unit"))?;
    let (n, unit) = s.split_at(split);
    let n = Decimal::from_str(n.trim()).map_err(|_| format!("`{n}` in `{s}` is not a number"))?;
    Ok((n, unit))
}

/// A weight unit for `--weight-unit`.
pub fn weight_unit(s: &str) -> Result<WeightUnit, String> {
    WeightUnit::parse(s).ok_or_else(|| format!("`{s}` is not lb, oz, kg or g"))
}

/// How the simulators behave: shared by `sandbox` and `loadtest`.
#[derive(Clone, Debug, Default, Args)]
pub struct SimulationArgs {
    /// Each carrier answers this many milliseconds after a request arrives (its response time).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Up to this much more latency at random, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub jitter: u64,
    /// Delay one carrier only: its latency becomes MS (repeat, or separate with commas).
    #[arg(long, value_name = "CARRIER=MS", value_delimiter = ',', num_args = 1..)]
    pub slow: Vec<CarrierMillis>,
    /// Share of requests (0..1) failed with a fault picked from `--faults`.
    #[arg(long = "fail-rate", value_name = "F", value_parser = rate, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Fault kinds for `--fail-rate` (default: status500,status503,connection_reset).
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = fault)]
    pub faults: Vec<Fault>,
}

impl SimulationArgs {
    /// The latency of `carrier`'s sandbox: its `--slow` value, else `--latency`.
    pub fn latency_of(&self, carrier: &CarrierId) -> Duration {
        self.slow
            .iter()
            .rev()
            .find(|s| &s.carrier == carrier)
            .map_or(Duration::from_millis(self.latency), |s| s.delay)
    }

    /// The faults thrown at `--fail-rate`.
    pub fn fault_kinds(&self) -> Vec<Fault> {
        if self.faults.is_empty() {
            vec![
                Fault::Status500,
                Fault::Status503 {
                    retry_after_secs: None,
                },
                Fault::ConnectionReset,
            ]
        } else {
            self.faults.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parcels_read_weight_then_dimensions() {
        let p = parcel("2lb,12x8x6in").unwrap();
        assert_eq!(p.weight, Weight::lb(Decimal::from(2)));
        assert_eq!(
            p.dimensions,
            Some(Dimensions::inches(12.into(), 8.into(), 6.into()))
        );
        assert!(parcel("1.5kg").unwrap().dimensions.is_none());
        assert!(parcel("2").is_err());
        assert!(parcel("2lb,12x8in").is_err());
        assert!(parcel("2stone").is_err());
    }

    #[test]
    fn places_keep_postcodes_with_spaces() {
        let a = place("ca K1A 0B1").unwrap();
        assert_eq!(a.country, "CA");
        assert_eq!(a.postal_code.as_deref(), Some("K1A 0B1"));
        assert!(place("90210").is_err());
    }

    #[test]
    fn rate_limits_get_a_tenth_of_a_second_of_burst() {
        let l: CarrierRateLimit = "ups=100/s".parse().unwrap();
        assert_eq!(l.carrier.as_str(), "ups");
        assert_eq!(l.limit.burst, Some(10));
        let l: CarrierRateLimit = "fedex=1400/10s burst 50".parse().unwrap();
        assert_eq!(l.limit.burst, Some(50));
        assert!("ups".parse::<CarrierRateLimit>().is_err());
    }

    #[test]
    fn slow_and_faults_are_checked() {
        let s: CarrierMillis = "fedex=250".parse().unwrap();
        assert_eq!(s.delay, Duration::from_millis(250));
        assert!("dhl=5".parse::<CarrierMillis>().is_err());
        assert_eq!(fault("hang").unwrap(), Fault::Hang);
        assert!(fault("gremlins").is_err());
        assert!(rate("1.5").is_err());
    }
}
