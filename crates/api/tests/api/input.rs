//! Input at the edge: every text field of every request refuses hidden characters and over-long values, every date
//! field impossible dates, with a 422 naming the field and nothing stored, the same on both engines (PostgreSQL used
//! to answer 500 where SQLite stored). Emails and phone numbers are stored in one canonical form, text in NFC.

use domain::api::VisitingRules;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;

/// Characters no text field may hold, each in the middle of an otherwise good value.
const HIDDEN: &[(&str, &str)] = &[
    ("\u{0}", "a null character"),
    ("\u{7}", "a control character"),
    ("\u{202E}", "a character that changes the direction of text"),
    ("\u{2066}", "a character that changes the direction of text"),
    ("\u{200B}", "an invisible character"),
    ("\u{FEFF}", "an invisible character"),
];

/// Everything a table-driven test needs: a server with a prison, an admin, a visit waiting for a decision.
struct World {
    app: TestApp,
    admin: String,
    prison: Uuid,
    staff_id: Uuid,
    visit_id: Uuid,
}

async fn world(db: Db) -> World {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("admin@prison.example", "admin", &[prison]).await;
    let staff_id = app.add_staff("officer@prison.example", "staff", &[prison]).await;
    let admin = app.access_token("admin@prison.example").await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let visit_id = created["id"].as_str().unwrap().parse().unwrap();
    World { app, admin, prison, staff_id, visit_id }
}

impl World {
    async fn send(&self, method: Method, path: &str, body: &Value, signed_in: bool) -> reqwest::Response {
        let mut request = self.app.client.request(method, self.app.url(path)).json(body);
        if signed_in {
            request = request.bearer_auth(&self.admin);
        }
        request.send().await.unwrap()
    }

