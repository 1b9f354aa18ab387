//! Orders, shipping addresses and shipments. Being built.
