//! End-to-end tests live in `tests/tests/`. This crate also compiles and runs the README's
//! Rust examples as doctests, so the README cannot drift from the code.
#![doc = include_str!("../../README.md")]
