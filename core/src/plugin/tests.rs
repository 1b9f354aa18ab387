//! The plugin side of the ABI, called in-process through the table (no dynamic loading):
//! what each status carries, and that panics never cross the boundary.

use std::ffi::c_void;

use super::*;
use crate::model::{Address, CarrierId, CarrierInfo, Parcel, Rate, RateRequest, Weight};
use crate::model::{Capabilities, Money, Tracking, TrackingNumber};
use crate::protocol::{Exchange, HttpRequest, HttpResponse, Step};
use crate::{Error, ErrorKind, Result};

struct Toy {
    base_url: String,
}

impl crate::CarrierProtocol for Toy {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: CarrierId::from_static("toy"),
            name: "Toy".into(),
            services: vec![],
            capabilities: Capabilities::default(),
        }
    }
    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        if request.destination.country == "FR" {
            panic!("boom in build_rate");
        }
        Ok(vec![HttpRequest::post(format!("{}/rate", self.base_url))])
    }
    fn parse_rate(&self, _: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        let body = exchange.responses.first().map(|r| r.text().to_string());
        let total = Money::parse(body.as_deref().unwrap_or("x"), "USD")
            .map_err(|_| Error::parse("not an amount"))?;
        Ok(Step::Done(vec![Rate::new(
            CarrierId::from_static("toy"),
            "G",
            "Ground",
            total,
        )]))
    }
    fn build_track(&self, _: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        Err(Error::unsupported("no tracking"))
    }
    fn parse_track(&self, _: &[TrackingNumber], _: &Exchange) -> Result<Vec<Result<Tracking>>> {
        Err(Error::unsupported("no tracking"))
    }
}

impl PluginCarrier for Toy {
    fn from_config(config: serde_json::Value) -> Result<Self> {
        #[derive(serde::Deserialize)]
        struct C {
            base_url: String,
        }
        let c: C = config_from_json(config)?;
        Ok(Toy {
            base_url: c.base_url,
        })
    }
}

unsafe extern "C" fn toy_manifest(out: *mut PluginBuf) -> Status {
    unsafe { export::manifest("toy", "0.0.1", false, out) }
}

static TABLE: PluginV1 = export::table::<Toy>(toy_manifest);

/// Calls `f` with a fresh output buffer and returns the status and the bytes.
fn take(f: impl FnOnce(*mut PluginBuf) -> Status) -> (Status, Vec<u8>) {
    let mut out = PluginBuf::EMPTY;
    let status = f(&mut out);
    let bytes = unsafe { out.as_bytes() }.to_vec();
    unsafe { (TABLE.free)(out) };
    (status, bytes)
}

fn create(config: &str) -> (Status, *mut c_void, Vec<u8>) {
    let mut instance = std::ptr::null_mut();
    let (status, bytes) = take(|out| unsafe {
        (TABLE.create)(PluginSlice::new(config.as_bytes()), &mut instance, out)
    });
    (status, instance, bytes)
}

fn call(instance: *mut c_void, op: u32, input: &[u8]) -> (Status, Vec<u8>) {
    take(|out| unsafe { (TABLE.call)(instance, op, PluginSlice::new(input), out) })
}

fn request(country: &str, postcode: &str) -> RateRequest {
    RateRequest::new(
        Address::new("US", "90210"),
        Address::new(country, postcode),
        vec![Parcel::new(Weight::lb(2.into()))],
    )
    .unwrap()
}

#[test]
fn table_reports_its_version_and_manifest() {
    assert_eq!(TABLE.abi_major, ABI_MAJOR);
    assert_eq!(TABLE.struct_size as usize, std::mem::size_of::<PluginV1>());
    let (status, bytes) = take(|out| unsafe { (TABLE.manifest)(out) });
    assert_eq!(status, status::OK);
    let m: Manifest = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((m.name.as_str(), m.panic), ("toy", PanicStrategy::Unwind));
    assert_eq!(m.target, BUILD_TARGET);
}

