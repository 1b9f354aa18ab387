//! The FedEx protocol offline: what it sends, and how it reads FedEx's rate and tracking
//! answers, on our own FedEx-format fixtures (docs/carriers/fedex.md).

mod common;

mod build {
    //! What the FedEx protocol sends: paths, headers and bodies of the contract.

    use std::str::FromStr;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use serde_json::Value;
    use shipmux_core::{
        Address, Auth, CarrierProtocol, Dimensions, ErrorKind, LengthUnit, Money, Parcel,
        RateRequest, TrackingNumber, Weight,
    };

    use crate::common::fedex;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn body(request: &shipmux_core::HttpRequest) -> Value {
        serde_json::from_slice(&request.body).unwrap()
    }

    fn domestic(parcels: Vec<Parcel>) -> RateRequest {
        let mut to = Address::new("US", "10001")
            .with_region("ny")
            .residential(true);
        to.lines = vec!["350 5th Ave".into(), " ".into()];
        RateRequest::new(Address::new("US", "38017").with_region("TN"), to, parcels).unwrap()
    }

    #[test]
    fn rate_request_carries_what_fedex_needs() {
        let parcel = Parcel::new(Weight::lb(d("2.54")))
            .with_dimensions(Dimensions::inches(d("12"), d("8.2"), d("6")))
            .with_declared_value(Money::parse("50.00", "USD").unwrap());
        let request = domestic(vec![parcel.clone(), parcel])
            .with_ship_date(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        let http = fedex().build_rate(&request).unwrap();
        assert_eq!(http.len(), 1);
        assert_eq!(http[0].url, "http://127.0.0.1:9/rate/v1/rates/quotes");
        assert_eq!(
            http[0].header_value("content-type"),
            Some("application/json")
        );
        let b = body(&http[0]);
        assert_eq!(b["accountNumber"]["value"], "740561073");
        assert_eq!(
            b["rateRequestControlParameters"]["returnTransitTimes"],
            true
        );
        let s = &b["requestedShipment"];
        assert_eq!(s["rateRequestType"], serde_json::json!(["ACCOUNT", "LIST"]));
        assert_eq!(s["pickupType"], "DROPOFF_AT_FEDEX_LOCATION");
        assert_eq!(s["packagingType"], "YOUR_PACKAGING");
        assert_eq!(s["shipDateStamp"], "2026-11-25");
        assert_eq!(s["totalPackageCount"], 2);
        assert!(s.get("serviceType").is_none());
        assert_eq!(s["recipient"]["address"]["residential"], true);
        assert_eq!(s["recipient"]["address"]["stateOrProvinceCode"], "NY");
        assert_eq!(
            s["recipient"]["address"]["streetLines"],
            serde_json::json!(["350 5th Ave"])
        );
        assert!(s["shipper"]["address"].get("residential").is_none());
        let item = &s["requestedPackageLineItems"][1];
        // 2.54 lb rounds up to 2.6; 8.2 in up to 9; numbers, not strings.
        assert_eq!(item["weight"]["value"].to_string(), "2.6");
        assert_eq!(item["weight"]["units"], "LB");
        assert_eq!(item["dimensions"]["width"].to_string(), "9");
        assert_eq!(item["dimensions"]["units"], "IN");
        assert_eq!(item["declaredValue"]["amount"].to_string(), "50.00");
    }

    #[test]
    fn one_service_is_asked_by_name_several_are_filtered_later() {
        let one = domestic(vec![Parcel::new(Weight::lb(d("1")))]).with_services(["FEDEX_2_DAY"]);
        let b = body(&fedex().build_rate(&one).unwrap()[0]);
        assert_eq!(b["requestedShipment"]["serviceType"], "FEDEX_2_DAY");
        let two = one.with_services(["FEDEX_2_DAY", "FEDEX_GROUND"]);
        let b = body(&fedex().build_rate(&two).unwrap()[0]);
        assert!(b["requestedShipment"].get("serviceType").is_none());
    }

    #[test]
    fn metric_parcels_go_in_kilograms_and_centimetres() {
        let parcel = Parcel::new(Weight::g(d("40"))).with_dimensions(Dimensions::new(
            d("10.1"),
            d("10"),
            d("10"),
            LengthUnit::Cm,
        ));
        let b = body(&fedex().build_rate(&domestic(vec![parcel])).unwrap()[0]);
        let item = &b["requestedShipment"]["requestedPackageLineItems"][0];
        assert_eq!(item["weight"]["units"], "KG");
        assert_eq!(
            item["weight"]["value"].to_string(),
            "0.1",
            "40 g is never 0"
        );
        assert_eq!(item["dimensions"]["length"].to_string(), "11");
        assert_eq!(item["dimensions"]["units"], "CM");
    }

    #[test]
    fn requests_fedex_would_refuse_are_refused_first() {
        let many = vec![Parcel::new(Weight::lb(d("1"))); 101];
        let e = fedex().build_rate(&domestic(many)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        // 999.5 cm passes our 10 m sanity check but is over FedEx's 999 CM.
        let huge = Parcel::new(Weight::kg(d("1"))).with_dimensions(Dimensions::new(
            d("999.5"),
            d("1"),
            d("1"),
            LengthUnit::Cm,
        ));
        let request = domestic(vec![huge]);
        let e = fedex().build_rate(&request).unwrap_err();
        assert!(e.message.starts_with("parcels[0].dimensions"), "{e}");
    }

    #[test]
    fn tracking_batches_up_to_thirty_numbers() {
        let p = fedex();
        assert_eq!(p.track_batch_size(), 30);
        assert_eq!(p.info().capabilities.tracking_batch, 30);
        let numbers: Vec<_> = (0..30)
            .map(|i| TrackingNumber::new(&format!("7777777777{i:02}")).unwrap())
            .collect();
        let http = p.build_track(&numbers).unwrap();
        assert_eq!(http[0].url, "http://127.0.0.1:9/track/v1/trackingnumbers");
        let b = body(&http[0]);
        assert_eq!(b["includeDetailedScans"], true);
        assert_eq!(b["trackingInfo"].as_array().unwrap().len(), 30);
        assert_eq!(
            b["trackingInfo"][3]["trackingNumberInfo"]["trackingNumber"],
            "777777777703"
        );
        let too_many: Vec<_> = numbers
            .iter()
            .cloned()
            .chain(numbers.iter().take(1).cloned())
            .collect();
        assert_eq!(
            p.build_track(&too_many).unwrap_err().kind,
            ErrorKind::InvalidRequest
        );
        assert_eq!(
            p.build_track(&[]).unwrap_err().kind,
            ErrorKind::InvalidRequest
        );
    }

    #[test]
    fn tokens_are_cached_per_key_and_host_never_per_secret() {
        let Auth::OAuth2 { cache_key } = fedex().auth() else {
            panic!("FedEx uses OAuth")
        };
        assert_eq!(cache_key, "l7xx-test-key@http://127.0.0.1:9");
        assert!(!cache_key.contains("test-secret-value"));
        let token = fedex().build_token().unwrap();
        assert_eq!(token.url, "http://127.0.0.1:9/oauth/token");
        assert!(!format!("{token:?}").contains("test-secret-value"));
    }

    #[test]
    fn rate_limit_default_is_fedex_published_limit() {
        assert_eq!(
            shipmux_fedex::DEFAULT_RATE_LIMIT,
            (1_400, std::time::Duration::from_secs(10))
        );
    }

    #[test]
    fn invalid_requests_never_leave_the_protocol() {
        let mut request = domestic(vec![Parcel::new(Weight::lb(d("1")))]);
        request.parcels[0].weight = Weight::lb(Decimal::ZERO);
        let e = fedex().build_rate(&request).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
        request.parcels.clear();
        assert_eq!(
            fedex().build_rate(&request).unwrap_err().kind,
            ErrorKind::InvalidRequest
        );
    }
}

mod rate {
    //! FedEx rate answers → shipmux rates, on our own FedEx-format fixtures (docs/carriers/fedex.md).

    use std::str::FromStr;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use shipmux_core::{
        Address, CarrierProtocol, ChargeKind, ErrorKind, Money, Parcel, Rate, RateRequest, Step,
        Weight,
    };

    use crate::common::{error_body, exchange, fedex};

    const DOMESTIC: &str = include_str!("fixtures/rate_domestic_account_list.json");
    const INTERNATIONAL: &str = include_str!("fixtures/rate_international_duties.json");

    fn request(to: Address) -> RateRequest {
        RateRequest::new(
            Address::new("US", "38017").with_region("TN"),
            to,
            vec![Parcel::new(Weight::lb(Decimal::from(3)))],
        )
        .unwrap()
    }

    fn rates(status: u16, body: &str) -> Result<Vec<Rate>, shipmux_core::Error> {
        let req = request(Address::new("US", "10001"));
        match fedex().parse_rate(&req, &exchange(status, body))? {
            Step::Done(rates) => Ok(rates),
            Step::Next(_) => panic!("FedEx never asks for another round"),
        }
    }

    fn usd(amount: &str) -> Money {
        Money::parse(amount, "USD").unwrap()
    }

    fn cad(amount: &str) -> Money {
        Money::parse(amount, "CAD").unwrap()
    }

    fn charges(rate: &Rate) -> Vec<(ChargeKind, Option<&str>, String)> {
        rate.charges
            .iter()
            .map(|c| (c.kind, c.code.as_deref(), c.amount.amount.to_string()))
            .collect()
    }

    #[test]
    fn account_rate_is_the_total_and_list_rate_the_list_total() {
        let rates = rates(200, DOMESTIC).unwrap();
        let services: Vec<_> = rates.iter().map(|r| r.service.as_str()).collect();
        // One Rate per rated entry in response order; the unrated PRIORITY_OVERNIGHT is skipped.
        assert_eq!(
            services,
            ["FEDEX_GROUND", "FEDEX_2_DAY", "FEDEX_GROUND_ECONOMY_TEST"]
        );

        let ground = &rates[0];
        assert_eq!(ground.carrier.as_str(), "fedex");
        assert_eq!(ground.service_name, "FedEx Ground®");
        // ACCOUNT wins although PREFERRED_CURRENCY and LIST come first; "16.00" keeps its scale.
        assert_eq!(ground.total, usd("16.00"));
        assert_eq!(ground.total.amount.to_string(), "16.00");
        assert_eq!(ground.list_total, Some(usd("18.35")));
        assert_eq!(
            charges(ground),
            [
                (ChargeKind::Base, None, "14.05".to_string()),
                (ChargeKind::Fuel, Some("FUEL"), "2.30".to_string()),
                (
                    ChargeKind::Surcharge,
                    Some("RESIDENTIAL_DELIVERY"),
                    "2.00".to_string()
                ),
                (ChargeKind::Other, Some("DISCOUNT"), "-2.35".to_string()),
            ]
        );
        let sum: Decimal = ground.charges.iter().map(|c| c.amount.amount).sum();
        assert_eq!(sum, ground.total.amount);
        // commit.transitDays wins over operationalDetail.transitTime.
        assert_eq!(ground.transit_days, Some(3));
        assert_eq!(
            ground.estimated_delivery,
            NaiveDate::from_ymd_opt(2026, 11, 26)
        );
        assert!(!ground.guaranteed);
        assert_eq!(ground.billed_weight.unwrap().value.to_string(), "3.0");
    }

    #[test]
    fn equal_list_price_is_null_and_operational_detail_gives_transit() {
        let rates = rates(200, DOMESTIC).unwrap();
        let two_day = &rates[1];
        assert_eq!(
            two_day.total,
            usd("36.66"),
            "currency from shipmentRateDetail"
        );
        assert_eq!(two_day.list_total, None);
        assert_eq!(two_day.transit_days, Some(2));
        assert_eq!(
            two_day.estimated_delivery,
            NaiveDate::from_ymd_opt(2026, 11, 25)
        );

        let economy = &rates[2];
        assert_eq!(economy.total, usd("9.8"));
        assert_eq!(
            economy.list_total, None,
            "LIST only: no ACCOUNT to differ from"
        );
        assert_eq!(economy.service_name, "FEDEX_GROUND_ECONOMY_TEST");
        assert_eq!(
            economy.transit_days, None,
            "SMARTPOST_TRANSIT_DAYS and UNKNOWN are null"
        );
    }

    #[test]
    fn international_rates_keep_their_currency_and_leave_out_duties() {
        let rates = rates(200, INTERNATIONAL).unwrap();
        let priority = &rates[0];
        // The shipment is quoted from the US, the account bills in CAD.
        assert_eq!(
            priority.total,
            cad("97.86"),
            "totalNetCharge, not WithDutiesAndTaxes"
        );
        assert_eq!(priority.list_total, Some(cad("104.47")));
        assert_eq!(
            charges(priority),
            [
                (ChargeKind::Base, None, "82.35".to_string()),
                (ChargeKind::Fuel, Some("FUEL"), "10.85".to_string()),
                (ChargeKind::Tax, Some("GST"), "4.66".to_string()),
            ]
        );
        assert_eq!(priority.transit_days, Some(2));
        assert_eq!(
            priority.estimated_delivery,
            NaiveDate::from_ymd_opt(2026, 12, 2)
        );
        let billed = priority.billed_weight.unwrap();
        assert_eq!(
            (billed.value.to_string(), billed.unit),
            ("2.5".into(), shipmux_core::WeightUnit::Kg)
        );

        let freight = &rates[1];
        assert!(freight.guaranteed, "commit.guaranteedType present");
        assert_eq!(freight.transit_days, Some(1), "from commit.daysInTransit");
        assert_eq!(freight.total, cad("540.75"));
    }

    #[test]
    fn each_error_class_maps_to_its_kind() {
        let cases = [
            (400, "ACCOUNT.NUMBER.MISMATCH", ErrorKind::Rejected, false),
            (
                401,
                "NOT.AUTHORIZED.ERROR",
                ErrorKind::Unauthenticated,
                false,
            ),
            (403, "FORBIDDEN.ERROR", ErrorKind::Unauthenticated, false),
            (404, "NOT.FOUND.ERROR", ErrorKind::NotFound, false),
            (429, "TOO.MANY.REQUESTS", ErrorKind::RateLimited, true),
            (500, "INTERNAL.SERVER.ERROR", ErrorKind::Unavailable, true),
            (
                503,
                "SERVICE.UNAVAILABLE.ERROR",
                ErrorKind::Unavailable,
                true,
            ),
        ];
        for (status, code, kind, retryable) in cases {
            let e = rates(status, &error_body(code, "text")).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_deref(), e.retryable),
                (kind, Some(code), retryable)
            );
            assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
        }
        let forbidden = rates(403, &error_body("FORBIDDEN.ERROR", "No")).unwrap_err();
        assert!(
            forbidden.message.contains("blocks an IP address"),
            "{forbidden}"
        );
    }

