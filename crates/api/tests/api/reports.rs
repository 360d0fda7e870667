use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

async fn the_day_list_groups_visits_by_slot_as_json_and_safe_csv(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let other = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("officer@elsewhere.example", "staff", &[other]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let outsider = app.access_token("officer@elsewhere.example").await;

    let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    body["lead_visitor"]["first_name"] = json!("=HYPERLINK(\"http://evil\")");
    body["other_visitors"][0]["last_name"] = json!("Smith, Jr");
    let booked = app.created_visit(&body).await;
    app.book(booked["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    let cancelled = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    app.book(cancelled["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    app.visit_action(cancelled["reference"].as_str().unwrap(), cancelled["status_token"].as_str().unwrap(), "cancel")
        .await;
    // Still only requested: not on the day list.
    app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;

    let list: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list?date=2026-12-04"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["date"], "2026-12-04");
    let slots = list["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 1);
    assert_eq!(slots[0]["start"], "14:00");
    let visits = slots[0]["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 2);
    let states: Vec<&str> = visits.iter().map(|v| v["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["booked", "cancelled"]);
    assert_eq!(visits[0]["visitors"].as_array().unwrap().len(), 2);

    let response = app.get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list.csv?date=2026-12-04")).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("visits-2026-12-04.csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].to_lowercase().contains("reference"), "a header row: {}", lines[0]);
    assert_eq!(lines.len(), 1 + 4, "one row per visitor of the two visits");
    assert!(csv.contains("'=HYPERLINK"), "a formula is neutralised: {csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"), "{csv}");
    assert!(csv.contains("\"Amy Smith, Jr\""), "commas are quoted: {csv}");

    problem(app.get_as(&outsider, &format!("/api/v1/staff/prisons/{prison}/day-list?date=2026-12-04")).await, 404)
        .await;
    problem(app.get_as(&outsider, &format!("/api/v1/staff/prisons/{prison}/day-list.csv?date=2026-12-04")).await, 404)
        .await;
    problem(app.get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list?date=04/12/2026")).await, 422).await;
}

async fn metrics_count_outcomes_and_processing_times(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("officer@elsewhere.example", "staff", &[]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let outsider = app.access_token("officer@elsewhere.example").await;
    let a = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let b = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let c = app.created_visit(&visit_request(prison, &[("2026-12-06", "14:00", "16:00")])).await;
    app.created_visit(&visit_request(prison, &[("2026-12-07", "14:00", "16:00")])).await;
    app.post_as(&officer, &format!("/api/v1/staff/visits/{}/decision", a["id"].as_str().unwrap()),
        &json!({"outcome": "grant", "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"}, "expected_version": 0})).await;
    app.post_as(
        &officer,
        &format!("/api/v1/staff/visits/{}/decision", b["id"].as_str().unwrap()),
        &json!({"outcome": "reject", "expected_version": 0, "reasons": [{"reason": "prisoner_released"}]}),
    )
    .await;
    app.visit_action(c["reference"].as_str().unwrap(), c["status_token"].as_str().unwrap(), "withdraw").await;

    let m: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/metrics?from=2026-11-01&to=2026-11-30"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["waiting"], 1);
    assert_eq!(m["booked"], 1);
    assert_eq!(m["rejected"], 1);
    assert_eq!(m["withdrawn"], 1);
    assert_eq!(m["rejected_by_reason"][0]["reason"], "prisoner_released");
    assert_eq!(m["processing_time"]["decided"], 2);
    problem(app.get_as(&outsider, &format!("/api/v1/staff/prisons/{prison}/metrics")).await, 404).await;
}

on_both_databases!(
    the_day_list_groups_visits_by_slot_as_json_and_safe_csv,
    metrics_count_outcomes_and_processing_times,
);
