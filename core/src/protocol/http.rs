//! Descriptions of HTTP requests and responses: what a protocol asks the host to send and
//! what the host hands back. Plain data, serializable, because they cross the plugin ABI.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Headers whose values are never printed.
const SENSITIVE_HEADERS: [&str; 5] = [
    "authorization",
    "x-api-key",
    "cookie",
    "proxy-authorization",
    "x-auth-token",
];

fn fmt_headers(headers: &[(String, String)], f: &mut fmt::DebugMap<'_, '_>) {
    for (k, v) in headers {
        if SENSITIVE_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s)) {
            f.entry(k, &"[redacted]");
        } else {
            f.entry(k, v);
        }
    }
}

struct Headers<'a>(&'a [(String, String)]);

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        fmt_headers(self.0, &mut map);
        map.finish()
    }
}

/// An HTTP request to send. `Debug` hides credentials: sensitive headers are redacted and
/// the body (which may hold a client secret) is shown only by length.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL, including the query string.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (base64 in JSON).
    #[serde(with = "body_base64")]
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A GET.
    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest::new(Method::Get, url)
    }

    /// A POST.
    pub fn post(url: impl Into<String>) -> Self {
        HttpRequest::new(Method::Post, url)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Sets the body and its content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("Content-Type".to_string(), content_type.to_string()));
        self.body = body.into();
        self
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize>(self, value: &T) -> Result<Self, crate::Error> {
        let body = serde_json::to_vec(value)
            .map_err(|e| crate::Error::parse(format!("cannot encode request JSON: {e}")))?;
        Ok(self.body("application/json", body))
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &Headers(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// An HTTP response as received (the body may have been capped by the host).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (base64 in JSON).
    #[serde(with = "body_base64")]
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Is the status 2xx?
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The `Retry-After` header as a duration (delta-seconds form; an HTTP date is ignored,
    /// and so is a value too large for a `Duration`, such as `1e300`).
    pub fn retry_after(&self) -> Option<Duration> {
        let v = self.header("retry-after")?.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        v.parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
    }

    /// Parses the body as JSON, with a `parse` error naming what was expected.
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T, crate::Error> {
        serde_json::from_slice(&self.body).map_err(|e| {
            crate::Error::parse(format!(
                "{what}: body is not the expected JSON ({e}); status {}",
                self.status
            ))
        })
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &Headers(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

mod body_base64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(body))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD.decode(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials() {
        let r = HttpRequest::post("https://x/oauth")
            .header("Authorization", "Basic c2VjcmV0")
            .body("application/x-www-form-urlencoded", "client_secret=hunter2");
        let s = format!("{r:?}");
        assert!(!s.contains("c2VjcmV0") && !s.contains("hunter2"), "{s}");
        assert!(s.contains("[redacted]"));
    }

    #[test]
    fn retry_after_reads_seconds() {
        let r = HttpResponse::new(429, "").with_header("Retry-After", "2");
        assert_eq!(r.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(HttpResponse::new(429, "").retry_after(), None);
    }

    #[test]
    fn requests_round_trip_through_json() {
        let r = HttpRequest::post("https://x/y").body("text/xml", vec![0u8, 159, 146, 150]);
        let j = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<HttpRequest>(&j).unwrap(), r);
    }
}
