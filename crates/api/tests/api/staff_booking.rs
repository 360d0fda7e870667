//! Booking on a visitor's behalf (`POST /api/v1/staff/visits`): the visitor's own rules and capacity guard, the
//! channel recorded, shown and counted, the staff member named in the timeline, and only at the caller's prisons.

use domain::api::VisitingRules;
use futures_util::future::join_all;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;

const FRIDAY: (&str, &str, &str) = ("2026-12-04", "14:00", "16:00");

/// The visitor's request body with a channel, as staff send it.
fn behalf(prison: Uuid, channel: &str) -> Value {
    let mut body = visit_request(prison, &[FRIDAY]);
    body["channel"] = json!(channel);
    body
}

impl TestApp {
    async fn book_on_behalf(&self, token: &str, body: &Value, key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.post(self.url("/api/v1/staff/visits")).bearer_auth(token).json(body);
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        req.send().await.unwrap()
    }
}

async fn staff_request_a_visit_taken_on_the_phone_with_their_name_in_the_timeline(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    let response = app.book_on_behalf(&officer, &behalf(prison, "phone"), None).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(response.headers()["idempotent-replayed"], "false");
    let visit: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/staff/visits/{}", visit["id"].as_str().unwrap()));
    assert_eq!(visit["state"], "requested");
    assert_eq!(visit["channel"], "phone");
    assert_eq!(visit["prisoner"]["number"], "A1234BC");
    assert_eq!(visit["lead_visitor"]["email"], "mary.smith@example.com");
    assert_eq!(visit["timeline"][0]["actor"], "staff");
    assert_eq!(visit["timeline"][0]["actor_name"], "Test Officer");
    // The lead visitor is told, as if they had asked themselves (with their private link, in the email).
    let kinds: Vec<&str> = visit["emails"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[0], "request_received", "{kinds:?}");

    // Staff see the channel in the inbox, in search and on the visit page.
    let inbox: Value = app.get_as(&officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"][0]["channel"], "phone");
    let found: Value = app.get_as(&officer, "/api/v1/staff/visits?q=A1234BC").await.json().await.unwrap();
    assert_eq!(found[0]["channel"], "phone");
    let path = format!("/api/v1/staff/visits/{}", visit["id"].as_str().unwrap());
    let seen: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    assert_eq!(seen["channel"], "phone");
}

async fn the_channel_is_on_the_day_list_and_counted_in_the_metrics(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison_with_capacity(&app, VisitingRules::default(), 5).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    let website = app.created_visit(&visit_request(prison, &[FRIDAY])).await;
    let mut ids = vec![website["id"].as_str().unwrap().parse::<Uuid>().unwrap()];
    for channel in ["phone", "in_person", "phone"] {
        let response = app.book_on_behalf(&officer, &behalf(prison, channel), None).await;
        assert_eq!(response.status(), 201);
        let visit: Value = response.json().await.unwrap();
        ids.push(visit["id"].as_str().unwrap().parse().unwrap());
    }
    for id in &ids {
        app.book(*id, slot("2026-12-04", "14:00", "16:00")).await;
    }

    let list: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list?date=2026-12-04"))
        .await
        .json()
        .await
        .unwrap();
    let channels: Vec<&str> =
        list["slots"][0]["visits"].as_array().unwrap().iter().map(|v| v["channel"].as_str().unwrap()).collect();
    assert_eq!(channels, ["website", "phone", "in_person", "phone"]);
    let csv = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list.csv?date=2026-12-04"))
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    // The channel, then the support needs (none here).
    assert!(rows[0].ends_with(",channel,support needs"), "{}", rows[0]);
    assert!(
        rows[1].ends_with(",website,") && rows[3].ends_with(",phone,") && rows[5].ends_with(",in_person,"),
        "{csv}"
    );

    let metrics: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/metrics?from=2026-11-01&to=2026-11-30"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        metrics["by_channel"],
        json!([{"channel": "website", "count": 1}, {"channel": "phone", "count": 2}, {"channel": "in_person", "count": 1}])
    );
}

async fn the_visitors_rules_refuse_the_same_bad_requests_field_by_field(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    let mut bad = visit_request(prison, &[("2026-12-01", "14:00", "16:00"), ("2026-12-25", "14:00", "16:00")]);
    bad["prisoner"]["number"] = json!("12345");
    bad["lead_visitor"]["date_of_birth"] = json!("2015-01-01");
    bad["lead_visitor"]["email"] = json!("not an email");
    bad["other_visitors"] = json!([
        {"first_name": "A", "last_name": "B", "date_of_birth": "1970-01-01"},
        {"first_name": "C", "last_name": "D", "date_of_birth": "1971-01-01"},
        {"first_name": "E", "last_name": "F", "date_of_birth": "1972-01-01"}
    ]);
    let visitor = problem(app.create_visit(&bad, None).await, 422).await;
    bad["channel"] = json!("in_person");
    let staff = problem(app.book_on_behalf(&officer, &bad, None).await, 422).await;
    assert!(field_errors(&visitor).len() >= 3, "{visitor}");
    assert_eq!(staff["errors"], visitor["errors"]);

    // Staff say how the request came in: phone or in person, never the website's or an integrator's channel.
    let mut body = behalf(prison, "phone");
    body.as_object_mut().unwrap().remove("channel");
    let missing = problem(app.book_on_behalf(&officer, &body, None).await, 422).await;
    assert_eq!(field_errors(&missing), [("channel".to_owned(), "required".to_owned())]);
    for channel in ["website", "integrator"] {
        let wrong = problem(app.book_on_behalf(&officer, &behalf(prison, channel), None).await, 422).await;
        assert_eq!(field_errors(&wrong), [("channel".to_owned(), "invalid_value".to_owned())]);
    }
    let unknown = problem(app.book_on_behalf(&officer, &behalf(prison, "fax"), None).await, 422).await;
    assert_eq!(field_errors(&unknown)[0].0, "channel");
    assert_eq!(app.count("visit").await, 0);
    assert_eq!(app.count("outbox_message").await, 0);
}

