//! Time rules: nothing changes a visit whose time has come; every refusal says why with its own code; every rule
//! about a person is judged at the visit's date; every visit time is one real moment in Europe/London.

use chrono::{TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

fn grant(date: &str) -> Value {
    json!({"outcome": "grant", "slot": {"date": date, "start": "14:00", "end": "16:00"}, "expected_version": 0})
}

/// Emails of this kind waiting in the outbox for the visit.
async fn emails(app: &TestApp, kind: &str) -> i64 {
    app.count(&format!("outbox_message WHERE kind = '{kind}'")).await
}

async fn a_request_whose_time_has_started_is_not_booked_or_cancelled_and_nobody_is_emailed(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let waiting = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let booked = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let early = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let booked_id = booked["id"].as_str().unwrap();
    app.book(booked_id.parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    let (booked_emails, cancelled_emails) = (emails(&app, "booked").await, emails(&app, "cancelled").await);

    // Friday 4 December, 14:30 in London: the visit time has started.
    clock.advance(Utc.with_ymd_and_hms(2026, 12, 4, 14, 30, 0).unwrap() - monday_morning());
    let officer = app.access_token("officer@testbridge.example").await;
    let path = format!("/api/v1/staff/visits/{}", waiting["id"].as_str().unwrap());
    let refused = problem(app.post_as(&officer, &format!("{path}/decision"), &grant("2026-12-04")).await, 409).await;
    assert_eq!(refused["code"], "visit_already_started", "{refused}");
    let view: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    assert_eq!((view["state"].as_str(), view["version"].as_i64()), (Some("requested"), Some(0)));

    let cancel = json!({"reason": "capacity_issues", "expected_version": 1});
    let refused =
        problem(app.post_as(&officer, &format!("/api/v1/staff/visits/{booked_id}/cancel"), &cancel).await, 409).await;
    assert_eq!(refused["code"], "visit_already_started");
    let by_visitor = app
        .visit_action(booked["reference"].as_str().unwrap(), booked["status_token"].as_str().unwrap(), "cancel")
        .await;
    assert_eq!(problem(by_visitor, 409).await["code"], "visit_already_started");
    // Every time the waiting request chose has started: the visitor is not offered to withdraw it, and cannot.
    let (reference, token) = (waiting["reference"].as_str().unwrap(), waiting["status_token"].as_str().unwrap());
    let status: Value = app.visit_status(reference, token).await.json().await.unwrap();
    assert_eq!(status["can_withdraw"], false, "{status}");
    let withdrawn = app.visit_action(reference, token, "withdraw").await;
    assert_eq!(problem(withdrawn, 409).await["code"], "visit_already_started");
    assert_eq!(emails(&app, "withdrawn").await, 0, "no email about a refused withdrawal");
    assert_eq!(app.count("visit WHERE state = 'booked'").await, 1, "the booked visit stays booked");
    assert_eq!(app.count("slot_usage WHERE booked_open = 1").await, 1, "and keeps its place");
    assert_eq!(
        (emails(&app, "booked").await, emails(&app, "cancelled").await),
        (booked_emails, cancelled_emails),
        "no email about a refused change"
    );

    // Recording what happened is still possible: staff can reject the request that was never decided in time.
    let reject = json!({"outcome": "reject", "expected_version": 0, "reasons": [{"reason": "slot_unavailable"}]});
    assert_eq!(app.post_as(&officer, &format!("{path}/decision"), &reject).await.status(), 200);
    // A minute before the start, the same grant would have been taken.
    clock.advance(Utc.with_ymd_and_hms(2026, 12, 5, 13, 59, 0).unwrap() - clock.now());
    let officer = app.access_token("officer@testbridge.example").await;
    let path = format!("/api/v1/staff/visits/{}/decision", early["id"].as_str().unwrap());
    assert_eq!(app.post_as(&officer, &path, &grant("2026-12-05")).await.status(), 200);
}

async fn a_grant_the_timetable_no_longer_allows_says_why_with_its_own_code(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison_with_capacity(&app, VisitingRules::default(), 1).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let days = [("2026-12-04", "14:00", "16:00"), ("2026-12-05", "14:00", "16:00"), ("2026-12-06", "14:00", "16:00")];
    let request = app.created_visit(&visit_request(prison, &days)).await;
    let full = app.created_visit(&visit_request(prison, &[days[2]])).await;
    app.book(full["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-06", "14:00", "16:00")).await;

    // Staff close Friday and move Saturday's visits to the morning.
    let path = format!("/api/v1/staff/prisons/{prison}/timetable");
    let mut current: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    current["timetable"]["closed_dates"].as_array_mut().unwrap().push(json!("2026-12-04"));
    current["timetable"]["replacements"]
        .as_array_mut()
        .unwrap()
        .push(json!({"date": "2026-12-05", "start": "10:00", "end": "12:00", "capacity": 4}));
    let body = json!({"rules": current["rules"], "timetable": current["timetable"]});
    let response = app.client.put(app.url(&path)).bearer_auth(&officer).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);

    let decide = format!("/api/v1/staff/visits/{}/decision", request["id"].as_str().unwrap());
    for (date, code, words) in [
        ("2026-12-04", "slot_closed", "closed for visits on 2026-12-04"),
        ("2026-12-05", "slot_not_offered", "no visiting at 2026-12-05 14:00-16:00"),
        ("2026-12-06", "slot_full", "All 1 places"),
    ] {
        let refused = problem(app.post_as(&officer, &decide, &grant(date)).await, 409).await;
        assert_eq!(refused["code"], code, "{refused}");
        assert!(refused["detail"].as_str().unwrap().contains(words), "{refused}");
    }
    assert_eq!(app.count("visit WHERE state = 'requested'").await, 1, "nothing changed");
}

async fn someone_who_turns_18_before_the_visit_counts_as_an_adult_on_the_day(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let party = |date: &str| {
        let mut body = visit_request(prison, &[(date, "14:00", "16:00")]);
        body["other_visitors"] = json!([
            {"first_name": "Ann", "last_name": "Smith", "date_of_birth": "1975-01-01"},
            {"first_name": "Bob", "last_name": "Smith", "date_of_birth": "1978-01-01"},
            // 17 today, 18 on Thursday 10 December.
            {"first_name": "Cai", "last_name": "Smith", "date_of_birth": "2008-12-10"},
        ]);
        body
    };
    app.created_visit(&party("2026-12-04")).await;
    let refused = problem(app.create_visit(&party("2026-12-11"), None).await, 422).await;
    assert_eq!(field_errors(&refused), [("other_visitors".to_owned(), "too_many_adults".to_owned())]);
    assert_eq!(app.count("visit").await, 1, "four adults never arrive");
}

async fn a_ban_that_ends_before_the_visit_does_not_fail_the_visitor_check(db: Db) {
    let mut settings = settings("unused", false);
    settings.records = api::config::RecordsSettings::BuiltIn;
    let app = spawn_app_with_settings(db, api::clock::Clock::fixed(monday_morning()), settings).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let code = api::prisons::store::find(&app.state.db, prison).await.unwrap().unwrap().code;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = app.access_token("admin@testbridge.example").await;
    // Mary is banned until Sunday 6 December.
    let record = json!({"number": "A1234BC", "first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12",
        "prison_code": code, "visiting_allowance": 2, "contacts": [
            {"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true,
             "banned": true, "banned_until": "2026-12-06"},
            {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-09", "approved": true}]});
    let put = app.client.put(app.url("/api/v1/records/prisoners/A1234BC")).bearer_auth(&admin).json(&record);
    assert_eq!(put.send().await.unwrap().status(), 200);
    let lead_check = |created: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let path = format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap());
            let view: Value = app.get_as(&admin, &path).await.json().await.unwrap();
            let check = view["checks"].as_array().unwrap().iter().find(|c| c["visitor_index"] == 0).unwrap().clone();
            (check["outcome"].as_str().unwrap().to_owned(), view["suggested_rejection_reasons"].clone())
        }
    };
    let during = app.created_visit(&visit_request(prison, &[("2026-12-06", "14:00", "16:00")])).await;
    assert_eq!(lead_check(during).await, ("fail".to_owned(), json!(["visitor_banned"])));
    let after = app.created_visit(&visit_request(prison, &[("2026-12-07", "14:00", "16:00")])).await;
    assert_eq!(lead_check(after).await, ("pass".to_owned(), json!([])), "the ban has ended by Monday 7 December");
}

async fn a_visit_time_the_clock_change_skips_or_repeats_cannot_be_set(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let path = format!("/api/v1/staff/prisons/{prison}/timetable");
    let current: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    let timetable = json!({
        "weekly": [{"weekday": "Sun", "start": "01:30", "end": "03:00", "capacity": 5}],
        // 25 October 2026: 01:00-01:59 happens twice.
        "replacements": [{"date": "2026-10-25", "start": "00:30", "end": "01:30", "capacity": 5}],
    });
    let body = json!({"rules": current["rules"], "timetable": timetable});
    let refused =
        problem(app.client.put(app.url(&path)).bearer_auth(&officer).json(&body).send().await.unwrap(), 422).await;
    assert_eq!(
        field_errors(&refused),
        [
            ("timetable.weekly[0].start".to_owned(), "invalid_time".to_owned()),
            ("timetable.replacements[0].end".to_owned(), "invalid_time".to_owned()),
        ]
    );
    let unchanged: Value = app.get_as(&officer, &path).await.json().await.unwrap();
    assert_eq!(unchanged, current);
}

on_both_databases!(
    a_request_whose_time_has_started_is_not_booked_or_cancelled_and_nobody_is_emailed,
    a_grant_the_timetable_no_longer_allows_says_why_with_its_own_code,
    someone_who_turns_18_before_the_visit_counts_as_an_adult_on_the_day,
    a_ban_that_ends_before_the_visit_does_not_fail_the_visitor_check,
    a_visit_time_the_clock_change_skips_or_repeats_cannot_be_set,
);
