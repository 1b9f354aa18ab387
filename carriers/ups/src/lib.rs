//! shipmux adapter for ups (being built).
