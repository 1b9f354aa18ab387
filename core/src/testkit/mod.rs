//! Test kit: TableCarrier, MockCarrier and the conformance suite every carrier runs. Being built.
