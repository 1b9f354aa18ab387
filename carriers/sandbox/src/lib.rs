//! Sandbox kit (being built).
