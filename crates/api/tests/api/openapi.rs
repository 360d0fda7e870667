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
