//! The protocol without a network: request bytes pinned for a domestic and an international
//! quote, the look-ups and tracking URLs, and answers shaped like DHL's published examples
//! (our own values) read into rates, tracking and errors.

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::orders::tracking_number::Verdict;
use shipmux_core::{
    Address, CarrierProtocol, Charge, ChargeKind, Dimensions, ErrorKind, Exchange, HttpRequest,
    HttpResponse, LengthUnit, Location, Money, Parcel, RateRequest, Status, Step, TrackingNumber,
    Weight,
};
use shipmux_dhlexpress::{DESCRIPTOR, DhlExpress, DhlExpressProtocol, WAYBILL};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn dhl() -> DhlExpressProtocol {
    DhlExpress::builder()
        .username("user")
        .password("pass")
        .account_number("123456789")
        .build()
        .unwrap()
}

fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
    r.header_value(name)
}

#[test]
fn a_domestic_rate_request_is_pinned() {
    let mut origin = Address::new("DE", "53113").with_city("Bonn");
    origin.lines = vec!["Charles-de-Gaulle-Str. 20".into()];
    let request = RateRequest::new(
        origin,
        Address::new("DE", "20095").with_city("Hamburg"),
        vec![
            Parcel::new(Weight::kg(d("4"))).with_dimensions(Dimensions::new(
                d("40"),
                d("30"),
                d("15"),
                LengthUnit::Cm,
            )),
        ],
    )
    .unwrap()
    .with_ship_date("2026-12-01".parse().unwrap());
    let calls = dhl().build_rate(&request).unwrap();
    assert_eq!(calls.len(), 1);
    let r = &calls[0];
    assert_eq!(r.url, "https://express.api.dhl.com/mydhlapi/test/rates");
    assert_eq!(header(r, "Authorization"), Some("Basic dXNlcjpwYXNz"));
    assert_eq!(header(r, "x-version"), Some("3.3.1"));
    assert_eq!(header(r, "Accept"), Some("application/json"));
    assert_eq!(header(r, "Content-Type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        concat!(
            r#"{"customerDetails":{"shipperDetails":{"postalCode":"53113","cityName":"Bonn","countryCode":"DE","addressLine1":"Charles-de-Gaulle-Str. 20"},"#,
            r#""receiverDetails":{"postalCode":"20095","cityName":"Hamburg","countryCode":"DE"}},"#,
            r#""accounts":[{"typeCode":"shipper","number":"123456789"}],"#,
            r#""plannedShippingDateAndTime":"2026-12-01T10:00:00 GMT+00:00","unitOfMeasurement":"metric","#,
            r#""isCustomsDeclarable":false,"nextBusinessDay":true,"#,
            r#""packages":[{"weight":4,"dimensions":{"length":40,"width":30,"height":15}}]}"#
        )
    );
    // The password never shows in Debug.
    assert!(!format!("{r:?}").contains("dXNlcjpwYXNz"));
}