    async fn get_json(&self, path: &str) -> Value {
        let response = self.app.get_as(&self.admin, path).await;
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    /// What the tests below must leave exactly as it was: every row count and every record they aim at.
    async fn snapshot(&self) -> Value {
        let mut counts = serde_json::Map::new();
        for table in ["prison", "visit", "visitor", "staff_account", "visit_message", "prisoner_roll", "rate_limit"] {
            counts.insert(table.into(), json!(self.app.count(table).await));
        }
        json!({
            "counts": counts,
            "prison": self.get_json(&format!("/api/v1/prisons/{}", self.prison)).await,
            "staff": self.get_json("/api/v1/admin/staff").await,
            "visit": self.get_json(&format!("/api/v1/staff/visits/{}", self.visit_id)).await,
            "timetable": self.get_json(&format!("/api/v1/staff/prisons/{}/timetable", self.prison)).await,
            "notifications": self.get_json(&format!("/api/v1/staff/prisons/{}/notifications", self.prison)).await,
        })
    }
}

/// One request whose `field` (a JSON pointer into `body`; the error's path is the same with dots) takes the value.
struct Target {
    method: Method,
    path: String,
    body: Value,
    pointer: &'static str,
    signed_in: bool,
}

fn field_path(pointer: &str) -> String {
    let mut path = String::new();
    for part in pointer.trim_start_matches('/').split('/') {
        if part.chars().all(|c| c.is_ascii_digit()) {
            path.push_str(&format!("[{part}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(part);
        }
    }
    path
}

fn prison_body() -> Value {
    json!({
        "name": "HMP Elsewhere", "code": "ELS",
        "address": {"lines": ["2 Road"], "town": "Elsewhere", "postcode": "EL1 1AA"},
        "email": "visits@elsewhere.example", "phone": "01632 960002"
    })
}

fn record_body() -> Value {
    json!({
        "number": "A1234BC", "first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12",
        "prison_code": "RCI", "visiting_allowance": 2, "allowance_renews_on": "2026-12-14",
        "unavailable": [{"from": "2026-12-10", "to": "2026-12-11"}],
        "contacts": [{"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true,
                      "banned": true, "banned_until": "2027-01-31"}]
    })
}

fn timetable_body() -> Value {
    json!({
        "rules": VisitingRules::default(),
        "timetable": {
            "weekly": [{"weekday": "Mon", "start": "14:00", "end": "16:00", "capacity": 2, "closed_capacity": 1,
                        "valid_from": "2026-12-01", "valid_to": "2027-06-30"}],
            "closed_dates": ["2026-12-25"],
            "replacements": [{"date": "2026-12-12", "start": "10:00", "end": "12:00", "capacity": 5}]
        },
        "confirm_affected": true
    })
}

/// Every free-text field of every request, as (method, path, a good body, the field).
fn text_targets(w: &World) -> Vec<Target> {
    let visit = visit_request(w.prison, &[("2026-12-04", "14:00", "16:00")]);
    let grant = json!({"outcome": "grant", "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"},
                       "booking_reference": "RCI-1", "message": "See you then", "expected_version": 0});
    let reject = json!({"outcome": "reject", "reasons": [{"reason": "other", "detail": "A note"}],
                        "message": "Sorry", "expected_version": 0});
    let target = |method: Method, path: String, body: &Value, pointer, signed_in| Target {
        method,
        path,
        body: body.clone(),
        pointer,
        signed_in,
    };
    let visit_path = format!("/api/v1/staff/visits/{}", w.visit_id);
    let prison_path = format!("/api/v1/admin/prisons/{}", w.prison);
    let mut targets = Vec::new();
    for pointer in [
        "/prisoner/first_name",
        "/prisoner/last_name",
        "/lead_visitor/first_name",
        "/lead_visitor/last_name",
        "/lead_visitor/email",
        "/other_visitors/0/first_name",
        "/other_visitors/0/last_name",
    ] {
        targets.push(target(Method::POST, "/api/v1/visits".into(), &visit, pointer, false));
    }
    for pointer in ["/name", "/code", "/address/lines/0", "/address/town", "/address/postcode", "/email", "/phone"] {
        targets.push(target(Method::POST, "/api/v1/admin/prisons".into(), &prison_body(), pointer, true));
        targets.push(target(Method::PUT, prison_path.clone(), &prison_body(), pointer, true));
    }
    let account = json!({"email": "new@prison.example", "name": "New Officer", "password": "a long passphrase here",
                         "role": "staff", "prison_ids": [w.prison]});
    for pointer in ["/email", "/name"] {
        targets.push(target(Method::POST, "/api/v1/admin/staff".into(), &account, pointer, true));
    }
    targets.push(target(
        Method::PATCH,
        format!("/api/v1/admin/staff/{}", w.staff_id),
        &json!({"name": "Renamed"}),
        "/name",
        true,
    ));
    for pointer in ["/booking_reference", "/message"] {
        targets.push(target(Method::POST, format!("{visit_path}/decision"), &grant, pointer, true));
    }
    for pointer in ["/reasons/0/detail", "/message"] {
        targets.push(target(Method::POST, format!("{visit_path}/decision"), &reject, pointer, true));
    }
    targets.push(target(Method::POST, format!("{visit_path}/messages"), &json!({"text": "Hello"}), "/text", true));
    targets.push(target(
        Method::PUT,
        format!("/api/v1/staff/prisons/{}/notifications", w.prison),
        &json!({"mode": "each_request", "mailbox": "visits@prison.example"}),
        "/mailbox",
        true,
    ));
    for pointer in ["/first_name", "/last_name", "/prison_code", "/contacts/0/first_name", "/contacts/0/last_name"] {
        targets.push(target(Method::PUT, "/api/v1/records/prisoners/A1234BC".into(), &record_body(), pointer, true));
    }
    targets.push(target(
        Method::POST,
        "/api/v1/staff/sign-in".into(),
        &json!({"email": "admin@prison.example", "password": STAFF_PASSWORD}),
        "/email",
        false,
    ));
    targets
}

/// "Mary" with `hidden` in the middle, or an email address with it in the part before the `@`.
fn with_hidden(good: &str, hidden: &str) -> String {
    let at = good.find('@').unwrap_or(good.len() / 2).max(1);
    format!("{}{hidden}{}", &good[..at], &good[at..])
}

async fn every_text_field_refuses_hidden_characters_and_over_long_values_and_stores_nothing(db: Db) {
    let w = world(db).await;
    let before = w.snapshot().await;
    let mut tried = 0;
    for target in text_targets(&w) {
        let good = target.body.pointer(target.pointer).and_then(Value::as_str).unwrap().to_owned();
        let mut values: Vec<(String, String)> =
            HIDDEN.iter().map(|(c, what)| (with_hidden(&good, c), (*what).to_owned())).collect();
        // Longer than any field's limit (the longest is a message's 1000 characters).
        values.push((format!("{}{good}", "x".repeat(1001)), "too long".into()));
        for (value, what) in values {
            let mut body = target.body.clone();
            *body.pointer_mut(target.pointer).unwrap() = json!(value);
            let response = w.send(target.method.clone(), &target.path, &body, target.signed_in).await;
            let label = format!("{} {} {} with {what}", target.method, target.path, target.pointer);
            assert_eq!(response.status(), 422, "{label}: {}", response.text().await.unwrap());
            let problem: Value = response.json().await.unwrap();
            let field = field_path(target.pointer);
            let error = problem["errors"].as_array().unwrap().iter().find(|e| e["field"] == json!(field));
            let error = error.unwrap_or_else(|| panic!("{label}: no error for {field} in {problem}"));
            if what != "too long" {
                let message = error["message"].as_str().unwrap();
                // A code is a pattern, and says so; free text names the character it refuses.
                let pattern = target.pointer.ends_with("code") && message.contains("capital letters");
                assert!(message.contains(&what) || pattern, "{label}: {message}");
            }
            tried += 1;
        }
    }
    assert!(tried > 200, "{tried}");
    assert_eq!(w.snapshot().await, before, "a refused request changed something");
}

/// Dates outside any sane range (PostgreSQL's date type stops at 4713 BC; these used to answer 500 there and be
/// stored on SQLite), and dates merely outside the field's window.
const BAD_DATES: &[&str] = &["-100000-01-01", "+262142-12-31", "0001-01-01", "1899-12-31", "2999-01-01"];

async fn every_date_field_refuses_dates_outside_its_window_and_stores_nothing(db: Db) {
    let w = world(db).await;
    let before = w.snapshot().await;
    let timetable_path = format!("/api/v1/staff/prisons/{}/timetable", w.prison);
    let decision_path = format!("/api/v1/staff/visits/{}/decision", w.visit_id);
    let no_allowance = json!({"outcome": "reject", "expected_version": 0,
                              "reasons": [{"reason": "no_allowance", "allowance_renews_on": "2026-12-14"}]});
    let ban = json!({"outcome": "grant", "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"},
                     "expected_version": 0,
                     "visitor_outcomes": [{"visitor_index": 1, "outcome": {"outcome": "banned", "until": "2027-01-01"}}]});
    let targets: Vec<(Method, String, Value, &str)> = vec![
        (Method::PUT, timetable_path.clone(), timetable_body(), "/timetable/closed_dates/0"),
        (Method::PUT, timetable_path.clone(), timetable_body(), "/timetable/weekly/0/valid_from"),
        (Method::PUT, timetable_path.clone(), timetable_body(), "/timetable/weekly/0/valid_to"),
        (Method::PUT, timetable_path.clone(), timetable_body(), "/timetable/replacements/0/date"),
        (Method::POST, decision_path.clone(), no_allowance, "/reasons/0/allowance_renews_on"),
        (Method::POST, decision_path.clone(), ban, "/visitor_outcomes/0/outcome/until"),
        (Method::PUT, "/api/v1/records/prisoners/A1234BC".into(), record_body(), "/date_of_birth"),
        (Method::PUT, "/api/v1/records/prisoners/A1234BC".into(), record_body(), "/allowance_renews_on"),
        (Method::PUT, "/api/v1/records/prisoners/A1234BC".into(), record_body(), "/unavailable/0/from"),
        (Method::PUT, "/api/v1/records/prisoners/A1234BC".into(), record_body(), "/contacts/0/date_of_birth"),
        (Method::PUT, "/api/v1/records/prisoners/A1234BC".into(), record_body(), "/contacts/0/banned_until"),
    ];
    for (method, path, body, pointer) in targets {
        for date in BAD_DATES {
            let mut bad = body.clone();
            *bad.pointer_mut(pointer).unwrap() = json!(date);
            // Keep a range's other end out of the way, so only the date under test is wrong.
            if pointer == "/unavailable/0/from" {
                *bad.pointer_mut("/unavailable/0/to").unwrap() = json!(date);
            }
            let response = w.send(method.clone(), &path, &bad, true).await;
            let label = format!("{method} {path} {pointer} = {date}");
            let problem = problem(response, 422).await;
            assert!(
                field_errors(&problem).iter().any(|(field, _)| *field == field_path(pointer)),
                "{label}: {problem}"
            );
        }
    }
    for query in ["day-list?date=0001-01-01", "day-list.csv?date=2999-01-01", "metrics?from=1899-12-31"] {
        let response = w.app.get_as(&w.admin, &format!("/api/v1/staff/prisons/{}/{query}", w.prison)).await;
        problem(response, 422).await;
    }
    assert_eq!(w.snapshot().await, before, "a refused request changed something");
}

async fn sign_in_with_an_impossible_email_is_refused_before_the_database_is_asked(db: Db) {
    let w = world(db).await;
    let counted = || w.app.scalar("SELECT COALESCE(SUM(count), 0) + COUNT(*) AS n FROM rate_limit");
    let before = counted().await;
    for (email, code) in [
        (format!("{}@prison.example", "a".repeat(300)), "invalid_email"),
        ("admin\u{0}@prison.example".into(), "invalid_characters"),
    ] {
        let problem = problem(w.app.sign_in(&email, STAFF_PASSWORD).await, 422).await;
        assert_eq!(field_errors(&problem), vec![("email".to_owned(), code.to_owned())]);
    }
    let long = problem(w.app.sign_in("admin@prison.example", &"p".repeat(129)).await, 422).await;
    assert_eq!(field_errors(&long), vec![("password".to_owned(), "too_long".to_owned())]);
    assert_eq!(counted().await, before, "nothing was counted, nothing was looked up");
    // The same email, well formed, still signs in.
    assert_eq!(w.app.sign_in(" Admin@Prison.example ", STAFF_PASSWORD).await.status(), 200);
}

async fn emails_and_phone_numbers_are_stored_in_one_canonical_form_and_names_in_nfc(db: Db) {
    let w = world(db).await;
    let mut request = visit_request(w.prison, &[("2026-12-04", "14:00", "16:00")]);
    request["lead_visitor"]["email"] = json!("Mary@Bryn-Ŵyn.Cymru");
    request["lead_visitor"]["phone"] = json!("447700900123");
    request["lead_visitor"]["first_name"] = json!("Zoe\u{301}");
    let created = w.app.created_visit(&request).await;
    let visit = w.get_json(&format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap())).await;
    assert_eq!(visit["lead_visitor"]["email"], "Mary@xn--bryn-yn-fvb.cymru");
    assert_eq!(visit["lead_visitor"]["phone"], "07700900123");
    assert_eq!(visit["visitors"][0]["first_name"], "Zo\u{e9}", "one character, as NFC has it");
    for phone in ["+44 7700 900123", "07700 900123", "0044 (0)7700-900-123"] {
        request["lead_visitor"]["phone"] = json!(phone);
        let created = w.app.created_visit(&request).await;
        let visit = w.get_json(&format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap())).await;
        assert_eq!(visit["lead_visitor"]["phone"], "07700900123", "{phone}");
    }
    let visits = w.app.count("visit").await;
    for (email, code) in [("mary\u{200B}@example.com", "invalid_characters"), ("marý@example.com", "invalid_email")] {
        request["lead_visitor"]["email"] = json!(email);
        let problem = problem(w.app.create_visit(&request, None).await, 422).await;
        assert_eq!(field_errors(&problem), vec![("lead_visitor.email".to_owned(), code.to_owned())], "{email}");
    }
    assert_eq!(w.app.count("visit").await, visits);
}

