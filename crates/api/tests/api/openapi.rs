use serde_json::Value;

use crate::helpers::*;

fn repo_file(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

#[test]
fn the_checked_in_openapi_document_matches_the_code() {
    let generated = api::openapi::spec_json().unwrap();
    let checked_in = std::fs::read_to_string(repo_file("openapi/openapi.json")).unwrap_or_default();
    assert!(
        checked_in == generated,
        "openapi/openapi.json is out of date: run `cargo run -p api -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn the_checked_in_prison_records_contract_matches_the_code() {
    let generated = api::records::contract::spec_json().unwrap();
    let checked_in = std::fs::read_to_string(repo_file("openapi/prison-records.json")).unwrap_or_default();
    assert!(
        checked_in == generated,
        "openapi/prison-records.json is out of date: run `cargo run -p api -- records-openapi > openapi/prison-records.json`"
    );
}

#[test]
fn every_operation_is_described_with_its_errors() {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/visits"), "{:?}", paths.keys());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let text = op["description"].as_str().or(op["summary"].as_str()).unwrap_or_default();
            assert!(!text.is_empty(), "{method} {path} has no description");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|code| code.starts_with('2')), "{method} {path} documents no success");
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path} does not document its 404");
            }
        }
    }
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for name in ["Problem", "FieldError", "ErrorCode", "CreateVisitRequest", "Availability", "VisitStatus"] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

#[test]
fn every_operation_has_its_own_id_and_declares_what_the_edge_can_answer() {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    let mut ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            assert!(!ids.contains(&id), "operationId {id} is used twice (again by {method} {path})");
            ids.push(id);
            let responses = op["responses"].as_object().unwrap();
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} reads a body but does not declare {status}"
                    );
                }
            }
            let query = op["parameters"].as_array().into_iter().flatten().any(|p| p["in"] == "query");
            if query {
                assert!(responses.contains_key("400"), "{method} {path} reads a query but does not declare 400");
            }
        }
    }
}

#[test]
fn the_document_states_the_bounds_the_server_enforces() {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    let schemas = &spec["components"]["schemas"];
    let rules = &schemas["VisitingRules"]["properties"];
    assert_eq!((rules["adult_age"]["minimum"].as_u64(), rules["adult_age"]["maximum"].as_u64()), (Some(5), Some(18)));
    assert_eq!(schemas["PrisonInput"]["properties"]["name"]["maxLength"], 120);
    assert_eq!(schemas["SignInRequest"]["properties"]["email"]["maxLength"], 254);
    assert_eq!(schemas["PrisonerInput"]["properties"]["first_name"]["maxLength"], 30);
    assert_eq!(schemas["StaffMessageRequest"]["properties"]["text"]["maxLength"], 1000);
    assert_eq!(schemas["WeeklySlot"]["properties"]["weekday"]["pattern"], domain::slot::weekday::PATTERN);
    assert_eq!(schemas["WeeklySlot"]["properties"]["start"]["pattern"], domain::slot::HHMM_PATTERN);
}

#[tokio::test]
async fn the_service_serves_its_document_and_an_offline_api_page() {
    let app = spawn_app_at(Db::Sqlite, monday_morning()).await;
    let served: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let generated: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    let page = app.get("/api/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "the API page must not load assets from the internet");
    let script = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().len() > 100_000);
}
