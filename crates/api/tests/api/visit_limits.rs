//! Issue 10: anonymous visit requests are limited per client address, per prisoner and per lead visitor's email
//! (OWASP API6), in the database so that every instance shares the counts; a retry is not counted twice.

use api::clock::Clock;
use domain::api::VisitingRules;
use serde_json::Value;

use crate::helpers::*;
use crate::on_both_databases;

/// A request for prisoner `number` by the lead visitor `email`.
fn request(prison: uuid::Uuid, number: &str, email: &str) -> Value {
    let mut body = visit_request(prison, &[("2026-12-10", "14:00", "16:00")]);
    body["prisoner"]["number"] = number.into();
    body["lead_visitor"]["email"] = email.into();
    body
}

/// Checks a 429 and returns its Retry-After in seconds.
async fn refused(response: reqwest::Response) -> i64 {
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<i64>().unwrap());
    let body = problem(response, 429).await;
    assert_eq!(body["code"], "rate_limited");
    let retry_after = retry_after.expect("a 429 says when to try again");
    // The visitor reads how long in words a person would use.
    let detail = body["detail"].as_str().unwrap();
    let expected = match retry_after {
        ..=60 => "Wait a minute before trying again",
        61..=5400 => "minutes before trying again",
        _ => "hours before trying again",
    };
    assert!(detail.contains(expected), "{detail} ({retry_after} s)");
    retry_after
}

async fn visit_requests_are_limited_per_prisoner_per_email_and_per_address(db: Db) {
    let clock = TestClock::at(monday_morning());
    let limited = with_visit_limits(settings("", false), 6, 2, 2);
    let app = spawn_app_with_settings(db, clock.clock(), limited).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let ok = |number: &'static str, email: &'static str| {
        let app = &app;
        async move { app.created_visit(&request(prison, number, email)).await }
    };
    ok("A1111AA", "one@example.com").await;
    ok("A1111AA", "two@example.com").await;
    // A third request for the same prisoner today, whoever makes it.
    let wait = refused(app.create_visit(&request(prison, "a1111aa", "three@example.com"), None).await).await;
    assert!((86_000..=86_400).contains(&wait), "per prisoner: a day, {wait}");
    ok("B2222BB", "one@example.com").await;
    // A third request from the same email today, for whichever prisoner.
    let wait = refused(app.create_visit(&request(prison, "C3333CC", "ONE@example.com"), None).await).await;
    assert!((86_000..=86_400).contains(&wait), "per email: a day, {wait}");
    // Refused requests did not count against the address: three more fit in its six an hour.
    ok("C3333CC", "four@example.com").await;
    ok("D4444DD", "five@example.com").await;
    ok("E5555EE", "six@example.com").await;
    let queued = app.count("outbox_message").await;
    let wait = refused(app.create_visit(&request(prison, "F6666FF", "seven@example.com"), None).await).await;
    assert!((3_500..=3_600).contains(&wait), "per address: an hour, {wait}");
    assert_eq!(app.count("visit").await, 6, "nothing was written for a refused request");
    assert_eq!(app.count("outbox_message").await, queued, "and no email queued to an unverified address");

    // An hour later the address may go on; a day later the prisoner and the email too.
    clock.advance(chrono::Duration::minutes(61));
    ok("F6666FF", "seven@example.com").await;
    refused(app.create_visit(&request(prison, "A1111AA", "three@example.com"), None).await).await;
    clock.advance(chrono::Duration::hours(24));
    ok("A1111AA", "three@example.com").await;
}

async fn a_retried_request_is_not_counted_twice(db: Db) {
    let limited = with_visit_limits(settings("", false), 100, 2, 100);
    let app = spawn_app_with_settings(db, Clock::fixed(monday_morning()), limited).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let first = request(prison, "A1111AA", "one@example.com");
    for _ in 0..3 {
        let response = app.create_visit(&first, Some("retry-key-1")).await;
        assert_eq!(response.status(), 201);
    }
    // Retries at once, as a phone on a poor connection sends them.
    let retries = (0..4).map(|_| app.create_visit(&first, Some("retry-key-2")));
    for response in futures_util::future::join_all(retries).await {
        assert_eq!(response.status(), 201);
    }
    assert_eq!(app.count("visit").await, 2);
    refused(app.create_visit(&request(prison, "A1111AA", "two@example.com"), Some("retry-key-3")).await).await;
}

async fn visit_request_limits_are_shared_by_instances_on_one_database(db: Db) {
    let limited = with_visit_limits(settings("", false), 100, 3, 100);
    let app = spawn_app_with_settings(db, Clock::fixed(monday_morning()), limited.clone()).await;
    let other = spawn_instance_like(&app, limited, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    // Ten requests for one prisoner at once, half through each instance: three get through.
    let attempts = (0..10).map(|n| {
        let instance = if n % 2 == 0 { &app } else { &other };
        let body = request(prison, "A1111AA", &format!("family{n}@example.com"));
        async move { instance.create_visit(&body, None).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7, "{statuses:?}");
    assert_eq!(app.count("visit").await, 3);
    refused(other.create_visit(&request(prison, "A1111AA", "late@example.com"), None).await).await;
}

on_both_databases!(
    visit_requests_are_limited_per_prisoner_per_email_and_per_address,
    a_retried_request_is_not_counted_twice,
    visit_request_limits_are_shared_by_instances_on_one_database,
);
