use api::clock::Clock;
use chrono::{TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

async fn a_valid_request_is_stored_and_its_visitor_can_follow_it(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let body = visit_request(id, &[("2026-12-04", "14:00", "16:00"), ("2026-12-12", "10:00", "12:00")]);
    let response = app.create_visit(&body, None).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let reference = created["reference"].as_str().unwrap();
    assert_eq!(reference.len(), 8);
    assert!(reference.chars().all(|c| CROCKFORD.contains(c)), "{reference}");
    assert_eq!(location, format!("/api/v1/visits/{reference}"));
    assert_eq!(created["state"], "requested");
    assert_eq!(created["confirm_by"], "2026-12-03");
    let token = created["status_token"].as_str().unwrap();
    assert_eq!(created["status_path"], format!("/visit/{reference}?token={token}"));

    let status: Value = app.visit_status(reference, token).await.json().await.unwrap();
    assert_eq!(status["state"], "requested");
    assert_eq!(status["prison"]["name"], "HMP Testbridge");
    assert_eq!(status["prisoner_first_name"], "John");
    assert_eq!(status["visitors"].as_array().unwrap().len(), 2);
    assert_eq!(status["visitors"][0]["lead"], true);
    assert_eq!(status["slot_choices"][1], json!({"date": "2026-12-12", "start": "10:00", "end": "12:00"}));
    assert_eq!(status["can_withdraw"], true);
    assert_eq!(status["can_cancel"], false);
    assert_eq!(status["timeline"].as_array().unwrap().len(), 1);
    assert_eq!(status["timeline"][0]["to"], "requested");
    assert_eq!(status["timeline"][0]["actor"], "visitor");

    // The token is stored only as a hash, and the prison number was normalised.
    let visit = api::visits::store::find(&app.state.db, created["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(visit.prisoner_number, "A1234BC");
    assert_eq!(visit.phone, "07700900123");
    assert_eq!(app.count("visit").await, 1);
}

async fn the_status_token_is_stored_only_as_a_hash(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let created = app.created_visit(&visit_request(id, &[("2026-12-04", "14:00", "16:00")])).await;
    let token = created["status_token"].as_str().unwrap();
    assert_eq!(app.count(&format!("visit WHERE token_hash = '{token}'")).await, 0);
    assert_eq!(app.count(&format!("visit WHERE token_hash = '{}'", api::visits::tokens::hash(token))).await, 1);
}

async fn a_wrong_token_looks_exactly_like_an_unknown_reference(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let first = app.created_visit(&visit_request(id, &[("2026-12-04", "14:00", "16:00")])).await;
    let second = app.created_visit(&visit_request(id, &[("2026-12-05", "14:00", "16:00")])).await;
    let reference = first["reference"].as_str().unwrap();
    let other_token = second["status_token"].as_str().unwrap();

    let wrong = problem(app.visit_status(reference, other_token).await, 404).await;
    let forged =
        problem(app.visit_status(reference, "vt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await, 404).await;
    let unknown = problem(app.visit_status("ZZZZZZZZ", first["status_token"].as_str().unwrap()).await, 404).await;
    let missing =
        problem(app.client.get(app.url(&format!("/api/v1/visits/{reference}"))).send().await.unwrap(), 404).await;
    let unknown = but_request_id(unknown);
    assert_eq!(but_request_id(wrong), unknown);
    assert_eq!(but_request_id(forged), unknown);
    assert_eq!(but_request_id(missing), unknown);
    // Withdrawing with someone else's token changes nothing.
    problem(app.visit_action(reference, other_token, "withdraw").await, 404).await;
    let status: Value =
        app.visit_status(reference, first["status_token"].as_str().unwrap()).await.json().await.unwrap();
    assert_eq!(status["state"], "requested");
}

async fn a_resubmitted_request_creates_one_visit(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    let first = app.create_visit(&body, Some("3f1c0f8e-retry-key")).await;
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first: Value = first.json().await.unwrap();
    let second = app.create_visit(&body, Some("3f1c0f8e-retry-key")).await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.unwrap();
    // The same visit, and the same working token, so the phone that lost the first answer can still follow it.
    assert_eq!(first, second);
    assert_eq!(app.count("visit").await, 1);
    assert_eq!(
        app.visit_status(second["reference"].as_str().unwrap(), second["status_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

async fn concurrent_retries_with_one_idempotency_key_create_one_visit(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    let attempts = (0..12).map(|_| app.create_visit(&body, Some("same-key-from-a-flaky-phone")));
    let responses = futures_util::future::join_all(attempts).await;
    let mut ids = Vec::new();
    for response in responses {
        assert_eq!(response.status(), 201);
        let created: Value = response.json().await.unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry must answer with the same visit");
    assert_eq!(app.count("visit").await, 1);
    assert_eq!(app.count("visitor").await, 2);
    assert_eq!(app.count("visit_state_change").await, 1);
}

async fn an_idempotency_key_reused_for_a_different_request_is_refused(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    app.create_visit(&visit_request(id, &[("2026-12-04", "14:00", "16:00")]), Some("key-1")).await;
    let body =
        problem(app.create_visit(&visit_request(id, &[("2026-12-05", "14:00", "16:00")]), Some("key-1")).await, 422)
            .await;
    assert_eq!(body["code"], "idempotency_key_reused");
    let body =
        problem(app.create_visit(&visit_request(id, &[("2026-12-05", "14:00", "16:00")]), Some("bad key")).await, 400)
            .await;
    assert_eq!(body["code"], "invalid_idempotency_key");
    assert_eq!(app.count("visit").await, 1);
}

async fn every_bad_field_is_reported_at_once_and_nothing_is_written(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let mut body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    body["prisoner"]["number"] = json!("12345");
    body["prisoner"]["date_of_birth"] = json!("1985-02-30");
    body["lead_visitor"]["email"] = json!("mary.smith@");
    body["lead_visitor"]["phone"] = json!("12");
    body["other_visitors"][0]["first_name"] = json!("");
    let problem = problem(app.create_visit(&body, Some("k")).await, 422).await;
    assert_eq!(problem["code"], "validation_failed");
    let errors = field_errors(&problem);
    for (field, code) in [
        ("prisoner.number", "invalid_prison_number"),
        ("prisoner.date_of_birth", "invalid_date"),
        ("lead_visitor.email", "invalid_email"),
        ("lead_visitor.phone", "invalid_phone"),
        ("other_visitors[0].first_name", "required"),
    ] {
        assert!(errors.contains(&(field.to_owned(), code.to_owned())), "missing {field}/{code} in {errors:?}");
    }
    assert!(problem["errors"].as_array().unwrap().iter().all(|e| !e["message"].as_str().unwrap().is_empty()));
    assert_eq!(app.count("visit").await, 0);
    assert_eq!(app.count("idempotency_key").await, 0);
}

async fn the_visitor_party_rules_are_enforced(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules { adult_age: 10, ..VisitingRules::default() }).await;
    // A 17-year-old cannot lead a visit.
    let mut body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    body["lead_visitor"]["date_of_birth"] = json!("2009-12-01");
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert_eq!(errors, [("lead_visitor.date_of_birth".to_owned(), "lead_visitor_under_18".to_owned())]);
    // Adult age 10: the lead plus three 12-year-olds is four adults.
    let mut body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    body["other_visitors"] = json!([
        {"first_name": "Ann", "last_name": "Smith", "date_of_birth": "2014-01-01"},
        {"first_name": "Bob", "last_name": "Smith", "date_of_birth": "2014-01-01"},
        {"first_name": "Cat", "last_name": "Smith", "date_of_birth": "2014-01-01"},
    ]);
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert_eq!(errors, [("other_visitors".to_owned(), "too_many_adults".to_owned())]);
    // Seven people is one too many, even if six are children.
    let mut body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    body["other_visitors"] = json!((0..6).map(|i| json!({"first_name": "Kid", "last_name": format!("No{}", ["a","b","c","d","e","f"][i]), "date_of_birth": "2022-01-01"})).collect::<Vec<_>>());
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert!(errors.contains(&("other_visitors".to_owned(), "too_many_visitors".to_owned())), "{errors:?}");
    assert_eq!(app.count("visit").await, 0);
}

async fn slot_choices_must_be_offered_open_inside_the_window_and_not_full(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    for _ in 0..2 {
        let created = app.created_visit(&visit_request(id, &[("2026-12-05", "14:00", "16:00")])).await;
        app.book(created["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-05", "14:00", "16:00")).await;
    }
    let body = visit_request(
        id,
        &[("2026-12-03", "14:00", "16:00"), ("2026-12-25", "14:00", "16:00"), ("2026-12-05", "14:00", "16:00")],
    );
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert_eq!(
        errors,
        [
            ("slots[0]".to_owned(), "slot_outside_window".to_owned()),
            ("slots[1]".to_owned(), "slot_closed".to_owned()),
            ("slots[2]".to_owned(), "slot_fully_booked".to_owned()),
        ]
    );
    let body = visit_request(id, &[("2026-12-12", "14:00", "16:00"), ("2026-12-29", "14:00", "16:00")]);
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert_eq!(
        errors,
        [
            ("slots[0]".to_owned(), "slot_not_offered".to_owned()),
            ("slots[1]".to_owned(), "slot_outside_window".to_owned())
        ]
    );
    let body = visit_request(id, &[("2026-12-04", "14:00", "16:00"), ("2026-12-04", "14:00", "16:00")]);
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert_eq!(errors, [("slots[1]".to_owned(), "duplicate_slot".to_owned())]);
    let four = visit_request(
        id,
        &[
            ("2026-12-04", "14:00", "16:00"),
            ("2026-12-06", "14:00", "16:00"),
            ("2026-12-07", "14:00", "16:00"),
            ("2026-12-08", "14:00", "16:00"),
        ],
    );
    assert!(
        field_errors(&problem(app.create_visit(&four, None).await, 422).await)
            .contains(&("slots".to_owned(), "too_many_slots".to_owned()))
    );
    let none = visit_request(id, &[]);
    assert_eq!(
        field_errors(&problem(app.create_visit(&none, None).await, 422).await),
        [("slots".to_owned(), "no_slots_chosen".to_owned())]
    );
    assert_eq!(app.count("visit").await, 2);
}

async fn an_unknown_prison_in_a_request_is_a_field_error(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let body = visit_request(uuid::Uuid::new_v4(), &[("2026-12-04", "14:00", "16:00")]);
    let errors = field_errors(&problem(app.create_visit(&body, None).await, 422).await);
    assert_eq!(errors, [("prison_id".to_owned(), "unknown_prison".to_owned())]);
}

async fn withdrawing_a_request_is_recorded_and_cannot_be_repeated(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let created = app.created_visit(&visit_request(id, &[("2026-12-04", "14:00", "16:00")])).await;
    let (reference, token) = (created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap());
    let response = app.visit_action(reference, token, "withdraw").await;
    assert_eq!(response.status(), 200);
    let status: Value = response.json().await.unwrap();
    assert_eq!(status["state"], "withdrawn");
    assert_eq!(status["can_withdraw"], false);
    let timeline = status["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!((timeline[1]["from"].as_str(), timeline[1]["to"].as_str()), (Some("requested"), Some("withdrawn")));
    assert_eq!(timeline[1]["actor"], "visitor");
    assert_eq!(timeline[1]["at"], "2026-11-30T09:00:00Z");

    let again = problem(app.visit_action(reference, token, "withdraw").await, 409).await;
    assert_eq!(again["code"], "invalid_state_transition");
    assert_eq!(again["current_state"], "withdrawn");
    let cancel = problem(app.visit_action(reference, token, "cancel").await, 409).await;
    assert_eq!(cancel["current_state"], "withdrawn");
}

async fn two_withdrawals_at_once_change_the_visit_once(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let created = app.created_visit(&visit_request(id, &[("2026-12-04", "14:00", "16:00")])).await;
    let (reference, token) = (created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap());
    let responses =
        futures_util::future::join_all((0..6).map(|_| app.visit_action(reference, token, "withdraw"))).await;
    let ok = responses.iter().filter(|r| r.status() == 200).count();
    let conflicts = responses.iter().filter(|r| r.status() == 409).count();
    assert_eq!((ok, conflicts), (1, 5));
    assert_eq!(app.count("visit_state_change").await, 2);
}

async fn a_booked_visit_can_be_cancelled_until_it_starts_and_its_place_returns(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let requested = app.created_visit(&visit_request(id, &[("2026-12-04", "14:00", "16:00")])).await;
    let (reference, token) = (requested["reference"].as_str().unwrap(), requested["status_token"].as_str().unwrap());
    // A request that is not booked cannot be cancelled, only withdrawn.
    let body = problem(app.visit_action(reference, token, "cancel").await, 409).await;
    assert_eq!(body["current_state"], "requested");

    app.book(requested["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    let places = |a: &Value| slots_on(a, "2026-12-04")[0]["places_left"].clone();
    let before: Value = app.availability(id, "").await.json().await.unwrap();
    assert_eq!(places(&before), 1);

    // Another instance of the service, whose clock reads 14:00 on the day of the visit (GMT = UK time in December).
    let at_start =
        spawn_instance(&app.db_url, Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 4, 14, 0, 0).unwrap()), false).await;
    let status: Value = at_start.visit_status(reference, token).await.json().await.unwrap();
    assert_eq!(status["can_cancel"], false);
    let body = problem(at_start.visit_action(reference, token, "cancel").await, 409).await;
    assert_eq!(body["code"], "visit_already_started");

    let status: Value = app.visit_status(reference, token).await.json().await.unwrap();
    assert_eq!(status["state"], "booked");
    assert_eq!(status["can_cancel"], true);
    assert_eq!(status["booked_slot"], json!({"date": "2026-12-04", "start": "14:00", "end": "16:00"}));
    let response = app.visit_action(reference, token, "cancel").await;
    assert_eq!(response.status(), 200);
    let status: Value = response.json().await.unwrap();
    assert_eq!(status["state"], "cancelled");
    assert_eq!(status["timeline"].as_array().unwrap().len(), 3);
    let after: Value = app.availability(id, "").await.json().await.unwrap();
    assert_eq!(places(&after), 2);
}

fn slots_on<'a>(availability: &'a Value, date: &str) -> Vec<&'a Value> {
    availability["days"].as_array().unwrap().iter().find(|d| d["date"] == date).unwrap()["slots"]
        .as_array()
        .unwrap()
        .iter()
        .collect()
}

async fn names_with_quotes_and_sql_are_stored_as_typed(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let mut body = visit_request(id, &[("2026-12-04", "14:00", "16:00")]);
    body["lead_visitor"]["last_name"] = json!("O'Brien-Tables; DROP");
    body["prisoner"]["first_name"] = json!("Siân");
    let created = app.created_visit(&body).await;
    let status: Value = app
        .visit_status(created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["visitors"][0]["last_name"], "O'Brien-Tables; DROP");
    assert_eq!(status["prisoner_first_name"], "Siân");
    assert_eq!(app.count("prison").await, 1);
}

on_both_databases!(
    a_valid_request_is_stored_and_its_visitor_can_follow_it,
    the_status_token_is_stored_only_as_a_hash,
    a_wrong_token_looks_exactly_like_an_unknown_reference,
    a_resubmitted_request_creates_one_visit,
    concurrent_retries_with_one_idempotency_key_create_one_visit,
    an_idempotency_key_reused_for_a_different_request_is_refused,
    every_bad_field_is_reported_at_once_and_nothing_is_written,
    the_visitor_party_rules_are_enforced,
    slot_choices_must_be_offered_open_inside_the_window_and_not_full,
    an_unknown_prison_in_a_request_is_a_field_error,
    withdrawing_a_request_is_recorded_and_cannot_be_repeated,
    two_withdrawals_at_once_change_the_visit_once,
    a_booked_visit_can_be_cancelled_until_it_starts_and_its_place_returns,
    names_with_quotes_and_sql_are_stored_as_typed,
);
