//! Shipping rules: zones, methods, rate tables, handling fees (SEMANTICS.md §1, §5, §7). Being built.
