//! ABI 1.1 frames: a message whose HTTP bodies travel as raw bytes beside the JSON instead of
//! base64 inside it.
//!
//! Layout: `[bodies length: u64 little-endian][bodies][JSON]`. The JSON is the operation's
//! usual message (see [`Op`](super::Op)), except that the `body` of every
//! [`HttpRequest`] and [`HttpResponse`] in it is `[offset, length]`: a range of the bodies
//! section. Everything else (rates, errors, manifests) is the same JSON as in ABI 1.0.
//!
//! [`PluginV1::call_framed`](super::PluginV1::call_framed) takes a frame and, with status OK,
//! answers a frame; the other statuses answer what [`PluginV1::call`](super::PluginV1::call)
//! answers (an [`Error`] as JSON, or text).
//!
//! [`PutFrame`] writes a value (its bodies into the frame, the rest as a serializable
//! "wire" form); [`TakeFrame`] reads it back. The host and `export_plugin!` use them; a
//! plugin author never sees them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{CarrierInfo, Rate, RateRequest, TrackingNumber};
use crate::protocol::{AccessToken, Auth, Exchange, HttpRequest, HttpResponse, Method, Step};

use super::ops::TrackOutcome;
use super::ops::{ParseRateInput, ParseRateInputRef, ParseTrackInput, ParseTrackInputRef};
pub use super::rate_wire::RateOut;

/// Reads JSON from bytes: checks UTF-8 once for the whole message and then parses it as
/// text, which is faster than `serde_json::from_slice` (that checks every string on its own)
/// and accepts exactly the same messages.
pub fn json_from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Size of the header holding the bodies' length.
const HEADER: usize = std::mem::size_of::<u64>();

/// Where a body sits in the frame's bodies section: `[offset, length]` in the JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyRef(pub u64, pub u64);

/// Builds a frame: bodies first (each [`body`](FrameWriter::body) call appends one), then
/// the JSON ([`finish`](FrameWriter::finish)).
#[derive(Debug)]
pub struct FrameWriter {
    buf: Vec<u8>,
}

impl FrameWriter {
    /// Starts a frame in `buf`, reusing its allocation (its contents are dropped).
    pub fn new(mut buf: Vec<u8>) -> Self {
        buf.clear();
        buf.extend_from_slice(&[0; HEADER]);
        FrameWriter { buf }
    }

    /// Appends a body and says where it went.
    pub fn body(&mut self, bytes: &[u8]) -> BodyRef {
        let offset = (self.buf.len() - HEADER) as u64;
        self.buf.extend_from_slice(bytes);
        BodyRef(offset, bytes.len() as u64)
    }

    /// Appends a body written in place by `write` (which only appends to the buffer it is
    /// given) and says where it went.
    pub fn body_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> BodyRef {
        let start = self.buf.len();
        write(&mut self.buf);
        BodyRef((start - HEADER) as u64, (self.buf.len() - start) as u64)
    }

    /// Writes `value`'s bodies and then its JSON, and returns the frame.
    pub fn encode<T: PutFrame + ?Sized>(buf: Vec<u8>, value: &T) -> serde_json::Result<Vec<u8>> {
        let mut frame = FrameWriter::new(buf);
        let wire = value.put(&mut frame);
        frame.finish(&wire)
    }

    /// Ends the bodies section, appends the JSON of `wire` and returns the frame.
    pub fn finish(mut self, wire: &impl Serialize) -> serde_json::Result<Vec<u8>> {
        let bodies = (self.buf.len() - HEADER) as u64;
        self.buf[..HEADER].copy_from_slice(&bodies.to_le_bytes());
        serde_json::to_writer(&mut self.buf, wire)?;
        Ok(self.buf)
    }
}

