use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

async fn a_timetable_change_reaches_visitors_at_once_and_never_drops_booked_visits(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let other = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("officer@elsewhere.example", "staff", &[other]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let outsider = app.access_token("officer@elsewhere.example").await;
    let path = format!("/api/v1/staff/prisons/{prison}/timetable");
    let current: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    assert_eq!(current["timetable"]["weekly"].as_array().unwrap().len(), 7);
    assert_eq!(current["timetable"]["closed_dates"], json!(["2026-12-25"]));
    problem(app.get_as(&outsider, &path).await, 404).await;

    // A visit booked on Friday 4 December.
    let visit = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    app.book(visit["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    let before: Value = app.availability(prison, "?from=2026-12-04&to=2026-12-10").await.json().await.unwrap();
    assert_eq!(before["days"].as_array().unwrap().len(), 7);

    // Visiting on Fridays only from now on, at 10:00: the booked Friday 14:00 visit would lose its time.
    let new = json!({"rules": current["rules"], "timetable": {"weekly": [
        {"weekday": "Fri", "start": "10:00", "end": "12:00", "capacity": 3, "closed_capacity": 0}]}});
    let refused =
        problem(app.client.put(app.url(&path)).bearer_auth(&officer).json(&new).send().await.unwrap(), 409).await;
    assert_eq!(refused["code"], "affects_booked_visits");
    assert_eq!(refused["affected_visits"][0]["reference"], visit["reference"]);
    let unchanged: Value = app.availability(prison, "?from=2026-12-04&to=2026-12-10").await.json().await.unwrap();
    assert_eq!(unchanged, before, "a refused change changes nothing");

    let mut confirmed = new.clone();
    confirmed["confirm_affected"] = json!(true);
    let response = app.client.put(app.url(&path)).bearer_auth(&officer).json(&confirmed).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["affected"].as_array().unwrap().len(), 1);
    // Visitors see Fridays at 10:00 only, straight away.
    let after: Value = app.availability(prison, "?from=2026-12-04&to=2026-12-10").await.json().await.unwrap();
    let days = after["days"].as_array().unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0]["slots"][0]["start"], "10:00");
    // The booked visit is still booked, and still on the day list.
    let status: Value = app
        .visit_status(visit["reference"].as_str().unwrap(), visit["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "booked");
    let list: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list?date=2026-12-04"))
        .await
        .json()
        .await
        .unwrap();
    let visits: usize = list["slots"].as_array().unwrap().iter().map(|s| s["visits"].as_array().unwrap().len()).sum();
    assert_eq!(visits, 1);

    // Nonsense is refused field by field.
    let bad = json!({"rules": current["rules"], "timetable": {"weekly": [
        {"weekday": "Fri", "start": "12:00", "end": "10:00", "capacity": 3}]}});
    let errors = field_errors(
        &problem(app.client.put(app.url(&path)).bearer_auth(&officer).json(&bad).send().await.unwrap(), 422).await,
    );
    assert!(errors[0].0.starts_with("timetable.weekly[0]"), "{errors:?}");
    problem(app.client.put(app.url(&path)).bearer_auth(&outsider).json(&confirmed).send().await.unwrap(), 404).await;
}

on_both_databases!(a_timetable_change_reaches_visitors_at_once_and_never_drops_booked_visits,);
