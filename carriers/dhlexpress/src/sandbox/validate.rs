//! The `POST /rates` body against DHL's schema (`supermodelIoLogisticsExpressRateRequest`,
//! `additionalProperties: false` throughout), with problems worded like DHL's validator:
//! `#/customerDetails/shipperDetails/cityName: expected maxLength: 45, actual: 49`.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// What a field must be.
enum Kind {
    Text {
        min: usize,
        max: usize,
    },
    Bool,
    Number {
        min: Decimal,
        max: Decimal,
    },
    Enum(&'static [&'static str]),
    Object(&'static [Field], &'static [&'static str]),
    Array {
        items: &'static Kind,
        min: usize,
        max: usize,
    },
}

/// A property: its name and kind.
struct Field(&'static str, Kind);

const fn text(min: usize, max: usize) -> Kind {
    Kind::Text { min, max }
}

const fn number(max: i64) -> Kind {
    Kind::Number {
        min: Decimal::from_parts(1, 0, 0, false, 3),
        max: Decimal::from_parts(max as u32, (max >> 32) as u32, 0, false, 0),
    }
}

const ADDRESS: Kind = Kind::Object(
    &[
        Field("postalCode", text(0, 12)),
        Field("cityName", text(1, 45)),
        Field("countryCode", text(2, 2)),
        Field("provinceCode", text(2, 35)),
        Field("addressLine1", text(1, 45)),
        Field("addressLine2", text(1, 45)),
        Field("addressLine3", text(1, 45)),
        Field("countyName", text(1, 45)),
    ],
    &["postalCode", "cityName", "countryCode"],
);

const VALUE_ADDED_SERVICE: Kind = Kind::Object(
    &[
        Field("serviceCode", text(1, 3)),
        Field("localServiceCode", text(1, 3)),
        Field("value", number(999_999_999_999_999)),
        Field("currency", text(3, 3)),
    ],
    &["serviceCode"],
);

const PACKAGE_TYPES: &[&str] = &[
    "1CE", "2BC", "2BP", "2BX", "3BX", "4BX", "5BX", "6BX", "7BX", "8BX", "CE1", "TBL", "TBS",
    "WB1", "WB2", "WB3", "WB6", "XPD",
];

const DIMENSIONS: Kind = Kind::Object(
    &[
        Field("length", number(9_999_999)),
        Field("width", number(9_999_999)),
        Field("height", number(9_999_999)),
    ],
    &["length", "width", "height"],
);

const PACKAGE: Kind = Kind::Object(
    &[
        Field("typeCode", Kind::Enum(PACKAGE_TYPES)),
        Field("weight", number(999_999_999_999)),
        Field("dimensions", DIMENSIONS),
    ],
    &["weight"],
);

const REQUEST: Kind = Kind::Object(
    &[
        Field(
            "customerDetails",
            Kind::Object(
                &[
                    Field("shipperDetails", ADDRESS),
                    Field("receiverDetails", ADDRESS),
                ],
                &["shipperDetails", "receiverDetails"],
            ),
        ),
        Field(
            "accounts",
            Kind::Array {
                items: &Kind::Object(
                    &[
                        Field(
                            "typeCode",
                            Kind::Enum(&["shipper", "payer", "duties-taxes"]),
                        ),
                        Field("number", text(1, 12)),
                    ],
                    &["typeCode", "number"],
                ),
                min: 0,
                max: 2,
            },
        ),
        Field("productCode", text(1, 6)),
        Field("localProductCode", text(1, 3)),
        Field(
            "valueAddedServices",
            Kind::Array {
                items: &VALUE_ADDED_SERVICE,
                min: 0,
                max: 100,
            },
        ),
        Field(
            "productsAndServices",
            Kind::Array {
                items: &Kind::Object(
                    &[
                        Field("productCode", text(1, 6)),
                        Field("localProductCode", text(1, 3)),
                        Field(
                            "valueAddedServices",
                            Kind::Array {
                                items: &VALUE_ADDED_SERVICE,
                                min: 0,
                                max: 100,
                            },
                        ),
                    ],
                    &["productCode"],
                ),
                min: 0,
                max: 100,
            },
        ),
        Field("payerCountryCode", text(2, 2)),
        Field("plannedShippingDateAndTime", text(1, 29)),
        Field("unitOfMeasurement", Kind::Enum(&["metric", "imperial"])),
        Field("isCustomsDeclarable", Kind::Bool),
        Field(
            "monetaryAmount",
            Kind::Array {
                items: &Kind::Object(
                    &[
                        Field("typeCode", Kind::Enum(&["declaredValue", "insuredValue"])),
                        Field("value", number(999_999_999_999_999)),
                        Field("currency", text(3, 3)),
                    ],
                    &["typeCode", "value", "currency"],
                ),
                min: 0,
                max: 100,
            },
        ),
        Field("requestAllValueAddedServices", Kind::Bool),
        Field(
            "estimatedDeliveryDate",
            Kind::Object(
                &[
                    Field("isRequested", Kind::Bool),
                    Field("typeCode", Kind::Enum(&["QDDC", "QDDF"])),
                ],
                &[],
            ),
        ),
        Field(
            "getAdditionalInformation",
            Kind::Array {
                items: &Kind::Object(
                    &[
                        Field(
                            "typeCode",
                            Kind::Enum(&[
                                "allValueAddedServices",
                                "allValueAddedServicesAndRuleGroups",
                                "sortCodes",
                            ]),
                        ),
                        Field("isRequested", Kind::Bool),
                    ],
                    &["isRequested"],
                ),
                min: 0,
                max: 3,
            },
        ),
        Field("returnStandardProductsOnly", Kind::Bool),
        Field("nextBusinessDay", Kind::Bool),
        Field(
            "productTypeCode",
            Kind::Enum(&["all", "dayDefinite", "timeDefinite"]),
        ),
        Field(
            "packages",
            Kind::Array {
                items: &PACKAGE,
                min: 1,
                max: 999,
            },
        ),
    ],
    &[
        "customerDetails",
        "plannedShippingDateAndTime",
        "unitOfMeasurement",
        "isCustomsDeclarable",
        "packages",
    ],
);

/// Every schema problem of a rate request body (keys in alphabetical order).
pub(super) fn rate_request(body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check(body, &REQUEST, "#", &mut problems);
    problems
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

fn check(value: &Value, kind: &Kind, path: &str, problems: &mut Vec<String>) {
    let wrong = |expected: &str, problems: &mut Vec<String>| {
        problems.push(format!(
            "{path}: expected type: {expected}, found: {}",
            type_name(value)
        ));
    };
    match kind {
        Kind::Text { min, max } => match value.as_str() {
            Some(s) => {
                let n = s.chars().count();
                if n < *min {
                    problems.push(format!("{path}: expected minLength: {min}, actual: {n}"));
                } else if n > *max {
                    problems.push(format!("{path}: expected maxLength: {max}, actual: {n}"));
                }
            }
            None => wrong("String", problems),
        },
        Kind::Bool => {
            if !value.is_boolean() {
                wrong("Boolean", problems);
            }
        }
        Kind::Number { min, max } => match value {
            Value::Number(n) => match n.to_string().parse::<Decimal>() {
                Ok(d) if d < *min => {
                    problems.push(format!("{path}: {d} is not greater or equal to {min}"))
                }
                Ok(d) if d > *max => {
                    problems.push(format!("{path}: {d} is not less or equal to {max}"))
                }
                Ok(d) if !(d * Decimal::from(1000)).fract().is_zero() => {
                    problems.push(format!("{path}: {d} is not a multiple of 0.001"))
                }
                Ok(_) => {}
                Err(_) => problems.push(format!("{path}: {n} is not a number DHL can read")),
            },
            _ => wrong("Number", problems),
        },
        Kind::Enum(values) => match value.as_str() {
            Some(s) if values.contains(&s) => {}
            Some(s) => problems.push(format!("{path}: {s} is not a valid enum value")),
            None => wrong("String", problems),
        },
        Kind::Object(fields, required) => match value.as_object() {
            Some(map) => object(map, fields, required, path, problems),
            None => wrong("JSONObject", problems),
        },
        Kind::Array { items, min, max } => match value.as_array() {
            Some(list) => {
                if list.len() < *min {
                    problems.push(format!(
                        "{path}: expected minimum item count: {min}, found: {}",
                        list.len()
                    ));
                } else if list.len() > *max {
                    problems.push(format!(
                        "{path}: expected maximum item count: {max}, found: {}",
                        list.len()
                    ));
                }
                for (i, item) in list.iter().enumerate() {
                    check(item, items, &format!("{path}/{i}"), problems);
                }
            }
            None => wrong("JSONArray", problems),
        },
    }
}

fn object(
    map: &Map<String, Value>,
    fields: &[Field],
    required: &[&str],
    path: &str,
    problems: &mut Vec<String>,
) {
    for key in required {
        if !map.contains_key(*key) {
            problems.push(format!("{path}: required key [{key}] not found"));
        }
    }
    for (key, value) in map {
        match fields.iter().find(|f| f.0 == key) {
            Some(Field(_, kind)) => check(value, kind, &format!("{path}/{key}"), problems),
            None => problems.push(format!("{path}: extraneous key [{key}] is not permitted")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_name_the_path() {
        let body = json!({
            "customerDetails": {
                "shipperDetails": {"postalCode": "53113", "cityName": "", "countryCode": "DE"},
                "receiverDetails": {"postalCode": "10001", "cityName": "NY", "countryCode": "US", "x": 1}
            },
            "plannedShippingDateAndTime": "2026-12-01T10:00:00 GMT+01:00",
            "unitOfMeasurement": "metric",
            "isCustomsDeclarable": "yes",
            "packages": [{"weight": 0.0005}]
        });
        let problems = rate_request(&body);
        assert_eq!(
            problems,
            [
                "#/customerDetails/receiverDetails: extraneous key [x] is not permitted",
                "#/customerDetails/shipperDetails/cityName: expected minLength: 1, actual: 0",
                "#/isCustomsDeclarable: expected type: Boolean, found: String",
                "#/packages/0/weight: 0.0005 is not greater or equal to 0.001",
            ]
        );
    }
}
