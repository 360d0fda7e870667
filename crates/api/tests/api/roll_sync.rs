//! A prison's whole roll in one call (`PUT /api/v1/records/prisons/{prison}/roll`): all or nothing with every bad
//! prisoner reported at its place, adds, updates and removals counted, the same roll twice changing nothing, a
//! large roll in reasonable time, admins only.

use std::time::{Duration, Instant};

use domain::api::VisitingRules;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;

fn prisoner(i: usize) -> Value {
    json!({
        "number": format!("A{i:04}BC"), "first_name": "John", "last_name": format!("Smith{}", i % 100),
        "date_of_birth": "1985-04-12", "visiting_allowance": 2, "allowance_renews_on": "2026-12-14",
        "contacts": [
            {"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true},
            {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-09", "approved": true, "banned": true, "banned_until": "2027-01-31"}
        ]
    })
}

fn roll(range: std::ops::Range<usize>) -> Value {
    json!({"prisoners": range.map(prisoner).collect::<Vec<_>>()})
}

struct Records {
    app: TestApp,
    admin: String,
    prison: Uuid,
    code: String,
}

impl Records {
    async fn new(db: Db) -> Records {
        let app = spawn_app_at(db, monday_morning()).await;
        let prison = add_test_prison(&app, VisitingRules::default()).await;
        app.add_staff("admin@hq.example", "admin", &[]).await;
        let admin = app.access_token("admin@hq.example").await;
        let code = api::prisons::store::find(&app.state.db, prison).await.unwrap().unwrap().code;
        Records { app, admin, prison, code }
    }

    async fn put_roll(&self, prison: &str, body: &Value) -> reqwest::Response {
        self.put_roll_as(&self.admin, prison, body).await
    }

    async fn put_roll_as(&self, token: &str, prison: &str, body: &Value) -> reqwest::Response {
        let url = self.app.url(&format!("/api/v1/records/prisons/{prison}/roll"));
        self.app.client.put(url).bearer_auth(token).json(body).send().await.unwrap()
    }

    async fn synced(&self, body: &Value) -> Value {
        let response = self.put_roll(&self.prison.to_string(), body).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn record(&self, number: &str) -> reqwest::Response {
        self.app.get_as(&self.admin, &format!("/api/v1/records/prisoners/{number}")).await
    }
}

fn counts(outcome: &Value) -> [u64; 5] {
    ["prisoners", "added", "updated", "removed", "unchanged"].map(|k| outcome[k].as_u64().unwrap())
}

async fn a_roll_adds_updates_and_removes_prisoners_and_the_same_roll_again_changes_nothing(db: Db) {
    let records = Records::new(db).await;
    let app = &records.app;
    // Someone held at another prison, who moves here in the second roll, and stays on that prison's roll until then.
    let mut elsewhere = prisoner(9);
    elsewhere["prison_code"] = json!("LDS");
    let put = app.client.put(app.url("/api/v1/records/prisoners/A0009BC")).bearer_auth(&records.admin);
    assert_eq!(put.json(&elsewhere).send().await.unwrap().status(), 200);

    let first = records.synced(&roll(0..5)).await;
    assert_eq!(counts(&first), [5, 5, 0, 0, 0]);
    assert_eq!(first["changed"], true);
    assert_eq!(first["prison_code"], records.code.to_uppercase());
    let stored: Value = records.record("A0001BC").await.json().await.unwrap();
    assert_eq!(stored["prison_code"], records.code.to_uppercase(), "the prison's code is filled in");
    // Contacts are kept in one order, by name (Amy before Mary).
    assert_eq!(stored["contacts"][0]["first_name"], "Amy");
    assert_eq!(stored["contacts"][0]["banned_until"], "2027-01-31");

    let again = records.synced(&roll(0..5)).await;
    assert_eq!(counts(&again), [5, 0, 0, 0, 5]);
    assert_eq!(again["changed"], false);

    // Prisoner 0 leaves, 1 changes, 9 moves here from another prison, 5 arrives; by code, in any case.
    let mut next = roll(1..6);
    next["prisoners"][0]["visiting_allowance"] = json!(0);
    next["prisoners"].as_array_mut().unwrap().push(prisoner(9));
    let response = records.put_roll(&records.code.to_lowercase(), &next).await;
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(counts(&outcome), [6, 1, 2, 1, 3]);
    problem(records.record("A0000BC").await, 404).await;
    let changed: Value = records.record("A0001BC").await.json().await.unwrap();
    assert_eq!(changed["visiting_allowance"], 0);
    let moved: Value = records.record("A0009BC").await.json().await.unwrap();
    assert_eq!(moved["prison_code"], records.code.to_uppercase());
    assert_eq!(records.synced(&next).await["changed"], false);

    // An empty roll empties the prison's roll, and nobody else's.
    let other = add_test_prison(app, VisitingRules::default()).await;
    let response = records.put_roll(&other.to_string(), &roll(100..102)).await;
    assert_eq!(response.status(), 200);
    // Only when the body says it means it: a failed export must not take everyone off the roll.
    let refused = problem(records.put_roll(&records.prison.to_string(), &json!({"prisoners": []})).await, 422).await;
    assert_eq!(field_errors(&refused), [("prisoners".to_owned(), "required".to_owned())]);
    assert_eq!(app.count("prisoner_roll").await, 8, "nothing removed");
    // Nor is a field the service does not know ignored (a paged export would lose its other pages).
    let paged = json!({"prisoners": [prisoner(1)], "prisoners_page_2": [prisoner(2)]});
    let refused = problem(records.put_roll(&records.prison.to_string(), &paged).await, 422).await;
    assert!(refused.to_string().contains("prisoners_page_2"), "{refused}");
    assert_eq!(app.count("prisoner_roll").await, 8, "nothing removed");
    let empty = json!({"prisoners": [], "allow_empty": true});
    assert_eq!(counts(&records.synced(&empty).await), [0, 0, 0, 6, 0]);
    assert_eq!(app.count("prisoner_roll").await, 2);
}

async fn every_bad_prisoner_is_reported_at_its_place_and_nothing_is_written(db: Db) {
    let records = Records::new(db).await;
    let app = &records.app;
    records.synced(&roll(0..3)).await;

    let mut body = roll(0..200);
    let prisoners = body["prisoners"].as_array_mut().unwrap();
    prisoners[3]["contacts"][0]["date_of_birth"] = json!("2030-01-01");
    prisoners[57].as_object_mut().unwrap().remove("number");
    prisoners[120]["date_of_birth"] = json!("1985-13-01");
    prisoners[150]["number"] = json!("a0000bc");
    prisoners[160]["first_name"] = json!("");
    prisoners[160]["contacts"][1]["banned"] = json!(false);
    prisoners[199]["prison_code"] = json!("LDS");
    let refused = problem(records.put_roll(&records.prison.to_string(), &body).await, 422).await;
    let fields: Vec<(String, String)> = field_errors(&refused);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(f, c)| (f.as_str(), c.as_str())).collect();
    assert_eq!(
        fields,
        [
            ("prisoners[3].contacts[0].date_of_birth", "date_in_future"),
            ("prisoners[57].number", "required"),
            ("prisoners[120].date_of_birth", "invalid_value"),
            ("prisoners[150].number", "invalid_value"),
            ("prisoners[160].first_name", "required"),
            ("prisoners[160].contacts[1].banned_until", "invalid_value"),
            ("prisoners[199].prison_code", "invalid_value"),
        ],
        "{refused}"
    );
    assert_eq!(app.count("prisoner_roll").await, 3, "nothing written");
    let kept: Value = records.record("A0002BC").await.json().await.unwrap();
    assert_eq!(kept["visiting_allowance"], 2);
}

async fn a_roll_of_five_thousand_prisoners_syncs_in_seconds_and_again_without_writing(db: Db) {
    const PRISONERS: usize = 5_000;
    // Under the service's default 5-second request deadline, in a debug build.
    let records = Records::new(db).await;
    let body = roll(0..PRISONERS);
    let started = Instant::now();
    let first = records.synced(&body).await;
    let took = started.elapsed();
    assert_eq!(counts(&first), [5_000, 5_000, 0, 0, 0]);
    assert!(took < Duration::from_secs(5), "{took:?}");

    let started = Instant::now();
    let again = records.synced(&body).await;
    assert_eq!((again["changed"].as_bool(), again["unchanged"].as_u64()), (Some(false), Some(5_000)));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    let mut next = roll(5..PRISONERS + 3);
    next["prisoners"][0]["visiting_allowance"] = json!(1);
    assert_eq!(counts(&records.synced(&next).await), [4_998, 3, 1, 5, 4_994]);
    assert_eq!(records.app.count("prisoner_roll").await, 4_998);
}

async fn only_admins_sync_a_roll_of_a_prison_that_exists_within_the_bounds(db: Db) {
    let records = Records::new(db).await;
    let app = &records.app;
    let prison = records.prison.to_string();
    app.add_staff("officer@testbridge.example", "staff", &[records.prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    problem(records.put_roll_as(&officer, &prison, &roll(0..1)).await, 403).await;
    let anonymous = app.client.put(app.url(&format!("/api/v1/records/prisons/{prison}/roll"))).json(&roll(0..1));
    problem(anonymous.send().await.unwrap(), 401).await;
    problem(records.put_roll(&Uuid::new_v4().to_string(), &roll(0..1)).await, 404).await;
    problem(records.put_roll("NOPE", &roll(0..1)).await, 404).await;

    let too_many = json!({"prisoners": vec![json!({}); 10_001]});
    let refused = problem(records.put_roll(&prison, &too_many).await, 422).await;
    assert_eq!(field_errors(&refused), [("prisoners".to_owned(), "out_of_range".to_owned())]);
    problem(records.put_roll(&prison, &json!([prisoner(0)])).await, 400).await;
    problem(records.put_roll(&prison, &json!({"prisoners": "all"})).await, 400).await;
    let url = app.url(&format!("/api/v1/records/prisons/{prison}/roll"));
    let not_json = app.client.put(url).bearer_auth(&records.admin).body("number\nA1234BC\n").send().await.unwrap();
    problem(not_json, 400).await;
    assert_eq!(app.count("prisoner_roll").await, 0);
}

/// A key syncs only its own prison's roll, and cannot take a prisoner off another prison's roll by naming them: the
/// whole sync is refused at that prisoner's place and the other prison keeps them. An admin can move them.
async fn a_key_cannot_move_a_prisoner_from_another_prisons_roll(db: Db) {
    let r = Records::new(db).await;
    let other = add_test_prison(&r.app, VisitingRules::default()).await;
    let other_code = api::prisons::store::find(&r.app.state.db, other).await.unwrap().unwrap().code;
    let response = r.put_roll(&other.to_string(), &roll(0..2)).await;
    assert_eq!(response.status(), 200);
    let created = r
        .app
        .post_as(
            &r.admin,
            "/api/v1/api-keys",
            &json!({"name": "Records", "prison_ids": [r.prison], "scopes": ["records:write"]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let key = created.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();

    let refused = problem(r.put_roll_as(&key, &r.prison.to_string(), &roll(1..4)).await, 422).await;
    assert_eq!(refused["errors"].as_array().map(Vec::len), Some(1), "{refused}");
    assert_eq!(refused["errors"][0]["field"], "prisoners[0].number");
    let kept: Value = r.record("A0001BC").await.json().await.unwrap();
    assert_eq!(kept["prison_code"], other_code.to_ascii_uppercase());
    assert_eq!(r.record("A0002BC").await.status(), 404, "nothing of the refused sync was written");

    // Its own prisoners it syncs; an admin may move one across.
    assert_eq!(r.put_roll_as(&key, &r.prison.to_string(), &roll(2..4)).await.status(), 200);
    assert_eq!(r.put_roll(&r.prison.to_string(), &roll(1..4)).await.status(), 200);
    let moved: Value = r.record("A0001BC").await.json().await.unwrap();
    assert_eq!(moved["prison_code"], r.code.to_ascii_uppercase());
}

/// Every prison whose roll changes hears of it: a prisoner moved from one prison's roll to another's gives each a
/// `roll.updated` counting what changed there, by a whole roll or by the one-prisoner call; the same roll with its
/// lists in another order is no change at all (no write, no event).
async fn a_move_is_news_to_both_prisons_and_a_reordered_roll_is_no_change(db: Db) {
    let records = Records::new(db).await;
    let app = &records.app;
    let other = add_test_prison(app, VisitingRules::default()).await;
    let other_code = api::prisons::store::find(&app.state.db, other).await.unwrap().unwrap().code;
    assert_eq!(records.put_roll(&other.to_string(), &roll(100..103)).await.status(), 200);
    records.synced(&roll(0..3)).await;
    let admin = records.admin.as_str();
    let roll_events = |prison: Uuid| async move {
        let feed: Value = app.get_as(admin, &format!("/api/v1/prisons/{prison}/changes")).await.json().await.unwrap();
        feed["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "roll.updated")
            .map(|e| e["data"]["prisoners"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!((roll_events(records.prison).await, roll_events(other).await), (vec![3], vec![3]));

    // A100 moves here in a whole roll: one change at each prison.
    let mut moved = roll(0..3);
    moved["prisoners"].as_array_mut().unwrap().push(prisoner(100));
    assert_eq!(counts(&records.synced(&moved).await), [4, 0, 1, 0, 3], "a prisoner moved here is replaced");
    assert_eq!((roll_events(records.prison).await, roll_events(other).await), (vec![3, 1], vec![3, 1]));

    // The same roll, every list in another order: nothing changes, nothing is announced.
    let mut reordered = moved.clone();
    for p in reordered["prisoners"].as_array_mut().unwrap() {
        p["contacts"].as_array_mut().unwrap().reverse();
    }
    reordered["prisoners"].as_array_mut().unwrap().reverse();
    let again = records.synced(&reordered).await;
    assert_eq!((counts(&again), &again["changed"]), ([4, 0, 0, 0, 4], &json!(false)));
    assert_eq!(roll_events(records.prison).await, vec![3, 1]);

    // A misspelt field, at any depth, is refused at its path rather than read as absent (which would take the
    // prisoner's contacts off the record); by the whole roll and by the one-prisoner call.
    let mut misspelt = moved.clone();
    misspelt["prisoners"][0]["contact"] = misspelt["prisoners"][0]["contacts"].take();
    misspelt["prisoners"][1]["contacts"][0]["nickname"] = json!("Mo");
    let refused = problem(records.put_roll(&records.prison.to_string(), &misspelt).await, 422).await;
    let fields: Vec<String> = field_errors(&refused).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["prisoners[0].contact", "prisoners[1].contacts[0].nickname"]);
    let mut one = prisoner(1);
    one["contact"] = one["contacts"].take();
    let put = app.client.put(app.url("/api/v1/records/prisoners/A0001BC")).bearer_auth(&records.admin);
    let refused = problem(put.json(&one).send().await.unwrap(), 422).await;
    assert_eq!(field_errors(&refused)[0].0, "contact");
    let stored: Value = records.record("A0001BC").await.json().await.unwrap();
    assert_eq!(stored["contacts"].as_array().map(Vec::len), Some(2), "nothing written");

    // The same record again by the one-prisoner call, lists reordered: no change, no event.
    let mut same = prisoner(1);
    same["prison_code"] = json!(records.code.to_uppercase());
    same["contacts"].as_array_mut().unwrap().reverse();
    let put = app.client.put(app.url("/api/v1/records/prisoners/A0001BC")).bearer_auth(&records.admin);
    assert_eq!(put.json(&same).send().await.unwrap().status(), 200);
    assert_eq!(roll_events(records.prison).await, vec![3, 1]);

    // And back with the one-prisoner call: again news to both.
    let mut back = prisoner(100);
    back["prison_code"] = json!(other_code);
    let put = app.client.put(app.url("/api/v1/records/prisoners/A0100BC")).bearer_auth(&records.admin);
    assert_eq!(put.json(&back).send().await.unwrap().status(), 200);
    assert_eq!((roll_events(records.prison).await, roll_events(other).await), (vec![3, 1, 1], vec![3, 1, 1]));
}

on_both_databases!(
    a_move_is_news_to_both_prisons_and_a_reordered_roll_is_no_change,
    a_key_cannot_move_a_prisoner_from_another_prisons_roll,
    a_roll_adds_updates_and_removes_prisoners_and_the_same_roll_again_changes_nothing,
    every_bad_prisoner_is_reported_at_its_place_and_nothing_is_written,
    a_roll_of_five_thousand_prisoners_syncs_in_seconds_and_again_without_writing,
    only_admins_sync_a_roll_of_a_prison_that_exists_within_the_bounds,
);
