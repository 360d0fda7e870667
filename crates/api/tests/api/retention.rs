//! The retention job with the clock moved forward: personal data of visits six months past is removed, what the
//! metrics need is kept, and staff search reaches back only as far; integration events and webhook deliveries go
//! after `EVENTS_RETENTION_DAYS`, and the change feed says so to a cursor from before.

use chrono::{Duration, TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::events::desk;
use crate::helpers::*;
use crate::on_both_databases;
use crate::webhooks::{Receiver, drain, worker};

async fn visits_six_months_past_lose_their_personal_data_and_keep_their_numbers(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    // Booked for Friday 4 December, with a message; rejected with an internal note; waiting for 28 December.
    let mut texts_too = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    texts_too["lead_visitor"]["contact_by"] = json!(["email", "sms"]);
    let booked = app.created_visit(&texts_too).await;
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
    assert_eq!(view["lead_visitor"]["contact_by"], json!(["email"]), "the choice of texts goes with the number");
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

/// Positions of a feed page's events.
fn positions(page: &Value) -> Vec<i64> {
    page["events"].as_array().unwrap().iter().map(|e| e["position"].as_i64().unwrap()).collect()
}

async fn events_and_deliveries_go_after_the_retention_period_and_an_old_cursor_is_told_so(db: Db) {
    let clock = TestClock::at(monday_morning());
    let mut d = desk(spawn_app_with_clock(db, clock.clock()).await).await;
    let receiver = Receiver::start().await;
    let (live, secret) = d.subscribe(&receiver.url, &[], &[d.prison]).await;
    receiver.trust(&secret);
    let changes = format!("/api/v1/prisons/{}/changes", d.prison);

    // Day 0: requested and booked (positions 1, 2), delivered. Day 21: another request (3), delivered.
    let (id, _, _) = d.request("2026-12-04").await;
    d.grant(&id, "2026-12-04", 0).await;
    assert_eq!(drain(&worker(&d.app, true)).await.delivered, 2);
    clock.advance(Duration::days(21));
    d.officer = d.app.access_token("officer@testbridge.example").await;
    d.admin = d.app.access_token("admin@testbridge.example").await;
    d.request("2027-01-08").await;
    assert_eq!(drain(&worker(&d.app, true)).await.delivered, 1);

    // Day 31, 30 days kept: the events of day 0 and their deliveries go; day 21's stay.
    clock.advance(Duration::days(10));
    d.officer = d.app.access_token("officer@testbridge.example").await;
    d.admin = d.app.access_token("admin@testbridge.example").await;
    let pruned = api::retention::prune_integration(&d.app.state.db, clock.now(), 30).await.unwrap();
    assert_eq!((pruned.events, pruned.deliveries), (2, 2));
    assert_eq!(positions(&d.feed(None, 100).await), vec![3], "the feed starts at the oldest event kept");
    assert_eq!(positions(&d.feed(Some("2"), 100).await), vec![3], "a cursor just before it goes on as ever");
    for stale in ["0", "1"] {
        let gone = problem(d.app.get_as(&d.officer, &format!("{changes}?after={stale}")).await, 410).await;
        assert_eq!(gone["code"], "cursor_expired", "{gone}");
        assert!(gone["detail"].as_str().unwrap().contains("kept 30 days"), "{gone}");
        assert!(gone["detail"].as_str().unwrap().contains("position 3"), "{gone}");
    }
    let log = d.log(&live, "").await;
    assert_eq!(log["deliveries"].as_array().unwrap().len(), 1, "the delivery log reaches back as far: {log}");
    assert_eq!(
        api::retention::prune_integration(&d.app.state.db, clock.now(), 30).await.unwrap(),
        api::retention::Pruned::default(),
        "once is enough"
    );

    // A receiver that is down: its deliveries of day 31 (positions 4, 5) keep waiting.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (down, _) = d.subscribe(&format!("http://127.0.0.1:{dead}/hook"), &["visit.requested"], &[d.prison]).await;
    d.request("2027-01-15").await;
    d.request("2027-01-16").await;
    let pass = drain(&worker(&d.app, true)).await;
    assert_eq!((pass.delivered, pass.retrying), (2, 2));

    // Day 71: day 21's event goes; the two a waiting delivery needs stay, and so does the feed from them on.
    clock.advance(Duration::days(40));
    d.officer = d.app.access_token("officer@testbridge.example").await;
    d.admin = d.app.access_token("admin@testbridge.example").await;
    let pruned = api::retention::prune_integration(&d.app.state.db, clock.now(), 30).await.unwrap();
    assert_eq!((pruned.events, pruned.deliveries), (1, 3));
    assert_eq!(positions(&d.feed(None, 100).await), vec![4, 5]);
    assert_eq!(positions(&d.feed(Some("3"), 100).await), vec![4, 5]);
    problem(d.app.get_as(&d.officer, &format!("{changes}?after=2")).await, 410).await;

    // Once the subscription is gone, so are they; a cursor at the last event still reads an empty page.
    let path = format!("/api/v1/webhooks/subscriptions/{down}");
    let response = d.app.client.delete(d.app.url(&path)).bearer_auth(&d.admin).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let pruned = api::retention::prune_integration(&d.app.state.db, clock.now(), 30).await.unwrap();
    assert_eq!(pruned.events, 2);
    assert_eq!(positions(&d.feed(Some("5"), 100).await), Vec::<i64>::new());
    assert_eq!(positions(&d.feed(None, 100).await), Vec::<i64>::new());
    let gone = problem(d.app.get_as(&d.officer, &format!("{changes}?after=4")).await, 410).await;
    assert_eq!(gone["code"], "cursor_expired");

    // New events carry on from the counter, and the cursor kept by an up-to-date integrator reads them.
    d.request("2027-02-19").await;
    assert_eq!(positions(&d.feed(Some("5"), 100).await), vec![6]);

    // An event no worker has fanned out yet (every instance's worker off for longer than the retention period) is
    // kept, and delivered when a worker runs again.
    clock.advance(Duration::days(40));
    d.officer = d.app.access_token("officer@testbridge.example").await;
    d.admin = d.app.access_token("admin@testbridge.example").await;
    api::retention::prune_integration(&d.app.state.db, clock.now(), 30).await.unwrap();
    assert_eq!(positions(&d.feed(Some("5"), 100).await), vec![6], "kept until it is fanned out");
    let before = receiver.got().len();
    assert_eq!(drain(&worker(&d.app, true)).await.delivered, 1);
    assert_eq!(receiver.got().len(), before + 1);
}

async fn events_and_webhook_deliveries_hold_no_personal_data_to_anonymise(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let receiver = Receiver::start().await;
    let (_, secret) = d.subscribe(&receiver.url, &[], &[d.prison]).await;
    receiver.trust(&secret);
    let (id, _, _) = d.request("2026-12-04").await;
    let grant = json!({"outcome": "grant", "expected_version": 0, "message": "See you on Friday, Mary Smith",
        "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"}});
    assert_eq!(d.staff(&id, "decision", grant).await.status(), 200);
    let reject = json!({"outcome": "reject", "expected_version": 0,
        "reasons": [{"reason": "other", "detail": "John Smith A1234BC is on the watch list"}]});
    let (other, _, _) = d.request("2026-12-05").await;
    assert_eq!(d.staff(&other, "decision", reject).await.status(), 200);
    let delivered = drain(&worker(&d.app, true)).await.delivered;

    // Whatever the visit's anonymisation removes must not live on in what integrators were sent or can read back.
    let personal = [
        "Mary",
        "John",
        "Amy",
        "Smith",
        "mary.smith",
        "07700 900123",
        "A1234BC",
        "a1234bc",
        "1985-04-12",
        "1980-07-01",
        "2015-03-09",
        "watch list",
        "See you",
    ];
    let feed = d.feed(None, 100).await.to_string();
    let sent: Vec<String> = receiver.got().iter().map(|r| r.body.to_string()).collect();
    let events = d.feed(None, 100).await["events"].as_array().unwrap().len();
    assert!(events >= 4, "requested, booked, requested, rejected: {feed}");
    assert_eq!((sent.len(), delivered), (events, events), "every event was sent");
    for text in std::iter::once(&feed).chain(&sent) {
        for word in personal {
            assert!(!text.contains(word), "{word:?} in {text}");
        }
    }
    assert!(feed.contains(&id), "events name the visit by its id, which anonymisation keeps");
}

on_both_databases!(
    visits_six_months_past_lose_their_personal_data_and_keep_their_numbers,
    the_retention_period_is_configurable,
    events_and_deliveries_go_after_the_retention_period_and_an_old_cursor_is_told_so,
    events_and_webhook_deliveries_hold_no_personal_data_to_anonymise,
);