/// A frame being read: its bodies section and its JSON.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    bodies: &'a [u8],
    json: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Splits `bytes` into bodies and JSON, or says why it is not a frame.
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>, String> {
        let Some((header, rest)) = bytes.split_first_chunk::<HEADER>() else {
            return Err(format!(
                "a frame is at least {HEADER} bytes, got {}",
                bytes.len()
            ));
        };
        let length = u64::from_le_bytes(*header);
        let length = usize::try_from(length)
            .ok()
            .filter(|n| *n <= rest.len())
            .ok_or_else(|| {
                format!(
                    "the frame says {length} bytes of bodies but holds {}",
                    rest.len()
                )
            })?;
        let (bodies, json) = rest.split_at(length);
        Ok(Frame { bodies, json })
    }

    /// The JSON part.
    pub fn json(&self) -> &'a [u8] {
        self.json
    }

    /// The bytes `at` points to, or why it points outside the bodies.
    pub fn body(&self, at: BodyRef) -> Result<&'a [u8], String> {
        let BodyRef(offset, length) = at;
        usize::try_from(offset)
            .ok()
            .zip(usize::try_from(length).ok())
            .and_then(|(o, l)| self.bodies.get(o..o.checked_add(l)?))
            .ok_or_else(|| {
                format!(
                    "body [{offset}, {length}] lies outside the frame's {} bytes of bodies",
                    self.bodies.len()
                )
            })
    }

    /// Decodes a `T` from the frame.
    pub fn decode<T: TakeFrame>(&self) -> Result<T, String> {
        let wire: T::Wire = json_from_bytes(self.json).map_err(|e| format!("frame JSON: {e}"))?;
        T::take(wire, self)
    }
}

/// A value that can be written into a frame: its bodies go into the frame and the rest is
/// returned as a serializable wire form (borrowing from the value where it can).
pub trait PutFrame {
    /// The JSON-serializable form, with bodies replaced by [`BodyRef`]s.
    type Wire<'a>: Serialize
    where
        Self: 'a;
    /// Writes the bodies into `frame` and returns the rest.
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> Self::Wire<'a>;
}

/// A value that can be read back from a frame.
pub trait TakeFrame: Sized {
    /// The JSON form, with bodies as [`BodyRef`]s.
    type Wire: DeserializeOwned;
    /// Rebuilds the value, copying its bodies out of `frame`.
    fn take(wire: Self::Wire, frame: &Frame<'_>) -> Result<Self, String>;
}

/// Types with no HTTP body inside travel as their ordinary JSON.
macro_rules! plain {
    ($($t:ty),* $(,)?) => {$(
        impl PutFrame for $t {
            type Wire<'a> = &'a $t;
            fn put<'a>(&'a self, _: &mut FrameWriter) -> &'a $t {
                self
            }
        }
        impl TakeFrame for $t {
            type Wire = $t;
            fn take(wire: $t, _: &Frame<'_>) -> Result<$t, String> {
                Ok(wire)
            }
        }
    )*};
}

plain!(
    (),
    usize,
    RateRequest,
    TrackingNumber,
    TrackOutcome,
    CarrierInfo,
    Auth,
    AccessToken,
    Error,
);

/// Rates, the bulk of a quote's answer, are written by [`RateOut`] (the same JSON, faster).
impl PutFrame for Rate {
    type Wire<'a> = RateOut<'a>;
    fn put<'a>(&'a self, _: &mut FrameWriter) -> RateOut<'a> {
        RateOut(self)
    }
}

impl TakeFrame for Rate {
    type Wire = Rate;
    fn take(wire: Rate, _: &Frame<'_>) -> Result<Rate, String> {
        Ok(wire)
    }
}

impl<T: PutFrame> PutFrame for [T] {
    type Wire<'a>
        = Vec<T::Wire<'a>>
    where
        T: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> Self::Wire<'a> {
        self.iter().map(|item| item.put(frame)).collect()
    }
}

impl<T: PutFrame> PutFrame for Vec<T> {
    type Wire<'a>
        = Vec<T::Wire<'a>>
    where
        T: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> Self::Wire<'a> {
        self.as_slice().put(frame)
    }
}

impl<T: TakeFrame> TakeFrame for Vec<T> {
    type Wire = Vec<T::Wire>;
    fn take(wire: Self::Wire, frame: &Frame<'_>) -> Result<Self, String> {
        wire.into_iter().map(|w| T::take(w, frame)).collect()
    }
}

impl<T: PutFrame> PutFrame for Option<T> {
    type Wire<'a>
        = Option<T::Wire<'a>>
    where
        T: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> Self::Wire<'a> {
        self.as_ref().map(|v| v.put(frame))
    }
}

impl<T: TakeFrame> TakeFrame for Option<T> {
    type Wire = Option<T::Wire>;
    fn take(wire: Self::Wire, frame: &Frame<'_>) -> Result<Self, String> {
        wire.map(|w| T::take(w, frame)).transpose()
    }
}

/// [`HttpRequest`] with its body out of line.
#[derive(Debug, Serialize)]
pub struct HttpRequestWire<'a> {
    method: Method,
    url: &'a str,
    headers: &'a [(String, String)],
    body: BodyRef,
}

