//! Feedback (issue 14): visitors send it without signing in, staff with their token (kept as "staff", never who);
//! admins read it and export it as CSV; bad forms are refused field by field; each address is limited; and an email
//! address given with it is forgotten after the retention period.

use chrono::{Duration, TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

impl TestApp {
    async fn send_feedback(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self.client.post(self.url("/api/v1/feedback")).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

async fn visitors_and_staff_send_feedback_that_admins_read_and_export(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let admin = app.access_token("admin@testbridge.example").await;

    let visitor = json!({"satisfaction": "dissatisfied", "locale": "cy",
        "improvement": "  Roedd y calendr yn araf\r\nar fy ffôn  ", "email": "Mary.Smith@Example.com"});
    let response = app.send_feedback(None, &visitor).await;
    assert_eq!(response.status(), 201);
    let sent: Value = response.json().await.unwrap();
    assert_eq!(sent["source"], "visitor");
    clock.advance(Duration::minutes(5));
    let response = app.send_feedback(Some(&officer), &json!({"satisfaction": "very_satisfied"})).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<Value>().await.unwrap()["source"], "staff");

    let list: Value = app.get_as(&admin, "/api/v1/admin/feedback").await.json().await.unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(list["to"], "2026-11-30");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["source"], "staff", "newest first");
    assert_eq!(items[0]["satisfaction"], "very_satisfied");
    assert!(items[0].get("email").is_none() && items[0].get("improvement").is_none(), "{}", items[0]);
    assert_eq!(items[1]["improvement"], "Roedd y calendr yn araf\nar fy ffôn");
    assert_eq!(items[1]["email"], "Mary.Smith@example.com");
    assert_eq!(items[1]["locale"], "cy");
    // Nothing says which member of staff sent theirs: the row holds no account, name or address.
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM feedback WHERE email IS NULL AND source = 'staff'").await, 1);

    let response = app.get_as(&admin, "/api/v1/admin/feedback.csv?from=2026-11-30&to=2026-11-30").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("feedback-2026-11-30-to-2026-11-30.csv"), "{disposition}");
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "a byte order mark for spreadsheets");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows[0], ["sent at", "from", "satisfaction", "what went wrong or could be better", "email", "language"]);
    assert_eq!(rows[1], ["2026-11-30 09:05", "staff", "Very satisfied", "", "", "en"]);
    assert_eq!(
        rows[2],
        [
            "2026-11-30 09:00",
            "visitor",
            "Dissatisfied",
            "Roedd y calendr yn araf\nar fy ffôn",
            "Mary.Smith@example.com",
            "cy"
        ]
    );
    // Another period has none of it.
    let empty: Value =
        app.get_as(&admin, "/api/v1/admin/feedback?from=2026-11-01&to=2026-11-29").await.json().await.unwrap();
    assert_eq!((empty["total"].as_u64(), empty["items"].as_array().map(Vec::len)), (Some(0), Some(0)));

    // Only admins read it.
    problem(app.get_as(&officer, "/api/v1/admin/feedback").await, 403).await;
    problem(app.get_as(&officer, "/api/v1/admin/feedback.csv").await, 403).await;
    problem(app.get("/api/v1/admin/feedback").await, 401).await;
    let bad = problem(app.get_as(&admin, "/api/v1/admin/feedback?from=2026-11-30&to=2026-11-01").await, 422).await;
    assert_eq!(field_errors(&bad), [("from".to_owned(), "out_of_range".to_owned())]);
}

async fn bad_feedback_is_refused_field_by_field_and_keys_are_not_people(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = app.access_token("admin@testbridge.example").await;

    let refused = problem(app.send_feedback(None, &json!({"improvement": "Nothing to say"})).await, 422).await;
    assert_eq!(field_errors(&refused), [("satisfaction".to_owned(), "required".to_owned())]);
    assert_eq!(refused["errors"][0]["message"], "Select how satisfied you are with the service");
    let refused = problem(
        app.send_feedback(
            None,
            &json!({"satisfaction": "satisfied", "improvement": "x".repeat(1201), "email": "mary@"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        field_errors(&refused),
        [("improvement".to_owned(), "too_long".to_owned()), ("email".to_owned(), "invalid_email".to_owned())]
    );
    let refused = problem(app.send_feedback(None, &json!({"satisfaction": "delighted"})).await, 422).await;
    assert_eq!(field_errors(&refused), [("satisfaction".to_owned(), "invalid_value".to_owned())]);
    problem(app.send_feedback(None, &json!(["satisfied"])).await, 400).await;
    problem(app.send_feedback(Some("not-a-token"), &json!({"satisfaction": "satisfied"})).await, 401).await;

    let key = app
        .post_as(
            &admin,
            "/api/v1/api-keys",
            &json!({"name": "Contact centre", "prison_ids": [prison], "scopes": ["visits:write"]}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    problem(app.send_feedback(Some(&key), &json!({"satisfaction": "satisfied"})).await, 403).await;
    assert_eq!(app.count("feedback").await, 0, "nothing refused is kept");
}

async fn feedback_is_limited_per_address_and_refused_forms_do_not_count(db: Db) {
    let mut settings = settings("", false);
    settings.limits.feedback_per_address = 2;
    let app = spawn_app_with_settings(db, api::clock::Clock::fixed(monday_morning()), settings).await;
    let good = json!({"satisfaction": "neither"});
    problem(app.send_feedback(None, &json!({})).await, 422).await;
    assert_eq!(app.send_feedback(None, &good).await.status(), 201);
    assert_eq!(app.send_feedback(None, &good).await.status(), 201);
    let response = app.send_feedback(None, &good).await;
    let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    assert_eq!(problem(response, 429).await["code"], "rate_limited");
    assert_eq!(app.count("feedback").await, 2);
    // The address is counted under a hash, never kept with the feedback.
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM rate_limit WHERE key LIKE '%127.0.0.1%'").await, 0);
}

async fn an_email_given_with_feedback_is_forgotten_after_the_retention_period(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let body = json!({"satisfaction": "satisfied", "improvement": "Call me back", "email": "mary@example.com"});
    assert_eq!(app.send_feedback(None, &body).await.status(), 201);
    clock.advance(Duration::days(150));
    api::retention::run(&app.state.db, clock.now(), 6).await.unwrap();
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM feedback WHERE email IS NOT NULL").await, 1, "kept 5 months");
    let june = Utc.with_ymd_and_hms(2027, 6, 10, 9, 0, 0).unwrap();
    clock.advance(june - clock.now());
    api::retention::run(&app.state.db, clock.now(), 6).await.unwrap();
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM feedback WHERE email IS NOT NULL").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM feedback WHERE improvement = 'Call me back'").await, 1);
}

on_both_databases!(
    visitors_and_staff_send_feedback_that_admins_read_and_export,
    bad_feedback_is_refused_field_by_field_and_keys_are_not_people,
    feedback_is_limited_per_address_and_refused_forms_do_not_count,
    an_email_given_with_feedback_is_forgotten_after_the_retention_period,
);