    #[test]
    fn unreadable_success_bodies_are_parse_errors() {
        for body in [
            "",
            "<html>",
            "{\"output\": {\"rateReplyDetails\": 7}}",
            "{}",
            "[1,2]",
        ] {
            assert_eq!(
                rates(200, body).unwrap_err().kind,
                ErrorKind::Parse,
                "{body}"
            );
        }
        let no_currency = r#"{"output":{"rateReplyDetails":[{"serviceType":"FEDEX_GROUND",
        "ratedShipmentDetails":[{"rateType":"ACCOUNT","totalNetCharge":1.00}]}]}}"#;
        let e = rates(200, no_currency).unwrap_err();
        assert!(e.message.contains("currency"), "{e}");
        // A 200 with only FedEx errors is FedEx refusing, with its code.
        let e = rates(200, &error_body("RATE.PACKAGE.WEIGHT.MISSING", "no weight")).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Rejected, Some("RATE.PACKAGE.WEIGHT.MISSING"))
        );
    }

    #[test]
    fn an_empty_reply_is_no_rates() {
        assert!(
            rates(200, r#"{"output":{"rateReplyDetails":[]}}"#)
                .unwrap()
                .is_empty()
        );
        assert!(
            rates(200, r#"{"output":{"rateReplyDetails":null}}"#)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn decimal_text_is_kept_for_every_amount() {
        let body = r#"{"output":{"rateReplyDetails":[{"serviceType":"FEDEX_GROUND","ratedShipmentDetails":[
        {"rateType":"ACCOUNT","totalNetCharge":7.60,"totalBaseCharge":7.60,"currency":"usd",
         "shipmentRateDetail":{"totalBillingWeight":{"units":"LB","value":12.30}}}]}]}}"#;
        let rate = &rates(200, body).unwrap()[0];
        assert_eq!(rate.total.amount.to_string(), "7.60");
        assert_eq!(rate.total.currency.as_str(), "USD");
        assert_eq!(rate.billed_weight.unwrap().value.to_string(), "12.30");
        assert_eq!(Decimal::from_str("7.60").unwrap(), rate.total.amount);
    }
}

