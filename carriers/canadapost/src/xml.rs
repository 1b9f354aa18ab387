//! A small read-only XML tree over quick-xml, and a writer helper.
//!
//! Canada Post's answers carry a default namespace that changes with the version (rate,
//! rate-v4, track, track-v2, messages), children come in any order (`xsd:all`), and unknown
//! elements appear; so the parsers look elements up by *local name* in a tree rather than
//! deserializing into fixed structs. Entities and character references are decoded.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, BytesText, Event};
use shipmux_core::{Error, Result};

/// Deepest nesting accepted; Canada Post's documents are about five levels deep.
const MAX_DEPTH: usize = 64;

/// One element: its local name, attributes, text and children. Names and text borrow from
/// the document when they can (no entity or line ending to rewrite), so reading a document
/// allocates little more than the tree's own vectors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element<'a> {
    /// Local name (namespace prefix dropped).
    pub name: Cow<'a, str>,
    /// Attributes by local name, values decoded.
    pub attributes: Vec<(String, String)>,
    /// Text directly inside, decoded; untrimmed, except that whitespace-only runs before
    /// any other text (indentation before a first child) are dropped.
    pub text: Cow<'a, str>,
    /// Child elements in document order.
    pub children: Vec<Element<'a>>,
}

impl<'a> Element<'a> {
    /// Parses a document and returns its root element.
    pub fn parse(bytes: &'a [u8]) -> Result<Element<'a>> {
        let mut reader = Reader::from_reader(bytes);
        let mut stack: Vec<Element<'a>> = Vec::with_capacity(8);
        let mut root: Option<Element<'a>> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| Error::parse(format!("not well-formed XML: {e}")))?;
            match event {
                Event::Start(start) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(Error::parse("XML nested too deeply"));
                    }
                    stack.push(open(bytes, &start)?);
                }
                Event::Empty(start) => {
                    let element = open(bytes, &start)?;
                    attach(&mut stack, &mut root, element)?;
                }
                Event::End(_) => {
                    let element = stack
                        .pop()
                        .ok_or_else(|| Error::parse("XML closes an element it never opened"))?;
                    attach(&mut stack, &mut root, element)?;
                }
                Event::Text(text) => {
                    if let Some(current) = stack.last_mut() {
                        let text = text
                            .xml_content()
                            .map_err(|e| Error::parse(format!("XML text is not UTF-8: {e}")))?;
                        current.push_text(text);
                    }
                }
                Event::CData(data) => {
                    if let Some(current) = stack.last_mut() {
                        let text = data
                            .decode()
                            .map_err(|e| Error::parse(format!("XML CDATA is not UTF-8: {e}")))?;
                        current.push_text(text);
                    }
                }
                Event::GeneralRef(reference) => {
                    if let Some(current) = stack.last_mut() {
                        let name = reference.decode().map_err(|e| {
                            Error::parse(format!("XML reference is not UTF-8: {e}"))
                        })?;
                        if let Some(c) = reference
                            .resolve_char_ref()
                            .map_err(|e| Error::parse(format!("bad character reference: {e}")))?
                        {
                            current.text.to_mut().push(c);
                        } else if let Some(s) = resolve_predefined_entity(&name) {
                            current.text.to_mut().push_str(s);
                        } else {
                            return Err(Error::parse(format!("unknown XML entity `&{name};`")));
                        }
                    }
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if !stack.is_empty() {
            return Err(Error::parse("XML ends before its elements are closed"));
        }
        root.ok_or_else(|| Error::parse("no XML element in the body"))
    }

    /// Appends a run of text; whitespace-only runs before any text are dropped, so parents'
    /// indentation costs nothing.
    fn push_text(&mut self, text: Cow<'a, str>) {
        if !self.text.is_empty() {
            self.text.to_mut().push_str(&text);
        } else if !text.trim().is_empty() {
            self.text = text;
        }
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text, `None` when empty.
    pub fn text(&self) -> Option<&str> {
        let t = self.text.trim();
        (!t.is_empty()).then_some(t)
    }

    /// The trimmed text of the first child `name`, `None` when absent or empty.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(Element::text)
    }
}

/// `part` borrowed from `document` when it lies inside it: the reader's events borrow the
/// document, but quick-xml hands out element names tied to the event, not the document.
fn within<'a>(document: &'a [u8], part: &[u8]) -> Option<&'a [u8]> {
    let start = (part.as_ptr() as usize).checked_sub(document.as_ptr() as usize)?;
    document.get(start..start.checked_add(part.len())?)
}

fn open<'a>(document: &'a [u8], start: &BytesStart<'_>) -> Result<Element<'a>> {
    let local = start.local_name();
    let name = match within(document, local.as_ref()).map(std::str::from_utf8) {
        Some(Ok(name)) => Cow::Borrowed(name),
        _ => Cow::Owned(String::from_utf8_lossy(local.as_ref()).into_owned()),
    };
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|e| Error::parse(format!("bad XML attribute in <{name}>: {e}")))?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|e| Error::parse(format!("bad XML attribute value in <{name}>: {e}")))?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

fn attach<'a>(
    stack: &mut [Element<'a>],
    root: &mut Option<Element<'a>>,
    element: Element<'a>,
) -> Result<()> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(Error::parse("XML has more than one root element")),
    }
    Ok(())
}

/// Writes `<name>text</name>` with the text escaped.
pub fn write_text(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) -> Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(text))
        .map(|_| ())
        .map_err(|e| Error::parse(format!("cannot write XML: {e}")))
}

/// Writes `<name>…</name>` with children written by `inner`.
pub fn write_parent(
    writer: &mut Writer<Vec<u8>>,
    name: &str,
    inner: impl FnOnce(&mut Writer<Vec<u8>>) -> Result<()>,
) -> Result<()> {
    let mut result = Ok(());
    writer
        .create_element(name)
        .write_inner_content(|w| {
            result = inner(w);
            Ok::<(), std::io::Error>(())
        })
        .map_err(|e| Error::parse(format!("cannot write XML: {e}")))?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_entities_and_empty_elements() {
        let doc = br#" <?xml version="1.0"?>
<ns:root xmlns:ns="urn:x"><ns:a>Tracked Packet &#8211; USA &amp; more&apos;s &#x2122;</ns:a><b/><c></c>
<d k="v&amp;w">  x  </d></ns:root>"#;
        let root = Element::parse(doc).unwrap();
        assert_eq!(root.name, "root");
        assert_eq!(
            root.child_text("a"),
            Some("Tracked Packet – USA & more's ™")
        );
        assert_eq!(root.child_text("b"), None);
        assert_eq!(root.child_text("c"), None);
        assert_eq!(root.child_text("d"), Some("x"));
        assert_eq!(
            root.child("d").unwrap().attributes[0],
            ("k".into(), "v&w".into())
        );
    }

    #[test]
    fn broken_documents_are_parse_errors() {
        for doc in [
            &b""[..],
            b"<a>",
            b"<a></b>",
            b"<a>&nbsp;</a>",
            b"<a/><b/>",
            b"not xml",
        ] {
            let e = Element::parse(doc).unwrap_err();
            assert_eq!(e.kind, shipmux_core::ErrorKind::Parse, "{doc:?}");
        }
    }

    #[test]
    fn writer_escapes_text() {
        let mut w = Writer::new(Vec::new());
        write_parent(&mut w, "p", |w| write_text(w, "c", "a<b&c")).unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner()).unwrap(),
            "<p><c>a&lt;b&amp;c</c></p>"
        );
    }
}