#[test]
fn an_international_rate_request_is_pinned() {
    let request = RateRequest::new(
        Address::new("US", "10001")
            .with_city("New York")
            .with_region("NY"),
        Address::new("GB", "SW1A 1AA").with_city("London"),
        vec![
            Parcel::new(Weight::lb(d("2.5")))
                .with_dimensions(Dimensions::inches(d("12.4"), d("10"), d("8")))
                .with_declared_value(Money::parse("120.00", "USD").unwrap()),
            Parcel::new(Weight::oz(d("4.8"))).with_dimensions(Dimensions::inches(
                d("6"),
                d("4"),
                d("2"),
            )),
        ],
    )
    .unwrap()
    .with_ship_date("2026-12-02".parse().unwrap());
    let calls = dhl().build_rate(&request).unwrap();
    assert_eq!(
        String::from_utf8(calls[0].body.clone()).unwrap(),
        concat!(
            r#"{"customerDetails":{"shipperDetails":{"postalCode":"10001","cityName":"New York","countryCode":"US","provinceCode":"NY"},"#,
            r#""receiverDetails":{"postalCode":"SW1A 1AA","cityName":"London","countryCode":"GB"}},"#,
            r#""accounts":[{"typeCode":"shipper","number":"123456789"}],"#,
            r#""plannedShippingDateAndTime":"2026-12-02T10:00:00 GMT+00:00","unitOfMeasurement":"imperial","#,
            r#""isCustomsDeclarable":true,"monetaryAmount":[{"typeCode":"declaredValue","value":120,"currency":"USD"}],"#,
            r#""nextBusinessDay":true,"#,
            r#""packages":[{"weight":2.5,"dimensions":{"length":12.4,"width":10,"height":8}},"#,
            r#"{"weight":0.3,"dimensions":{"length":6,"width":4,"height":2}}]}"#
        )
    );
    // Within the EU, a shipment abroad is not customs-declarable.
    let eu = RateRequest {
        destination: Address::new("FR", "75001").with_city("Paris"),
        origin: Address::new("DE", "53113").with_city("Bonn"),
        ..request
    };
    let body: serde_json::Value =
        serde_json::from_slice(&dhl().build_rate(&eu).unwrap()[0].body).unwrap();
    assert_eq!(body["isCustomsDeclarable"], false);
}

#[test]
fn missing_cities_and_dates_are_looked_up_first() {
    let request = RateRequest::new(
        Address::new("DE", "53113"),
        Address::new("CH", "8001").with_city("Zürich"),
        vec![
            Parcel::new(Weight::kg(d("1"))).with_dimensions(Dimensions::new(
                d("10"),
                d("10"),
                d("10"),
                LengthUnit::Cm,
            )),
        ],
    )
    .unwrap();
    let p = dhl();
    let calls = p.build_rate(&request).unwrap();
    let urls: Vec<&str> = calls.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://express.api.dhl.com/mydhlapi/test/address-validate?type=pickup&countryCode=DE&postalCode=53113&strictValidation=false"
        ]
    );
    assert_eq!(header(&calls[0], "x-version"), Some("3.3.1"));
    // The answer names the city and the offset; its Date header gives today.
    let answer = HttpResponse::new(
        200,
        r#"{"address":[{"countryCode":"DE","postalCode":"53113","cityName":"BONN","serviceArea":{"code":"BNJ","description":"BONN-DE","GMTOffset":"+01:00"}}]}"#,
    )
    .with_header("Date", "Fri, 04 Dec 2026 23:30:00 GMT");
    let exchange = Exchange {
        round: 0,
        requests: calls,
        responses: vec![answer],
    };
    let Step::Next(next) = p.parse_rate(&request, &exchange).unwrap() else {
        panic!("a rate call follows the look-up");
    };
    let body: serde_json::Value = serde_json::from_slice(&next[0].body).unwrap();
    // 23:30 GMT on Friday is Saturday in Bonn: the next business day is Monday.
    assert_eq!(
        body["plannedShippingDateAndTime"],
        "2026-12-07T10:00:00 GMT+01:00"
    );
    assert_eq!(
        body["customerDetails"]["shipperDetails"]["cityName"],
        "BONN"
    );
    assert_eq!(
        body["customerDetails"]["receiverDetails"]["cityName"],
        "Zürich"
    );

    // A look-up that finds nothing where a city is needed is the caller's to mend.
    let nothing = Exchange {
        round: 0,
        requests: p.build_rate(&request).unwrap(),
        responses: vec![
            HttpResponse::new(200, r#"{"address":[]}"#)
                .with_header("Date", "Fri, 04 Dec 2026 10:00:00 GMT"),
        ],
    };
    let e = p.parse_rate(&request, &nothing).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    assert!(e.message.starts_with("origin.city"), "{e}");
    // A look-up refused for the credentials is that refusal.
    let refused = Exchange {
        round: 0,
        requests: p.build_rate(&request).unwrap(),
        responses: vec![HttpResponse::new(
            401,
            r#"{"title":"Unauthorized","status":"401"}"#,
        )],
    };
    assert_eq!(
        p.parse_rate(&request, &refused).unwrap_err().kind,
        ErrorKind::Unauthenticated
    );
}

