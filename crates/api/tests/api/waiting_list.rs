//! The waiting list for full slots (issue 14), on both databases: joining only when every chosen time is full,
//! leaving it, a freed place offered to the first in line (cancellation, withdrawn or rejected request that held a
//! place, more places in the timetable) as a booking or a request holding the place, declining passes it on, the
//! emails, expiry, the staff's line per slot; and races in which many places free at once while new visitors try
//! to book the same slot: each place goes once, to the first in line, and nobody jumps the line.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use domain::api::VisitingRules;
use futures_util::future::{BoxFuture, FutureExt, join_all};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::mail::{Mail, SmtpServer, parse};
use crate::on_both_databases;
use crate::outbox::{smtp_settings, worker};

const DAY: &str = "2026-12-04";

/// A visit as its visitor holds it.
#[derive(Debug, Clone)]
struct Made {
    id: String,
    reference: String,
    token: String,
}

/// A prison (every day 14:00-16:00 with `capacity` open places), a member of its staff, and distinct prisoners.
struct Line {
    app: TestApp,
    prison: Uuid,
    officer: String,
    instant: bool,
    next: AtomicUsize,
    /// More instances on the same database, each with the officer signed in there (the races spread over them).
    others: Vec<(TestApp, String)>,
}

impl Line {
    async fn new(app: TestApp, instant: bool, capacity: u32) -> Line {
        let rules = VisitingRules { instant_booking: instant, ..Default::default() };
        let prison = add_test_prison_with_capacity(&app, rules, capacity).await;
        app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
        let officer = app.access_token("officer@testbridge.example").await;
        Line { app, prison, officer, instant, next: AtomicUsize::new(0), others: Vec::new() }
    }

    /// `more` instances beside the first, on its database, each with the officer signed in.
    async fn with_instances(mut self, more: usize) -> Line {
        for _ in 0..more {
            let mut settings = settings(&self.app.db_url, false);
            settings.postgres_fast_paths = self.app.state.postgres_fast_paths;
            let app = spawn_instance_with(settings, api::clock::Clock::fixed(monday_morning())).await;
            let officer = app.access_token("officer@testbridge.example").await;
            self.others.push((app, officer));
        }
        self
    }

    /// The instance (and the officer signed in there) serving the `i`-th request of a race.
    fn instance(&self, i: usize) -> (&TestApp, &str) {
        match i % (self.others.len() + 1) {
            0 => (&self.app, &self.officer),
            n => (&self.others[n - 1].0, &self.others[n - 1].1),
        }
    }

    async fn at(db: Db, instant: bool, capacity: u32) -> Line {
        Line::new(spawn_app_at(db, monday_morning()).await, instant, capacity).await
    }

    fn request(&self, day: &str, waiting_list: bool) -> Value {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut body = visit_request(self.prison, &[(day, "14:00", "16:00")]);
        body["prisoner"]["number"] = json!(format!("A{:04}BC", n % 10_000));
        body["lead_visitor"]["email"] = json!(format!("visitor{n}@example.com"));
        if waiting_list {
            body["waiting_list"] = json!(true);
        }
        body
    }

    fn made(created: &Value) -> Made {
        let field = |name: &str| created[name].as_str().unwrap().to_owned();
        Made { id: field("id"), reference: field("reference"), token: field("status_token") }
    }

    /// `n` visits booked at the slot (at once at an instant-booking prison, by staff elsewhere).
    async fn booked(&self, day: &str, n: usize) -> Vec<Made> {
        let mut made = Vec::new();
        for _ in 0..n {
            let created = self.app.created_visit(&self.request(day, false)).await;
            let visit = Line::made(&created);
            if !self.instant {
                self.app.book(visit.id.parse().unwrap(), slot(day, "14:00", "16:00")).await;
            }
            made.push(visit);
        }
        made
    }

    /// Joins the waiting list for the slot; it must be accepted as `waiting`.
    async fn join(&self, day: &str) -> Made {
        let created = self.app.created_visit(&self.request(day, true)).await;
        assert_eq!(created["state"], "waiting", "{created}");
        Line::made(&created)
    }

