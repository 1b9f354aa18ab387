//! shipmux adapter for usps (being built).