/// The shape of DHL's published multi-currency example, with our own numbers.
const RATES: &str = r#"{
  "products": [
    {
      "productName": "EXPRESS WORLDWIDE NONDOC ",
      "productCode": "P",
      "localProductCode": "P",
      "networkTypeCode": "TD",
      "weight": {"volumetric": 2.40, "provided": 2.25, "unitOfMeasurement": "metric"},
      "totalPrice": [
        {"currencyType": "BASEC", "priceCurrency": "EUR", "price": 227.27},
        {"currencyType": "BILLC", "priceCurrency": "CHF", "price": 212.40},
        {"currencyType": "PULCL", "priceCurrency": "CHF", "price": 212.40}
      ],
      "totalPriceBreakdown": [
        {"currencyType": "BILLC", "priceCurrency": "CHF", "priceBreakdown": [{"typeCode": "SPRQT", "price": 180}]}
      ],
      "detailedPriceBreakdown": [
        {"currencyType": "BASEC", "priceCurrency": "EUR", "breakdown": [{"name": "EXPRESS WORLDWIDE", "price": 192.6}]},
        {"currencyType": "BILLC", "priceCurrency": "CHF", "breakdown": [
          {"name": "EXPRESS WORLDWIDE", "price": 180.00, "priceBreakdown": [{"priceType": "TAX", "typeCode": "All Bu", "price": 0, "rate": 0, "basePrice": 180}]},
          {"name": "EMERGENCY SITUATION", "serviceCode": "CR", "serviceTypeCode": "SCH", "price": 0.35},
          {"name": "FUEL SURCHARGE", "serviceCode": "FF", "serviceTypeCode": "SCH", "price": 32.05},
          {"name": "SATURDAY DELIVERY", "serviceCode": "AA", "serviceTypeCode": "XCH"},
          {"name": "SHIPMENT INSURANCE", "serviceCode": "II", "serviceTypeCode": "XCH", "price": 0}
        ]}
      ],
      "deliveryCapabilities": {"deliveryTypeCode": "QDDC", "estimatedDeliveryDateAndTime": "2026-12-08T23:59:00", "totalTransitDays": 4},
      "pricingDate": "2026-12-03"
    },
    {
      "productName": "EXPRESS DOMESTIC 12:00",
      "productCode": "1",
      "weight": {"volumetric": 5, "provided": 5, "unitOfMeasurement": "imperial"},
      "totalPrice": [
        {"currencyType": "BILLC", "priceCurrency": "EUR", "price": 28.56},
        {"currencyType": "PULCL", "price": 0},
        {"currencyType": "BASEC", "price": 0}
      ],
      "detailedPriceBreakdown": [
        {"currencyType": "BILLC", "priceCurrency": "EUR", "breakdown": [
          {"name": "EXPRESS DOMESTIC 12:00", "price": 23.80, "priceBreakdown": [{"priceType": "TAX", "typeCode": "DEFAUL", "price": 3.80, "rate": 19, "basePrice": 20.00}]},
          {"name": "FUEL SURCHARGE", "serviceCode": "FF", "price": 4.76, "priceBreakdown": [{"priceType": "DISCOUNT", "typeCode": "P", "price": 1}, {"priceType": "TAX", "typeCode": "DEFAUL", "price": 0.76, "rate": 19}]}
        ]}
      ]
    },
    {
      "productName": "EXPRESS EASY DOC",
      "productCode": "7",
      "totalPrice": [{"currencyType": "BILLC", "price": 0}, {"currencyType": "PULCL", "price": 0}, {"currencyType": "BASEC", "price": 0}],
      "detailedPriceBreakdown": []
    },
    {
      "productName": "",
      "productCode": "Y",
      "totalPrice": [{"currencyType": "BILLC", "priceCurrency": "USD", "price": 0}, {"currencyType": "PULCL", "priceCurrency": "USD", "price": 75.50}],
      "detailedPriceBreakdown": [
        {"priceCurrency": "USD", "breakdown": [
          {"name": "EXPRESS 12:00", "price": 65.5, "priceBreakdown": [{"priceType": "TAX", "typeCode": "VAT", "price": 10, "basePrice": 65.5}]}
        ]}
      ]
    }
  ],
  "exchangeRates": [{"currentExchangeRate": 1.07, "currency": "CHF", "baseCurrency": "EUR"}]
}"#;