    async fn status(&self, visit: &Made) -> Value {
        let response = self.app.visit_status(&visit.reference, &visit.token).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn state(&self, visit: &Made) -> String {
        self.status(visit).await["state"].as_str().unwrap().to_owned()
    }

    async fn email_kinds(&self, visit: &Made) -> Vec<String> {
        self.email_kinds_as(&self.officer, visit).await
    }

    async fn email_kinds_as(&self, officer: &str, visit: &Made) -> Vec<String> {
        let path = format!("/api/v1/staff/visits/{}", visit.id);
        let view: Value = self.app.get_as(officer, &path).await.json().await.unwrap();
        view["emails"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
    }

    async fn staff_cancel(&self, visit: &Made, version: i64) -> reqwest::Response {
        self.staff_cancel_at(0, visit, version).await
    }

    async fn staff_cancel_with(&self, officer: &str, visit: &Made) -> reqwest::Response {
        let path = format!("/api/v1/staff/visits/{}/cancel", visit.id);
        self.app.post_as(officer, &path, &json!({"reason": "capacity_issues", "expected_version": 1})).await
    }

    async fn staff_cancel_at(&self, i: usize, visit: &Made, version: i64) -> reqwest::Response {
        let (app, officer) = self.instance(i);
        let path = format!("/api/v1/staff/visits/{}/cancel", visit.id);
        app.post_as(officer, &path, &json!({"reason": "capacity_issues", "expected_version": version})).await
    }

    async fn decide(&self, visit: &Made, body: Value) -> reqwest::Response {
        self.app.post_as(&self.officer, &format!("/api/v1/staff/visits/{}/decision", visit.id), &body).await
    }

    async fn waiting_list(&self, day: &str) -> Value {
        let path = format!("/api/v1/staff/prisons/{}/waiting-list?date={day}", self.prison);
        let response = self.app.get_as(&self.officer, &path).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// The references in the slot's line, first in line first.
    async fn line_of(&self, day: &str) -> Vec<String> {
        let list = self.waiting_list(day).await;
        let Some(slot) = list["slots"].as_array().unwrap().iter().find(|s| s["start"] == "14:00") else {
            return Vec::new();
        };
        let entries = slot["entries"].as_array().unwrap();
        for (i, entry) in entries.iter().enumerate() {
            assert_eq!(entry["position"], json!(i + 1));
        }
        entries.iter().map(|e| e["reference"].as_str().unwrap().to_owned()).collect()
    }

    /// The slot's places taken, as its counter has them, and as the visits have them: booked visits plus requests
    /// holding a place offered from the waiting list. They must agree.
    async fn taken(&self, day: &str) -> i64 {
        let counter = self
            .app
            .scalar(&format!(
                "SELECT CAST(COALESCE(SUM(booked_open), 0) AS BIGINT) AS n FROM slot_usage \
                 WHERE slot_date = '{day}' AND start_time = '14:00:00'"
            ))
            .await;
        let booked = self
            .app
            .count(&format!(
                "visit WHERE state = 'booked' AND closed_visit = false AND booked_date = '{day}' \
                 AND booked_start = '14:00:00'"
            ))
            .await;
        let held = self
            .app
            .count(&format!(
                "waiting_list_entry e JOIN visit v ON v.id = e.visit_id WHERE e.place_held = true \
                 AND v.state = 'requested' AND e.offered_date = '{day}' AND e.offered_start = '14:00:00'"
            ))
            .await;
        assert_eq!(counter, booked + held, "{day}: the counter is the booked visits and the held requests");
        counter
    }

    /// Gives the slot on `day` `capacity` places (a replacement for that date).
    async fn set_places(&self, day: &str, capacity: u32) -> reqwest::Response {
        self.set_places_at(0, day, capacity).await
    }

    async fn set_places_confirmed(&self, day: &str, capacity: u32) -> reqwest::Response {
        self.change_places(0, day, capacity, true).await
    }

    async fn set_places_at(&self, i: usize, day: &str, capacity: u32) -> reqwest::Response {
        self.change_places(i, day, capacity, false).await
    }

    async fn change_places(&self, i: usize, day: &str, capacity: u32, confirm: bool) -> reqwest::Response {
        let (app, officer) = self.instance(i);
        let path = format!("/api/v1/staff/prisons/{}/timetable", self.prison);
        let current: Value = self.app.get_as(&self.officer, &path).await.json().await.unwrap();
        let mut timetable = current["timetable"].clone();
        timetable["replacements"]
            .as_array_mut()
            .unwrap()
            .push(json!({"date": day, "start": "14:00", "end": "16:00", "capacity": capacity, "closed_capacity": 1}));
        let body = json!({"rules": current["rules"], "timetable": timetable, "confirm_affected": confirm});
        app.client.put(app.url(&path)).bearer_auth(officer).json(&body).send().await.unwrap()
    }
}

fn codes(problem: &Value) -> Vec<(String, String)> {
    field_errors(problem)
}

async fn joining_is_refused_while_a_chosen_time_has_places_and_every_other_rule_still_applies(db: Db) {
    let line = Line::at(db, false, 2).await;
    // Places left: request the time instead.
    let response = line.app.create_visit(&line.request(DAY, true), None).await;
    let body = problem(response, 422).await;
    assert_eq!(codes(&body), vec![("slots[0]".to_owned(), "slot_has_places".to_owned())]);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("still has places"), "{body}");

    line.booked(DAY, 2).await;
    // Full: the waiting list is open, but a time with places beside it is refused, and so is a broken rule.
    let mut mixed = line.request(DAY, true);
    mixed["slots"].as_array_mut().unwrap().push(json!({"date": "2026-12-05", "start": "14:00", "end": "16:00"}));
    let body = problem(line.app.create_visit(&mixed, None).await, 422).await;
    assert_eq!(codes(&body), vec![("slots[1]".to_owned(), "slot_has_places".to_owned())]);
    let mut young = line.request(DAY, true);
    young["lead_visitor"]["date_of_birth"] = json!("2015-01-01");
    let body = problem(line.app.create_visit(&young, None).await, 422).await;
    assert_eq!(codes(&body), vec![("lead_visitor.date_of_birth".to_owned(), "lead_visitor_under_18".to_owned())]);
    assert_eq!(line.app.count("visit WHERE state = 'waiting'").await, 0, "nothing refused was kept");

    // A request for the full time is still refused as full; joining its waiting list is accepted.
    let body = problem(line.app.create_visit(&line.request(DAY, false), None).await, 422).await;
    assert_eq!(codes(&body), vec![("slots[0]".to_owned(), "slot_fully_booked".to_owned())]);
    let waiting = line.join(DAY).await;
    let status = line.status(&waiting).await;
    assert_eq!(status["state"], "waiting");
    assert_eq!(status["can_withdraw"], true);
    assert_eq!(status["timeline"][0]["to"], "waiting");
    assert_eq!(line.email_kinds(&waiting).await, vec!["waiting_list_joined"]);
    assert_eq!(line.taken(DAY).await, 2, "waiting takes no place");
}

async fn a_cancellation_books_the_first_in_line_at_an_instant_booking_prison(db: Db) {
    let line = Line::at(db, true, 2).await;
    let booked = line.booked(DAY, 2).await;
    let first = line.join(DAY).await;
    let second = line.join(DAY).await;
    assert_eq!(line.line_of(DAY).await, vec![first.reference.clone(), second.reference.clone()]);

    // The visitor cancels: the place is the first in line's at once, booked, and nobody else can take it.
    assert_eq!(line.app.visit_action(&booked[0].reference, &booked[0].token, "cancel").await.status(), 200);
    let status = line.status(&first).await;
    assert_eq!(status["state"], "booked");
    assert_eq!(status["booked_slot"], json!({"date": DAY, "start": "14:00", "end": "16:00"}));
    assert_eq!(status["can_cancel"], true);
    assert_eq!(status["timeline"][1]["actor"], "system");
    assert_eq!(line.state(&second).await, "waiting");
    assert_eq!(line.email_kinds(&first).await, vec!["waiting_list_joined", "booked"]);
    assert_eq!(line.line_of(DAY).await, vec![second.reference.clone()]);
    assert_eq!(line.taken(DAY).await, 2);
    let body = problem(line.app.create_visit(&line.request(DAY, false), None).await, 422).await;
    assert_eq!(codes(&body), vec![("slots[0]".to_owned(), "slot_fully_booked".to_owned())]);

    // Declining is cancelling as usual: the place goes on to the next in line. So does a staff cancellation.
    assert_eq!(line.app.visit_action(&first.reference, &first.token, "cancel").await.status(), 200);
    assert_eq!(line.state(&second).await, "booked");
    assert!(line.line_of(DAY).await.is_empty());
    assert_eq!(line.staff_cancel(&booked[1], 1).await.status(), 200);
    assert_eq!(line.taken(DAY).await, 1, "nobody was left waiting for the place");
}

async fn at_a_request_prison_the_first_in_line_gets_a_request_that_holds_the_place(db: Db) {
    let line = Line::at(db, false, 2).await;
    let booked = line.booked(DAY, 2).await;
    let first = line.join(DAY).await;
    let second = line.join(DAY).await;
    let third = line.join(DAY).await;

    // Staff cancel a booking: the first in line becomes a request, holding the place while staff decide.
    assert_eq!(line.staff_cancel(&booked[0], 1).await.status(), 200);
    let status = line.status(&first).await;
    assert_eq!(status["state"], "requested");
    assert_eq!(status["offered_slot"], json!({"date": DAY, "start": "14:00", "end": "16:00"}));
    assert_eq!(status["can_withdraw"], true);
    // The visitor is told, and so is the prison's mailbox (a new request, as it asked to hear of each).
    assert_eq!(
        line.email_kinds(&first).await,
        vec!["waiting_list_joined", "waiting_list_offered", "prison_new_request"]
    );
    assert_eq!(line.taken(DAY).await, 2, "the held place is still taken");
    let body = problem(line.app.create_visit(&line.request(DAY, false), None).await, 422).await;
    assert_eq!(codes(&body), vec![("slots[0]".to_owned(), "slot_fully_booked".to_owned())]);

    let view: Value =
        line.app.get_as(&line.officer, &format!("/api/v1/staff/visits/{}", first.id)).await.json().await.unwrap();
    assert_eq!(view["held_slot"], json!({"date": DAY, "start": "14:00", "end": "16:00"}), "staff see the held place");
    // The day list counts it as taken: one booked and one held of two places.
    let path = format!("/api/v1/staff/prisons/{}/day-list?date={DAY}", line.prison);
    let day: Value = line.app.get_as(&line.officer, &path).await.json().await.unwrap();
    assert_eq!((day["slots"][0]["capacity"].as_u64(), day["slots"][0]["held"].as_u64()), (Some(2), Some(1)), "{day}");
    // Staff grant it into the held place: no second place is taken.
    let grant =
        json!({"outcome": "grant", "expected_version": 1, "slot": {"date": DAY, "start": "14:00", "end": "16:00"}});
    let response = line.decide(&first, grant).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let granted: Value = response.json().await.unwrap();
    assert_eq!((granted["state"].as_str(), granted.get("held_slot")), (Some("booked"), None));
    assert_eq!(line.taken(DAY).await, 2);

    // The visitor cancels another booking: the second in line is offered it and declines (withdraws): the third
    // gets it; staff reject the third: its place goes back to the slot, nobody being left in line.
    assert_eq!(line.app.visit_action(&booked[1].reference, &booked[1].token, "cancel").await.status(), 200);
    assert_eq!(line.state(&second).await, "requested");
    assert_eq!(line.app.visit_action(&second.reference, &second.token, "withdraw").await.status(), 200);
    assert_eq!(line.state(&second).await, "withdrawn");
    assert_eq!(line.state(&third).await, "requested");
    assert_eq!(line.taken(DAY).await, 2);
    let reject = json!({"outcome": "reject", "expected_version": 1, "reasons": [{"reason": "duplicate_request"}]});
    assert_eq!(line.decide(&third, reject).await.status(), 200);
    assert_eq!(line.taken(DAY).await, 1);
    assert!(line.line_of(DAY).await.is_empty());
}

/// What an integrator reads in the change feed: joining, the cancellation that freed a place, then its offer (by the
/// service), leaving, and expiry; each with the visit's state and version.
async fn integrators_hear_of_joining_offers_leaving_and_expiry_in_order(db: Db) {
    let clock = TestClock::at(monday_morning());
    let line = Line::new(spawn_app_with_clock(db, clock.clock()).await, true, 1).await;
    let booked = line.booked(DAY, 1).await;
    let offered = line.join(DAY).await;
    let leaving = line.join(DAY).await;
    let expiring = line.join(DAY).await;
    assert_eq!(line.app.visit_action(&booked[0].reference, &booked[0].token, "cancel").await.status(), 200);
    assert_eq!(line.app.visit_action(&leaving.reference, &leaving.token, "withdraw").await.status(), 200);
    clock.advance(Duration::hours(4 * 24 + 5));
    assert_eq!(api::waiting_list::service::expire(&line.app.state.db, clock.now()).await.unwrap(), 1);
    let officer = line.app.access_token("officer@testbridge.example").await;
    let path = format!("/api/v1/prisons/{}/changes?limit=100", line.prison);
    let feed: Value = line.app.get_as(&officer, &path).await.json().await.unwrap();
    let seen: Vec<(String, String, String, i64, String)> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let data = &e["data"];
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            (
                text(&e["type"]),
                text(&data["reference"]),
                text(&data["state"]),
                data["version"].as_i64().unwrap(),
                text(&data["actor"]),
            )
        })
        .collect();
    let r = |m: &Made| m.reference.clone();
    let expected = vec![
        ("visit.booked".to_owned(), r(&booked[0]), "booked".to_owned(), 1, "system".to_owned()),
        ("visit.waiting".to_owned(), r(&offered), "waiting".to_owned(), 0, "visitor".to_owned()),
        ("visit.waiting".to_owned(), r(&leaving), "waiting".to_owned(), 0, "visitor".to_owned()),
        ("visit.waiting".to_owned(), r(&expiring), "waiting".to_owned(), 0, "visitor".to_owned()),
        ("visit.cancelled".to_owned(), r(&booked[0]), "cancelled".to_owned(), 2, "visitor".to_owned()),
        ("visit.booked".to_owned(), r(&offered), "booked".to_owned(), 1, "system".to_owned()),
        ("visit.withdrawn".to_owned(), r(&leaving), "withdrawn".to_owned(), 1, "visitor".to_owned()),
        ("visit.expired".to_owned(), r(&expiring), "expired".to_owned(), 1, "system".to_owned()),
    ];
    assert_eq!(seen, expected);
}