async fn staff_of_another_prison_are_answered_as_for_a_prison_that_does_not_exist(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let other = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@elsewhere.example", "staff", &[other]).await;
    let outsider = app.access_token("officer@elsewhere.example").await;

    let theirs = problem(app.book_on_behalf(&outsider, &behalf(prison, "phone"), None).await, 422).await;
    let missing = problem(app.book_on_behalf(&outsider, &behalf(Uuid::new_v4(), "phone"), None).await, 422).await;
    assert_eq!(field_errors(&theirs), [("prison_id".to_owned(), "unknown_prison".to_owned())]);
    assert_eq!(theirs["errors"], missing["errors"]);
    let anonymous =
        app.client.post(app.url("/api/v1/staff/visits")).json(&behalf(prison, "phone")).send().await.unwrap();
    problem(anonymous, 401).await;
    assert_eq!(app.count("visit").await, 0);

    // An admin may book at any prison.
    app.add_staff("admin@hq.example", "admin", &[]).await;
    let admin = app.access_token("admin@hq.example").await;
    assert_eq!(app.book_on_behalf(&admin, &behalf(prison, "in_person"), None).await.status(), 201);
}

async fn a_retry_with_the_same_idempotency_key_answers_with_the_same_visit(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    let body = behalf(prison, "phone");
    let first = app.book_on_behalf(&officer, &body, Some("call-4711")).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let emails = app.count("outbox_message").await;
    let again = app.book_on_behalf(&officer, &body, Some("call-4711")).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count("visit").await, 1);
    assert_eq!(app.count("outbox_message").await, emails, "no second email");

    let mut other = body.clone();
    other["lead_visitor"]["first_name"] = json!("Marie");
    let reused = problem(app.book_on_behalf(&officer, &other, Some("call-4711")).await, 422).await;
    assert_eq!(reused["code"], "idempotency_key_reused");
    problem(app.book_on_behalf(&officer, &body, Some("")).await, 400).await;
}

/// Visitors on the website and staff on the phone race for the last places of one slot at an instant-booking
/// prison: exactly as many are booked as there are places, and everyone else is told the time is full.
async fn the_capacity_guard_holds_when_visitors_and_staff_book_the_same_slot_at_once(db: Db) {
    const PLACES: u32 = 3;
    const EACH: usize = 8;
    let app = spawn_app_at(db, monday_morning()).await;
    let rules = VisitingRules { instant_booking: true, ..VisitingRules::default() };
    let prison = add_test_prison_with_capacity(&app, rules, PLACES).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    let request = |i: usize| {
        let mut body = visit_request(prison, &[FRIDAY]);
        body["prisoner"]["number"] = json!(format!("A{i:04}BC"));
        body["lead_visitor"]["email"] = json!(format!("family{i}@example.com"));
        body
    };
    let visitors = (0..EACH).map(|i| {
        let app = &app;
        let body = request(i);
        async move { app.create_visit(&body, None).await }
    });
    let staff = (EACH..2 * EACH).map(|i| {
        let (app, officer) = (&app, &officer);
        let mut body = request(i);
        body["channel"] = json!("phone");
        async move { app.book_on_behalf(officer, &body, None).await }
    });
    let race = async { futures_util::future::join(join_all(visitors), join_all(staff)).await };
    let (visitors, staff) = tokio::time::timeout(std::time::Duration::from_secs(60), race).await.unwrap();

    let mut booked = 0;
    for response in visitors.into_iter().chain(staff) {
        match response.status().as_u16() {
            201 => {
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["state"], "booked", "{body}");
                booked += 1;
            }
            _ => {
                let refused = problem(response, 422).await;
                assert_eq!(field_errors(&refused)[0].1, "slot_fully_booked", "{refused}");
            }
        }
    }
    assert_eq!(booked, PLACES as usize);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM visit WHERE state = 'booked'").await, i64::from(PLACES));
    assert_eq!(app.count("visit").await, i64::from(PLACES), "a refused request leaves nothing behind");
}

on_both_databases!(
    staff_request_a_visit_taken_on_the_phone_with_their_name_in_the_timeline,
    the_channel_is_on_the_day_list_and_counted_in_the_metrics,
    the_visitors_rules_refuse_the_same_bad_requests_field_by_field,
    staff_of_another_prison_are_answered_as_for_a_prison_that_does_not_exist,
    a_retry_with_the_same_idempotency_key_answers_with_the_same_visit,
    the_capacity_guard_holds_when_visitors_and_staff_book_the_same_slot_at_once,
);
