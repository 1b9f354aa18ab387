//! Where a person follows a shipment: each carrier's public tracking page.

use crate::descriptor::CarrierDescriptor;
use crate::model::{CarrierId, TrackingNumber};

/// The public tracking page of `carrier` for `number`, when `carriers` describes one.
///
/// ```
/// use shipmux_core::{CarrierId, TrackingNumber};
/// use shipmux_core::orders::links::tracking_url_in;
///
/// let carriers = [&shipmux_usps::DESCRIPTOR];
/// let number = TrackingNumber::new("9400 1000 0000 0000 0000 00")?;
/// let url = tracking_url_in(&carriers, &CarrierId::from_static("usps"), &number);
/// assert_eq!(url.as_deref(), Some("https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"));
/// # Ok::<(), shipmux_core::Error>(())
/// ```
pub fn tracking_url_in(
    carriers: &[&CarrierDescriptor],
    carrier: &CarrierId,
    number: &TrackingNumber,
) -> Option<String> {
    carriers
        .iter()
        .find(|d| d.id == carrier.as_str())?
        .tracking_url(number)
}

/// [`tracking_url_in`] the carriers known to this process ([`crate::descriptor::known`]).
pub fn tracking_url(carrier: &CarrierId, number: &TrackingNumber) -> Option<String> {
    tracking_url_in(&crate::descriptor::known(), carrier, number)
}
