//! Visit reminders (issue 14) with the clock moved forward, read back from a real SMTP server: sent the prison's
//! lead time before the visit with its time, address, visitors, what to bring and the link to cancel, in English and
//! Welsh; at once for a visit booked inside the lead time; never for a cancelled visit or a prison that turned them
//! off; once however many passes or instances race; again when the visit moves. And the admin's setting.

use std::collections::HashMap;

use api::outbox::worker::Worker;
use chrono::{Duration, TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::mail::{Mail, SmtpServer, parse};
use crate::on_both_databases;
use crate::outbox::{smtp_settings, worker};

struct Family {
    id: Uuid,
    reference: String,
    token: String,
}

struct Bench {
    app: TestApp,
    clock: TestClock,
    prison: Uuid,
    smtp: SmtpServer,
    worker: Worker,
}

async fn bench(db: Db, capacity: u32) -> Bench {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison_with_capacity(&app, VisitingRules::default(), capacity).await;
    let smtp = SmtpServer::start().await;
    let worker = worker(&app, &smtp_settings(&smtp.url()), 10);
    Bench { app, clock, prison, smtp, worker }
}

/// Wednesday 2 December 2026 at 14:00 in London (GMT): two days before the Friday 14:00 visits.
fn wednesday_2pm() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 14, 0, 0).unwrap()
}

impl Bench {
    /// A request (made on Monday) for `day` at 14:00, by a lead visitor writing in `locale` from `email`.
    async fn request(&self, prison: Uuid, locale: &str, email: &str, day: &str) -> Family {
        let mut body = visit_request(prison, &[(day, "14:00", "16:00")]);
        body["locale"] = json!(locale);
        body["lead_visitor"]["email"] = json!(email);
        let created = self.app.created_visit(&body).await;
        Family {
            id: created["id"].as_str().unwrap().parse().unwrap(),
            reference: created["reference"].as_str().unwrap().to_owned(),
            token: created["status_token"].as_str().unwrap().to_owned(),
        }
    }

    /// A visit booked for `day` at 14:00.
    async fn booked(&self, locale: &str, email: &str, day: &str) -> Family {
        let family = self.request(self.prison, locale, email, day).await;
        self.app.book(family.id, slot(day, "14:00", "16:00")).await;
        family
    }

    fn set_clock(&self, to: chrono::DateTime<Utc>) {
        self.clock.advance(to - self.clock.now());
    }

    /// One reminder pass then one delivery pass, as the worker does; returns how many reminders were queued.
    async fn tick(&self) -> usize {
        let queued = self.worker.remind().await.unwrap().queued;
        self.worker.run_once().await.unwrap();
        queued
    }

    fn reminders(&self) -> Vec<Mail> {
        self.smtp
            .received()
            .iter()
            .map(parse)
            .filter(|m| m.subject.starts_with("Reminder:") || m.subject.starts_with("Nodyn atgoffa:"))
            .collect()
    }
}

