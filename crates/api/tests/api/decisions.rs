use chrono::{TimeZone, Utc};
use domain::api::VisitingRules;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_every_path;

struct Desk {
    app: TestApp,
    prison: Uuid,
    other_prison: Uuid,
    officer: String,
    outsider: String,
}

/// A prison with an officer, and a second prison whose officer must not see the first one's visits.
async fn desk(db: Db, capacity: u32) -> Desk {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison_with_capacity(&app, VisitingRules::default(), capacity).await;
    let other_prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("officer@elsewhere.example", "staff", &[other_prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let outsider = app.access_token("officer@elsewhere.example").await;
    Desk { app, prison, other_prison, officer, outsider }
}

fn grant(slot: (&str, &str, &str), version: i64) -> Value {
    json!({"outcome": "grant", "slot": {"date": slot.0, "start": slot.1, "end": slot.2}, "expected_version": version,
           "booking_reference": "VO-1234", "message": "Please bring photo ID."})
}

async fn staff_grant_a_chosen_time_and_the_visitor_sees_it_booked(db: Db) {
    let d = desk(db, 2).await;
    let created = d
        .app
        .created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00"), ("2026-12-05", "14:00", "16:00")]))
        .await;
    let id = created["id"].as_str().unwrap();

    let inbox: Value = d.app.get_as(&d.officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["items"][0]["visit_id"], id);
    assert_eq!(inbox["items"][0]["overdue"], false);
    assert_eq!(inbox["counts"][0]["requested"], 1);

    // A time the visitor did not choose cannot be granted.
    let errors = field_errors(
        &problem(
            d.app
                .post_as(
                    &d.officer,
                    &format!("/api/v1/staff/visits/{id}/decision"),
                    &grant(("2026-12-06", "14:00", "16:00"), 0),
                )
                .await,
            422,
        )
        .await,
    );
    assert_eq!(errors[0].0, "slot");

    let response = d
        .app
        .post_as(
            &d.officer,
            &format!("/api/v1/staff/visits/{id}/decision"),
            &grant(("2026-12-05", "14:00", "16:00"), 0),
        )
        .await;
    assert_eq!(response.status(), 200);
    let staff_view: Value = response.json().await.unwrap();
    assert_eq!(staff_view["state"], "booked");
    assert_eq!(staff_view["version"], 1);
    assert_eq!(staff_view["booking_reference"], "VO-1234");
    assert_eq!(staff_view["messages"][0]["text"], "Please bring photo ID.");
    assert_eq!(staff_view["timeline"][1]["actor"], "staff");
    assert_eq!(staff_view["timeline"][1]["actor_name"], "Test Officer", "the timeline says who booked it");

    let status: Value = d
        .app
        .visit_status(created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "booked");
    assert_eq!(status["booked_slot"], json!({"date": "2026-12-05", "start": "14:00", "end": "16:00"}));
    assert_eq!(status["can_cancel"], true);
    let a: Value = d.app.availability(d.prison, "?from=2026-12-05&to=2026-12-05").await.json().await.unwrap();
    assert_eq!(a["days"][0]["slots"][0]["places_left"], 1);
    let inbox: Value = d.app.get_as(&d.officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert!(inbox["items"].as_array().unwrap().is_empty());
}

async fn staff_reject_with_reasons_the_visitor_sees_and_details_they_do_not(db: Db) {
    let d = desk(db, 2).await;
    let created = d.app.created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let id = created["id"].as_str().unwrap();
    let reject = json!({"outcome": "reject", "expected_version": 0, "reasons": [
        {"reason": "no_allowance", "allowance_renews_on": "2026-12-14"},
        {"reason": "other", "detail": "Security intelligence, see case notes"}]});
    let response = d.app.post_as(&d.officer, &format!("/api/v1/staff/visits/{id}/decision"), &reject).await;
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["state"], "rejected");
    assert_eq!(view["rejection_reasons"].as_array().unwrap().len(), 2);
    let status_text = d
        .app
        .visit_status(created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(status_text.contains("\"state\":\"rejected\""));
    let status: Value = serde_json::from_str(&status_text).unwrap();
    let reasons = status["rejection_reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 2);
    let allowance = reasons.iter().find(|r| r["code"] == "no_allowance").unwrap();
    assert_eq!(allowance["renews_on"], "2026-12-14");
    assert!(!allowance["message"].as_str().unwrap().is_empty());
    assert!(!status_text.contains("Security intelligence"), "internal detail must never reach the visitor");
    // A reason that needs a date without one is refused.
    let again = d.app.created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let bad = json!({"outcome": "reject", "expected_version": 0, "reasons": [{"reason": "no_allowance"}]});
    let errors = field_errors(
        &problem(
            d.app
                .post_as(&d.officer, &format!("/api/v1/staff/visits/{}/decision", again["id"].as_str().unwrap()), &bad)
                .await,
            422,
        )
        .await,
    );
    assert!(errors[0].0.starts_with("reasons[0]"), "{errors:?}");
}

async fn another_prisons_visit_is_not_found_by_any_route(db: Db) {
    let d = desk(db, 2).await;
    let created = d.app.created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let id = created["id"].as_str().unwrap();
    let reference = created["reference"].as_str().unwrap();
    let missing =
        problem(d.app.get_as(&d.outsider, &format!("/api/v1/staff/visits/{}", Uuid::new_v4())).await, 404).await;
    let view = problem(d.app.get_as(&d.outsider, &format!("/api/v1/staff/visits/{id}")).await, 404).await;
    assert_eq!(but_request_id(view), but_request_id(missing), "another prison's visit looks exactly like no visit");
    problem(
        d.app
            .post_as(
                &d.outsider,
                &format!("/api/v1/staff/visits/{id}/decision"),
                &grant(("2026-12-04", "14:00", "16:00"), 0),
            )
            .await,
        404,
    )
    .await;
    problem(
        d.app
            .post_as(
                &d.outsider,
                &format!("/api/v1/staff/visits/{id}/cancel"),
                &json!({"reason": "booked_in_error", "expected_version": 0}),
            )
            .await,
        404,
    )
    .await;
    problem(d.app.get_as(&d.outsider, &format!("/api/v1/staff/inbox?prison_id={}", d.prison)).await, 404).await;
    let found: Vec<Value> =
        d.app.get_as(&d.outsider, &format!("/api/v1/staff/visits?q={reference}")).await.json().await.unwrap();
    assert!(found.is_empty());
    let found: Vec<Value> = d.app.get_as(&d.outsider, "/api/v1/staff/visits?q=A1234BC").await.json().await.unwrap();
    assert!(found.is_empty());
    let inbox: Value = d.app.get_as(&d.outsider, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert!(inbox["items"].as_array().unwrap().is_empty());
    assert_eq!(inbox["counts"][0]["prison_id"], d.other_prison.to_string());
    // Nothing changed, and the visit's own staff still find it.
    let found: Vec<Value> = d
        .app
        .get_as(&d.officer, &format!("/api/v1/staff/visits?q={}", reference.to_lowercase()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["version"], 0);
    // Not signed in at all: 401 on every route.
    for path in [format!("/api/v1/staff/visits/{id}"), "/api/v1/staff/inbox".to_owned()] {
        problem(d.app.get(&path).await, 401).await;
    }
}

async fn two_staff_deciding_at_once_one_wins_and_the_other_sees_why(db: Db) {
    let d = desk(db, 2).await;
    d.app.add_staff("second@testbridge.example", "staff", &[d.prison]).await;
    let second = d.app.access_token("second@testbridge.example").await;
    let created = d.app.created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let path = format!("/api/v1/staff/visits/{}/decision", created["id"].as_str().unwrap());
    let reject = json!({"outcome": "reject", "expected_version": 0, "reasons": [{"reason": "prisoner_moved"}]});
    let g = grant(("2026-12-04", "14:00", "16:00"), 0);
    let (a, b) = tokio::join!(d.app.post_as(&d.officer, &path, &g), d.app.post_as(&second, &path, &reject));
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(statuses.contains(&200) && statuses.contains(&409), "{statuses:?}");
    let loser = if a.status() == 409 { a } else { b };
    let body = problem(loser, 409).await;
    assert_eq!(body["code"], "conflict");
    assert_eq!(body["current_version"], 1);
    assert!(body["current_state"] == "booked" || body["current_state"] == "rejected");
    assert_eq!(d.app.count("visit_state_change").await, 2);
    assert_eq!(d.app.count("slot_usage WHERE booked_open > 0").await, i64::from(body["current_state"] == "booked"));
}

async fn fifty_requests_for_five_places_decided_at_once_book_exactly_five(db: Db) {
    let d = desk(db, 5).await;
    d.app.add_staff("second@testbridge.example", "staff", &[d.prison]).await;
    let second = d.app.access_token("second@testbridge.example").await;
    let mut ids = Vec::new();
    for i in 0..50 {
        let mut body = visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")]);
        body["prisoner"]["number"] = json!(format!("A{:04}BC", i));
        ids.push(d.app.created_visit(&body).await["id"].as_str().unwrap().to_owned());
    }
    let g = grant(("2026-12-04", "14:00", "16:00"), 0);
    let paths: Vec<String> = ids.iter().map(|id| format!("/api/v1/staff/visits/{id}/decision")).collect();
    let decisions = paths.iter().enumerate().map(|(i, path)| {
        let token = if i % 2 == 0 { &d.officer } else { &second };
        d.app.post_as(token, path, &g)
    });
    let responses = futures_util::future::join_all(decisions).await;
    let mut booked = 0;
    let mut full = 0;
    for response in responses {
        match response.status().as_u16() {
            200 => booked += 1,
            409 => {
                let body = problem(response, 409).await;
                assert_eq!(body["code"], "slot_full");
                assert!(body["detail"].as_str().unwrap().contains("All 5 places"), "{body}");
                full += 1;
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!((booked, full), (5, 45));
    assert_eq!(d.app.count("visit WHERE state = 'booked'").await, 5);
    assert_eq!(d.app.count("visit WHERE state = 'requested'").await, 45);
    assert_eq!(d.app.count("visit_state_change").await, 55);
    let a: Value = d.app.availability(d.prison, "?from=2026-12-04&to=2026-12-04").await.json().await.unwrap();
    assert_eq!(a["days"][0]["slots"][0]["state"], "fully_booked");
}

async fn a_staff_cancellation_returns_the_place_and_tells_the_visitor(db: Db) {
    let d = desk(db, 1).await;
    let created = d.app.created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let id = created["id"].as_str().unwrap();
    d.app
        .post_as(
            &d.officer,
            &format!("/api/v1/staff/visits/{id}/decision"),
            &grant(("2026-12-04", "14:00", "16:00"), 0),
        )
        .await;
    let full: Value = d.app.availability(d.prison, "?from=2026-12-04&to=2026-12-04").await.json().await.unwrap();
    assert_eq!(full["days"][0]["slots"][0]["state"], "fully_booked");
    // A visitor's reason is not a staff reason.
    let bad = json!({"reason": "visitor_cancelled", "expected_version": 1});
    problem(d.app.post_as(&d.officer, &format!("/api/v1/staff/visits/{id}/cancel"), &bad).await, 422).await;
    let cancel = json!({"reason": "prisoner_moved", "message": "The prisoner has moved to another prison.", "expected_version": 1});
    let response = d.app.post_as(&d.officer, &format!("/api/v1/staff/visits/{id}/cancel"), &cancel).await;
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["state"], "cancelled");
    assert_eq!(view["cancellation_reason"], "prisoner_moved");
    let open: Value = d.app.availability(d.prison, "?from=2026-12-04&to=2026-12-04").await.json().await.unwrap();
    assert_eq!(open["days"][0]["slots"][0]["places_left"], 1);
    let status: Value = d
        .app
        .visit_status(created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "cancelled");
    // Cancelling twice is a conflict, not a second cancellation.
    let body =
        problem(d.app.post_as(&d.officer, &format!("/api/v1/staff/visits/{id}/cancel"), &cancel).await, 409).await;
    assert_eq!(body["current_state"], "cancelled");
}

async fn requests_waiting_past_their_confirm_by_date_are_overdue_oldest_first(db: Db) {
    let d = desk(db, 2).await;
    let first = d.app.created_visit(&visit_request(d.prison, &[("2026-12-07", "14:00", "16:00")])).await;
    // Friday 4 December: the Monday request's confirm-by date (Thursday) has passed.
    let friday = spawn_instance(
        &d.app.db_url,
        api::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()),
        false,
    )
    .await;
    let second = friday.created_visit(&visit_request(d.prison, &[("2026-12-11", "14:00", "16:00")])).await;
    // Monday's access token has long expired by Friday: sign in again.
    problem(friday.get_as(&d.officer, "/api/v1/staff/inbox").await, 401).await;
    let officer = friday.access_token("officer@testbridge.example").await;
    let inbox: Value = friday.get_as(&officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items[0]["visit_id"], first["id"]);
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[1]["visit_id"], second["id"]);
    assert_eq!(items[1]["overdue"], false);
    assert_eq!(inbox["counts"][0]["overdue"], 1);
}

async fn instant_booking_books_the_first_choice_with_room_at_once(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let rules = VisitingRules { instant_booking: true, ..VisitingRules::default() };
    let prison = add_test_prison_with_capacity(&app, rules, 1).await;
    let first = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    assert_eq!(first["state"], "booked");
    let status: Value = app
        .visit_status(first["reference"].as_str().unwrap(), first["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["booked_slot"]["date"], "2026-12-04");
    assert_eq!(status["timeline"][1]["actor"], "system");
    let second = app
        .created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00"), ("2026-12-06", "14:00", "16:00")]))
        .await;
    assert_eq!(second["state"], "booked");
    let status: Value = app
        .visit_status(second["reference"].as_str().unwrap(), second["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["booked_slot"]["date"], "2026-12-05", "the most wanted time with room");
}

async fn fifty_visitors_at_once_at_an_instant_booking_prison_book_exactly_five(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let rules = VisitingRules { instant_booking: true, ..VisitingRules::default() };
    let prison = add_test_prison_with_capacity(&app, rules, 5).await;
    let bodies: Vec<Value> = (0..50)
        .map(|i| {
            let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
            body["prisoner"]["number"] = json!(format!("B{:04}CD", i));
            body
        })
        .collect();
    let responses = futures_util::future::join_all(bodies.iter().map(|b| app.create_visit(b, None))).await;
    let (mut booked, mut waiting, mut full) = (0, 0, 0);
    for response in responses {
        match response.status().as_u16() {
            201 => match response.json::<Value>().await.unwrap()["state"].as_str().unwrap() {
                "booked" => booked += 1,
                "requested" => waiting += 1,
                other => panic!("unexpected state {other}"),
            },
            422 => {
                let errors = field_errors(&problem(response, 422).await);
                assert_eq!(errors, [("slots[0]".to_owned(), "slot_fully_booked".to_owned())]);
                full += 1;
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!(booked, 5, "booked {booked}, waiting for staff {waiting}, refused as full {full}");
    assert_eq!(booked + waiting + full, 50);
    assert_eq!(app.count("visit WHERE state = 'booked'").await, 5);
    assert_eq!(app.count("slot_usage WHERE booked_open = 5").await, 1);
}

async fn staff_acknowledge_visitor_cancellations_once(db: Db) {
    let d = desk(db, 2).await;
    let created = d.app.created_visit(&visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let id = created["id"].as_str().unwrap();
    d.app
        .post_as(
            &d.officer,
            &format!("/api/v1/staff/visits/{id}/decision"),
            &grant(("2026-12-04", "14:00", "16:00"), 0),
        )
        .await;
    d.app
        .visit_action(created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap(), "cancel")
        .await;
    let inbox: Value = d.app.get_as(&d.officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert_eq!(inbox["cancellations"][0]["visit_id"], id);
    assert_eq!(inbox["counts"][0]["cancellations_to_acknowledge"], 1);
    let path = format!("/api/v1/staff/visits/{id}/acknowledge-cancellation");
    problem(d.app.post_as(&d.outsider, &path, &json!({})).await, 404).await;
    assert_eq!(d.app.post_as(&d.officer, &path, &json!({})).await.status(), 200);
    problem(d.app.post_as(&d.officer, &path, &json!({})).await, 409).await;
    let inbox: Value = d.app.get_as(&d.officer, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert!(inbox["cancellations"].as_array().unwrap().is_empty());
}

/// The answer to a decision is built from what was read before it plus what it wrote; it must be exactly what the
/// member of staff sees when they open the visit again, for every kind of decision.
async fn a_decisions_answer_is_what_staff_see_when_they_open_the_visit_again(db: Db) {
    let d = desk(db, 2).await;
    let friday = ("2026-12-04", "14:00", "16:00");
    let slot = json!({"date": friday.0, "start": friday.1, "end": friday.2});
    let decisions = [
        // A grant with a reference and a message.
        grant(friday, 0),
        // A closed-visit grant with one visitor banned.
        json!({"outcome": "grant", "slot": slot, "closed_visit": true, "expected_version": 0,
               "visitor_outcomes": [{"visitor_index": 1, "outcome": {"outcome": "banned", "until": "2027-01-31"}}]}),
        // A rejection with reasons and a message.
        json!({"outcome": "reject", "expected_version": 0, "message": "Sorry.",
               "reasons": [{"reason": "no_allowance", "allowance_renews_on": "2026-12-14"}]}),
        // A grant that becomes a rejection because the lead visitor may not come.
        json!({"outcome": "grant", "slot": slot, "expected_version": 0,
               "visitor_outcomes": [{"visitor_index": 0, "outcome": {"outcome": "not_on_contact_list"}}]}),
    ];
    for decision in decisions {
        let created = d.app.created_visit(&visit_request(d.prison, &[friday])).await;
        let path = format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap());
        let response = d.app.post_as(&d.officer, &format!("{path}/decision"), &decision).await;
        assert_eq!(response.status(), 200, "{decision}");
        let answer: Value = response.json().await.unwrap();
        let opened: Value = d.app.get_as(&d.officer, &path).await.json().await.unwrap();
        assert_eq!(answer, opened, "{decision}");
        assert_eq!(answer["version"], 1);
        assert_eq!(answer["timeline"].as_array().unwrap().len(), 2);
        let email = answer["emails"].as_array().unwrap().last().unwrap();
        assert_eq!(email["kind"], if answer["state"] == "booked" { "booked" } else { "rejected" }, "{answer}");
        assert_eq!(email["state"], "pending");
    }
}

/// A request the visitor withdrew, decided by staff who have its current version: the refusal says it is no longer
/// waiting for a decision (not that someone changed it meanwhile); the same for cancelling a cancelled visit.
async fn deciding_a_withdrawn_request_or_cancelling_a_cancelled_visit_says_why(db: Db) {
    let d = desk(db, 2).await;
    let friday = ("2026-12-04", "14:00", "16:00");
    let created = d.app.created_visit(&visit_request(d.prison, &[friday])).await;
    let (reference, token) = (created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap());
    assert_eq!(d.app.visit_action(reference, token, "withdraw").await.status(), 200);
    let path = format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap());
    let refused = problem(d.app.post_as(&d.officer, &format!("{path}/decision"), &grant(friday, 1)).await, 409).await;
    assert_eq!(
        (refused["code"].as_str(), refused["current_state"].as_str()),
        (Some("invalid_state_transition"), Some("withdrawn"))
    );
    let stale = problem(d.app.post_as(&d.officer, &format!("{path}/decision"), &grant(friday, 0)).await, 409).await;
    assert_eq!((stale["code"].as_str(), stale["current_version"].as_i64()), (Some("conflict"), Some(1)));

    let booked = d.app.created_visit(&visit_request(d.prison, &[friday])).await;
    let path = format!("/api/v1/staff/visits/{}", booked["id"].as_str().unwrap());
    assert_eq!(d.app.post_as(&d.officer, &format!("{path}/decision"), &grant(friday, 0)).await.status(), 200);
    let cancel = |version: i64| json!({"reason": "capacity_issues", "expected_version": version});
    assert_eq!(d.app.post_as(&d.officer, &format!("{path}/cancel"), &cancel(1)).await.status(), 200);
    let again = problem(d.app.post_as(&d.officer, &format!("{path}/cancel"), &cancel(2)).await, 409).await;
    assert_eq!(again["code"], "invalid_state_transition");
    assert_eq!(d.app.count("outbox_message WHERE kind = 'cancelled'").await, 1, "one cancellation email");
}

on_every_path!(
    deciding_a_withdrawn_request_or_cancelling_a_cancelled_visit_says_why,
    a_decisions_answer_is_what_staff_see_when_they_open_the_visit_again,
    staff_acknowledge_visitor_cancellations_once,
    instant_booking_books_the_first_choice_with_room_at_once,
    fifty_visitors_at_once_at_an_instant_booking_prison_book_exactly_five,
    staff_grant_a_chosen_time_and_the_visitor_sees_it_booked,
    staff_reject_with_reasons_the_visitor_sees_and_details_they_do_not,
    another_prisons_visit_is_not_found_by_any_route,
    two_staff_deciding_at_once_one_wins_and_the_other_sees_why,
    fifty_requests_for_five_places_decided_at_once_book_exactly_five,
    a_staff_cancellation_returns_the_place_and_tells_the_visitor,
    requests_waiting_past_their_confirm_by_date_are_overdue_oldest_first,
);