/// A request offered a place after weeks in line is not overdue at once: staff's days count from the offer, which
/// also gives it its confirm-by date; the dashboard counts it as a request from then.
async fn an_offered_request_is_due_counting_from_the_offer(db: Db) {
    let clock = TestClock::at(monday_morning());
    let line = Line::new(spawn_app_with_clock(db, clock.clock()).await, false, 1).await;
    let day = "2026-12-21";
    let booked = line.booked(day, 1).await;
    let waiting = line.join(day).await;
    // Monday 14 December: a request made on 30 November would be overdue by now.
    clock.advance(Duration::days(14));
    let officer = line.app.access_token("officer@testbridge.example").await;
    assert_eq!(line.staff_cancel_with(&officer, &booked[0]).await.status(), 200);
    let status = line.status(&waiting).await;
    assert_eq!((status["state"].as_str(), status["confirm_by"].as_str()), (Some("requested"), Some("2026-12-17")));
    let inbox: Value = line.app.get_as(&officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    let item = inbox["items"].as_array().unwrap().iter().find(|i| i["reference"] == json!(waiting.reference)).unwrap();
    assert_eq!((item["overdue"].as_bool(), item["confirm_by"].as_str()), (Some(false), Some("2026-12-17")));
    let view: Value =
        line.app.get_as(&officer, &format!("/api/v1/staff/visits/{}", waiting.id)).await.json().await.unwrap();
    assert_eq!(view["overdue"], false);
    let path = format!("/api/v1/staff/prisons/{}/metrics?from=2026-12-14&to=2026-12-14", line.prison);
    let metrics: Value = line.app.get_as(&officer, &path).await.json().await.unwrap();
    assert_eq!((metrics["waiting"].as_u64(), metrics["overdue"].as_u64()), (Some(1), Some(0)), "{metrics}");
    // Four days on, it is overdue like any request.
    clock.advance(Duration::days(4));
    let officer = line.app.access_token("officer@testbridge.example").await;
    let view: Value =
        line.app.get_as(&officer, &format!("/api/v1/staff/visits/{}", waiting.id)).await.json().await.unwrap();
    assert_eq!(view["overdue"], true);
}

async fn a_held_place_is_not_booked_past_places_a_timetable_change_took_away(db: Db) {
    let line = Line::at(db, false, 2).await;
    let booked = line.booked(DAY, 2).await;
    let waiting = line.join(DAY).await;
    assert_eq!(line.staff_cancel(&booked[0], 1).await.status(), 200);
    assert_eq!(line.state(&waiting).await, "requested");
    // One place now: the change is refused, listing the booked visit and the request holding a place; confirmed,
    // it is made, and the held place is one too many.
    let refused = problem(line.set_places(DAY, 1).await, 409).await;
    assert_eq!(refused["code"], "affects_booked_visits");
    let listed: Vec<&str> =
        refused["affected_visits"].as_array().unwrap().iter().map(|v| v["reference"].as_str().unwrap()).collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&waiting.reference.as_str()) && listed.contains(&booked[1].reference.as_str()));
    assert_eq!(line.set_places_confirmed(DAY, 1).await.status(), 200);
    let grant =
        json!({"outcome": "grant", "expected_version": 1, "slot": {"date": DAY, "start": "14:00", "end": "16:00"}});
    assert_eq!(problem(line.decide(&waiting, grant).await, 409).await["code"], "slot_full");
    assert_eq!(line.app.count("visit WHERE state = 'booked'").await, 1, "never booked past the places");
    assert_eq!(line.taken(DAY).await, 2, "still held, for staff to reject");
    let reject = json!({"outcome": "reject", "expected_version": 1, "reasons": [{"reason": "slot_unavailable"}]});
    assert_eq!(line.decide(&waiting, reject).await.status(), 200);
    assert_eq!(line.taken(DAY).await, 1);
}