mod track {
    //! FedEx tracking answers → shipmux trackings, on our own FedEx-format fixture.

    use chrono::NaiveDate;
    use shipmux_core::{CarrierProtocol, ErrorKind, Status, Tracking, TrackingNumber};

    use crate::common::{error_body, exchange, fedex};

    const BATCH: &str = include_str!("fixtures/track_batch.json");

    fn numbers(list: &[&str]) -> Vec<TrackingNumber> {
        list.iter()
            .map(|n| TrackingNumber::new(n).unwrap())
            .collect()
    }

    fn track(
        list: &[&str],
        status: u16,
        body: &str,
    ) -> shipmux_core::Result<Vec<shipmux_core::Result<Tracking>>> {
        fedex().parse_track(&numbers(list), &exchange(status, body))
    }

    #[test]
    fn one_result_per_number_in_the_order_asked() {
        let asked = [
            "39936862321",
            "777777777777",
            "794843185271",
            "123456789012345",
            "776094337676",
            "999999999999",
        ];
        let results = track(&asked, 200, BATCH).unwrap();
        assert_eq!(results.len(), asked.len());
        let not_found = results[0].as_ref().unwrap_err();
        assert_eq!(
            not_found.kind,
            ErrorKind::NotFound,
            "not found inside a 200 body"
        );
        assert_eq!(
            not_found.code.as_deref(),
            Some("TRACKING.TRACKINGNUMBER.NOTFOUND")
        );
        assert_eq!(results[1].as_ref().unwrap().tracking_number, "777777777777");
        assert_eq!(results[2].as_ref().unwrap().status, Status::Exception);
        assert_eq!(results[3].as_ref().unwrap().status, Status::InTransit);
        // A number FedEx left out of its answer is an error for that number only.
        assert_eq!(results[5].as_ref().unwrap_err().kind, ErrorKind::Parse);
    }

