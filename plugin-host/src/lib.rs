//! shipmux host (being built).
