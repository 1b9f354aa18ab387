//! A FedEx simulator on the sandbox kit (being built).