    #[test]
    fn delivered_shipment() {
        let t = track(&["777777777777"], 200, BATCH)
            .unwrap()
            .remove(0)
            .unwrap();
        assert_eq!(t.carrier.as_str(), "fedex");
        assert_eq!(t.status, Status::Delivered);
        assert_eq!(
            t.signed_by.as_deref(),
            Some("J.SMITH"),
            "signedByName before receivedByName"
        );
        assert_eq!(t.delivered_at.as_deref(), Some("2026-11-24T14:02:11-05:00"));
        assert_eq!(t.estimated_delivery, NaiveDate::from_ymd_opt(2026, 11, 24));
        let statuses: Vec<_> = t.events.iter().map(|e| e.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Delivered,
                Status::OutForDelivery,
                Status::InTransit,
                Status::PreTransit
            ],
            "OD stays out_for_delivery although its derived code is IT"
        );
        let first = &t.events[0];
        assert_eq!(first.code.as_deref(), Some("DL"));
        assert_eq!(first.description.as_deref(), Some("Delivered"));
        assert_eq!(first.location.city.as_deref(), Some("New York"));
        assert_eq!(first.location.postal_code.as_deref(), Some("10001"));
        let last = t.events.last().unwrap();
        assert_eq!(
            last.time.as_deref(),
            Some("2026-11-21T09:00:00"),
            "no offset invented"
        );
        assert_eq!(
            (
                last.location.city.as_deref(),
                last.location.country.as_deref()
            ),
            (None, Some("US"))
        );
    }

    #[test]
    fn in_transit_and_exception() {
        let results = track(&["123456789012345", "794843185271"], 200, BATCH).unwrap();
        let moving = results[0].as_ref().unwrap();
        assert_eq!(moving.status, Status::InTransit);
        assert_eq!(
            moving.estimated_delivery,
            NaiveDate::from_ymd_opt(2026, 11, 27)
        );
        assert_eq!(
            moving.events[0].status,
            Status::InTransit,
            "AO falls back to derived IT"
        );
        assert_eq!(moving.delivered_at, None);
        let exception = results[1].as_ref().unwrap();
        assert_eq!(exception.status, Status::Exception);
        assert_eq!(
            exception.events[0].description.as_deref(),
            Some("Delivery exception"),
            "eventDescription, not exceptionDescription"
        );
    }

    #[test]
    fn a_reused_number_reports_its_newest_shipment() {
        let t = track(&["776094337676"], 200, BATCH)
            .unwrap()
            .remove(0)
            .unwrap();
        assert_eq!(t.status, Status::Returned);
        assert_eq!(t.events.len(), 1);
    }

    #[test]
    fn a_failed_call_fails_the_batch_with_fedex_code() {
        let e = track(
            &["777777777777"],
            400,
            &error_body(
                "TRACKING.TRACKINGNUMBER.EMPTY",
                "Please provide tracking number.",
            ),
        )
        .unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Rejected, Some("TRACKING.TRACKINGNUMBER.EMPTY"))
        );
        let e = track(
            &["777777777777"],
            401,
            &error_body("NOT.AUTHORIZED.ERROR", "Access token expired."),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        let e = track(&["777777777777"], 503, "").unwrap_err();
        assert!(e.retryable);
        assert_eq!(
            track(&["777777777777"], 200, "{\"output\":")
                .unwrap_err()
                .kind,
            ErrorKind::Parse
        );
    }

    #[test]
    fn other_per_number_errors_are_rejected() {
        let body = r#"{"output":{"completeTrackResults":[{"trackingNumber":"12345678","trackResults":[
        {"error":{"code":"TRACKING.TRACKINGNUMBER.INVALID","message":"Invalid tracking number."}}]}]}}"#;
        let e = track(&["12345678"], 200, body)
            .unwrap()
            .remove(0)
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Rejected, Some("TRACKING.TRACKINGNUMBER.INVALID"))
        );
    }
}
