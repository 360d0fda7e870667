//! The capacity promise under every writer: a slot is never booked past its capacity, whatever writes at once.
//!
//! Each test races two kinds of writer on one slot, round after round (a new date each round), over HTTP, on both
//! databases. The writers are every kind that changes how many places a slot has or uses: visitors booking at an
//! instant-booking prison, staff granting requests, timetable changes (fewer places, a closed date, the time moved),
//! and cancellations by visitors and by staff. After each round the invariant is read back from the outside: the
//! visits booked at the slot, the slot's counter and the day list agree, and they are within the places the
//! timetable now gives the slot; a refused timetable change listed booked visits of that slot, more than it allowed.
//! The last test runs three service instances on one PostgreSQL database.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use domain::api::VisitingRules;
use futures_util::future::{BoxFuture, FutureExt, join_all};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;
use crate::on_portable_postgres;

/// Rounds per race and requests per round: enough to interleave every writer with every other, bounded for CI.
const ROUNDS: usize = 20;
const CLIENTS: usize = 50;
/// Places the slot has before each round's timetable change.
const PLACES: u32 = 10;

/// Every writer that changes how many places a slot has or uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    /// A visitor requests the slot at an instant-booking prison, which books it at once if a place is left.
    InstantBooking,
    /// A member of staff grants a waiting request for the slot.
    StaffGrant,
    /// A staff member changes the timetable: fewer places, the date closed, or the time moved (by round).
    TimetableChange,
    /// A visitor cancels their booked visit, giving its place back.
    VisitorCancel,
    /// A member of staff cancels a booked visit, giving its place back.
    StaffCancel,
}

/// What a round's timetable change does to the slot, and the places the slot has afterwards.
#[derive(Debug, Clone, Copy)]
enum Change {
    FewerPlaces,
    DateClosed,
    TimeMoved,
}

impl Change {
    fn of_round(round: usize) -> Change {
        [Change::FewerPlaces, Change::DateClosed, Change::TimeMoved][round % 3]
    }

    fn places_after(self) -> u32 {
        match self {
            Change::FewerPlaces => 3,
            Change::DateClosed | Change::TimeMoved => 0,
        }
    }

    /// `timetable` with this change made on `date`.
    fn apply(self, mut timetable: Value, date: NaiveDate) -> Value {
        let day = date.to_string();
        match self {
            Change::FewerPlaces => timetable["replacements"]
                .as_array_mut()
                .unwrap()
                .push(json!({"date": day, "start": "14:00", "end": "16:00", "capacity": 3, "closed_capacity": 1})),
            Change::DateClosed => timetable["closed_dates"].as_array_mut().unwrap().push(json!(day)),
            Change::TimeMoved => timetable["replacements"]
                .as_array_mut()
                .unwrap()
                .push(json!({"date": day, "start": "10:00", "end": "12:00", "capacity": 10, "closed_capacity": 0})),
        }
        timetable
    }
}

/// The places a timetable (as the API shows it) gives the 14:00-16:00 slot on `date`.
fn places_in(timetable: &Value, date: NaiveDate) -> u32 {
    let day = date.to_string();
    if timetable["closed_dates"].as_array().unwrap().iter().any(|d| d == &json!(day)) {
        return 0;
    }
    let replacements: Vec<&Value> =
        timetable["replacements"].as_array().unwrap().iter().filter(|r| r["date"] == json!(day)).collect();
    if !replacements.is_empty() {
        return replacements
            .iter()
            .find(|r| r["start"] == "14:00" && r["end"] == "16:00")
            .map_or(0, |r| u32::try_from(r["capacity"].as_u64().unwrap()).unwrap());
    }
    PLACES
}

/// A prison (the test prison: every day 14:00-16:00 with `PLACES` places) served by one or more instances on one
/// database, an officer signed in on each, and distinct prisoners for every request.
struct Race {
    apps: Vec<TestApp>,
    prison: Uuid,
    officers: Vec<String>,
    timetable_path: String,
    next_prisoner: AtomicUsize,
}

impl Race {
    async fn new(db: Db, instances: usize) -> Race {
        let first = spawn_app_at(db, monday_morning()).await;
        let prison = add_test_prison_with_capacity(&first, VisitingRules::default(), PLACES).await;
        first.add_staff("officer@testbridge.example", "staff", &[prison]).await;
        let mut apps = vec![first];
        for _ in 1..instances {
            // Every instance takes the same paths as the first (fast or portable on PostgreSQL).
            let mut settings = settings(&apps[0].db_url, false);
            settings.postgres_fast_paths = apps[0].state.postgres_fast_paths;
            apps.push(spawn_instance_with(settings, api::clock::Clock::fixed(monday_morning())).await);
        }
        let mut officers = Vec::new();
        for app in &apps {
            officers.push(app.access_token("officer@testbridge.example").await);
        }
        let timetable_path = format!("/api/v1/staff/prisons/{prison}/timetable");
        Race { apps, prison, officers, timetable_path, next_prisoner: AtomicUsize::new(0) }
    }

