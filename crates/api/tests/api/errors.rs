use serde_json::Value;

use crate::helpers::*;
use crate::on_both_databases;

async fn unknown_api_paths_get_a_json_404_never_the_web_page(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    for path in ["/api/v1/nothing-here", "/api/v2/prisons", "/api/unknown", "/api/v1/prisons/x/y/z"] {
        let body = problem(app.get(path).await, 404).await;
        assert_eq!(body["code"], "not_found", "{path}");
    }
    // The wrong method on a known path is not served either: 405, saying which methods it takes.
    let response = app.client.delete(app.url("/api/v1/prisons")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    assert_eq!(problem(response, 405).await["code"], "method_not_allowed");
}

async fn broken_json_gets_a_clear_400_and_writes_nothing(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let post = |body: &'static str, content_type: &'static str| {
        app.client.post(app.url("/api/v1/visits")).header("content-type", content_type).body(body).send()
    };
    let body = problem(post("{\"prison_id\": ", "application/json").await.unwrap(), 400).await;
    assert_eq!(body["code"], "malformed_request");
    let body = problem(post("{\"prison_id\": 5}", "application/json").await.unwrap(), 400).await;
    assert!(body["detail"].as_str().unwrap().contains("UUID"), "{body}");
    let body = problem(post("prison_id=5", "application/x-www-form-urlencoded").await.unwrap(), 400).await;
    assert!(body["detail"].as_str().unwrap().contains("application/json"), "{body}");
    let huge = format!("{{\"prison_id\": \"{}\"}}", "x".repeat(100_000));
    let response = app
        .client
        .post(app.url("/api/v1/visits"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(response, 413).await["code"], "payload_too_large");
    assert_eq!(app.count("visit").await, 0);
}

async fn every_response_carries_a_request_id_and_safe_headers(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let ok = app.get("/api/v1/prisons").await;
    let missing = app.get("/api/v1/nothing").await;
    for response in [&ok, &missing] {
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }
    assert_ne!(ok.headers()["x-request-id"], missing.headers()["x-request-id"]);
}

/// The id in a problem is the one in `X-Request-Id` (and in the request's log lines), whichever part of the service
/// refused the request: routing (404), the JSON reader (400, 422), the sign-in check (401) or a rate limit (429).
async fn every_problem_names_its_request_as_its_header_does(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, domain::api::VisitingRules::default()).await;
    app.add_staff("officer@prison.example", "staff", &[prison]).await;
    let post_visit = |body: String| {
        app.client.post(app.url("/api/v1/visits")).header("content-type", "application/json").body(body).send()
    };
    let impossible_date = visit_request(prison, &[("2026-02-30", "14:00", "16:00")]).to_string();
    let mut answers = vec![
        (app.get("/api/v1/nothing-here").await, 404),
        (post_visit("{\"prison_id\": ".into()).await.unwrap(), 400),
        (post_visit(impossible_date).await.unwrap(), 422),
        (app.client.get(app.url("/api/v1/staff/visits")).bearer_auth("not-a-token").send().await.unwrap(), 401),
    ];
    for _ in 0..6 {
        answers.push((app.sign_in("officer@prison.example", "guessing the password").await, 401));
    }
    answers.last_mut().unwrap().1 = 429;
    let mut ids = std::collections::HashSet::new();
    for (response, status) in answers {
        let header = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body = problem(response, status).await;
        assert_eq!(body["request_id"], header.as_str(), "{status}: {body}");
        assert!(ids.insert(header), "each request has its own id");
    }
}

async fn health_and_readiness_answer(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let health: Value = app.get("/api/v1/health").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.get("/api/v1/ready").await;
    assert_eq!(ready.status(), 200);
}

async fn without_a_built_client_the_home_page_says_how_to_build_it(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("scripts/build-frontend.sh"));
}

/// Who may call is answered before what was sent: a member of staff sending a broken body to an admin's route always
/// gets 403, and a caller without a valid token always 401, never a 400 by the chance of which check finished first.
async fn who_may_call_is_answered_before_what_was_sent(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, domain::api::VisitingRules::default()).await;
    app.add_staff("officer@prison.example", "staff", &[prison]).await;
    let officer = &app.access_token("officer@prison.example").await;
    let app = &app;
    let routes = [
        (reqwest::Method::POST, "/api/v1/admin/prisons".to_owned()),
        (reqwest::Method::POST, "/api/v1/admin/staff".to_owned()),
        (reqwest::Method::PUT, "/api/v1/records/prisoners/A1234BC".to_owned()),
        (reqwest::Method::PUT, format!("/api/v1/admin/prisons/{prison}")),
    ];
    let sends = routes.iter().flat_map(|(method, path)| {
        ["{}", "[]", "not json", "{\"name\": 1}"].into_iter().flat_map(move |body| {
            [Some(officer.as_str()), Some("not-a-token"), None].into_iter().map(move |token| async move {
                let mut request = app
                    .client
                    .request(method.clone(), app.url(path))
                    .header("content-type", "application/json")
                    .body(body);
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let expected = if token == Some(officer.as_str()) { 403 } else { 401 };
                (format!("{method} {path} {body} {token:?}"), request.send().await.unwrap().status(), expected)
            })
        })
    });
    for round in 0..5 {
        for (what, status, expected) in futures_util::future::join_all(sends.clone()).await {
            assert_eq!(status.as_u16(), expected, "round {round}: {what}");
        }
    }
}

