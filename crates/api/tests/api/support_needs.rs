//! Additional support needs (issue 14): what the visitor says the party needs reaches their status page, the staff
//! visit page, the day list and its CSV; a ticked need without its words is refused field by field; and the needs
//! are anonymised with the rest of the visit.

use chrono::{TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;
use crate::on_portable_postgres;

fn with_needs(prison: uuid::Uuid) -> Value {
    let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    body["support_needs"] = json!({
        "wheelchair_access": true,
        "interpreter": true,
        "interpreter_language": "  British Sign Language ",
        "other": true,
        "other_details": "=My son is autistic,\nand finds queues hard",
        // Typed, then unticked: not kept.
        "hearing_loop": false,
    });
    body
}

async fn support_needs_reach_the_visitor_staff_the_day_list_and_its_csv(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    let created = app.created_visit(&with_needs(prison)).await;
    let (id, reference) = (created["id"].as_str().unwrap(), created["reference"].as_str().unwrap());
    let expected = json!({
        "wheelchair_access": true,
        "hearing_loop": false,
        "interpreter_language": "British Sign Language",
        "other": "=My son is autistic,\nand finds queues hard",
    });
    let status: Value =
        app.visit_status(reference, created["status_token"].as_str().unwrap()).await.json().await.unwrap();
    assert_eq!(status["support_needs"], expected, "the visitor sees what they said");
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["support_needs"], expected, "staff see it on the visit");

    // A visit from an older client, without the field, needs nothing.
    let plain = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let plain_id = plain["id"].as_str().unwrap();
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{plain_id}")).await.json().await.unwrap();
    assert_eq!(view["support_needs"], json!({"wheelchair_access": false, "hearing_loop": false}));

    app.book(id.parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    app.book(plain_id.parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    let list: Value = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list?date=2026-12-04"))
        .await
        .json()
        .await
        .unwrap();
    let visits = list["slots"][0]["visits"].as_array().unwrap();
    let needs: Vec<&Value> = visits.iter().map(|v| &v["support_needs"]).collect();
    assert_eq!(needs, [&expected, &json!({"wheelchair_access": false, "hearing_loop": false})]);

    let csv = app
        .get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list.csv?date=2026-12-04"))
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows[0].last().unwrap(), "support needs");
    let with =
        "Wheelchair access; Interpreter: British Sign Language; Other: =My son is autistic,\nand finds queues hard";
    assert_eq!(rows[1].last().unwrap(), with, "each of the visit's rows says it, whole, in one cell");
    assert_eq!(rows[2].last().unwrap(), with);
    assert_eq!(rows[3].last().unwrap(), "", "none for the other visit");
}

async fn a_ticked_need_without_its_words_or_with_too_many_is_refused_field_by_field(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    body["support_needs"] =
        json!({"interpreter": true, "interpreter_language": "   ", "other": true, "other_details": "x".repeat(301)});
    let refused = problem(app.create_visit(&body, None).await, 422).await;
    assert_eq!(refused["code"], "validation_failed");
    assert_eq!(
        field_errors(&refused),
        [
            ("support_needs.interpreter_language".to_owned(), "required".to_owned()),
            ("support_needs.other_details".to_owned(), "too_long".to_owned()),
        ]
    );
    assert_eq!(refused["errors"][0]["message"], "Enter the language the interpreter should speak");
    assert_eq!(refused["errors"][1]["message"], "The support you need must be 300 characters or fewer");
    assert_eq!(app.count("visit").await, 0, "nothing is kept");

    // A need given as something other than a tick is the wrong shape.
    body["support_needs"] = json!({"wheelchair_access": "yes"});
    problem(app.create_visit(&body, None).await, 400).await;
}

async fn support_needs_are_anonymised_with_the_visit(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let created = app.created_visit(&with_needs(prison)).await;
    let id = created["id"].as_str().unwrap();
    app.book(id.parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;

    let june = Utc.with_ymd_and_hms(2027, 6, 10, 9, 0, 0).unwrap();
    clock.advance(june - clock.now());
    assert_eq!(api::retention::run(&app.state.db, clock.now(), 6).await.unwrap(), 1);
    let officer = app.access_token("officer@testbridge.example").await;
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["support_needs"], json!({"wheelchair_access": false, "hearing_loop": false}));
    let kept = app
        .scalar(
            "SELECT COUNT(*) AS n FROM visit WHERE support_wheelchair_access OR support_hearing_loop \
             OR support_interpreter_language IS NOT NULL OR support_other IS NOT NULL",
        )
        .await;
    assert_eq!(kept, 0, "nothing of the needs is left in the database");
}

on_both_databases!(
    support_needs_reach_the_visitor_staff_the_day_list_and_its_csv,
    a_ticked_need_without_its_words_or_with_too_many_is_refused_field_by_field,
    support_needs_are_anonymised_with_the_visit,
);
// The staff's visit record has a PostgreSQL twin: the needs come back the same way by the portable path.
on_portable_postgres!(support_needs_reach_the_visitor_staff_the_day_list_and_its_csv);
