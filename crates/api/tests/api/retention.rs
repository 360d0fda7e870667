//! The retention job with the clock moved forward: personal data of visits six months past is removed, what the
//! metrics need is kept, and staff search reaches back only as far.

use chrono::{Duration, TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

async fn visits_six_months_past_lose_their_personal_data_and_keep_their_numbers(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    // Booked for Friday 4 December, with a message; rejected with an internal note; waiting for 28 December.
    let booked = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let (booked_id, booked_ref) = (booked["id"].as_str().unwrap(), booked["reference"].as_str().unwrap());
    let grant = json!({"outcome": "grant", "expected_version": 0, "message": "See you on Friday, Mary",
        "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"}});
    let path = format!("/api/v1/staff/visits/{booked_id}/decision");
    assert_eq!(app.post_as(&officer, &path, &grant).await.status(), 200);
    let rejected = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let rejected_id = rejected["id"].as_str().unwrap();
    let reject = json!({"outcome": "reject", "expected_version": 0,
        "reasons": [{"reason": "other", "detail": "Mary Smith is on the watch list"}]});
    let path = format!("/api/v1/staff/visits/{rejected_id}/decision");
    assert_eq!(app.post_as(&officer, &path, &reject).await.status(), 200);
    let waiting = app.created_visit(&visit_request(prison, &[("2026-12-28", "14:00", "16:00")])).await;
    let waiting_ref = waiting["reference"].as_str().unwrap();

    // Five months on, nothing is touched.
    clock.advance(Duration::days(150));
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 6).await.unwrap(), 0);

    // 10 June 2027: more than six months after 4 and 5 December, not yet after 28 December.
    let june = Utc.with_ymd_and_hms(2027, 6, 10, 9, 0, 0).unwrap();
    clock.advance(june - clock.now());
    // A fresh sign-in: the old session has long expired.
    let officer = app.access_token("officer@testbridge.example").await;
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 6).await.unwrap(), 2);
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 6).await.unwrap(), 0, "once is enough");

    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{booked_id}")).await.json().await.unwrap();
    assert_eq!(view["prisoner"]["first_name"], "");
    assert_eq!(view["prisoner"]["number"], "");
    assert_eq!(view["lead_visitor"]["email"], "");
    assert_eq!(view["lead_visitor"]["phone"], "");
    assert!(view["visitors"].as_array().unwrap().iter().all(|v| v["first_name"] == "" && v["last_name"] == ""));
    assert!(view["visitors"].as_array().unwrap().iter().all(|v| v["date_of_birth"] == "1900-01-01"));
    assert_eq!(view["messages"][0]["text"], "");
    assert_eq!(view["emails"], json!([]), "queued emails go with the data");
    // What the numbers need stays.
    assert_eq!(view["state"], "booked");
    assert_eq!(view["booked_slot"]["date"], "2026-12-04");
    assert_eq!(view["visitors"].as_array().unwrap().len(), 2);
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{rejected_id}")).await.json().await.unwrap();
    assert_eq!(view["rejection_reasons"][0]["reason"], "other");
    assert!(view["rejection_reasons"][0].get("detail").is_none_or(Value::is_null), "{view}");
    let metrics: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/metrics?from=2026-11-01&to=2026-11-30"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((metrics["booked"].as_u64(), metrics["rejected"].as_u64()), (Some(1), Some(1)), "{metrics}");

    // Staff search reaches back only as far as the data is kept; the visitor's private link is dead.
    let found: Value =
        app.get_as(&officer, &format!("/api/v1/staff/visits?q={booked_ref}")).await.json().await.unwrap();
    assert_eq!(found, json!([]));
    let found: Value = app.get_as(&officer, "/api/v1/staff/visits?q=A1234BC").await.json().await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "only the visit still kept: {found}");
    assert_eq!(found[0]["reference"], waiting_ref);
    let token = booked["status_token"].as_str().unwrap();
    assert_eq!(app.visit_status(booked_ref, token).await.status(), 404);

    // 1 July 2027: the last one goes too.
    clock.advance(Duration::days(21));
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 6).await.unwrap(), 1);
    let officer = app.access_token("officer@testbridge.example").await;
    let found: Value = app.get_as(&officer, "/api/v1/staff/visits?q=A1234BC").await.json().await.unwrap();
    assert_eq!(found, json!([]));
    let inbox: Value = app.get_as(&officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"], json!([]), "a request never decided leaves the inbox with its data");
}

async fn the_retention_period_is_configurable(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    clock.advance(Duration::days(100));
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 6).await.unwrap(), 0);
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 3).await.unwrap(), 1);
}

on_both_databases!(
    visits_six_months_past_lose_their_personal_data_and_keep_their_numbers,
    the_retention_period_is_configurable,
);