fn charge(kind: ChargeKind, code: Option<&str>, amount: &str, currency: &str) -> Charge {
    Charge {
        kind,
        code: code.map(str::to_string),
        amount: Money::parse(amount, currency).unwrap(),
    }
}

#[test]
fn rates_follow_the_normalization() {
    let rates = shipmux_dhlexpress::parse_rate_response(&HttpResponse::new(200, RATES)).unwrap();
    let codes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(
        codes,
        ["P", "1", "Y"],
        "the zero-priced product gives no rate"
    );

    let p = &rates[0];
    assert_eq!(p.service_name, "EXPRESS WORLDWIDE NONDOC");
    // BILLC wins wherever it stands; its amount is as written.
    assert_eq!(p.total, Money::parse("212.40", "CHF").unwrap());
    assert_eq!(p.total.amount.to_string(), "212.40");
    assert_eq!(p.list_total, None);
    assert_eq!(
        p.charges,
        [
            charge(ChargeKind::Base, None, "180.00", "CHF"),
            charge(ChargeKind::Surcharge, Some("CR"), "0.35", "CHF"),
            charge(ChargeKind::Fuel, Some("FF"), "32.05", "CHF"),
        ]
    );
    assert_eq!(p.transit_days, Some(4));
    assert_eq!(p.estimated_delivery, Some("2026-12-08".parse().unwrap()));
    assert!(!p.guaranteed);
    assert_eq!(p.billed_weight, Some(Weight::kg(d("2.40"))));
    assert_eq!(p.billed_weight.unwrap().value.to_string(), "2.40");

    // Tax inside the row: the net from basePrice, then the tax; a tax without basePrice
    // leaves the row price less the tax. DISCOUNT entries are ignored.
    let domestic = &rates[1];
    assert_eq!(
        domestic.charges,
        [
            charge(ChargeKind::Base, None, "20.00", "EUR"),
            charge(ChargeKind::Tax, Some("DEFAUL"), "3.80", "EUR"),
            charge(ChargeKind::Fuel, Some("FF"), "4.00", "EUR"),
            charge(ChargeKind::Tax, Some("DEFAUL"), "0.76", "EUR"),
        ]
    );
    assert_eq!(
        domestic.billed_weight,
        Some(Weight::lb(d("5"))),
        "a tie is provided"
    );
    assert_eq!(domestic.transit_days, None);

    // BILLC at zero falls back to PULCL; a block without currencyType matches by currency;
    // a tax on top of the row keeps basePrice as the net; no name → our table.
    let y = &rates[2];
    assert_eq!(y.service_name, "EXPRESS 12:00");
    assert_eq!(y.total, Money::parse("75.50", "USD").unwrap());
    assert_eq!(
        y.charges,
        [
            charge(ChargeKind::Base, None, "65.5", "USD"),
            charge(ChargeKind::Tax, Some("VAT"), "10", "USD"),
        ]
    );
    assert_eq!(y.billed_weight, None);

    let empty =
        shipmux_dhlexpress::parse_rate_response(&HttpResponse::new(200, r#"{"products": []}"#))
            .unwrap();
    assert!(
        empty.is_empty(),
        "no priced product is an empty list, not an error"
    );
    for body in ["{}", "null", "[]", r#"{"products": {}}"#] {
        let e = shipmux_dhlexpress::parse_rate_response(&HttpResponse::new(200, body)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse, "{body}");
    }
}

/// The shape of DHL's published tracking example (oldest event first), with our own values.
const TRACKING: &str = r#"{
  "shipments": [
    {
      "shipmentTrackingNumber": 3436501003,
      "status": "Success",
      "shipmentTimestamp": "2026-11-16T09:12:40",
      "productCode": "P",
      "estimatedDeliveryDate": "2026-11-19T23:59:00",
      "events": [
        {"date": "2026-11-16", "time": "09:40:11", "typeCode": "PU", "description": "Shipment picked up", "serviceArea": [{"code": "ZRH", "description": "Zurich-CH"}]},
        {"date": "2026-11-16", "time": "22:05:00", "typeCode": "RW", "description": "Shipment re-weighed", "serviceArea": [{"code": "ZRH", "description": "Zurich-CH"}]},
        {"date": "2026-11-17", "time": "03:15:59", "typeCode": "RR", "description": "Customs status updated ", "serviceArea": [{"code": "LEJ", "description": "LEIPZIG-DE"}]},
        {"date": "2026-11-18", "time": "07:01:00", "typeCode": "WC", "description": "Shipment is out with courier for delivery", "serviceArea": [{"code": "LCY", "description": "London Heathrow"}]},
        {"date": "2026-11-18", "time": "13:44:02", "typeCode": "OK", "description": "Delivered  - Signed for by : J DOE", "serviceArea": [{"code": "LCY", "description": "LONDON-GB"}], "signedBy": " J DOE "},
        {"date": "2026-11-18", "time": "13:50:00", "typeCode": "IA", "description": "Image available"}
      ]
    },
    {"shipmentTrackingNumber": "4818240420", "status": "Success", "events": []}
  ]
}"#;

#[test]
fn tracking_follows_the_normalization() {
    let n = TrackingNumber::new("3436501003").unwrap();
    let t =
        shipmux_dhlexpress::track::parse_response(&n, &HttpResponse::new(200, TRACKING)).unwrap();
    assert_eq!(
        t.tracking_number, "3436501003",
        "a JSON number becomes its digits"
    );
    let codes: Vec<&str> = t.events.iter().filter_map(|e| e.code.as_deref()).collect();
    assert_eq!(
        codes,
        ["IA", "OK", "WC", "RR", "RW", "PU"],
        "reversed: newest first"
    );
    assert_eq!(
        t.status,
        Status::Delivered,
        "the newest event with a known status"
    );
    assert_eq!(t.events[0].status, Status::Unknown);
    assert_eq!(t.delivered_at.as_deref(), Some("2026-11-18T13:44:02"));
    assert_eq!(t.signed_by.as_deref(), Some("J DOE"));
    assert_eq!(t.estimated_delivery, Some("2026-11-19".parse().unwrap()));
    assert_eq!(
        t.events[3].description.as_deref(),
        Some("Customs status updated")
    );
    assert_eq!(
        t.events[1].description.as_deref(),
        Some("Delivered  - Signed for by : J DOE"),
        "inner double spaces are kept"
    );
    assert_eq!(
        t.events[1].location,
        Location {
            city: Some("LONDON".into()),
            country: Some("GB".into()),
            ..Location::default()
        }
    );
    assert_eq!(
        t.events[2].location.city.as_deref(),
        Some("London Heathrow")
    );
    assert_eq!(t.events[2].location.country, None);
    assert_eq!(t.events[5].location.city.as_deref(), Some("Zurich"));
    assert_eq!(t.events[0].location, Location::default());

    let quiet = TrackingNumber::new("4818240420").unwrap();
    let t = shipmux_dhlexpress::track::parse_response(&quiet, &HttpResponse::new(200, TRACKING))
        .unwrap();
    assert_eq!((t.status, t.events.len()), (Status::PreTransit, 0));

    let missing = TrackingNumber::new("5584773180").unwrap();
    let e = shipmux_dhlexpress::track::parse_response(&missing, &HttpResponse::new(200, TRACKING))
        .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::NotFound, None));
    let e = shipmux_dhlexpress::track::parse_response(&missing, &HttpResponse::new(200, "{}"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse, "not a tracking answer");
}