#[test]
fn operations_answer_the_json_of_the_core_types() {
    let (status, instance, _) = create(r#"{"base_url":"http://127.0.0.1:9"}"#);
    assert_eq!(status, status::OK);
    assert!(!instance.is_null());

    let (s, info) = call(instance, Op::Info.code(), b"null");
    assert_eq!(s, status::OK);
    let info: CarrierInfo = serde_json::from_slice(&info).unwrap();
    assert_eq!(info.id.as_str(), "toy");

    let input = serde_json::to_vec(&request("US", "10001")).unwrap();
    let (s, reqs) = call(instance, Op::BuildRate.code(), &input);
    assert_eq!(s, status::OK);
    let reqs: Vec<HttpRequest> = serde_json::from_slice(&reqs).unwrap();
    assert_eq!(reqs[0].url, "http://127.0.0.1:9/rate");

    let exchange = Exchange {
        round: 0,
        requests: reqs,
        responses: vec![HttpResponse::new(200, "12.50")],
    };
    let r = request("US", "10001");
    let input = serde_json::to_vec(&ParseRateInputRef {
        request: &r,
        exchange: &exchange,
    })
    .unwrap();
    let (s, step) = call(instance, Op::ParseRate.code(), &input);
    assert_eq!(s, status::OK);
    let step: Step<Vec<Rate>> = serde_json::from_slice(&step).unwrap();
    let Step::Done(rates) = step else {
        panic!("expected rates")
    };
    assert_eq!(rates[0].total.amount.to_string(), "12.50");

    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn errors_come_back_as_error_json() {
    let (_, instance, _) = create(r#"{"base_url":"x"}"#);
    let (s, bytes) = call(instance, Op::BuildTrack.code(), br#"["1Z999"]"#);
    assert_eq!(s, status::ERROR);
    let e: Error = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn bad_config_and_bad_input_are_reported_not_panicked() {
    let (s, instance, bytes) = create(r#"{"nope":1}"#);
    assert_eq!(s, status::ERROR);
    assert!(instance.is_null());
    let e: Error = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(e.kind, ErrorKind::Config);

    let (s, _, _) = create("not json");
    assert_eq!(s, status::BAD_INPUT);

    let (_, instance, _) = create(r#"{"base_url":"x"}"#);
    let (s, msg) = call(instance, Op::BuildRate.code(), b"{\"garbage\":true}");
    assert_eq!(s, status::BAD_INPUT);
    assert!(String::from_utf8_lossy(&msg).contains("build_rate"));
    let (s, _) = call(instance, 999, b"null");
    assert_eq!(s, status::UNKNOWN_OP);
    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn a_panic_is_caught_at_the_boundary() {
    let (_, instance, _) = create(r#"{"base_url":"x"}"#);
    let input = serde_json::to_vec(&request("FR", "75001")).unwrap();
    let (s, msg) = call(instance, Op::BuildRate.code(), &input);
    assert_eq!(s, status::PANIC);
    assert_eq!(String::from_utf8_lossy(&msg), "boom in build_rate");
    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn op_codes_round_trip() {
    for op in Op::ALL {
        assert_eq!(Op::from_code(op.code()), Some(op));
    }
    assert_eq!(Op::from_code(0), None);
}

fn call_framed(instance: *mut c_void, op: u32, input: &[u8]) -> (Status, Vec<u8>) {
    take(|out| unsafe { (TABLE.call_framed)(instance, op, PluginSlice::new(input), out) })
}

#[test]
fn the_table_is_a_1_1_table() {
    assert_eq!(TABLE.abi_minor, ABI_MINOR);
    const { assert!(ABI_MINOR >= 1) };
    assert_eq!(TABLE.struct_size as usize, V1_1_STRUCT_SIZE);
    const { assert!(V1_0_STRUCT_SIZE < V1_1_STRUCT_SIZE) };
}

#[test]
fn framed_calls_carry_bodies_raw_and_answer_the_same() {
    use frame::{Frame, FrameWriter};
    let (_, instance, _) = create(r#"{"base_url":"http://127.0.0.1:9"}"#);
    let r = request("US", "10001");

    let input = FrameWriter::encode(Vec::new(), &r).unwrap();
    let (s, out) = call_framed(instance, Op::BuildRate.code(), &input);
    assert_eq!(s, status::OK);
    let reqs: Vec<HttpRequest> = Frame::parse(&out).unwrap().decode().unwrap();
    assert_eq!(reqs[0].url, "http://127.0.0.1:9/rate");

    let exchange = Exchange {
        round: 0,
        requests: reqs,
        responses: vec![HttpResponse::new(200, "12.50")],
    };
    let input = FrameWriter::encode(
        Vec::new(),
        &ParseRateInputRef {
            request: &r,
            exchange: &exchange,
        },
    )
    .unwrap();
    assert!(
        input.windows(5).any(|w| w == b"12.50"),
        "the body is in the frame as raw bytes"
    );
    let (s, out) = call_framed(instance, Op::ParseRate.code(), &input);
    assert_eq!(s, status::OK);
    let step: Step<Vec<Rate>> = Frame::parse(&out).unwrap().decode().unwrap();
    let Step::Done(rates) = step else {
        panic!("expected rates")
    };
    assert_eq!(rates[0].total.amount.to_string(), "12.50");

    // Errors are plain Error JSON, as with `call`.
    let input =
        FrameWriter::encode(Vec::new(), &vec![TrackingNumber::new("1Z999").unwrap()]).unwrap();
    let (s, bytes) = call_framed(instance, Op::BuildTrack.code(), &input);
    assert_eq!(s, status::ERROR);
    let e: Error = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn broken_frames_are_bad_input() {
    let (_, instance, _) = create(r#"{"base_url":"x"}"#);
    // Plain JSON is not a frame; a frame whose body lies outside it is refused too.
    let (s, msg) = call_framed(instance, Op::ParseRate.code(), b"{\"request\":{}}");
    assert_eq!(s, status::BAD_INPUT);
    assert!(
        String::from_utf8_lossy(&msg).contains("parse_rate"),
        "{msg:?}"
    );
    let mut lying = 0u64.to_le_bytes().to_vec();
    lying.extend_from_slice(br#"{"status":200,"headers":[],"body":[0,4]}"#);
    let (s, msg) = call_framed(instance, Op::ParseToken.code(), &lying);
    assert_eq!(s, status::BAD_INPUT);
    assert!(String::from_utf8_lossy(&msg).contains("outside"), "{msg:?}");
    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn the_binary_extensions_answer_what_the_json_operations_answer() {
    use binary::{BinaryParseRateInputRef, BinaryRates, BinaryRequestRef};
    use frame::{Frame, FrameWriter};
    let (_, instance, _) = create(r#"{"base_url":"http://127.0.0.1:9"}"#);
    let r = request("US", "10001");

    let framed = |op: Op, input: &[u8]| {
        let (s, out) = call_framed(instance, op.code(), input);
        assert_eq!(s, status::OK, "{op:?}: {}", String::from_utf8_lossy(&out));
        out
    };
    let out = framed(Op::BuildRate, &FrameWriter::encode(Vec::new(), &r).unwrap());
    let json_reqs: Vec<HttpRequest> = Frame::parse(&out).unwrap().decode().unwrap();
    let input = FrameWriter::encode(Vec::new(), &BinaryRequestRef(&r)).unwrap();
    let out = framed(Op::BuildRateBinary, &input);
    let reqs: Vec<HttpRequest> = Frame::parse(&out).unwrap().decode().unwrap();
    assert_eq!(reqs, json_reqs);

    let exchange = Exchange {
        round: 0,
        requests: reqs,
        responses: vec![HttpResponse::new(200, "12.50")],
    };
    let input = ParseRateInputRef {
        request: &r,
        exchange: &exchange,
    };
    let out = framed(
        Op::ParseRate,
        &FrameWriter::encode(Vec::new(), &input).unwrap(),
    );
    let json_step: Step<Vec<Rate>> = Frame::parse(&out).unwrap().decode().unwrap();
    let binary_input = BinaryParseRateInputRef(ParseRateInputRef {
        request: &r,
        exchange: &exchange,
    });
    let out = framed(
        Op::ParseRateBinary,
        &FrameWriter::encode(Vec::new(), &binary_input).unwrap(),
    );
    let step: Step<BinaryRates> = Frame::parse(&out).unwrap().decode().unwrap();
    let Step::Done(BinaryRates(rates)) = step else {
        panic!("expected rates")
    };
    assert_eq!(Step::Done(rates), json_step);

    // Through plain `call` (no frames), the extensions take and give the JSON operations'
    // messages.
    let (s, plain) = call(
        instance,
        Op::ParseRateBinary.code(),
        &serde_json::to_vec(&input).unwrap(),
    );
    assert_eq!(s, status::OK);
    let (_, json) = call(
        instance,
        Op::ParseRate.code(),
        &serde_json::to_vec(&input).unwrap(),
    );
    assert_eq!(plain, json);
    let (s, plain) = call(
        instance,
        Op::BuildRateBinary.code(),
        &serde_json::to_vec(&r).unwrap(),
    );
    assert_eq!(s, status::OK);
    let (_, json) = call(
        instance,
        Op::BuildRate.code(),
        &serde_json::to_vec(&r).unwrap(),
    );
    assert_eq!(plain, json);

    // A damaged binary request is BAD_INPUT naming the operation, like bad JSON.
    let mut damaged = FrameWriter::encode(Vec::new(), &BinaryRequestRef(&r)).unwrap();
    damaged[8] = 7;
    let (s, msg) = call_framed(instance, Op::BuildRateBinary.code(), &damaged);
    assert_eq!(s, status::BAD_INPUT);
    let msg = String::from_utf8_lossy(&msg);
    assert!(
        msg.contains("build_rate_binary") && msg.contains("format 7"),
        "{msg}"
    );
    unsafe { (TABLE.destroy)(instance) };
}

#[test]
fn frames_written_the_1_1_way_still_decode() {
    use frame::{Frame, FrameWriter};
    // Rates as a plugin from before the faster writer wrote them: the derived serializer.
    let mut rate = Rate::new(
        CarrierId::from_static("toy"),
        "G",
        "Ground",
        Money::parse("12.50", "USD").unwrap(),
    );
    rate.transit_days = Some(3);
    let step = Step::Done(vec![rate]);
    let old = FrameWriter::new(Vec::new()).finish(&step).unwrap();
    let back: Step<Vec<Rate>> = Frame::parse(&old).unwrap().decode().unwrap();
    assert_eq!(back, step);
    // And what this build writes is what such a host reads with the derived deserializer.
    let new = FrameWriter::encode(Vec::new(), &step).unwrap();
    let read_the_old_way: Step<Vec<Rate>> =
        serde_json::from_slice(Frame::parse(&new).unwrap().json()).unwrap();
    assert_eq!(read_the_old_way, step);
    assert_eq!(
        Frame::parse(&new).unwrap().json(),
        Frame::parse(&old).unwrap().json()
    );
}