async fn a_request_granted_another_time_gives_its_held_place_to_the_next_in_line(db: Db) {
    let line = Line::at(db, false, 1).await;
    let saturday = "2026-12-05";
    line.booked(DAY, 1).await;
    line.booked(saturday, 1).await;
    let mut both = line.request(DAY, true);
    both["slots"].as_array_mut().unwrap().push(json!({"date": saturday, "start": "14:00", "end": "16:00"}));
    let first = Line::made(&line.app.created_visit(&both).await);
    let second = line.join(saturday).await;
    // Saturday gets a second place: the first in its line (who also waits for Friday) holds it.
    assert_eq!(line.set_places(saturday, 2).await.status(), 200);
    assert_eq!(line.state(&first).await, "requested");
    assert_eq!(line.state(&second).await, "waiting");
    let on = |day: &str| json!({"outcome": "grant", "expected_version": 1, "slot": {"date": day, "start": "14:00", "end": "16:00"}});
    assert_eq!(problem(line.decide(&first, on(DAY)).await, 409).await["code"], "slot_full");
    // Friday gets a second place too, which nobody waits for now; staff book the visitor's first choice there and
    // the place held on Saturday goes to the next in Saturday's line.
    assert_eq!(line.set_places(DAY, 2).await.status(), 200);
    let response = line.decide(&first, on(DAY)).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(line.status(&first).await["booked_slot"]["date"], DAY);
    assert_eq!(line.state(&second).await, "requested");
    assert_eq!((line.taken(DAY).await, line.taken(saturday).await), (2, 2));
}

