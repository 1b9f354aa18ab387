//! Where a person follows a shipment: each carrier's public tracking page.

use crate::model::{CarrierId, TrackingNumber};

/// The carrier's public tracking page for `number`, for the carriers shipmux knows (`ups`,
/// `fedex`, `usps`, `canadapost`); `None` for others.
///
/// ```
/// use shipmux_core::{CarrierId, TrackingNumber};
/// use shipmux_core::orders::tracking_url;
///
/// let url = tracking_url(&CarrierId::from_static("usps"), &TrackingNumber::new("9400 1000 0000 0000 0000 00")?);
/// assert_eq!(url.as_deref(), Some("https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"));
/// # Ok::<(), shipmux_core::Error>(())
/// ```
pub fn tracking_url(carrier: &CarrierId, number: &TrackingNumber) -> Option<String> {
    // Tracking numbers are letters and digits only, so they need no escaping.
    let template = match carrier.as_str() {
        "ups" => "https://www.ups.com/track?loc=en_US&tracknum=",
        "fedex" => "https://www.fedex.com/fedextrack/?trknbr=",
        "usps" => "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
        "canadapost" => {
            "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor="
        }
        _ => return None,
    };
    Some(format!("{template}{number}"))
}