#[test]
fn tracking_requests_batch_waybills_and_pieces_separately() {
    let numbers: Vec<TrackingNumber> = ["9356579890", "JD014600009356579890", "4818240420"]
        .iter()
        .map(|n| TrackingNumber::new(n).unwrap())
        .collect();
    let p = dhl();
    let calls = p.build_track(&numbers).unwrap();
    let urls: Vec<&str> = calls.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://express.api.dhl.com/mydhlapi/test/tracking?shipmentTrackingNumber=9356579890&shipmentTrackingNumber=4818240420&trackingView=all-checkpoints&levelOfDetail=shipment",
            "https://express.api.dhl.com/mydhlapi/test/tracking?pieceTrackingNumber=JD014600009356579890&trackingView=all-checkpoints&levelOfDetail=all",
        ]
    );
    assert_eq!(header(&calls[0], "Accept-Language"), Some("eng"));
    assert_eq!(p.track_batch_size(), 200);
    let too_many: Vec<TrackingNumber> = (0..201)
        .map(|i| TrackingNumber::new(&format!("{:09}{}", i, i % 7)).unwrap())
        .collect();
    assert_eq!(
        p.build_track(&too_many).unwrap_err().kind,
        ErrorKind::InvalidRequest
    );
}

#[test]
fn errors_map_from_the_status_with_dhls_code() {
    let cases = [
        (
            400,
            r#"{"instance":"/expressapi/rates","detail":"998: The account number is not found or invalid.","title":"Bad request","message":"Bad request","status":"400"}"#,
            ErrorKind::Rejected,
            Some("998"),
            false,
        ),
        (
            404,
            r#"{"instance":"/expressapi/tracking","detail":"No data found","title":"Not data found","status":"404"}"#,
            ErrorKind::NotFound,
            Some("404"),
            false,
        ),
        (
            500,
            r#"{"detail":"999: Process failure occurred.","title":"Internal Server Error","code":"500"}"#,
            ErrorKind::Unavailable,
            Some("999"),
            true,
        ),
        (
            422,
            r##"{"detail":"Multiple problems found","additionalDetails":["#/x: bad"],"status":"422"}"##,
            ErrorKind::Rejected,
            Some("422"),
            false,
        ),
        (401, "", ErrorKind::Unauthenticated, Some("401"), false),
    ];
    for (status, body, kind, code, retryable) in cases {
        let e = shipmux_dhlexpress::parse_error_response(&HttpResponse::new(status, body));
        assert_eq!(
            (e.kind, e.code.as_deref(), e.retryable),
            (kind, code, retryable),
            "{status} {body}"
        );
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("dhlexpress"));
    }
}

#[test]
fn waybill_check_digits_are_mod_7() {
    assert_eq!(WAYBILL.examine("9356579890"), Some(Verdict::Valid));
    assert_eq!(WAYBILL.examine("3436501003"), Some(Verdict::Valid));
    assert_eq!(
        WAYBILL.examine("3436501004"),
        Some(Verdict::WrongCheckDigit {
            expected: 3,
            found: 4
        })
    );
    assert_eq!(WAYBILL.examine("343650100"), None);
    assert!(DESCRIPTOR.tracking.formats.contains(&WAYBILL));
    let url = DESCRIPTOR
        .tracking_url(&TrackingNumber::new("9356579890").unwrap())
        .unwrap();
    assert!(url.ends_with("tracking-id=9356579890"), "{url}");
    // 5,000 cm³ per kg is 138.4 in³ per lb; the rule rounds to 139.
    assert_eq!(DESCRIPTOR.dim_weight.unwrap().divisor, d("139"));
}