async fn more_places_in_the_timetable_go_to_the_line_in_joining_order(db: Db) {
    let line = Line::at(db, true, 2).await;
    line.booked(DAY, 2).await;
    let waiting: Vec<Made> = {
        let mut made = Vec::new();
        for _ in 0..4 {
            made.push(line.join(DAY).await);
        }
        made
    };
    let response = line.set_places(DAY, 5).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let states: Vec<String> = join_all(waiting.iter().map(|w| line.state(w))).await;
    assert_eq!(states, vec!["booked", "booked", "booked", "waiting"]);
    assert_eq!(line.taken(DAY).await, 5);
    assert_eq!(line.line_of(DAY).await, vec![waiting[3].reference.clone()]);
}

async fn a_visitor_leaves_the_waiting_list_and_is_not_offered_a_place_afterwards(db: Db) {
    let line = Line::at(db, true, 1).await;
    let booked = line.booked(DAY, 1).await;
    let leaving = line.join(DAY).await;
    let staying = line.join(DAY).await;
    let left = line.app.visit_action(&leaving.reference, &leaving.token, "withdraw").await;
    assert_eq!(left.status(), 200);
    let left: Value = left.json().await.unwrap();
    assert_eq!(left["state"], "withdrawn");
    assert_eq!(left["can_withdraw"], false);
    assert_eq!(line.email_kinds(&leaving).await, vec!["waiting_list_joined", "withdrawn"]);
    let again = line.app.visit_action(&leaving.reference, &leaving.token, "withdraw").await;
    assert_eq!(problem(again, 409).await["code"], "invalid_state_transition");
    assert_eq!(line.app.visit_action(&booked[0].reference, &booked[0].token, "cancel").await.status(), 200);
    assert_eq!(line.state(&leaving).await, "withdrawn");
    assert_eq!(line.state(&staying).await, "booked");
}

async fn entries_expire_once_every_time_has_passed(db: Db) {
    let clock = TestClock::at(monday_morning());
    let line = Line::new(spawn_app_with_clock(db, clock.clock()).await, false, 1).await;
    line.booked(DAY, 1).await;
    line.booked("2026-12-05", 1).await;
    let soon = line.join(DAY).await;
    let mut later_body = line.request(DAY, true);
    later_body["slots"].as_array_mut().unwrap().push(json!({"date": "2026-12-05", "start": "14:00", "end": "16:00"}));
    let later = Line::made(&line.app.created_visit(&later_body).await);
    // Friday 4 December, 14:00 in London: the first entry's only time has started; the second still has Saturday.
    clock.advance(Duration::hours(4 * 24 + 5));
    assert_eq!(api::waiting_list::service::expire(&line.app.state.db, clock.now()).await.unwrap(), 1);
    let status = line.status(&soon).await;
    assert_eq!(status["state"], "expired");
    assert_eq!(status["can_withdraw"], false);
    // (A new sign-in: the officer's token did not last the days.)
    let officer = line.app.access_token("officer@testbridge.example").await;
    assert_eq!(line.email_kinds_as(&officer, &soon).await, vec!["waiting_list_joined", "waiting_list_expired"]);
    assert_eq!(line.state(&later).await, "waiting");
    assert_eq!(api::waiting_list::service::expire(&line.app.state.db, clock.now()).await.unwrap(), 0, "once");
    clock.advance(Duration::days(1));
    assert_eq!(api::waiting_list::service::expire(&line.app.state.db, clock.now()).await.unwrap(), 1);
    assert_eq!(line.state(&later).await, "expired");
}

