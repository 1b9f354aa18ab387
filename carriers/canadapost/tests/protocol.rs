//! Canada Post protocol against our own fixtures in Canada Post's real XML format.

use shipmux_canadapost::{CanadaPost, CanadaPostProtocol, TrackingView};
use shipmux_core::{
    Address, CarrierProtocol, ChargeKind, Dimensions, ErrorKind, Exchange, HttpResponse,
    LengthUnit, Parcel, RateRequest, Status, Step, TrackingNumber, Weight,
};

fn protocol() -> CanadaPostProtocol {
    CanadaPost::builder()
        .username("user")
        .password("s3cret")
        .customer_number("2004381")
        .contract_id("42708517")
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap()
}

fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn request(to: Address) -> RateRequest {
    RateRequest::new(
        Address::new("CA", "k1a 0b1"),
        to,
        vec![
            Parcel::new(Weight::g(d("1234.5"))).with_dimensions(Dimensions::new(
                d("10.01"),
                d("3"),
                d("2.5"),
                LengthUnit::Cm,
            )),
        ],
    )
    .unwrap()
}

fn exchange(status: u16, body: &[u8]) -> Exchange {
    Exchange {
        round: 0,
        requests: vec![],
        responses: vec![HttpResponse::new(status, body.to_vec())],
    }
}

fn body_of(p: &CanadaPostProtocol, r: &RateRequest) -> String {
    let calls = p.build_rate(r).unwrap();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.url, "http://127.0.0.1:9/rs/ship/price");
    assert_eq!(
        call.header_value("Content-Type"),
        Some("application/vnd.cpc.ship.rate-v4+xml")
    );
    assert_eq!(
        call.header_value("Accept"),
        Some("application/vnd.cpc.ship.rate-v4+xml")
    );
    assert_eq!(
        call.header_value("Authorization"),
        Some("Basic dXNlcjpzM2NyZXQ=")
    );
    String::from_utf8(call.body.clone()).unwrap()
}

#[test]
fn domestic_request_rounds_weight_and_sides_up() {
    let p = protocol();
    let body = body_of(&p, &request(Address::new("CA", "H8Z 2V4")));
    for part in [
        r#"<mailing-scenario xmlns="http://www.canadapost.ca/ws/ship/rate-v4">"#,
        "<customer-number>2004381</customer-number><contract-id>42708517</contract-id>",
        "<quote-type>commercial</quote-type>",
        "<weight>1.235</weight>",
        "<length>10.1</length><width>3</width><height>2.5</height>",
        "<origin-postal-code>K1A0B1</origin-postal-code>",
        "<destination><domestic><postal-code>H8Z2V4</postal-code></domestic></destination>",
    ] {
        assert!(body.contains(part), "{part} missing in {body}");
    }
}

#[test]
fn us_and_international_destinations_take_their_shapes() {
    let p = protocol();
    let us = body_of(&p, &request(Address::new("US", "90210-1234")));
    assert!(
        us.contains("<united-states><zip-code>90210-1234</zip-code></united-states>"),
        "{us}"
    );
    let fr = body_of(
        &p,
        &request(Address::new("FR", "75001")).with_services(["INT.XP"]),
    );
    assert!(
        fr.contains("<international><country-code>FR</country-code><postal-code>75001</postal-code></international>"),
        "{fr}"
    );
    assert!(
        fr.contains("<services><service-code>INT.XP</service-code></services>"),
        "{fr}"
    );
}

#[test]
fn counter_quotes_without_a_customer_number() {
    let p = CanadaPost::builder()
        .username("u")
        .password("p")
        .build()
        .unwrap();
    let body = body_of_unauth(&p);
    assert!(body.contains("<quote-type>counter</quote-type>"), "{body}");
    assert!(!body.contains("customer-number"), "{body}");
}

fn body_of_unauth(p: &CanadaPostProtocol) -> String {
    let calls = p
        .build_rate(&request(Address::new("CA", "H8Z2V4")))
        .unwrap();
    String::from_utf8(calls[0].body.clone()).unwrap()
}