    /// The instance (and its officer) serving the `i`-th request: requests are spread over every instance.
    fn at(&self, i: usize) -> (&TestApp, &str) {
        (&self.apps[i % self.apps.len()], &self.officers[i % self.apps.len()])
    }

    fn request(&self, date: NaiveDate) -> Value {
        let n = self.next_prisoner.fetch_add(1, Ordering::Relaxed);
        let mut body = visit_request(self.prison, &[(&date.to_string(), "14:00", "16:00")]);
        body["prisoner"]["number"] = json!(format!("A{:04}{}", n % 10_000, ["BC", "DE", "FG"][n / 10_000 % 3]));
        body
    }

    async fn timetable(&self) -> Value {
        let (app, officer) = self.at(0);
        app.get_as(officer, &self.timetable_path).await.json().await.unwrap()
    }

    async fn put_timetable(&self, i: usize, body: &Value) -> reqwest::Response {
        let (app, officer) = self.at(i);
        app.client.put(app.url(&self.timetable_path)).bearer_auth(officer).json(body).send().await.unwrap()
    }

    /// Switches instant booking on or off (a rules change, which touches no booked visit).
    async fn set_instant_booking(&self, on: bool) {
        let mut current = self.timetable().await;
        current["rules"]["instant_booking"] = json!(on);
        let body = json!({"rules": current["rules"], "timetable": current["timetable"]});
        let response = self.put_timetable(0, &body).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    /// `n` waiting requests for the slot, made while instant booking is off: (id, reference, token).
    async fn requests(&self, date: NaiveDate, n: usize) -> Vec<(String, String, String)> {
        let made = join_all((0..n).map(|i| async move {
            let created = self.at(i).0.created_visit(&self.request(date)).await;
            assert_eq!(created["state"], "requested");
            let field = |name: &str| created[name].as_str().unwrap().to_owned();
            (field("id"), field("reference"), field("status_token"))
        }))
        .await;
        made.into_iter().collect()
    }

    /// `n` visits booked into the slot before the round starts.
    async fn booked(&self, date: NaiveDate, n: usize) -> Vec<(String, String, String)> {
        let made = self.requests(date, n).await;
        for (id, _, _) in &made {
            let slot = slot(&date.to_string(), "14:00", "16:00");
            api::staff_visits::decide::book_now(
                &self.apps[0].state,
                id.parse().unwrap(),
                slot,
                domain::visit::Actor::Staff,
            )
            .await
            .unwrap();
        }
        made
    }

    /// Visits booked at the slot, the slot's counter, and the day list's count: three views of one number.
    async fn booked_at(&self, date: NaiveDate) -> u32 {
        let app = &self.apps[0];
        let day = date.to_string();
        let visits = app
            .count(&format!("visit WHERE state = 'booked' AND booked_date = '{day}' AND booked_start = '14:00:00'"))
            .await;
        let counter = app
            .scalar(&format!(
                "SELECT CAST(COALESCE(SUM(booked_open), 0) AS BIGINT) AS n FROM slot_usage \
                 WHERE slot_date = '{day}' AND start_time = '14:00:00'"
            ))
            .await;
        let list: Value = app
            .get_as(&self.officers[0], &format!("/api/v1/staff/prisons/{}/day-list?date={day}", self.prison))
            .await
            .json()
            .await
            .unwrap();
        let listed = list["slots"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["start"] == "14:00")
            .flat_map(|s| s["visits"].as_array().unwrap())
            .filter(|v| v["state"] == "booked")
            .count();
        let listed = i64::try_from(listed).unwrap();
        assert_eq!((visits, counter), (listed, listed), "{day}: booked visits, the slot's counter and the day list");
        u32::try_from(visits).unwrap()
    }
}

/// Each round's outcome of one writer's request, with the refusals each writer may meet.
async fn check_answer(writer: Writer, response: reqwest::Response, round: &RoundLog) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let ok = match (writer, status) {
        // At a prison that books instantly, a request is booked or refused: never left waiting for staff because
        // others took the places between its check and its booking.
        (Writer::InstantBooking, 201) => body["state"] == "booked",
        (Writer::InstantBooking, 422) => {
            let codes: Vec<&str> =
                body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
            codes.iter().all(|c| ["slot_fully_booked", "slot_closed", "slot_not_offered"].contains(c))
        }
        (Writer::StaffGrant | Writer::StaffCancel | Writer::VisitorCancel, 200) => true,
        (Writer::StaffGrant, 409) => {
            ["slot_full", "slot_closed", "slot_not_offered"].contains(&body["code"].as_str().unwrap())
        }
        (Writer::StaffCancel | Writer::VisitorCancel, 409) => {
            ["conflict", "invalid_state_transition"].contains(&body["code"].as_str().unwrap())
        }
        (Writer::TimetableChange, 200) => body["affected"].as_array().unwrap().is_empty(),
        (Writer::TimetableChange, 409) => {
            assert_eq!(body["code"], "affects_booked_visits", "{body}");
            round.refusals.lock().unwrap().push(body["affected_visits"].as_array().unwrap().clone());
            true
        }
        _ => false,
    };
    assert!(ok, "{writer:?} answered {status}: {body}");
}

