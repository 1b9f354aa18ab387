//! Canada Post error bodies (`<messages><message><code>…`) and HTTP statuses → [`Error`], in
//! one place (docs/carriers/canadapost.md, "Errors"): the message code decides, not the status.

use shipmux_core::raw::http_error::HttpError;
use shipmux_core::{CarrierId, Error, ErrorKind, HttpResponse, Result};

use crate::CARRIER_ID;
use crate::xml::Element;

/// Reads a response: its XML root when it is a success, else the error it carries.
/// `expected` is the root element a success has (`price-quotes`, `tracking-detail`, …).
pub fn read<'r>(response: &'r HttpResponse, expected: &[&str]) -> Result<Element<'r>> {
    let parsed = Element::parse(&response.body);
    if let Ok(root) = &parsed
        && root.name == "messages"
    {
        return Err(from_messages(root, response));
    }
    if !response.is_success() {
        return Err(HttpError::of(WHAT, response).into_error(&carrier_id()));
    }
    match parsed {
        Ok(root) if expected.contains(&root.name.as_ref()) => Ok(root),
        Ok(root) => Err(carrier(Error::parse(format!(
            "Canada Post answered <{}>, expected <{}>",
            root.name,
            expected.join("> or <")
        )))),
        Err(e) => Err(carrier(Error::parse(format!(
            "Canada Post answer is not readable XML: {}",
            e.message
        )))),
    }
}

/// The error a `<messages>` body means; `code` is the first message's code.
fn from_messages(messages: &Element, response: &HttpResponse) -> Error {
    let first = messages.children("message").next();
    let code = first.and_then(|m| m.child_text("code")).unwrap_or("");
    let description = first
        .and_then(|m| m.child_text("description"))
        .unwrap_or("Canada Post refused the request");
    let kind = match code {
        "E002" | "AA001" | "AA002" => Some((ErrorKind::Unauthenticated, false)),
        "Server" if description.contains("Rejected by SLM Monitor") => {
            Some((ErrorKind::RateLimited, true))
        }
        "004" => Some((ErrorKind::NotFound, false)),
        // Without a code the status decides.
        "" => None,
        _ => Some((ErrorKind::Rejected, false)),
    };
    HttpError::of(WHAT, response)
        .code(Some(code))
        .message(Some(description))
        .kind(kind)
        .into_error(&carrier_id())
}

/// How messages name the calls.
const WHAT: &str = "Canada Post";

fn carrier_id() -> CarrierId {
    CarrierId::from_static(CARRIER_ID)
}

fn carrier(error: Error) -> Error {
    error.with_carrier(&carrier_id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(code: &str, description: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><messages xmlns="http://www.canadapost.ca/ws/messages"><message><code>{code}</code><description>{description}</description></message></messages>"#
        )
        .into_bytes()
    }

    fn kind_of(status: u16, body: Vec<u8>) -> (ErrorKind, Option<String>, bool) {
        let e = read(&HttpResponse::new(status, body), &["price-quotes"]).unwrap_err();
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("canadapost"));
        (e.kind, e.code, e.retryable)
    }

    #[test]
    fn message_codes_decide_the_kind() {
        let k = kind_of(401, messages("E002", "AAA Authentication Failure"));
        assert_eq!(k, (ErrorKind::Unauthenticated, Some("E002".into()), false));
        let k = kind_of(400, messages("AA004", "You cannot mail on behalf"));
        assert_eq!(k.0, ErrorKind::Rejected);
        let k = kind_of(503, messages("Server", "Rejected by SLM Monitor"));
        assert_eq!(k, (ErrorKind::RateLimited, Some("Server".into()), true));
        let k = kind_of(500, messages("Server", "cvc-particle 3.1: found &lt;/x>"));
        assert_eq!(k, (ErrorKind::Rejected, Some("Server".into()), false));
        let k = kind_of(404, messages("004", "No Pin History"));
        assert_eq!(k.0, ErrorKind::NotFound);
        // Even a 200 carrying messages is an error.
        assert_eq!(
            kind_of(200, messages("9111", "no service")).0,
            ErrorKind::Rejected
        );
    }

    #[test]
    fn statuses_decide_without_a_messages_body() {
        assert_eq!(
            kind_of(503, b"<html>down</html>".to_vec()).0,
            ErrorKind::Unavailable
        );
        let r = HttpResponse::new(429, "").with_header("Retry-After", "3");
        let e = read(&r, &["price-quotes"]).unwrap_err();
        assert_eq!(
            (e.kind, e.retry_after_ms),
            (ErrorKind::RateLimited, Some(3000))
        );
        assert_eq!(kind_of(200, b"<price-quotes>".to_vec()).0, ErrorKind::Parse);
        assert_eq!(kind_of(200, b"<other/>".to_vec()).0, ErrorKind::Parse);
    }
}