#[test]
fn origins_outside_canada_and_partial_postcodes_are_refused() {
    let p = protocol();
    let mut r = request(Address::new("CA", "H8Z2V4"));
    r.origin = Address::new("US", "90210");
    let e = p.build_rate(&r).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert!(e.message.starts_with("origin.country"), "{e}");
    let e = p
        .build_rate(&request(Address::new("CA", "H8Z")))
        .unwrap_err();
    assert!(e.message.starts_with("destination.postal_code"), "{e}");
    let mut heavy = request(Address::new("CA", "H8Z2V4"));
    heavy.parcels[0].weight = Weight::kg(d("100"));
    let e = p.build_rate(&heavy).unwrap_err();
    assert!(e.message.starts_with("parcels[0].weight"), "{e}");
}

#[test]
fn quotes_map_due_charges_and_service_standard() {
    let p = protocol();
    let r = request(Address::new("CA", "H8Z2V4"));
    let body = include_bytes!("fixtures/rates-commercial-on.xml");
    let Step::Done(rates) = p.parse_rate(&r, &exchange(200, body)).unwrap() else {
        panic!("one round")
    };
    assert_eq!(rates.len(), 2);
    let ep = &rates[0];
    assert_eq!(
        (ep.service.as_str(), ep.service_name.as_str()),
        ("DOM.EP", "Expedited Parcel")
    );
    assert_eq!(ep.total.amount.to_string(), "17.90");
    assert_eq!(ep.total.currency.as_str(), "CAD");
    assert_eq!(ep.list_total, None);
    let charges: Vec<(ChargeKind, Option<&str>, String)> = ep
        .charges
        .iter()
        .map(|c| (c.kind, c.code.as_deref(), c.amount.amount.to_string()))
        .collect();
    assert_eq!(
        charges,
        vec![
            (ChargeKind::Base, None, "14.20".into()),
            (ChargeKind::Surcharge, Some("SO"), "1.50".into()),
            (ChargeKind::Other, Some("AUTDISC"), "-0.43".into()),
            (ChargeKind::Fuel, Some("FUELSC"), "0.57".into()),
            (ChargeKind::Tax, Some("HST"), "2.06".into()),
        ]
    );
    assert_eq!(ep.transit_days, Some(2));
    assert_eq!(ep.estimated_delivery.unwrap().to_string(), "2026-11-24");
    assert!(ep.guaranteed);
    let tp = &rates[1];
    assert_eq!(tp.service_name, "Tracked Packet – USA & more");
    assert_eq!(tp.billed_weight, Some(Weight::kg(d("1.250"))));
    assert_eq!(
        (tp.transit_days, tp.estimated_delivery, tp.guaranteed),
        (None, None, false)
    );
}