/// [`HttpRequest`] as read from a frame, before its body is copied out.
#[derive(Debug, Deserialize)]
pub struct HttpRequestOwnedWire {
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: BodyRef,
}

impl PutFrame for HttpRequest {
    type Wire<'a> = HttpRequestWire<'a>;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> HttpRequestWire<'a> {
        HttpRequestWire {
            method: self.method,
            url: &self.url,
            headers: &self.headers,
            body: frame.body(&self.body),
        }
    }
}

impl TakeFrame for HttpRequest {
    type Wire = HttpRequestOwnedWire;
    fn take(wire: HttpRequestOwnedWire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(HttpRequest {
            method: wire.method,
            url: wire.url,
            headers: wire.headers,
            body: frame.body(wire.body)?.to_vec(),
        })
    }
}

/// [`HttpResponse`] with its body out of line.
#[derive(Debug, Serialize)]
pub struct HttpResponseWire<'a> {
    status: u16,
    headers: &'a [(String, String)],
    body: BodyRef,
}

/// [`HttpResponse`] as read from a frame, before its body is copied out.
#[derive(Debug, Deserialize)]
pub struct HttpResponseOwnedWire {
    status: u16,
    headers: Vec<(String, String)>,
    body: BodyRef,
}

impl PutFrame for HttpResponse {
    type Wire<'a> = HttpResponseWire<'a>;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> HttpResponseWire<'a> {
        HttpResponseWire {
            status: self.status,
            headers: &self.headers,
            body: frame.body(&self.body),
        }
    }
}

impl TakeFrame for HttpResponse {
    type Wire = HttpResponseOwnedWire;
    fn take(wire: HttpResponseOwnedWire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(HttpResponse {
            status: wire.status,
            headers: wire.headers,
            body: frame.body(wire.body)?.to_vec(),
        })
    }
}

/// [`Exchange`] with its bodies out of line.
#[derive(Debug, Serialize)]
pub struct ExchangeWire<'a> {
    round: u32,
    requests: Vec<HttpRequestWire<'a>>,
    responses: Vec<HttpResponseWire<'a>>,
}

/// [`Exchange`] as read from a frame.
#[derive(Debug, Deserialize)]
pub struct ExchangeOwnedWire {
    round: u32,
    requests: Vec<HttpRequestOwnedWire>,
    responses: Vec<HttpResponseOwnedWire>,
}

impl PutFrame for Exchange {
    type Wire<'a> = ExchangeWire<'a>;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> ExchangeWire<'a> {
        ExchangeWire {
            round: self.round,
            requests: self.requests.put(frame),
            responses: self.responses.put(frame),
        }
    }
}

impl TakeFrame for Exchange {
    type Wire = ExchangeOwnedWire;
    fn take(wire: ExchangeOwnedWire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(Exchange {
            round: wire.round,
            requests: Vec::take(wire.requests, frame)?,
            responses: Vec::take(wire.responses, frame)?,
        })
    }
}

/// [`Step`] with the next round's request bodies out of line (same JSON shape as `Step`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepWire<T, R> {
    /// `Step::Done`.
    Done(T),
    /// `Step::Next`.
    Next(Vec<R>),
}

impl<T: PutFrame> PutFrame for Step<T> {
    type Wire<'a>
        = StepWire<T::Wire<'a>, HttpRequestWire<'a>>
    where
        T: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> Self::Wire<'a> {
        match self {
            Step::Done(value) => StepWire::Done(value.put(frame)),
            Step::Next(requests) => StepWire::Next(requests.put(frame)),
        }
    }
}

impl<T: TakeFrame> TakeFrame for Step<T> {
    type Wire = StepWire<T::Wire, HttpRequestOwnedWire>;
    fn take(wire: Self::Wire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(match wire {
            StepWire::Done(value) => Step::Done(T::take(value, frame)?),
            StepWire::Next(requests) => Step::Next(Vec::take(requests, frame)?),
        })
    }
}

/// `parse_rate`'s input with the exchange's bodies out of line.
#[derive(Debug, Serialize)]
pub struct ParseRateWire<'a> {
    request: &'a RateRequest,
    exchange: ExchangeWire<'a>,
}

/// `parse_rate`'s input as read from a frame.
#[derive(Debug, Deserialize)]
pub struct ParseRateOwnedWire {
    request: RateRequest,
    exchange: ExchangeOwnedWire,
}

impl PutFrame for ParseRateInputRef<'_> {
    type Wire<'a>
        = ParseRateWire<'a>
    where
        Self: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> ParseRateWire<'a> {
        ParseRateWire {
            request: self.request,
            exchange: self.exchange.put(frame),
        }
    }
}