#[derive(Default)]
struct RoundLog {
    /// The visits each refused timetable change listed.
    refusals: std::sync::Mutex<Vec<Vec<Value>>>,
}

/// Races `a` against `b` for `ROUNDS` rounds on a fresh date each, `CLIENTS` requests a round spread over the
/// instances, and checks the invariant after each round.
async fn race(db: Db, instances: usize, a: Writer, b: Writer) {
    let race = &Race::new(db, instances).await;
    let writers = [a, b];
    let instant = writers.contains(&Writer::InstantBooking);
    // Dates from the first bookable Friday, skipping the family day (12th) and Christmas (25th).
    let dates: Vec<NaiveDate> = date("2026-12-04")
        .iter_days()
        .filter(|d| ![date("2026-12-12"), date("2026-12-25")].contains(d))
        .take(ROUNDS)
        .collect();
    for (round, day) in dates.iter().copied().enumerate() {
        let change = Change::of_round(round);
        let timetable_changes = writers.iter().filter(|w| **w == Writer::TimetableChange).count();
        // What the round starts from: waiting requests to grant, booked visits to cancel (a full slot).
        let grants = if writers.contains(&Writer::StaffGrant) { CLIENTS / 2 } else { 0 };
        let cancels = writers.iter().any(|w| matches!(w, Writer::VisitorCancel | Writer::StaffCancel));
        // Cancellations start from a full slot; two timetable changes race over two booked visits.
        let to_book = match (cancels, timetable_changes) {
            (true, _) => PLACES as usize,
            (false, 2) => 2,
            _ => 0,
        };
        let setup = grants > 0 || to_book > 0;
        if instant && setup {
            race.set_instant_booking(false).await;
        }
        let waiting = race.requests(day, grants).await;
        let booked = race.booked(day, to_book).await;
        if instant && (setup || round == 0) {
            race.set_instant_booking(true).await;
        }
        let base = race.timetable().await;
        let log = RoundLog::default();

        // The round's requests: each writer's share, interleaved, spread over the instances.
        let mut tasks: Vec<(Writer, BoxFuture<'_, reqwest::Response>)> = Vec::new();
        let mut waiting = waiting.iter();
        let mut changes_made = 0;
        for i in 0..CLIENTS {
            let writer = writers[i % 2];
            let (app, officer) = race.at(i);
            let future: BoxFuture<'_, reqwest::Response> = match writer {
                Writer::InstantBooking => {
                    // Most wanted: the round's slot; then the next date's. A visitor whose first choice fills up
                    // meanwhile tries the next while a timetable change may be stamping both.
                    let mut body = race.request(day);
                    if timetable_changes == 0 {
                        // (Other writers' rounds start from an empty slot: keep the next date free for them.)
                        async move { app.create_visit(&body, None).await }.boxed()
                    } else {
                        let next =
                            if round + 1 < dates.len() { dates[round + 1] } else { dates[round - 1] }.to_string();
                        body["slots"]
                            .as_array_mut()
                            .unwrap()
                            .push(json!({"date": next, "start": "14:00", "end": "16:00"}));
                        async move { app.create_visit(&body, None).await }.boxed()
                    }
                }
                Writer::StaffGrant => {
                    let Some((id, _, _)) = waiting.next() else { continue };
                    let path = format!("/api/v1/staff/visits/{id}/decision");
                    let body = json!({"outcome": "grant", "expected_version": 0,
                                      "slot": {"date": day.to_string(), "start": "14:00", "end": "16:00"}});
                    async move { app.post_as(officer, &path, &body).await }.boxed()
                }
                // Both cancelling writers of a pair take the same visits in turn, so a visitor and staff cancel
                // the same visit at once.
                Writer::VisitorCancel => {
                    let (_, reference, token) = booked[(i / 2) % booked.len()].clone();
                    async move { app.visit_action(&reference, &token, "cancel").await }.boxed()
                }
                Writer::StaffCancel => {
                    let (id, _, _) = booked[(i / 2) % booked.len()].clone();
                    let path = format!("/api/v1/staff/visits/{id}/cancel");
                    let body = json!({"reason": "capacity_issues", "expected_version": 1});
                    async move { app.post_as(officer, &path, &body).await }.boxed()
                }
                Writer::TimetableChange => {
                    // One change a round (it races bookings, not a queue of changes); when both writers change the
                    // timetable, two at once, the second closing the date.
                    if changes_made == timetable_changes {
                        continue;
                    }
                    changes_made += 1;
                    let second = changes_made == 2;
                    let change = if second { Change::DateClosed } else { change };
                    let new = change.apply(base["timetable"].clone(), day);
                    let body = json!({"rules": base["rules"], "timetable": new, "confirm_affected": false});
                    let at = (i + round) % CLIENTS;
                    async move {
                        // Land somewhere in the middle of the bookings rather than always first.
                        tokio::time::sleep(std::time::Duration::from_millis((at % 7) as u64)).await;
                        race.put_timetable(at, &body).await
                    }
                    .boxed()
                }
            };
            tasks.push((writer, future));
        }
        let (kinds, futures): (Vec<Writer>, Vec<_>) = tasks.into_iter().unzip();
        let answers = join_all(futures).await;
        for (writer, response) in kinds.into_iter().zip(answers) {
            check_answer(writer, response, &log).await;
        }

        // The invariant, read back from outside.
        let now = race.timetable().await;
        let places = places_in(&now["timetable"], day);
        let taken = race.booked_at(day).await;
        assert!(
            taken <= places,
            "round {round} ({day}): {taken} visits booked where the timetable now has {places} places"
        );
        for listed in log.refusals.lock().unwrap().iter() {
            assert!(!listed.is_empty(), "a refused change lists the visits it would touch");
            for visit in listed {
                assert_eq!(visit["slot"]["date"], json!(day.to_string()), "{visit}");
            }
            if matches!(change, Change::FewerPlaces) && timetable_changes == 1 {
                let listed = u32::try_from(listed.len()).unwrap();
                assert!(listed > change.places_after(), "refused a change to 3 places listing {listed} visits");
            }
        }
    }
}

