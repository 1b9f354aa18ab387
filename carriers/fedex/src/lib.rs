//! shipmux adapter for fedex (being built).