/// A timetable change that takes away every time a visitor waits for (the date closed, its open places set to 0)
/// ends their wait in its transaction and tells them why, not that the times passed; staff get the references. A
/// visitor with another time still held keeps waiting for it.
async fn a_timetable_change_taking_away_the_times_waited_for_ends_the_wait_and_says_why(db: Db) {
    let line = Line::at(db, false, 1).await;
    let smtp = SmtpServer::start().await;
    let worker = worker(&line.app, &smtp_settings(&smtp.url()), 10);
    let saturday = "2026-12-05";
    line.booked(DAY, 1).await;
    line.booked(saturday, 1).await;
    let only_friday = line.join(DAY).await;
    let mut body = line.request(DAY, true);
    body["slots"].as_array_mut().unwrap().push(json!({"date": saturday, "start": "14:00", "end": "16:00"}));
    let both_days = Line::made(&line.app.created_visit(&body).await);

    let path = format!("/api/v1/staff/prisons/{}/timetable", line.prison);
    let current: Value = line.app.get_as(&line.officer, &path).await.json().await.unwrap();
    let mut change = json!({"rules": current["rules"], "timetable": current["timetable"], "confirm_affected": true});
    change["timetable"]["closed_dates"].as_array_mut().unwrap().push(json!(DAY));
    let response = line.app.client.put(line.app.url(&path)).bearer_auth(&line.officer).json(&change).send().await;
    let changed: Value = response.unwrap().json().await.unwrap();
    assert_eq!(changed["waiting_list_ended"], json!([only_friday.reference]), "{changed}");
    assert_eq!(changed["affected"].as_array().unwrap().len(), 1, "the booked visit is listed, and kept");
    assert_eq!(line.state(&only_friday).await, "expired");
    assert_eq!(line.status(&only_friday).await["can_withdraw"], false);
    assert_eq!(line.email_kinds(&only_friday).await, vec!["waiting_list_joined", "waiting_list_expired"]);
    assert_eq!(line.state(&both_days).await, "waiting", "Saturday is still held");
    assert_eq!(line.email_kinds(&both_days).await, vec!["waiting_list_joined"]);
    worker.run_once().await.unwrap();
    let mails: Vec<Mail> = smtp.received().iter().map(parse).collect();
    let ended = mails.iter().find(|m| m.subject == format!("Waiting list ended: {}", only_friday.reference)).unwrap();
    assert!(ended.text.contains("no longer holds visits at the times you were waiting for"), "{}", ended.text);
    assert!(!ended.text.contains("passed"), "{}", ended.text);

    // Saturday's open places set to 0 (closed visits only): the second visitor's last time is gone too, and
    // nobody can join its line.
    let changed: Value = line.set_places_confirmed(saturday, 0).await.json().await.unwrap();
    assert_eq!(changed["waiting_list_ended"], json!([both_days.reference]), "{changed}");
    assert_eq!(line.state(&both_days).await, "expired");
    let refused = problem(line.app.create_visit(&line.request(saturday, true), None).await, 422).await;
    assert_eq!(codes(&refused), vec![("slots[0]".to_owned(), "slot_not_offered".to_owned())], "{refused}");
    // Places given back: offered to nobody, the line is empty.
    let mut timetable = changed["timetable"]["timetable"].clone();
    timetable["replacements"][0]["capacity"] = json!(3);
    let body = json!({"rules": changed["timetable"]["rules"], "timetable": timetable, "confirm_affected": true});
    let response = line.app.client.put(line.app.url(&path)).bearer_auth(&line.officer).json(&body).send().await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(line.state(&both_days).await, "expired");
    assert_eq!(line.taken(saturday).await, 1);
}

/// A visitor leaving the waiting list while a cancellation offers them the place: whichever comes first, leaving
/// succeeds (withdrawing the request the offer made, if it came first), and the place goes to the next in line
/// once. Rounds on several dates, each a race of the two.
async fn leaving_the_line_while_a_place_is_offered_succeeds_and_passes_the_place_on(db: Db) {
    let line = Line::at(db, false, 1).await;
    for day in ["2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07", "2026-12-08", "2026-12-09"] {
        let booked = line.booked(day, 1).await;
        let leaving = line.join(day).await;
        let next = line.join(day).await;
        let (cancelled, left) = futures_util::join!(
            line.staff_cancel(&booked[0], 1),
            line.app.visit_action(&leaving.reference, &leaving.token, "withdraw"),
        );
        assert_eq!(cancelled.status(), 200);
        let status = left.status();
        assert_eq!(status, 200, "{day}: leaving answered {}", left.text().await.unwrap());
        assert_eq!(line.state(&leaving).await, "withdrawn", "{day}");
        assert_eq!(line.state(&next).await, "requested", "{day}: the place goes on to the next in line");
        assert_eq!(line.taken(day).await, 1, "{day}: one place, held once");
    }
}

