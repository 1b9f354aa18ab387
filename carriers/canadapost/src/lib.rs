//! Canada Post plugin (being built).