async fn a_booked_visit_is_reminded_two_days_before_with_what_the_family_needs_in_english_and_welsh(db: Db) {
    let b = bench(db, 20).await;
    let mary = b.booked("en", "mary@example.com", "2026-12-04").await;
    let mair = b.booked("cy", "mair@example.com", "2026-12-04").await;
    assert_eq!(b.tick().await, 0, "Monday: the booking emails only");
    b.set_clock(wednesday_2pm() - Duration::minutes(1));
    assert_eq!(b.tick().await, 0, "a minute before the lead time");
    assert!(b.reminders().is_empty());

    b.set_clock(wednesday_2pm());
    assert_eq!(b.tick().await, 2);
    let reminders = b.reminders();
    assert_eq!(reminders.len(), 2);

    let en = reminders.iter().find(|m| m.to == "mary@example.com").unwrap();
    assert_eq!(en.subject, "Reminder: your visit on Friday 4 December 2026, 2pm to 4pm, HMP Testbridge");
    for part in [
        "This is a reminder of your visit to John Smith at HMP Testbridge.",
        "When\n\nFriday 4 December 2026, 2pm to 4pm\n",
        "Where\n\nHMP Testbridge\n1 Gate Street\nTestbridge\nTB1 1AA\n",
        "Who can come\n\n* Mary Smith\n* Amy Smith\n",
        "What to bring\n\n* Photo ID for every adult, such as a passport or driving licence\n",
        &format!("Your reference is {}.", mary.reference),
        &format!(
            "See your visit, or cancel it:\nhttps://visits.example/visit/{}?token={}\n",
            mary.reference, mary.token
        ),
    ] {
        assert!(en.text.contains(part), "{part:?} in:\n{}", en.text);
    }
    assert!(en.calendars.is_empty(), "the booking email carried the calendar file");

    let cy = reminders.iter().find(|m| m.to == "mair@example.com").unwrap();
    assert_eq!(cy.subject, "Nodyn atgoffa: eich ymweliad ar ddydd Gwener 4 Rhagfyr 2026, 2yp i 4yp, HMP Testbridge");
    for part in [
        "Dyma nodyn i’ch atgoffa am eich ymweliad â John Smith yn HMP Testbridge.",
        "Pwy all ddod\n\n* Mary Smith\n* Amy Smith\n",
        "Cerdyn adnabod gyda llun ar gyfer pob oedolyn",
        &format!(
            "Gweld eich ymweliad, neu ei ganslo:\nhttps://visits.example/visit/{}?token={}\n",
            mair.reference, mair.token
        ),
    ] {
        assert!(cy.text.contains(part), "{part:?} in:\n{}", cy.text);
    }
    assert!(cy.html.contains("lang=\"cy\""));

    // Later passes, up to the visit, send nothing more.
    for hours in [1, 12, 23] {
        b.set_clock(wednesday_2pm() + Duration::hours(hours));
        assert_eq!(b.tick().await, 0);
    }
    assert_eq!(b.reminders().len(), 2, "one reminder per visit");
    // Staff see it on the visit, as every email.
    b.app.add_staff("officer@testbridge.example", "staff", &[b.prison]).await;
    let officer = b.app.access_token("officer@testbridge.example").await;
    let view: Value = b.app.get_as(&officer, &format!("/api/v1/staff/visits/{}", mary.id)).await.json().await.unwrap();
    let emails: Vec<(&str, &str)> = view["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(emails.last(), Some(&("reminder", "sent")), "{emails:?}");
}

async fn a_visit_booked_inside_the_lead_time_is_reminded_at_once_after_its_booking_email(db: Db) {
    let b = bench(db, 20).await;
    let family = b.request(b.prison, "en", "late@example.com", "2026-12-04").await;
    // Staff book it on Thursday morning, a day and five hours before it.
    b.set_clock(Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap());
    b.app.book(family.id, slot("2026-12-04", "14:00", "16:00")).await;
    assert_eq!(b.tick().await, 1);
    let subjects: Vec<String> =
        b.smtp.received().iter().map(parse).filter(|m| m.to == "late@example.com").map(|m| m.subject).collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(subjects[1].starts_with("Visit booked:") && subjects[2].starts_with("Reminder:"), "{subjects:?}");
}

async fn no_reminder_for_a_visit_not_booked_or_cancelled_nor_in_a_prison_that_turned_them_off(db: Db) {
    let b = bench(db, 20).await;
    // A cancelled visit, a request never decided, a rejected one and a withdrawn one.
    let cancelled = b.booked("en", "cancelled@example.com", "2026-12-04").await;
    assert_eq!(b.app.visit_action(&cancelled.reference, &cancelled.token, "cancel").await.status(), 200);
    b.request(b.prison, "en", "waiting@example.com", "2026-12-04").await;
    let withdrawn = b.request(b.prison, "en", "withdrawn@example.com", "2026-12-04").await;
    assert_eq!(b.app.visit_action(&withdrawn.reference, &withdrawn.token, "withdraw").await.status(), 200);
    // A booked visit at a prison whose admin turned reminders off.
    let quiet = add_test_prison_with_capacity(&b.app, VisitingRules::default(), 20).await;
    b.app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = b.app.access_token("admin@testbridge.example").await;
    let response = put_prison(&b.app, &admin, quiet, Some(json!(0))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["reminder_days"], 0);
    let off = b.request(quiet, "en", "off@example.com", "2026-12-04").await;
    b.app.book(off.id, slot("2026-12-04", "14:00", "16:00")).await;
    // And one that is cancelled after its reminder was queued, before the worker sent it: it is dropped.
    let late_cancel = b.booked("en", "late-cancel@example.com", "2026-12-04").await;
    b.tick().await;

    b.set_clock(wednesday_2pm());
    assert_eq!(b.worker.remind().await.unwrap().queued, 1, "only the visit still booked where reminders are on");
    assert_eq!(b.app.visit_action(&late_cancel.reference, &late_cancel.token, "cancel").await.status(), 200);
    let pass = b.worker.run_once().await.unwrap();
    assert_eq!((pass.dropped, pass.sent), (1, 1), "the reminder is dropped; the cancellation email goes");
    b.set_clock(wednesday_2pm() + Duration::hours(23));
    assert_eq!(b.tick().await, 0);
    assert!(b.reminders().is_empty(), "{:?}", b.reminders().iter().map(|m| &m.to).collect::<Vec<_>>());
}

async fn two_instances_racing_queue_one_reminder_per_visit(db: Db) {
    let b = bench(db, 40).await;
    let mut families = Vec::new();
    for i in 0..24 {
        let day = ["2026-12-04", "2026-12-05", "2026-12-06"][i % 3];
        families.push(b.booked("en", &format!("family{i}@example.com"), day).await);
    }
    b.tick().await;
    let other = spawn_instance(&b.app.db_url, b.clock.clock(), false).await;
    let other_worker = worker(&other, &smtp_settings(&b.smtp.url()), 10);
    // On Friday at 15:00 the reminders of Saturday's and Sunday's visits are due, and Friday's visits have started:
    // too late for theirs.
    b.set_clock(Utc.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap());
    let (one, two, three, four) =
        tokio::join!(b.worker.remind(), other_worker.remind(), b.worker.remind(), other_worker.remind());
    let queued = [one, two, three, four].map(|p| p.unwrap().queued);
    assert_eq!(queued.iter().sum::<usize>(), 16, "Saturday's and Sunday's visits, each once: {queued:?}");
    let (_, _) = tokio::join!(b.worker.run_once(), other_worker.run_once());
    let mut per_reference: HashMap<String, usize> = HashMap::new();
    for mail in b.reminders() {
        let family = families.iter().find(|f| mail.text.contains(&f.reference)).unwrap();
        *per_reference.entry(family.reference.clone()).or_default() += 1;
    }
    assert_eq!(per_reference.len(), 16);
    assert!(per_reference.values().all(|n| *n == 1), "{per_reference:?}");
}

async fn a_visit_that_moves_is_reminded_again_for_its_new_time(db: Db) {
    let b = bench(db, 20).await;
    let family = b.booked("en", "mover@example.com", "2026-12-04").await;
    b.set_clock(wednesday_2pm());
    assert_eq!(b.tick().await, 1);
    // Staff cannot move a booked visit today (the product's rule: cancel and request again); a future "move" will
    // change its booked time as this does, behind the service's back.
    b.app.execute_for_visit("UPDATE visit SET booked_date = '2026-12-06' WHERE id = {id}", family.id).await;
    assert_eq!(b.tick().await, 0, "not due until Friday 14:00");
    b.set_clock(Utc.with_ymd_and_hms(2026, 12, 4, 14, 0, 0).unwrap());
    assert_eq!(b.tick().await, 1);
    let subjects: Vec<String> = b.reminders().into_iter().map(|m| m.subject).collect();
    assert_eq!(
        subjects,
        [
            "Reminder: your visit on Friday 4 December 2026, 2pm to 4pm, HMP Testbridge",
            "Reminder: your visit on Sunday 6 December 2026, 2pm to 4pm, HMP Testbridge"
        ]
    );
    // Moved again while its reminder waits to be sent: the stale one is dropped, the new time gets its own.
    b.app.execute_for_visit("UPDATE visit SET booked_date = '2026-12-05' WHERE id = {id}", family.id).await;
    b.set_clock(Utc.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap());
    assert_eq!(b.worker.remind().await.unwrap().queued, 1);
    b.app.execute_for_visit("UPDATE visit SET booked_date = '2026-12-07' WHERE id = {id}", family.id).await;
    assert_eq!(b.worker.run_once().await.unwrap().dropped, 1);
    assert_eq!(b.reminders().len(), 2);
}

async fn put_prison(app: &TestApp, admin: &str, prison: Uuid, reminder_days: Option<Value>) -> reqwest::Response {
    let details = api::prisons::store::find(&app.state.db, prison).await.unwrap().unwrap();
    let mut body = json!({"name": details.name, "code": details.code,
        "address": {"lines": details.address.lines, "town": details.address.town, "postcode": details.address.postcode},
        "email": details.email, "phone": details.phone});
    if let Some(days) = reminder_days {
        body["reminder_days"] = days;
    }
    let path = format!("/api/v1/admin/prisons/{prison}");
    app.client.put(app.url(&path)).bearer_auth(admin).json(&body).send().await.unwrap()
}

/// The prison's lead time as anyone reads it.
async fn lead_time(app: &TestApp, prison: Uuid) -> Value {
    app.get(&format!("/api/v1/prisons/{prison}")).await.json::<Value>().await.unwrap()["reminder_days"].clone()
}

async fn admins_choose_reminders_from_one_to_fourteen_days_before_or_off(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = app.access_token("admin@testbridge.example").await;
    assert_eq!(lead_time(&app, prison).await, 2, "the default");
    for days in [0, 1, 14] {
        let response = put_prison(&app, &admin, prison, Some(json!(days))).await;
        assert_eq!(response.status(), 200);
        assert_eq!(lead_time(&app, prison).await, days);
    }
    let response = put_prison(&app, &admin, prison, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(lead_time(&app, prison).await, 14, "a change without the field keeps the lead time");
    let problem = problem(put_prison(&app, &admin, prison, Some(json!(15))).await, 422).await;
    assert_eq!(field_errors(&problem), [("reminder_days".to_owned(), "out_of_range".to_owned())], "{problem}");
    assert_eq!(lead_time(&app, prison).await, 14, "nothing changed");
    // A new prison starts at 2 unless told otherwise.
    let new = |code: &str, days: Option<u8>| {
        let mut body = json!({"name": "HMP New", "code": code,
            "address": {"lines": ["1 Road"], "town": "Town", "postcode": "TN1 1AA"},
            "email": "visits@new.example", "phone": "01632 960001"});
        if let Some(days) = days {
            body["reminder_days"] = json!(days);
        }
        app.client.post(app.url("/api/v1/admin/prisons")).bearer_auth(&admin).json(&body).send()
    };
    let created: Value = new("NEW1", None).await.unwrap().json().await.unwrap();
    assert_eq!(created["reminder_days"], 2);
    let created: Value = new("NEW2", Some(7)).await.unwrap().json().await.unwrap();
    assert_eq!(created["reminder_days"], 7);
}

on_both_databases!(
    a_booked_visit_is_reminded_two_days_before_with_what_the_family_needs_in_english_and_welsh,
    a_visit_booked_inside_the_lead_time_is_reminded_at_once_after_its_booking_email,
    no_reminder_for_a_visit_not_booked_or_cancelled_nor_in_a_prison_that_turned_them_off,
    two_instances_racing_queue_one_reminder_per_visit,
    a_visit_that_moves_is_reminded_again_for_its_new_time,
    admins_choose_reminders_from_one_to_fourteen_days_before_or_off,
);