/// The same prisoner cannot be on a time's waiting list twice, nor wait for a time they already have a visit at
/// (a second tab, another relative): refused with `already_waiting` on that choice, in English and Welsh. Once
/// they leave, they may join again.
async fn a_prisoner_already_waiting_for_a_time_cannot_join_it_again(db: Db) {
    let line = Line::at(db, true, 1).await;
    // The first prisoner (A0000BC) has the only place.
    line.booked(DAY, 1).await;
    let first = line.request(DAY, true);
    let joined = Line::made(&line.app.created_visit(&first).await);
    let mut again = line.request(DAY, true);
    again["prisoner"] = first["prisoner"].clone();
    let refused = problem(line.app.create_visit(&again, None).await, 422).await;
    assert_eq!(codes(&refused), vec![("slots[0]".to_owned(), "already_waiting".to_owned())], "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("already has a visit or a place on the waiting list on Friday 4 December"), "{message}");
    // The prisoner of the booked visit, waiting for the time of that visit.
    let mut booked_prisoner = line.request(DAY, true);
    booked_prisoner["prisoner"]["number"] = json!(format!("A{:04}BC", 0));
    assert_eq!(codes(&problem(line.app.create_visit(&booked_prisoner, None).await, 422).await)[0].1, "already_waiting");
    // Left, then joined again.
    assert_eq!(line.app.visit_action(&joined.reference, &joined.token, "withdraw").await.status(), 200);
    let back = line.app.created_visit(&again).await;
    assert_eq!(back["state"], "waiting");
    assert_eq!(line.line_of(DAY).await, vec![back["reference"].as_str().unwrap().to_owned()]);
}

/// Joins for one prisoner and time sent at the same moment (two tabs, two relatives): exactly one is accepted and
/// the others are refused with `already_waiting`, however they interleave; rounds on several dates.
async fn joins_for_one_prisoner_at_once_put_them_in_line_once(db: Db) {
    let line = Line::at(db, true, 1).await;
    for (round, day) in ["2026-12-04", "2026-12-05", "2026-12-06"].into_iter().enumerate() {
        line.booked(day, 1).await;
        let bodies: Vec<Value> = (0..4)
            .map(|_| {
                let mut body = line.request(day, true);
                body["prisoner"]["number"] = json!(format!("W{round:04}XY"));
                body
            })
            .collect();
        let answers = join_all(bodies.iter().map(|body| line.app.create_visit(body, None))).await;
        let mut accepted = 0;
        for answer in answers {
            match answer.status().as_u16() {
                201 => accepted += 1,
                422 => assert_eq!(codes(&answer.json().await.unwrap())[0].1, "already_waiting"),
                other => panic!("{day}: answered {other}: {}", answer.text().await.unwrap()),
            }
        }
        assert_eq!(accepted, 1, "{day}: one entry for the prisoner");
        assert_eq!(line.line_of(day).await.len(), 1, "{day}");
    }
}

async fn staff_see_their_prisons_line_per_slot_and_nobody_elses(db: Db) {
    let line = Line::at(db, false, 1).await;
    line.booked(DAY, 1).await;
    let first = line.join(DAY).await;
    let second = line.join(DAY).await;
    let list = line.waiting_list(DAY).await;
    assert_eq!(list["date"], DAY);
    let entries = list["slots"][0]["entries"].as_array().unwrap();
    assert_eq!(list["slots"][0]["start"], "14:00");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["reference"], json!(first.reference));
    assert_eq!(entries[0]["position"], 1);
    assert_eq!(entries[0]["prisoner_name"], "John Smith");
    assert_eq!(entries[0]["lead_visitor_name"], "Mary Smith");
    assert_eq!(entries[0]["visitor_count"], 2);
    assert_eq!(entries[1]["reference"], json!(second.reference));
    assert!(line.waiting_list("2026-12-06").await["slots"].as_array().unwrap().is_empty());

    // Another prison's staff: 404, as for a prison that does not exist. A key with visits:read may read it.
    let other = add_test_prison(&line.app, VisitingRules::default()).await;
    line.app.add_staff("elsewhere@testbridge.example", "staff", &[other]).await;
    let elsewhere = line.app.access_token("elsewhere@testbridge.example").await;
    let path = format!("/api/v1/staff/prisons/{}/waiting-list?date={DAY}", line.prison);
    assert_eq!(problem(line.app.get_as(&elsewhere, &path).await, 404).await["code"], "not_found");
    line.app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = line.app.access_token("admin@testbridge.example").await;
    for (scopes, status) in [(json!(["visits:read"]), 200), (json!(["reports:read"]), 403)] {
        let body = json!({"name": format!("reader {status}"), "prison_ids": [line.prison], "scopes": scopes});
        let key: Value = line.app.post_as(&admin, "/api/v1/api-keys", &body).await.json().await.unwrap();
        let response = line.app.get_as(key["secret"].as_str().unwrap(), &path).await;
        assert_eq!(response.status(), status);
    }
}

async fn the_visitor_is_told_by_email_in_their_language(db: Db) {
    let line = Line::at(db, false, 1).await;
    let smtp = SmtpServer::start().await;
    let worker = worker(&line.app, &smtp_settings(&smtp.url()), 10);
    let booked = line.booked(DAY, 1).await;
    let mut welsh = line.request(DAY, true);
    welsh["locale"] = json!("cy");
    welsh["lead_visitor"]["email"] = json!("mair@example.com");
    let waiting = Line::made(&line.app.created_visit(&welsh).await);
    assert_eq!(line.staff_cancel(&booked[0], 1).await.status(), 200);
    worker.run_once().await.unwrap();
    let mails: Vec<Mail> = smtp.received().iter().map(parse).collect();
    let subjects: Vec<&str> = mails.iter().filter(|m| m.to == "mair@example.com").map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        vec![
            format!("Ar y rhestr aros: {}", waiting.reference).as_str(),
            format!("Mae lle wedi dod ar gael: {}", waiting.reference).as_str(),
        ]
    );
    let offered = mails.iter().find(|m| m.subject.starts_with("Mae lle")).unwrap();
    assert!(offered.text.contains("Gwener 4 Rhagfyr"), "{}", offered.text);
}

/// Rounds per race, and new visitors trying to book the slot in each.
const ROUNDS: usize = 3;
const NEWCOMERS: usize = 20;

