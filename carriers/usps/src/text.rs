//! Text clean-up for USPS: HTML in names (`Priority Mail<SUP>&reg;</SUP>`) and entities
//! (docs/carriers/README.md). Event times and dates are the toolkit's
//! ([`shipmux_core::raw::time`]).

/// The toolkit's offset reader, named here for the sandbox's tracking answers.
pub use shipmux_core::raw::time::normalize_offset;

/// Strips the HTML USPS puts in names and text: `<SUP>…</SUP>` marks are dropped whole,
/// other tags removed, entities decoded, runs of spaces collapsed, ends trimmed. `None` when
/// nothing is left.
pub fn clean(raw: &str) -> Option<String> {
    // Entities first, so doubly escaped markup (`&lt;SUP&gt;`) becomes tags we can strip.
    let decoded = decode_entities(raw);
    let without_sup = remove_sup(&decoded);
    let mut out = String::with_capacity(without_sup.len());
    let mut rest = without_sup.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| starts_tag) {
            Some(gt) => rest = &after[gt + 1..],
            None => {
                // `<= $500` is text, not a tag.
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(collapsed).filter(|s| !s.is_empty())
}

/// Removes every `<sup>…</sup>` element (any case) with its content.
fn remove_sup(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<sup").map(|i| i + pos) {
        out.push_str(&s[pos..start]);
        match lower[start..].find("</sup>") {
            Some(end) => pos = start + end + "</sup>".len(),
            None => {
                // Unclosed: drop just the opening tag.
                pos = lower[start..].find('>').map_or(s.len(), |i| start + i + 1);
            }
        }
    }
    out.push_str(&s[pos..]);
    out
}

/// Decodes named (`&reg;`, `&amp;` …) and numeric (`&#174;`, `&#xAE;`) character references;
/// anything unknown is kept as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi > 0 && semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "reg" => '®',
        "trade" => '™',
        "copy" => '©',
        "ndash" => '–',
        "mdash" => '—',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_from_names() {
        assert_eq!(
            clean("Priority Mail<SUP>&reg;</SUP>").unwrap(),
            "Priority Mail"
        );
        assert_eq!(
            clean("USPS Ground Advantage<SUP>&#153;</SUP> ").unwrap(),
            "USPS Ground Advantage"
        );
        assert_eq!(
            clean("Priority Mail Express 1-Day&lt;sup&gt;&#8482;&lt;/sup&gt;").unwrap(),
            "Priority Mail Express 1-Day"
        );
        assert_eq!(clean("Media <b>Mail</b>").unwrap(), "Media Mail");
        assert_eq!(clean("Insurance &lt;= $500").unwrap(), "Insurance <= $500");
        assert_eq!(clean("Tom &amp; Jerry&apos;s").unwrap(), "Tom & Jerry's");
        assert_eq!(clean("  <SUP>x</SUP> "), None);
        assert_eq!(clean("a & b").unwrap(), "a & b");
    }
}
