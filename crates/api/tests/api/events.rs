//! Integration events and the change feed: one event per change, in the change's transaction (none from a
//! rolled-back change), and a feed that, paged while many writers write, gives every event once in position order.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use domain::api::VisitingRules;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::{on_both_databases, on_portable_postgres};

pub struct Desk {
    pub app: TestApp,
    pub prison: Uuid,
    pub officer: String,
    pub admin: String,
}

pub async fn desk(app: TestApp) -> Desk {
    let prison = add_test_prison_with_capacity(&app, VisitingRules::default(), 1000).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let admin = app.access_token("admin@testbridge.example").await;
    Desk { app, prison, officer, admin }
}

impl Desk {
    /// Creates a requested visit on `day`: (id, reference, status token).
    pub async fn request(&self, day: &str) -> (String, String, String) {
        let created = self.app.created_visit(&visit_request(self.prison, &[(day, "14:00", "16:00")])).await;
        let field = |name: &str| created[name].as_str().unwrap().to_owned();
        (field("id"), field("reference"), field("status_token"))
    }

    pub async fn staff(&self, id: &str, action: &str, body: Value) -> reqwest::Response {
        self.app.post_as(&self.officer, &format!("/api/v1/staff/visits/{id}/{action}"), &body).await
    }

    pub async fn grant(&self, id: &str, day: &str, version: i64) {
        let body = json!({"outcome": "grant", "expected_version": version,
            "slot": {"date": day, "start": "14:00", "end": "16:00"}});
        let response = self.staff(id, "decision", body).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    pub async fn feed(&self, after: Option<&str>, limit: u32) -> Value {
        let mut path = format!("/api/v1/prisons/{}/changes?limit={limit}", self.prison);
        if let Some(after) = after {
            path.push_str(&format!("&after={after}"));
        }
        let response = self.app.get_as(&self.officer, &path).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// Every event of the prison, paging from the start.
    pub async fn all_events(&self) -> Vec<Value> {
        let mut events = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.feed(cursor.as_deref(), 7).await;
            events.extend(page["events"].as_array().unwrap().iter().cloned());
            cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
            if !page["has_more"].as_bool().unwrap() {
                return events;
            }
        }
    }
}

fn types(events: &[Value]) -> Vec<(&str, Option<&str>)> {
    events.iter().map(|e| (e["type"].as_str().unwrap(), e["visit_id"].as_str())).collect()
}

async fn every_change_an_integrator_cares_about_is_one_event_in_order(db: Db) {
    let mut settings = settings("", false);
    settings.records = api::config::RecordsSettings::BuiltIn;
    let d = desk(spawn_app_with_settings(db, api::clock::Clock::fixed(monday_morning()), settings).await).await;

    // Requested, booked with a message, messaged, cancelled by staff.
    let (booked, reference, _) = d.request("2026-12-04").await;
    let body = json!({"outcome": "grant", "expected_version": 0, "message": "Bring ID",
        "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"}});
    assert_eq!(d.staff(&booked, "decision", body).await.status(), 200);
    assert_eq!(d.staff(&booked, "messages", json!({"text": "The car park is closed."})).await.status(), 200);
    let cancel = json!({"reason": "capacity_issues", "expected_version": 1});
    assert_eq!(d.staff(&booked, "cancel", cancel).await.status(), 200);
    // Withdrawn by the visitor; rejected; booked then cancelled by the visitor.
    let (withdrawn, withdrawn_ref, token) = d.request("2026-12-05").await;
    assert_eq!(d.app.visit_action(&withdrawn_ref, &token, "withdraw").await.status(), 200);
    let (rejected, _, _) = d.request("2026-12-06").await;
    let reject = json!({"outcome": "reject", "expected_version": 0, "reasons": [{"reason": "no_allowance", "allowance_renews_on": "2026-12-14"}]});
    assert_eq!(d.staff(&rejected, "decision", reject).await.status(), 200);
    let (own, own_ref, own_token) = d.request("2026-12-07").await;
    d.grant(&own, "2026-12-07", 0).await;
    assert_eq!(d.app.visit_action(&own_ref, &own_token, "cancel").await.status(), 200);
    // The timetable and the roll.
    let path = format!("/api/v1/staff/prisons/{}/timetable", d.prison);
    let mut timetable: Value = d.app.get_as(&d.officer, &path).await.json().await.unwrap();
    timetable["timetable"]["closed_dates"] = json!(["2026-12-25", "2026-12-26"]);
    let change = json!({"rules": timetable["rules"], "timetable": timetable["timetable"], "confirm_affected": true});
    let response = d.app.client.put(d.app.url(&path)).bearer_auth(&d.officer).json(&change).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let code = api::prisons::store::find(&d.app.state.db, d.prison).await.unwrap().unwrap().code;
    let record = json!({"number": "A1234BC", "first_name": "John", "last_name": "Smith",
        "date_of_birth": "1985-04-12", "prison_code": code, "visiting_allowance": 2});
    let response = d
        .app
        .client
        .put(d.app.url("/api/v1/records/prisoners/A1234BC"))
        .bearer_auth(&d.admin)
        .json(&record)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let events = d.all_events().await;
    let (b, w, r, o) = (Some(booked.as_str()), Some(withdrawn.as_str()), Some(rejected.as_str()), Some(own.as_str()));
    assert_eq!(
        types(&events),
        [
            ("visit.requested", b),
            ("visit.booked", b),
            ("visit.messaged", b),
            ("visit.cancelled", b),
            ("visit.requested", w),
            ("visit.withdrawn", w),
            ("visit.requested", r),
            ("visit.rejected", r),
            ("visit.requested", o),
            ("visit.booked", o),
            ("visit.cancelled", o),
            ("timetable.changed", None),
            ("roll.updated", None),
        ]
    );
    let positions: Vec<i64> = events.iter().map(|e| e["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, (1..=13).collect::<Vec<_>>(), "positions without gaps, in order");
    // The visit as the change left it, and no personal data.
    let grant = &events[1]["data"];
    assert_eq!(grant["reference"], reference.as_str());
    assert_eq!(grant["state"], "booked");
    assert_eq!(grant["version"], 1);
    assert_eq!(grant["actor"], "staff");
    assert_eq!(grant["booked_slot"], json!({"date": "2026-12-04", "start": "14:00", "end": "16:00"}));
    assert!(grant["message_id"].is_string(), "the decision's message is named");
    assert_eq!(events[3]["data"]["actor"], "staff");
    assert_eq!(events[10]["data"]["actor"], "visitor");
    assert!(!events.iter().any(|e| e.to_string().contains("Smith")), "no names in events");
    assert_eq!(events[11]["data"]["prison_id"], d.prison.to_string());
    assert_eq!(events[12]["data"], json!({"prison_id": d.prison, "prisoners": 1}));
    // Paged one by one, the same.
    let first = d.feed(None, 1).await;
    assert_eq!((first["next_cursor"].as_str(), first["has_more"].as_bool()), (Some("1"), Some(true)));
    let last = d.feed(Some("12"), 100).await;
    assert_eq!((last["events"].as_array().unwrap().len(), last["has_more"].as_bool()), (1, Some(false)));
    let empty = d.feed(Some("13"), 100).await;
    assert_eq!(empty, json!({"events": [], "next_cursor": "13", "has_more": false}));
}

async fn instant_booking_is_one_booked_event(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let rules = VisitingRules { instant_booking: true, ..VisitingRules::default() };
    let prison = add_test_prison(&app, rules).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let d = Desk { officer: app.access_token("officer@testbridge.example").await, admin: String::new(), prison, app };
    let (id, _, _) = d.request("2026-12-04").await;
    let events = d.all_events().await;
    assert_eq!(types(&events), [("visit.booked", Some(id.as_str()))]);
    assert_eq!(events[0]["data"]["actor"], "system");
}

async fn new_visiting_rules_are_a_timetable_change_and_other_details_are_not(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let prison = api::prisons::store::find(&d.app.state.db, d.prison).await.unwrap().unwrap();
    let mut body = json!({"name": "HMP Testbridge Renamed", "code": prison.code,
        "address": {"lines": ["1 Gate Street"], "town": "Testbridge", "postcode": "TB1 1AA"},
        "email": "visits@testbridge.example", "phone": "01632 960000"});
    let path = format!("/api/v1/admin/prisons/{}", d.prison);
    let response = d.app.client.put(d.app.url(&path)).bearer_auth(&d.admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(d.all_events().await.is_empty(), "a new name is not an event");
    body["rules"] = json!({"adult_age": 18, "max_visitors": 3, "max_adults": 3, "booking_window_days": 28,
                           "processing_days": 3, "weekend_processing": false, "instant_booking": false});
    let response = d.app.client.put(d.app.url(&path)).bearer_auth(&d.admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let events = d.all_events().await;
    assert_eq!(types(&events), [("timetable.changed", None)]);
    let version = api::prisons::store::availability_version(&d.app.state.db, d.prison).await.unwrap().unwrap();
    assert_eq!(events[0]["data"], json!({"prison_id": d.prison, "version": version}));
}

/// A failing trigger after each event is written (`record` writes it last): the change fails after its event was
/// written.
async fn fail_after_the_event(app: &TestApp, on: bool) {
    let db = &app.state.db;
    let sql: &[&str] = match (db.get_database_backend(), on) {
        (sea_orm::DbBackend::Postgres, true) => &[
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER boom AFTER INSERT ON integration_event FOR EACH ROW EXECUTE FUNCTION boom()",
        ],
        (sea_orm::DbBackend::Postgres, false) => &["DROP TRIGGER boom ON integration_event"],
        (_, true) => &["CREATE TRIGGER boom AFTER INSERT ON integration_event BEGIN SELECT RAISE(ABORT, 'boom'); END"],
        (_, false) => &["DROP TRIGGER boom"],
    };
    for statement in sql {
        sea_orm::ConnectionTrait::execute_unprepared(db, statement).await.unwrap();
    }
}

async fn a_change_that_fails_after_its_event_leaves_no_event(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    // A subscription, whose delivery of the first event is queued by the worker.
    let sub = json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison]});
    assert_eq!(d.app.post_as(&d.admin, "/api/v1/webhooks/subscriptions", &sub).await.status(), 201);
    let (id, _, _) = d.request("2026-12-04").await;

    fail_after_the_event(&d.app, true).await;
    let response = d.app.create_visit(&visit_request(d.prison, &[("2026-12-05", "14:00", "16:00")]), None).await;
    problem(response, 500).await;
    let grant = json!({"outcome": "grant", "expected_version": 0,
        "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"}});
    problem(d.staff(&id, "decision", grant).await, 500).await;
    assert_eq!(d.app.count("visit").await, 1, "the failed request left nothing");
    assert_eq!(d.app.count("integration_event").await, 1);
    api::webhooks::store::fan_out(&d.app.state.db, d.app.state.clock.now(), 100).await.unwrap();
    assert_eq!(d.app.count("webhook_delivery").await, 1, "the failed changes left no event to deliver");
    let view: Value = d.app.get_as(&d.officer, &format!("/api/v1/staff/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["state"], "requested", "the failed grant left nothing");

    fail_after_the_event(&d.app, false).await;
    d.grant(&id, "2026-12-04", 0).await;
    let events = d.all_events().await;
    assert_eq!(types(&events), [("visit.requested", Some(id.as_str())), ("visit.booked", Some(id.as_str()))]);
    assert_eq!(events[1]["position"], 2, "a rolled-back event's position is given again: no gap");
}

async fn the_feed_refuses_bad_cursors_and_other_prisons_staff(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let other = add_test_prison(&d.app, VisitingRules::default()).await;
    d.app.add_staff("officer@elsewhere.example", "staff", &[other]).await;
    let outsider = d.app.access_token("officer@elsewhere.example").await;
    let path = format!("/api/v1/prisons/{}/changes", d.prison);
    for bad in ["abc", "-1", "1.5", "%201", "99999999999999999999"] {
        let body = problem(d.app.get_as(&d.officer, &format!("{path}?after={bad}")).await, 400).await;
        assert_eq!(body["code"], "malformed_request", "{bad}");
    }
    for bad in ["0", "501", "x"] {
        problem(d.app.get_as(&d.officer, &format!("{path}?limit={bad}")).await, 400).await;
    }
    // A cursor this feed never gave (past its newest event) is refused, not answered with nothing forever; the
    // newest one given is fine.
    d.request("2026-12-04").await;
    for never in ["2", "999999999999999999"] {
        let body = problem(d.app.get_as(&d.officer, &format!("{path}?after={never}")).await, 422).await;
        assert_eq!(field_errors(&body), [("after".to_owned(), "invalid_value".to_owned())], "{body}");
        assert!(body.to_string().contains("past the newest event"), "{body}");
    }
    let newest: Value = d.app.get_as(&d.officer, &format!("{path}?after=1")).await.json().await.unwrap();
    assert_eq!((newest["events"].as_array().map(Vec::len), &newest["next_cursor"]), (Some(0), &json!("1")));
    let theirs = problem(d.app.get_as(&outsider, &path).await, 404).await;
    let missing =
        problem(d.app.get_as(&d.admin, &format!("/api/v1/prisons/{}/changes", Uuid::new_v4())).await, 404).await;
    assert_eq!(but_request_id(theirs), but_request_id(missing), "another prison's feed looks missing");
    problem(d.app.get(&path).await, 401).await;
    assert_eq!(d.app.get_as(&d.admin, &path).await.status(), 200);
}

async fn the_feed_paged_during_concurrent_writes_gives_every_event_once_in_order(db: Db) {
    let d = Arc::new(desk(spawn_app_at(db, monday_morning()).await).await);
    let stop = Arc::new(AtomicBool::new(false));
    let days = ["2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07"];
    let mut writers = Vec::new();
    for w in 0..8usize {
        let (d, stop) = (d.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let day = days[(w + i) % days.len()];
                let (id, reference, token) = d.request(day).await;
                match (w + i) % 3 {
                    0 => assert_eq!(d.app.visit_action(&reference, &token, "withdraw").await.status(), 200),
                    1 => {
                        d.grant(&id, day, 0).await;
                        let cancel = json!({"reason": "capacity_issues", "expected_version": 1});
                        assert_eq!(d.staff(&id, "cancel", cancel).await.status(), 200);
                    }
                    _ => {}
                }
                i += 1;
            }
        }));
    }
    // The reader pages from its cursor again and again while they write.
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor = "0".to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
    let mut stopped = false;
    loop {
        let page = d.feed(Some(&cursor), 50).await;
        seen.extend(page["events"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
        if !stopped && std::time::Instant::now() > deadline {
            stop.store(true, Ordering::SeqCst);
            for writer in writers.drain(..) {
                writer.await.unwrap();
            }
            stopped = true;
            continue;
        }
        if stopped && !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    let positions: Vec<i64> = seen.iter().map(|e| e["position"].as_i64().unwrap()).collect();
    let written = d.app.count("integration_event").await;
    assert!(written > 20, "the writers wrote ({written})");
    assert_eq!(positions, (1..=written).collect::<Vec<_>>(), "every event once, in order, none skipped");
    let ids: BTreeSet<&str> = seen.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len() as i64, written);
}

on_both_databases!(
    every_change_an_integrator_cares_about_is_one_event_in_order,
    a_change_that_fails_after_its_event_leaves_no_event,
    instant_booking_is_one_booked_event,
    new_visiting_rules_are_a_timetable_change_and_other_details_are_not,
    the_feed_refuses_bad_cursors_and_other_prisons_staff,
    the_feed_paged_during_concurrent_writes_gives_every_event_once_in_order
);
// The grant's PostgreSQL twin records its event in its one statement; the portable path in its transaction.
on_portable_postgres!(
    every_change_an_integrator_cares_about_is_one_event_in_order,
    a_change_that_fails_after_its_event_leaves_no_event,
    the_feed_paged_during_concurrent_writes_gives_every_event_once_in_order
);