/// Each round on a fresh date: the slot full (10 places), 12 visitors join its line one after another; then at once
/// 5 visitors and 1 member of staff cancel bookings, a timetable change gives the date 2 more places, and 20 new
/// visitors request the slot, spread over `instances` service instances on one database. The 8 freed places go to
/// the first 8 in line, once each; the other 4 are still waiting in order; every newcomer is refused as full
/// (nobody jumps the line); the counter equals the booked visits and held requests, and the timetable's places.
async fn race(db: Db, instances: usize) {
    for instant in [true, false] {
        let line = &Line::at(db, instant, 10).await.with_instances(instances - 1).await;
        let days: Vec<String> = ["2026-12-04", "2026-12-05", "2026-12-06"].iter().map(|d| (*d).to_owned()).collect();
        for day in days.iter().take(ROUNDS) {
            let booked = line.booked(day, 10).await;
            let mut waiting = Vec::new();
            for _ in 0..12 {
                waiting.push(line.join(day).await);
            }
            let mut tasks: Vec<(&str, BoxFuture<'_, reqwest::Response>)> = Vec::new();
            for (i, visit) in booked.iter().take(6).cloned().enumerate() {
                if i == 5 {
                    tasks.push(("staff cancel", async move { line.staff_cancel_at(i, &visit, 1).await }.boxed()));
                } else {
                    let (app, _) = line.instance(i);
                    tasks.push((
                        "cancel",
                        async move { app.visit_action(&visit.reference, &visit.token, "cancel").await }.boxed(),
                    ));
                }
            }
            tasks.push(("more places", async move { line.set_places_at(1, day, 12).await }.boxed()));
            for i in 0..NEWCOMERS {
                let body = line.request(day, false);
                tasks.push((
                    "newcomer",
                    async move {
                        tokio::time::sleep(std::time::Duration::from_millis((i % 5) as u64)).await;
                        line.instance(i).0.create_visit(&body, None).await
                    }
                    .boxed(),
                ));
            }
            let (kinds, futures): (Vec<&str>, Vec<_>) = tasks.into_iter().unzip();
            for (kind, response) in kinds.into_iter().zip(join_all(futures).await) {
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                if kind == "newcomer" {
                    assert_eq!(status, 422, "{day}: a newcomer jumped the line: {body}");
                    assert_eq!(codes(&body), vec![("slots[0]".to_owned(), "slot_fully_booked".to_owned())]);
                } else {
                    assert_eq!(status, 200, "{day}: {kind}: {body}");
                }
            }
            let offered_state = if instant { "booked" } else { "requested" };
            let states: Vec<String> = join_all(waiting.iter().map(|w| line.state(w))).await;
            let expected: Vec<&str> = (0..12).map(|i| if i < 8 { offered_state } else { "waiting" }).collect();
            assert_eq!(states, expected, "{day} (instant booking {instant}): the first 8 in line, once each");
            assert_eq!(line.taken(day).await, 12, "{day}: every place taken once");
            let rest: Vec<String> = waiting[8..].iter().map(|w| w.reference.clone()).collect();
            assert_eq!(line.line_of(day).await, rest);
        }
    }
}

async fn places_freed_at_once_go_once_each_to_the_first_in_line(db: Db) {
    race(db, 1).await;
}

/// The same race over three service instances on one PostgreSQL database, each with its own connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_postgresql_give_each_freed_place_once_to_the_first_in_line() {
    race(Db::Postgres, 3).await;
}

/// Offered places declined while more are freed: visitors at the front of a request prison's line withdraw (giving
/// back the place they were offered) while other bookings are cancelled and newcomers request the slot. However it
/// interleaves, the counter equals the booked visits and held requests, never above the places, and each withdrawn
/// offer's place went on down the line.
async fn declined_offers_racing_cancellations_pass_each_place_on_once(db: Db) {
    let line = &Line::at(db, false, 6).await;
    let day = DAY;
    let booked = line.booked(day, 6).await;
    let mut waiting = Vec::new();
    for _ in 0..10 {
        waiting.push(line.join(day).await);
    }
    // Three places come up: the first three in line hold them.
    for visit in &booked[..3] {
        assert_eq!(line.app.visit_action(&visit.reference, &visit.token, "cancel").await.status(), 200);
    }
    let mut tasks: Vec<BoxFuture<'_, (u16, String)>> = Vec::new();
    for visit in waiting[..3].iter().cloned() {
        tasks.push(
            async move {
                let r = line.app.visit_action(&visit.reference, &visit.token, "withdraw").await;
                (r.status().as_u16(), r.text().await.unwrap())
            }
            .boxed(),
        );
    }
    for visit in booked[3..].iter().cloned() {
        tasks.push(
            async move {
                let r = line.app.visit_action(&visit.reference, &visit.token, "cancel").await;
                (r.status().as_u16(), r.text().await.unwrap())
            }
            .boxed(),
        );
    }
    for _ in 0..NEWCOMERS {
        let body = line.request(day, false);
        tasks.push(
            async move {
                let r = line.app.create_visit(&body, None).await;
                let status = r.status().as_u16();
                (if status == 422 { 200 } else { status }, r.text().await.unwrap())
            }
            .boxed(),
        );
    }
    for (status, text) in join_all(tasks).await {
        assert_eq!(status, 200, "{text}");
    }
    // 6 places, 3 declined: the next 6 in line hold them, the last one still waits.
    let states: Vec<String> = join_all(waiting.iter().map(|w| line.state(w))).await;
    let expected: Vec<&str> = (0..10)
        .map(|i| {
            if i < 3 {
                "withdrawn"
            } else if i < 9 {
                "requested"
            } else {
                "waiting"
            }
        })
        .collect();
    assert_eq!(states, expected);
    assert_eq!(line.taken(day).await, 6);
}

on_both_databases!(
    joining_is_refused_while_a_chosen_time_has_places_and_every_other_rule_still_applies,
    a_cancellation_books_the_first_in_line_at_an_instant_booking_prison,
    at_a_request_prison_the_first_in_line_gets_a_request_that_holds_the_place,
    a_request_granted_another_time_gives_its_held_place_to_the_next_in_line,
    a_held_place_is_not_booked_past_places_a_timetable_change_took_away,
    an_offered_request_is_due_counting_from_the_offer,
    integrators_hear_of_joining_offers_leaving_and_expiry_in_order,
    more_places_in_the_timetable_go_to_the_line_in_joining_order,
    a_visitor_leaves_the_waiting_list_and_is_not_offered_a_place_afterwards,
    entries_expire_once_every_time_has_passed,
    a_timetable_change_taking_away_the_times_waited_for_ends_the_wait_and_says_why,
    leaving_the_line_while_a_place_is_offered_succeeds_and_passes_the_place_on,
    a_prisoner_already_waiting_for_a_time_cannot_join_it_again,
    joins_for_one_prisoner_at_once_put_them_in_line_once,
    staff_see_their_prisons_line_per_slot_and_nobody_elses,
    the_visitor_is_told_by_email_in_their_language,
    places_freed_at_once_go_once_each_to_the_first_in_line,
    declined_offers_racing_cancellations_pass_each_place_on_once,
);