#[test]
fn error_bodies_are_decided_by_code() {
    let p = protocol();
    let r = request(Address::new("CA", "H8Z2V4"));
    let e = p
        .parse_rate(
            &r,
            &exchange(
                401,
                b"<messages xmlns=\"http://www.canadapost.ca/ws/messages\"><message><code>E002</code><description>AAA Authentication Failure</description></message></messages>",
            ),
        )
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unauthenticated, Some("E002"))
    );
    let e = p
        .parse_rate(&r, &exchange(200, b"<price-quotes><price-quote>"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    let e = p
        .parse_rate(&r, &exchange(200, b"<price-quotes><price-quote><service-code>X</service-code><price-details><due>abc</due></price-details></price-quote></price-quotes>"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
}

#[test]
fn two_parcels_make_two_calls_and_one_summed_rate_per_service() {
    let p = protocol();
    let mut r = request(Address::new("CA", "H8Z2V4"));
    r.parcels.push(r.parcels[0].clone());
    assert_eq!(p.build_rate(&r).unwrap().len(), 2);
    let body = include_bytes!("fixtures/rates-commercial-on.xml").to_vec();
    let ex = Exchange {
        round: 0,
        requests: vec![],
        responses: vec![
            HttpResponse::new(200, body.clone()),
            HttpResponse::new(200, body),
        ],
    };
    let Step::Done(rates) = p.parse_rate(&r, &ex).unwrap() else {
        panic!()
    };
    assert_eq!(rates[0].total.amount.to_string(), "35.80");
    assert_eq!(rates[0].charges[0].amount.amount.to_string(), "28.40");
}

#[test]
fn detail_tracking_follows_the_normalization_rules() {
    let p = protocol();
    let n = TrackingNumber::new("7023210039414604").unwrap();
    let calls = p.build_track(std::slice::from_ref(&n)).unwrap();
    assert_eq!(
        calls[0].url,
        "http://127.0.0.1:9/vis/track/pin/7023210039414604/detail"
    );
    assert_eq!(
        calls[0].header_value("Accept"),
        Some("application/vnd.cpc.track-v2+xml")
    );
    let body = include_bytes!("fixtures/tracking-detail-delivered.xml");
    let results = p
        .parse_track(std::slice::from_ref(&n), &exchange(200, body))
        .unwrap();
    let t = results.into_iter().next().unwrap().unwrap();
    assert_eq!(t.status, Status::Delivered, "event 20 is skipped");
    assert_eq!(t.signed_by.as_deref(), Some("O'BRIEN"));
    assert_eq!(t.delivered_at.as_deref(), Some("2026-11-18T13:02:11-03:30"));
    assert_eq!(t.estimated_delivery.unwrap().to_string(), "2026-11-18");
    assert_eq!(t.events.len(), 4);
    assert_eq!(t.events[0].status, Status::Unknown);
    assert_eq!(t.events[2].code.as_deref(), Some("0174"));
    assert_eq!(t.events[2].location.city.as_deref(), Some("ST. JOHN'S"));
    assert_eq!(t.events[2].location.country, None);
    assert_eq!(
        t.events[3].time.as_deref(),
        Some("2026-11-15T10:00:00-05:00")
    );
}

#[test]
fn summary_tracking_and_unknown_pins() {
    let p = CanadaPost::builder()
        .username("u")
        .password("p")
        .tracking_view(TrackingView::Summary)
        .build()
        .unwrap();
    let n = TrackingNumber::new("123456789012").unwrap();
    let calls = p.build_track(std::slice::from_ref(&n)).unwrap();
    assert!(
        calls[0]
            .url
            .ends_with("/vis/track/pin/123456789012/summary"),
        "{}",
        calls[0].url
    );
    let body = include_bytes!("fixtures/tracking-summary.xml");
    let t = p
        .parse_track(std::slice::from_ref(&n), &exchange(200, body))
        .unwrap();
    let t = t[0].as_ref().unwrap();
    assert_eq!(t.status, Status::Unknown);
    assert_eq!(t.events[0].time.as_deref(), Some("2026-11-19T08:15:00"));
    assert_eq!(t.estimated_delivery.unwrap().to_string(), "2026-11-21");

    let missing = b"<messages xmlns=\"http://www.canadapost.ca/ws/track\"><message><code>004</code><description>No Pin History</description></message></messages>";
    let t = p
        .parse_track(std::slice::from_ref(&n), &exchange(404, missing))
        .unwrap();
    assert_eq!(t[0].as_ref().unwrap_err().kind, ErrorKind::NotFound);
    let e = p
        .build_track(&[TrackingNumber::new("1Z999").unwrap()])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
}

#[test]
fn debug_never_shows_the_key_pair() {
    let p = protocol();
    let s = format!(
        "{p:?} {:?}",
        p.build_rate(&request(Address::new("CA", "H8Z2V4")))
            .unwrap()
    );
    assert!(
        !s.contains("s3cret") && !s.contains("dXNlcjpzM2NyZXQ"),
        "{s}"
    );
}
