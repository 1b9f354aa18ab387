//! What a Wasm plugin may import: the WASI interfaces the Rust standard library's
//! `wasm32-wasip2` output refers to, none of which is granted. A component importing
//! anything else (sockets, HTTP, a filesystem it could be given, an interface of its own) is
//! refused at load, naming the import.

/// Interfaces a component may import (any `0.2.x` version). Every one of their functions
/// traps when called: they are linked only because the standard library refers to them
/// (stdio for panic messages, the environment, exit), and a carrier never needs them.
pub const ALLOWED_IMPORTS: &[&str] = &[
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:clocks/wall-clock",
    "wasi:clocks/monotonic-clock",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:filesystem/types",
    "wasi:filesystem/preopens",
];

/// True when import `name` (e.g. `wasi:cli/stderr@0.2.6`) is on the allowlist.
pub fn is_allowed(name: &str) -> bool {
    let (interface, version) = name.split_once('@').unwrap_or((name, ""));
    ALLOWED_IMPORTS.contains(&interface) && (version.is_empty() || version.starts_with("0.2."))
}

/// The imports among `names` that are not allowed, in order.
pub fn forbidden<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names
        .into_iter()
        .filter(|name| !is_allowed(name))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_librarys_imports_are_allowed_and_sockets_are_not() {
        assert!(is_allowed("wasi:cli/stderr@0.2.6"));
        assert!(is_allowed("wasi:io/streams@0.2.0"));
        assert!(!is_allowed("wasi:sockets/tcp@0.2.6"));
        assert!(!is_allowed("wasi:http/outgoing-handler@0.2.6"));
        assert!(!is_allowed("wasi:cli/stderr@0.3.0"));
        assert!(!is_allowed("acme:spy/phone-home"));
        assert_eq!(
            forbidden(["wasi:io/poll@0.2.6", "wasi:sockets/network@0.2.6"]),
            vec!["wasi:sockets/network@0.2.6".to_string()]
        );
    }
}