/// Visitors at an instant-booking prison each want three dates (half of them latest first, against the order a
/// timetable change stamps places in), while staff change every slot's places again and again (confirmed, so places
/// may drop below what is booked) and visitors cancel: nobody is ever answered with an error, and every slot's
/// counter stays equal to its booked visits.
async fn visitors_with_several_choices_racing_many_timetable_changes_never_deadlock(db: Db) {
    let race = &Race::new(db, if matches!(db, Db::Postgres | Db::PostgresPortable) { 3 } else { 1 }).await;
    race.set_instant_booking(true).await;
    let dates: Vec<NaiveDate> = date("2026-12-04")
        .iter_days()
        .filter(|d| ![date("2026-12-12"), date("2026-12-25")].contains(d))
        .take(20)
        .collect();
    let base = race.timetable().await;
    for round in 0..3 {
        let booked = std::sync::Mutex::new(Vec::<(String, String)>::new());
        let booked = &booked;
        let mut tasks: Vec<BoxFuture<'_, (&str, u16, String)>> = Vec::new();
        for i in 0..60 {
            let (app, _) = race.at(i);
            let mut picked: Vec<NaiveDate> = (0..3).map(|k| dates[(i * 7 + k * 5 + round) % dates.len()]).collect();
            picked.sort();
            picked.dedup();
            if i % 2 == 0 {
                picked.reverse();
            }
            let mut body = race.request(picked[0]);
            body["slots"] = picked
                .iter()
                .map(|d| json!({"date": d.to_string(), "start": "14:00", "end": "16:00"}))
                .collect::<Vec<_>>()
                .into();
            tasks.push(
                async move {
                    let response = app.create_visit(&body, None).await;
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap();
                    if status == 201 {
                        let created: Value = serde_json::from_str(&text).unwrap();
                        assert_eq!(created["state"], "booked", "booked at once or refused: {created}");
                        {
                            let field = |name: &str| created[name].as_str().unwrap().to_owned();
                            booked.lock().unwrap().push((field("reference"), field("status_token")));
                        }
                    }
                    ("visit", status, text)
                }
                .boxed(),
            );
        }
        for i in 0..15 {
            let mut timetable = base["timetable"].clone();
            for slot in timetable["weekly"].as_array_mut().unwrap() {
                slot["capacity"] = json!(1 + (i + round) % 4);
            }
            let body = json!({"rules": base["rules"], "timetable": timetable, "confirm_affected": true});
            tasks.push(
                async move {
                    tokio::time::sleep(std::time::Duration::from_millis((i * 13 % 40) as u64)).await;
                    let response = race.put_timetable(i + 1, &body).await;
                    ("timetable", response.status().as_u16(), response.text().await.unwrap())
                }
                .boxed(),
            );
        }
        for i in 0..20 {
            let (app, _) = race.at(i + 2);
            tasks.push(
                async move {
                    tokio::time::sleep(std::time::Duration::from_millis(30 + (i * 11 % 50) as u64)).await;
                    let Some((reference, token)) = booked.lock().unwrap().pop() else {
                        return ("cancel", 200, String::new());
                    };
                    let response = app.visit_action(&reference, &token, "cancel").await;
                    ("cancel", response.status().as_u16(), response.text().await.unwrap())
                }
                .boxed(),
            );
        }
        for (what, status, text) in join_all(tasks).await {
            assert!(status < 500, "round {round}: {what} answered {status}: {text}");
        }
        for day in &dates {
            race.booked_at(*day).await;
        }
    }
}

