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

/// Two members of staff edit the timetable from the same version at once: one change is saved, the other is refused
/// and told to reload, so neither silently overwrites the other.
async fn two_changes_made_from_the_same_version_never_overwrite_each_other_unseen(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let path = format!("/api/v1/staff/prisons/{prison}/timetable");
    let seen: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    let version = seen["version"].as_i64().unwrap();
    let with = |day: &str| {
        let mut timetable = seen["timetable"].clone();
        timetable["closed_dates"].as_array_mut().unwrap().push(json!(day));
        json!({"rules": seen["rules"], "timetable": timetable, "expected_version": version})
    };
    let (christmas_eve, new_year) = (with("2026-12-24"), with("2026-12-31"));
    let put = |body: &Value| app.client.put(app.url(&path)).bearer_auth(&officer).json(body).send();
    let (a, b) = tokio::join!(put(&christmas_eve), put(&new_year));
    let (a, b) = (a.unwrap(), b.unwrap());
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(statuses.contains(&200) && statuses.contains(&409), "{statuses:?}");
    let (saved, refused) = if a.status() == 200 { (a, b) } else { (b, a) };
    let saved: Value = saved.json().await.unwrap();
    let refused = problem(refused, 409).await;
    assert_eq!(refused["code"], "conflict");
    assert_eq!(refused["current_version"], saved["timetable"]["version"]);
    let now: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    assert_eq!(now["timetable"]["closed_dates"].as_array().unwrap().len(), 2, "Christmas Day and one of the two");
    assert!(now["version"].as_i64().unwrap() > version);

    // From the version now, the other change goes through; without a version, a change is made as before.
    let mut again = new_year.clone();
    again["timetable"] = now["timetable"].clone();
    again["timetable"]["closed_dates"].as_array_mut().unwrap().push(json!("2027-01-01"));
    again["expected_version"] = now["version"].clone();
    assert_eq!(put(&again).await.unwrap().status(), 200);
    let mut unversioned = again.clone();
    unversioned.as_object_mut().unwrap().remove("expected_version");
    assert_eq!(put(&unversioned).await.unwrap().status(), 200);
}

/// Changes sent at once without a version, and reads made meanwhile: every answer's version stands for one timetable
/// only, and each change's answer shows the timetable that change saved.
async fn a_version_always_comes_with_the_one_timetable_it_stands_for(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let path = format!("/api/v1/staff/prisons/{prison}/timetable");
    let base: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    let changes = (0..12).map(|i| {
        let mut timetable = base["timetable"].clone();
        timetable["closed_dates"] = json!([format!("2027-01-{:02}", i + 1)]);
        let body = json!({"rules": base["rules"], "timetable": timetable});
        let (app, officer, path) = (&app, &officer, &path);
        async move {
            let answer: Value = app
                .client
                .put(app.url(path))
                .bearer_auth(officer)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(answer["timetable"]["timetable"]["closed_dates"], body["timetable"]["closed_dates"], "{answer}");
            answer["timetable"].clone()
        }
    });
    let reads = (0..24).map(|_| async { app.get_as(&officer, &path).await.json::<Value>().await.unwrap() });
    let (saved, read) = tokio::join!(futures_util::future::join_all(changes), futures_util::future::join_all(reads));
    let mut seen: std::collections::HashMap<i64, Value> = Default::default();
    for view in saved.iter().chain(&read) {
        let version = view["version"].as_i64().unwrap();
        let content = view["timetable"].clone();
        assert_eq!(seen.entry(version).or_insert_with(|| content.clone()), &content, "version {version}");
    }
    let versions: std::collections::HashSet<i64> = saved.iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(versions.len(), 12, "each change has its own version");
}

on_both_databases!(
    a_version_always_comes_with_the_one_timetable_it_stands_for,
    a_timetable_change_reaches_visitors_at_once_and_never_drops_booked_visits,
    two_changes_made_from_the_same_version_never_overwrite_each_other_unseen,
);
