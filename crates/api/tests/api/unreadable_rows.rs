//! A row the service cannot read (a state or reason this build does not know, written behind its back) is an
//! error: the answer is a 500 problem that says nothing of the database, never a list or a view with the row left out.

use domain::api::VisitingRules;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::*;
use crate::on_every_path;

/// The 500 problem, with nothing of the row or the database in it.
async fn unreadable(response: reqwest::Response) {
    let body = problem(response, 500).await;
    assert_eq!(body["code"], "internal_error");
    let text = body.to_string();
    for leak in ["not_a_state", "not_a_reason", "unexpected", "enum", "SELECT"] {
        assert!(!text.contains(leak), "the problem says {leak:?}: {text}");
    }
}

async fn a_visit_in_a_state_the_service_does_not_know_is_an_error_wherever_it_is_read(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let (id, reference) = (created["id"].as_str().unwrap(), created["reference"].as_str().unwrap());
    let token = created["status_token"].as_str().unwrap();
    let id: Uuid = id.parse().unwrap();

    app.execute_for_visit("UPDATE visit SET state = 'not_a_state' WHERE id = {id}", id).await;

    unreadable(app.get_as(&officer, &format!("/api/v1/staff/visits/{id}")).await).await;
    unreadable(app.get_as(&officer, &format!("/api/v1/staff/visits?q={reference}")).await).await;
    unreadable(app.visit_status(reference, token).await).await;
}

async fn a_request_with_a_reason_the_service_does_not_know_fails_the_inbox_rather_than_leaving_it_out(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let id: Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let inbox: Value = app.get_as(&officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"].as_array().unwrap().len(), 2);

    app.execute_for_visit("UPDATE visit SET cancellation_reason = 'not_a_reason' WHERE id = {id}", id).await;

    unreadable(app.get_as(&officer, "/api/v1/staff/inbox").await).await;
}

on_every_path!(
    a_visit_in_a_state_the_service_does_not_know_is_an_error_wherever_it_is_read,
    a_request_with_a_reason_the_service_does_not_know_fails_the_inbox_rather_than_leaving_it_out,
);