/// Unique violations are told apart by constraint, on both engines: a use case answers only the key it expects
/// (a duplicate prison code is "already taken"), and any other collision is a fault, not mistaken for it.
async fn unique_violations_are_known_by_their_constraint(db: Db) {
    use api::db::{UniqueKey, unique_violation};
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app_at(db, monday_morning()).await;
    let prison_id = add_test_prison(&app, Default::default()).await;
    let other_prison = add_test_prison(&app, Default::default()).await;
    let first = app.created_visit(&visit_request(prison_id, &[("2026-12-07", "14:00", "16:00")])).await;
    let second = app.created_visit(&visit_request(prison_id, &[("2026-12-08", "14:00", "16:00")])).await;
    app.add_staff("one@prison.example", "staff", &[prison_id]).await;
    app.add_staff("two@prison.example", "staff", &[prison_id]).await;
    let db = &app.state.db;
    let violation = |sql: String| async move {
        let err = db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap_err();
        unique_violation(&err)
    };
    let copy = |table: &str, column: &str, key: &str, from: &str, to: &str| {
        format!(
            "UPDATE {table} SET {column} = (SELECT {column} FROM {table} WHERE {key} = '{from}') WHERE {key} = '{to}'"
        )
    };
    // Rows are picked by their text keys: ids are stored as bytes on SQLite.
    let (a, b) = (first["reference"].as_str().unwrap(), second["reference"].as_str().unwrap());
    // The status-link hash is unique, but no use case expects it to collide: a fault, not a reference to redraw.
    assert_eq!(violation(copy("visit", "token_hash", "reference", a, b)).await, Some(None));
    assert_eq!(violation(copy("visit", "reference", "reference", a, b)).await, Some(Some(UniqueKey::VisitReference)));
    let code = |id: uuid::Uuid| format!("T{}", &id.simple().to_string()[..6]);
    let (p, q) = (code(prison_id), code(other_prison));
    assert_eq!(violation(copy("prison", "code", "code", &p, &q)).await, Some(Some(UniqueKey::PrisonCode)));
    assert_eq!(
        violation(copy("staff_account", "email", "email", "one@prison.example", "two@prison.example")).await,
        Some(Some(UniqueKey::StaffEmail))
    );
    let now = if db.get_database_backend() == sea_orm::DbBackend::Postgres { "now()" } else { "CURRENT_TIMESTAMP" };
    assert_eq!(
        violation(format!("INSERT INTO service_secret (id, secret, created_at) VALUES (1, 'x', {now})")).await,
        Some(Some(UniqueKey::ServiceSecret))
    );
    // Not a unique violation at all: none.
    let err = db.execute_raw(Statement::from_string(db.get_database_backend(), "SELECT * FROM no_such_table")).await;
    assert_eq!(unique_violation(&err.unwrap_err()), None);
}

on_both_databases!(
    unique_violations_are_known_by_their_constraint,
    who_may_call_is_answered_before_what_was_sent,
    unknown_api_paths_get_a_json_404_never_the_web_page,
    broken_json_gets_a_clear_400_and_writes_nothing,
    every_response_carries_a_request_id_and_safe_headers,
    every_problem_names_its_request_as_its_header_does,
    health_and_readiness_answer,
    without_a_built_client_the_home_page_says_how_to_build_it,
);

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let test_db = TestDb::new(Db::Postgres).await;
    let app = spawn_instance(&test_db.url, api::clock::Clock::system(), false).await;
    assert_eq!(app.get("/api/v1/ready").await.status(), 200);
    drop(test_db); // DROP DATABASE ... WITH (FORCE) cuts the pool's connections.
    let body = problem(app.get("/api/v1/ready").await, 503).await;
    assert_eq!(body["code"], "service_unavailable");
    // And a request that needs the database fails cleanly, without database text.
    let response = app.get("/api/v1/prisons").await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(status == 500 || status == 503, "{status}");
    assert!(!text.to_lowercase().contains("database \"pvb_test"), "{text}");
    assert!(!text.contains("sqlx") && !text.contains("SQL"), "{text}");
}
