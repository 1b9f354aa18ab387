//! `GET /openapi.json` tells the truth: it lists every route the router serves, with its
//! method, and the real requests and answers of the running service — over every built-in
//! carrier's simulator — validate against the schemas the document declares for them (looked
//! up through the document's own paths and statuses, with its components as the `$ref` root).

mod serve_support;

use serde_json::{Value, json};
use shipmux_host::serve::ServeOptions;

use serve_support::{Served, cart};

/// The routes `Service::router()` registers, read from its source: `(method, path)`.
fn router_routes() -> Vec<(String, String)> {
    let source: String = include_str!("../src/serve/mod.rs")
        .split_whitespace()
        .collect();
    let routes: Vec<(String, String)> = source
        .split(".route(\"")
        .skip(1)
        .map(|rest| {
            let (path, after) = rest.split_once('"').unwrap();
            let method = after.trim_start_matches(',').split('(').next().unwrap();
            assert!(
                ["get", "post", "put", "patch", "delete"].contains(&method),
                "{path}: `{method}` is not a method router"
            );
            (method.to_string(), path.to_string())
        })
        .collect();
    assert!(routes.len() >= 10, "{routes:?}");
    routes
}

/// The document and validators for the schemas it declares.
struct Doc(Value);

impl Doc {
    async fn fetch(served: &Served) -> Doc {
        let r = served
            .client
            .get(format!("{}/openapi.json", served.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/json");
        Doc(r.json().await.unwrap())
    }

    fn operation(&self, method: &str, path: &str) -> &Value {
        let op = &self.0["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not in the document");
        op
    }

    /// A validator for `schema`, its `$ref`s resolved in the document's components.
    fn validator(&self, schema: &Value) -> jsonschema::Validator {
        let mut root = schema.clone();
        root["components"] = self.0["components"].clone();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{schema}: {e}"))
    }

    /// The schema the document declares for `method path`'s JSON answer with `status`.
    fn answer(&self, method: &str, path: &str, status: u16) -> jsonschema::Validator {
        let schema = &self.operation(method, path)["responses"][status.to_string()]["content"]["application/json"]
            ["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} declares no JSON answer for {status}"
        );
        self.validator(schema)
    }

    /// The schema the document declares for `method path`'s JSON body.
    fn request(&self, method: &str, path: &str) -> jsonschema::Validator {
        let body = &self.operation(method, path)["requestBody"];
        assert_eq!(body["required"], true, "{method} {path}");
        self.validator(&body["content"]["application/json"]["schema"])
    }

    fn component(&self, name: &str) -> jsonschema::Validator {
        self.validator(&json!({"$ref": format!("#/components/schemas/{name}")}))
    }
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, what: &str, value: &Value) {
    let errors = errors(validator, value);
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{value:#}");
}

#[track_caller]
fn assert_invalid(validator: &jsonschema::Validator, what: &str, value: &Value) {
    assert!(
        !errors(validator, value).is_empty(),
        "{what} should be refused:\n{value:#}"
    );
}

/// Every `$ref` string in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

fn rate_request() -> Value {
    json!({"origin": {"country": "US", "postal_code": "90210", "region": "CA",
                      "city": "Beverly Hills", "lines": ["1 Main St"], "residential": false},
           "destination": {"country": "US", "postal_code": "10001", "residential": true},
           "parcels": [{"weight": {"value": "2.5", "unit": "lb"},
                        "dimensions": {"length": "12", "width": "8", "height": "6", "unit": "in"},
                        "declared_value": {"amount": "50.00", "currency": "USD"}}],
           "services": null, "ship_date": null})
}

fn checkout() -> Value {
    json!({"origin": {"country": "US", "postal_code": "90210"}, "currency": "USD",
        "line_items": [{"id": "li-1", "quantity": 2, "unit_price": "20.00",
                        "weight": {"value": "2", "unit": "lb"},
                        "dimensions": {"length": "10", "width": "8", "height": "4", "unit": "in"}},
                       {"id": "li-2", "quantity": 1, "unit_price": "5.50",
                        "weight": {"value": "300", "unit": "g"}, "ships_separately": true,
                        "fixed_shipping_cost": {"amount": "3.00", "currency": "USD"}}],
        "consignments": [
            {"id": "c1", "address": {"country": "US", "postal_code": "10001"},
             "line_items": [{"item_id": "li-1", "quantity": 2}]},
            // No zone covers Canada: an answer with an `errors` entry.
            {"id": "c2", "address": {"country": "CA", "postal_code": "K1A 0B1"},
             "line_items": [{"item_id": "li-2", "quantity": 1}]}]})
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route_the_router_serves() {
    let served = Served::start(ServeOptions::default()).await;
    let doc = Doc::fetch(&served).await;
    assert!(
        doc.0["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc.0["openapi"]
    );

    let routes = router_routes();
    assert!(routes.contains(&("get".into(), "/openapi.json".into())));
    let paths = doc.0["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented += 1;
            assert!(
                routes.contains(&(method.clone(), path.clone())),
                "{method} {path} is documented but not served"
            );
        }
    }
    assert_eq!(documented, routes.len(), "{routes:?}");
    for (method, path) in &routes {
        let op = doc.operation(method, path);
        let tag = op["tags"][0].as_str().unwrap();
        let expected = match path.split('/').nth(1).unwrap() {
            "v1" => "v1",
            "bigcommerce" => "bigcommerce",
            _ => "operations",
        };
        assert_eq!(tag, expected, "{method} {path}");
        // The API keys guard `/v1` only.
        let bearer = op["security"] == json!([{"bearer": []}]);
        assert_eq!(
            bearer,
            expected == "v1",
            "{method} {path}: {}",
            op["security"]
        );
        // Every error the route declares is `{"error": Error}`.
        for (status, answer) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &answer["content"]["application/json"]["schema"];
                if path != "/readyz" {
                    assert_eq!(
                        schema["$ref"], "#/components/schemas/ErrorAnswer",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    let bearer = &doc.0["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (&bearer["type"], &bearer["scheme"]),
        (&json!("http"), &json!("bearer"))
    );

    // The live service agrees: each documented route answers its method (not the fallback's
    // 404), and another method is 405.
    let number = "1ZA1B2C30312345673";
    for (method, path) in &routes {
        let url = format!("{}{}", served.base, path.replace("{number}", number));
        let (right, wrong) = match method.as_str() {
            "get" => (served.client.get(&url), served.client.delete(&url)),
            "post" => (
                served.client.post(&url).json(&json!({})),
                served.client.get(&url),
            ),
            other => panic!("{other}"),
        };
        let status = right.send().await.unwrap().status().as_u16();
        assert!(
            status != 404 && status != 405,
            "{method} {path} answered {status}"
        );
        let status = wrong.send().await.unwrap().status().as_u16();
        assert_eq!(status, 405, "{path} with another method than {method}");
    }

    // Every `$ref` resolves, and every component is a schema a validator accepts.
    let mut all = Vec::new();
    refs(&doc.0, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r}"));
        assert!(doc.0.pointer(pointer).is_some(), "{r} does not resolve");
    }
    for name in doc.0["components"]["schemas"].as_object().unwrap().keys() {
        doc.component(name);
    }
    served.stop().await;
}

#[tokio::test]
async fn v1_requests_and_answers_validate_against_the_declared_schemas() {
    let served = Served::start(ServeOptions::default()).await;
    let doc = Doc::fetch(&served).await;

    // POST /v1/rates.
    let request = rate_request();
    assert_valid(&doc.request("post", "/v1/rates"), "rate request", &request);
    let (status, answer) = served.post("/v1/rates", &request).await;
    assert_eq!(status, 200, "{answer}");
    assert!(!answer["rates"].as_array().unwrap().is_empty(), "{answer}");
    assert!(
        !answer["skipped"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    let rates = doc.answer("post", "/v1/rates", 200);
    assert_valid(&rates, "rates answer", &answer);
    // The schemas bite: an amount as a JSON number, a rate without its carrier, an unknown
    // charge kind, a skipped carrier without a reason.
    let mut wrong = answer.clone();
    wrong["rates"][0]["total"]["amount"] = json!(12.5);
    assert_invalid(&rates, "a number amount", &wrong);
    let mut wrong = answer.clone();
    wrong["rates"][0].as_object_mut().unwrap().remove("carrier");
    assert_invalid(&rates, "a rate without its carrier", &wrong);
    let mut wrong = answer.clone();
    wrong["rates"][0]["charges"] = json!([{"kind": "bribe", "code": null,
                                           "amount": {"amount": "1.00", "currency": "USD"}}]);
    assert_invalid(&rates, "an unknown charge kind", &wrong);
    let mut wrong = answer.clone();
    wrong["skipped"][0]
        .as_object_mut()
        .unwrap()
        .remove("reason");
    assert_invalid(&rates, "a skipped carrier without a reason", &wrong);

    // A request the schema refuses, the service refuses too — and its 400 is as declared.
    let mut stone = rate_request();
    stone["parcels"][0]["weight"]["unit"] = json!("stone");
    assert_invalid(
        &doc.request("post", "/v1/rates"),
        "a weight in stone",
        &stone,
    );
    let (status, answer) = served.post("/v1/rates", &stone).await;
    assert_eq!(status, 400, "{answer}");
    let bad_request = doc.answer("post", "/v1/rates", 400);
    assert_valid(&bad_request, "400 for a bad unit", &answer);
    let mut invalid = rate_request();
    invalid["destination"]["country"] = json!("XX");
    let (status, answer) = served.post("/v1/rates", &invalid).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["kind"], "invalid_request");
    assert_valid(&bad_request, "400 for a bad country", &answer);
    let mut wrong = answer.clone();
    wrong["error"]["kind"] = json!("oops");
    assert_invalid(&bad_request, "an unknown error kind", &wrong);
    assert_invalid(&bad_request, "a bare Error", &answer["error"]);

    // 415: not sent as JSON.
    let r = served
        .client
        .post(format!("{}/v1/rates", served.base))
        .header("content-type", "text/plain")
        .body(request.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let answer: Value = r.json().await.unwrap();
    assert_valid(&doc.answer("post", "/v1/rates", 415), "415", &answer);

    // POST /v1/checkouts/quote.
    let checkout = checkout();
    assert_valid(
        &doc.request("post", "/v1/checkouts/quote"),
        "checkout",
        &checkout,
    );
    let (status, answer) = served.post("/v1/checkouts/quote", &checkout).await;
    assert_eq!(status, 200, "{answer}");
    let consignments = answer["consignments"].as_array().unwrap();
    assert!(
        !consignments[0]["options"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    assert!(
        !consignments[1]["errors"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    let quote = doc.answer("post", "/v1/checkouts/quote", 200);
    assert_valid(&quote, "checkout quote", &answer);
    let mut wrong = answer.clone();
    wrong["consignments"][0]["options"][0]["cost"]["currency"] = json!("usd");
    assert_invalid(&quote, "a lower-case currency", &wrong);
    let mut wrong = checkout.clone();
    wrong["line_items"][0]["unit_price"] = json!(20);
    assert_invalid(
        &doc.request("post", "/v1/checkouts/quote"),
        "a number price",
        &wrong,
    );

    // GET /v1/tracking/{number}.
    let (status, answer) = served.get("/v1/tracking/1ZA1B2C30312345673").await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        !answer["tracking"]["events"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    let tracking = doc.answer("get", "/v1/tracking/{number}", 200);
    assert_valid(&tracking, "tracking", &answer);
    let mut wrong = answer.clone();
    wrong["tracking"]["status"] = json!("lost_at_sea");
    assert_invalid(&tracking, "an unknown status", &wrong);
    let (status, answer) = served.get("/v1/tracking/not-a-number?carrier=ups").await;
    assert_eq!(status, 400, "{answer}");
    assert_valid(
        &doc.answer("get", "/v1/tracking/{number}", 400),
        "tracking 400",
        &answer,
    );

    // GET /v1/carriers.
    let (status, answer) = served.get("/v1/carriers").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["carriers"].as_array().unwrap().len(), 5, "{answer}");
    let carriers = doc.answer("get", "/v1/carriers", 200);
    assert_valid(&carriers, "carriers", &answer);
    let mut wrong = answer.clone();
    wrong["carriers"][0]["id"] = json!("UPS!");
    assert_invalid(&carriers, "a carrier id out of shape", &wrong);

    served.stop().await;
}

#[tokio::test]
async fn bigcommerce_and_operations_answers_validate_against_the_declared_schemas() {
    let served = Served::start(ServeOptions::default()).await;
    let doc = Doc::fetch(&served).await;

    let payload = cart(json!({}));
    let request = doc.request("post", "/bigcommerce/rate");
    assert_valid(&request, "BigCommerce cart", &payload);
    let mut wrong = payload.clone();
    wrong["base_options"]["items"][0]["weight"]["units"] = json!("lb");
    assert_invalid(&request, "a weight in lb", &wrong);
    let (status, answer) = served.post("/bigcommerce/rate", &payload).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        !answer["carrier_quotes"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    let rate = doc.answer("post", "/bigcommerce/rate", 200);
    assert_valid(&rate, "BigCommerce quotes", &answer);
    let mut wrong = answer.clone();
    wrong["carrier_quotes"][0]["quotes"][0]["cost"]["amount"] = json!("12.50");
    assert_invalid(&rate, "a text amount", &wrong);
    let (status, answer) = served
        .post("/bigcommerce/rate", &json!({"base_options": {}}))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_valid(
        &doc.answer("post", "/bigcommerce/rate", 400),
        "BigCommerce 400",
        &answer,
    );

    let check = json!({"connection_options": {}});
    assert_valid(
        &doc.request("post", "/bigcommerce/check_connection_options"),
        "connection check",
        &check,
    );
    let (status, answer) = served
        .post("/bigcommerce/check_connection_options", &check)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_valid(
        &doc.answer("post", "/bigcommerce/check_connection_options", 200),
        "connection check answer",
        &answer,
    );

    let (status, answer) = served.get("/healthz").await;
    assert_eq!(status, 200);
    assert_valid(&doc.answer("get", "/healthz", 200), "healthz", &answer);
    let (status, answer) = served.get("/readyz").await;
    assert_eq!(status, 200, "{answer}");
    let readiness = doc.answer("get", "/readyz", 200);
    assert_valid(&readiness, "readyz", &answer);
    assert_invalid(
        &readiness,
        "readyz without carriers",
        &json!({"ready": true}),
    );
    let (status, answer) = served.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_valid(
        &doc.answer("get", "/openapi.json", 200),
        "the document",
        &answer,
    );
    let metrics = &doc.operation("get", "/metrics")["responses"]["200"]["content"];
    let r = served
        .client
        .get(format!("{}/metrics", served.base))
        .send()
        .await
        .unwrap();
    let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        metrics[&content_type].is_object(),
        "{content_type}: {metrics}"
    );

    served.stop().await;
}

#[tokio::test]
async fn an_api_key_refusal_is_the_declared_401() {
    let served = Served::start(ServeOptions {
        api_keys: vec![shipmux_core::Secret::new("the-key")],
        ..ServeOptions::default()
    })
    .await;
    let doc = Doc::fetch(&served).await;
    let (status, answer) = served.get("/v1/carriers").await;
    assert_eq!(status, 401, "{answer}");
    assert_valid(&doc.answer("get", "/v1/carriers", 401), "401", &answer);
    served.stop().await;
}