async fn instant_bookings_racing_a_timetable_change_never_overbook(db: Db) {
    race(db, 1, Writer::InstantBooking, Writer::TimetableChange).await;
}

async fn staff_grants_racing_a_timetable_change_never_overbook(db: Db) {
    race(db, 1, Writer::StaffGrant, Writer::TimetableChange).await;
}

async fn instant_bookings_racing_staff_grants_never_overbook(db: Db) {
    race(db, 1, Writer::InstantBooking, Writer::StaffGrant).await;
}

async fn visitor_cancellations_racing_instant_bookings_never_overbook(db: Db) {
    race(db, 1, Writer::VisitorCancel, Writer::InstantBooking).await;
}

async fn staff_cancellations_racing_staff_grants_never_overbook(db: Db) {
    race(db, 1, Writer::StaffCancel, Writer::StaffGrant).await;
}

async fn visitor_and_staff_cancellations_of_the_same_visits_give_each_place_back_once(db: Db) {
    race(db, 1, Writer::VisitorCancel, Writer::StaffCancel).await;
}

async fn cancellations_racing_a_timetable_change_leave_it_consistent(db: Db) {
    race(db, 1, Writer::VisitorCancel, Writer::TimetableChange).await;
    race(db, 1, Writer::StaffCancel, Writer::TimetableChange).await;
}

async fn two_timetable_changes_at_once_with_bookings_never_overbook(db: Db) {
    race(db, 1, Writer::TimetableChange, Writer::TimetableChange).await;
}

on_both_databases!(
    visitors_with_several_choices_racing_many_timetable_changes_never_deadlock,
    instant_bookings_racing_a_timetable_change_never_overbook,
    staff_grants_racing_a_timetable_change_never_overbook,
    instant_bookings_racing_staff_grants_never_overbook,
    visitor_cancellations_racing_instant_bookings_never_overbook,
    staff_cancellations_racing_staff_grants_never_overbook,
    visitor_and_staff_cancellations_of_the_same_visits_give_each_place_back_once,
    cancellations_racing_a_timetable_change_leave_it_consistent,
    two_timetable_changes_at_once_with_bookings_never_overbook,
);

// The races that grant, once more on PostgreSQL through the portable grant (the fast one is the default above).
on_portable_postgres!(
    staff_grants_racing_a_timetable_change_never_overbook,
    instant_bookings_racing_staff_grants_never_overbook,
    staff_cancellations_racing_staff_grants_never_overbook,
);

/// Three service instances on one PostgreSQL database, each with its own connections and timetable cache, booking,
/// granting and changing the timetable of the same slot at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_postgresql_never_overbook_a_slot() {
    race(Db::Postgres, 3, Writer::InstantBooking, Writer::TimetableChange).await;
    race(Db::Postgres, 3, Writer::StaffGrant, Writer::TimetableChange).await;
}