async fn a_json_array_is_never_read_as_an_object_and_a_value_out_of_range_names_its_field(db: Db) {
    let w = world(db).await;
    let before = w.snapshot().await;
    let path = format!("/api/v1/admin/staff/{}", w.staff_id);
    let array = problem(w.send(Method::PATCH, &path, &json!([null, null]), true).await, 400).await;
    assert_eq!(array["code"], "malformed_request");
    let mut prison = prison_body();
    prison["rules"] = json!({"adult_age": 900, "max_visitors": 6, "max_adults": 3, "booking_window_days": 28,
                             "processing_days": 3, "weekend_processing": false, "instant_booking": false});
    let too_old = problem(w.send(Method::POST, "/api/v1/admin/prisons", &prison, true).await, 422).await;
    assert_eq!(field_errors(&too_old), vec![("rules.adult_age".to_owned(), "invalid_value".to_owned())]);
    // JSON Schema counts 18.0 as an integer, so the server does too.
    prison["rules"]["adult_age"] = json!(18.0);
    assert_eq!(w.send(Method::POST, "/api/v1/admin/prisons", &prison, true).await.status(), 201);
    let mut after = w.snapshot().await;
    after["counts"]["prison"] = before["counts"]["prison"].clone();
    assert_eq!(after, before);
}

async fn a_documented_path_asked_with_another_method_answers_405_with_allow(db: Db) {
    let w = world(db).await;
    let response = w.app.client.delete(w.app.url(&format!("/api/v1/admin/staff/{}", w.staff_id))).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "PATCH");
    assert_eq!(problem(response, 405).await["code"], "method_not_allowed");
    let response = w.app.client.put(w.app.url("/api/v1/visits")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(w.app.get("/api/v1/no-such-thing").await.status(), 404);
}

on_both_databases!(
    every_text_field_refuses_hidden_characters_and_over_long_values_and_stores_nothing,
    every_date_field_refuses_dates_outside_its_window_and_stores_nothing,
    sign_in_with_an_impossible_email_is_refused_before_the_database_is_asked,
    emails_and_phone_numbers_are_stored_in_one_canonical_form_and_names_in_nfc,
    a_json_array_is_never_read_as_an_object_and_a_value_out_of_range_names_its_field,
    a_documented_path_asked_with_another_method_answers_405_with_allow,
);