impl TakeFrame for ParseRateInput {
    type Wire = ParseRateOwnedWire;
    fn take(wire: ParseRateOwnedWire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(ParseRateInput {
            request: wire.request,
            exchange: Exchange::take(wire.exchange, frame)?,
        })
    }
}

/// `parse_track`'s input with the exchange's bodies out of line.
#[derive(Debug, Serialize)]
pub struct ParseTrackWire<'a> {
    numbers: &'a [TrackingNumber],
    exchange: ExchangeWire<'a>,
}

/// `parse_track`'s input as read from a frame.
#[derive(Debug, Deserialize)]
pub struct ParseTrackOwnedWire {
    numbers: Vec<TrackingNumber>,
    exchange: ExchangeOwnedWire,
}

impl PutFrame for ParseTrackInputRef<'_> {
    type Wire<'a>
        = ParseTrackWire<'a>
    where
        Self: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> ParseTrackWire<'a> {
        ParseTrackWire {
            numbers: self.numbers,
            exchange: self.exchange.put(frame),
        }
    }
}

impl TakeFrame for ParseTrackInput {
    type Wire = ParseTrackOwnedWire;
    fn take(wire: ParseTrackOwnedWire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(ParseTrackInput {
            numbers: wire.numbers,
            exchange: Exchange::take(wire.exchange, frame)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: PutFrame + TakeFrame>(value: &T) -> T {
        let bytes = FrameWriter::encode(Vec::new(), value).unwrap();
        Frame::parse(&bytes).unwrap().decode().unwrap()
    }

    fn exchange() -> Exchange {
        Exchange {
            round: 1,
            requests: vec![
                HttpRequest::post("https://x/rate")
                    .header("Accept", "a/b")
                    .body("text/xml", b"<a>\xff\x00</a>".to_vec()),
            ],
            responses: vec![
                HttpResponse::new(200, b"<quotes>\"\\\n</quotes>".to_vec()).with_header("X", "y"),
            ],
        }
    }

    #[test]
    fn bodies_travel_raw_and_come_back_unchanged() {
        let e = exchange();
        let bytes = FrameWriter::encode(Vec::new(), &e).unwrap();
        let frame = Frame::parse(&bytes).unwrap();
        let json = std::str::from_utf8(frame.json()).unwrap();
        assert!(
            !json.contains("quotes"),
            "bodies are out of the JSON: {json}"
        );
        assert!(json.contains(r#""body":[0,9]"#), "{json}");
        assert!(json.contains(r#""body":[9,20]"#), "{json}");
        assert_eq!(round_trip(&e), e);

        let step: Step<Vec<Rate>> = Step::Next(e.requests.clone());
        assert_eq!(round_trip(&step), step);
        let none: Option<HttpRequest> = None;
        assert_eq!(round_trip(&none), None);
    }

    #[test]
    fn a_step_keeps_the_json_shape_of_step() {
        let step: Step<Vec<Rate>> = Step::Done(vec![]);
        let bytes = FrameWriter::encode(Vec::new(), &step).unwrap();
        let frame = Frame::parse(&bytes).unwrap();
        assert_eq!(frame.json(), serde_json::to_vec(&step).unwrap());
    }

    #[test]
    fn broken_frames_are_errors_not_panics() {
        assert!(Frame::parse(b"1234").is_err());
        let mut lying = 100u64.to_le_bytes().to_vec();
        lying.extend_from_slice(b"{}");
        assert!(Frame::parse(&lying).is_err());
        let huge = u64::MAX.to_le_bytes();
        assert!(Frame::parse(&huge).is_err());

        let mut bytes = FrameWriter::encode(Vec::new(), &exchange()).unwrap();
        let frame = Frame::parse(&bytes).unwrap();
        assert!(frame.body(BodyRef(5, u64::MAX)).is_err());
        assert!(frame.body(BodyRef(u64::MAX, 1)).is_err());
        // A body range past the end: the JSON says [0,9] but only 3 body bytes remain.
        let json = frame.json().to_vec();
        bytes.truncate(HEADER);
        bytes[..HEADER].copy_from_slice(&3u64.to_le_bytes());
        bytes.extend_from_slice(b"abc");
        bytes.extend_from_slice(&json);
        let e = Frame::parse(&bytes)
            .unwrap()
            .decode::<Exchange>()
            .unwrap_err();
        assert!(e.contains("outside"), "{e}");
    }
}
