use domain::api::VisitingRules;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;

async fn a_fresh_start_lists_the_demo_prisons_by_name(db: Db) {
    let test_db = TestDb::new(db).await;
    let app = spawn_instance(&test_db.url, api::clock::Clock::fixed(monday_morning()), true).await;
    let prisons: Vec<Value> = app.get("/api/v1/prisons").await.json().await.unwrap();
    let names: Vec<&str> = prisons.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["HMP Cardiff (demo)", "HMP Leeds (demo)", "HMP Rochester (demo)"]);
    assert!(prisons.iter().all(|p| p["demo"] == true));

    // A second instance starting on the same database does not seed them again.
    let second = spawn_instance(&test_db.url, api::clock::Clock::fixed(monday_morning()), true).await;
    let again: Vec<Value> = second.get("/api/v1/prisons").await.json().await.unwrap();
    assert_eq!(again.len(), 3);

    // Each demo prison offers bookable times.
    for prison in &prisons {
        let availability: Value =
            app.availability(prison["id"].as_str().unwrap().parse().unwrap(), "").await.json().await.unwrap();
        let available = availability["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap())
            .filter(|s| s["state"] == "available")
            .count();
        assert!(available >= 8, "{} offers only {available} slots", prison["name"]);
    }
}

async fn a_prison_shows_its_rules_address_and_contact_details(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules { adult_age: 10, ..VisitingRules::default() }).await;
    let prison: Value = app.get(&format!("/api/v1/prisons/{id}")).await.json().await.unwrap();
    assert_eq!(prison["name"], "HMP Testbridge");
    assert_eq!(prison["address"]["postcode"], "TB1 1AA");
    assert_eq!(prison["email"], "visits@testbridge.example");
    assert_eq!(prison["rules"]["adult_age"], 10);
    assert_eq!(prison["rules"]["max_visitors"], 6);
    assert_eq!(prison["rules"]["max_adults"], 3);
    assert_eq!(prison["rules"]["booking_window_days"], 28);
}

async fn an_unknown_prison_is_a_problem_404(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let body = problem(app.get(&format!("/api/v1/prisons/{}", Uuid::new_v4())).await, 404).await;
    assert_eq!(body["code"], "not_found");
    problem(app.get("/api/v1/prisons/not-a-uuid").await, 404).await;
    problem(app.availability(Uuid::new_v4(), "").await, 404).await;
}

fn slots_of<'a>(availability: &'a Value, date: &str) -> Vec<&'a Value> {
    availability["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .map(|d| d["slots"].as_array().unwrap().iter().collect())
        .unwrap_or_default()
}

async fn availability_shows_the_window_closures_and_replacement_days(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let response = app.availability(id, "").await;
    assert_eq!(response.status(), 200);
    let a: Value = response.json().await.unwrap();
    assert_eq!(a["today"], "2026-11-30");
    assert_eq!(a["confirm_by"], "2026-12-03");
    assert_eq!(a["first_bookable"], "2026-12-04");
    assert_eq!(a["last_bookable"], "2026-12-28");
    assert_eq!((a["from"].as_str(), a["to"].as_str()), (Some("2026-11-30"), Some("2026-12-28")));

    let state = |d: &str| slots_of(&a, d).iter().map(|s| s["state"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(state("2026-12-03"), ["outside_window"]);
    assert_eq!(state("2026-12-04"), ["available"]);
    assert_eq!(slots_of(&a, "2026-12-04")[0]["places_left"], 2);
    assert_eq!(state("2026-12-25"), ["closed"]);
    let christmas = a["days"].as_array().unwrap().iter().find(|d| d["date"] == "2026-12-25").unwrap();
    assert_eq!(christmas["closed"], true);
    // The family day replaces the usual afternoon session.
    let family = slots_of(&a, "2026-12-12");
    assert_eq!(family.len(), 1);
    assert_eq!((family[0]["start"].as_str(), family[0]["end"].as_str()), (Some("10:00"), Some("12:00")));
    assert_eq!(family[0]["places_left"], 5);
}

async fn availability_counts_booked_places_and_shows_full_slots(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    for _ in 0..2 {
        let created = app.created_visit(&visit_request(id, &[("2026-12-05", "14:00", "16:00")])).await;
        app.book(created["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-05", "14:00", "16:00")).await;
    }
    let created = app.created_visit(&visit_request(id, &[("2026-12-06", "14:00", "16:00")])).await;
    app.book(created["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-06", "14:00", "16:00")).await;
    // A request that is not booked takes no place.
    app.created_visit(&visit_request(id, &[("2026-12-07", "14:00", "16:00")])).await;

    let a: Value = app.availability(id, "?from=2026-12-04&to=2026-12-08").await.json().await.unwrap();
    let slot = |d: &str| slots_of(&a, d)[0].clone();
    assert_eq!(slot("2026-12-05")["state"], "fully_booked");
    assert_eq!(slot("2026-12-05")["places_left"], 0);
    assert_eq!(slot("2026-12-06")["state"], "available");
    assert_eq!(slot("2026-12-06")["places_left"], 1);
    assert_eq!(slot("2026-12-07")["places_left"], 2);
    assert_eq!(a["days"].as_array().unwrap().len(), 5);
}

async fn availability_refuses_bad_dates_and_ranges_longer_than_the_window(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let id = add_test_prison(&app, VisitingRules::default()).await;
    let body = problem(app.availability(id, "?from=2026-12-01&to=2027-03-01").await, 422).await;
    assert_eq!(field_errors(&body), [("to".to_owned(), "out_of_range".to_owned())]);
    let body = problem(app.availability(id, "?from=2026-13-01").await, 422).await;
    assert_eq!(field_errors(&body)[0].0, "from");
    let body = problem(app.availability(id, "?from=2026-12-10&to=2026-12-01").await, 422).await;
    assert_eq!(field_errors(&body)[0].0, "to");
    assert_eq!(app.availability(id, "?from=2026-12-01&to=2026-12-29").await.status(), 200);
}

on_both_databases!(
    a_fresh_start_lists_the_demo_prisons_by_name,
    a_prison_shows_its_rules_address_and_contact_details,
    an_unknown_prison_is_a_problem_404,
    availability_shows_the_window_closures_and_replacement_days,
    availability_counts_booked_places_and_shows_full_slots,
    availability_refuses_bad_dates_and_ranges_longer_than_the_window,
);
