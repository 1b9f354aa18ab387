//! Checkouts, consignments and packing line items into parcels. Being built.
