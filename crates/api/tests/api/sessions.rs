//! Issue 10, "Sign-in and sessions": attempts reserved before a password is checked, sessions that end at once on
//! every instance, refresh token reuse detection, and the client address behind a trusted proxy.

use api::clock::Clock;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

const OFFICER: &str = "officer@prison.example";

/// Sign-in answers' status codes, with the body's code for a 429 checked on the way.
async fn sign_in_status(app: &TestApp, email: &str, password: &str, forwarded_for: Option<&str>) -> u16 {
    let mut request =
        app.client.post(app.url("/api/v1/staff/sign-in")).json(&json!({"email": email, "password": password}));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status == 429 {
        let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry_after), "{retry_after}");
        assert_eq!(problem(response, 429).await["code"], "rate_limited");
    }
    status
}

async fn nineteen_wrong_passwords_at_once_check_only_the_limit_even_on_two_instances(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let other = spawn_instance(&app.db_url, Clock::fixed(monday_morning()), false).await;
    app.add_staff(OFFICER, "staff", &[]).await;
    app.add_staff("colleague@prison.example", "staff", &[]).await;
    app.token_pair("colleague@prison.example", STAFF_PASSWORD).await;
    // 19 wrong passwords at once, half through each instance, then the right one.
    let attempts = (0..19).map(|n| {
        let instance = if n % 2 == 0 { &app } else { &other };
        sign_in_status(instance, OFFICER, "guessing the password", None)
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(checked, 5, "exactly the account's limit (5) of passwords are checked: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 14, "{statuses:?}");
    // The account stays refused for the rest of the window, even with the right password.
    assert_eq!(sign_in_status(&other, OFFICER, STAFF_PASSWORD, None).await, 429);
    // The daily job forgets counters once their window is long over, and refresh tokens once they have expired.
    assert!(app.count("rate_limit").await > 0);
    assert_eq!(app.count("staff_session").await, 1, "the colleague's");
    let later = monday_morning() + chrono::Duration::days(16);
    api::retention::run(&app.state.db, later, 6).await.unwrap();
    assert_eq!(app.count("rate_limit").await, 0);
    assert_eq!(app.count("staff_session").await, 0);
}

async fn thirty_sign_ins_at_once_from_one_address_check_at_most_its_limit(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff(OFFICER, "staff", &[]).await;
    // One password tried on thirty accounts at once from one address (so no account's own limit applies).
    let attempts = (0..30).map(|n| {
        let app = &app;
        async move { sign_in_status(app, &format!("target{n}@prison.example"), "Password1", None).await }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 20, "the address's limit is 20: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "{statuses:?}");
    assert_eq!(sign_in_status(&app, OFFICER, STAFF_PASSWORD, None).await, 429);
}

async fn signing_out_ends_the_access_token_at_once_on_every_instance(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let other = spawn_instance(&app.db_url, Clock::fixed(monday_morning()), false).await;
    app.add_staff(OFFICER, "staff", &[]).await;
    let session = app.token_pair(OFFICER, STAFF_PASSWORD).await;
    let elsewhere = app.token_pair(OFFICER, STAFF_PASSWORD).await;
    assert_eq!(other.me_status(&session["access_token"]).await, 200);

    assert_eq!(app.sign_out(&session["refresh_token"]).await.status(), 204);
    let response = other.get_as(session["access_token"].as_str().unwrap(), "/api/v1/staff/me").await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(problem(response, 401).await["code"], "unauthorized");
    assert_eq!(app.me_status(&session["access_token"]).await, 401);
    problem(other.refresh(&session["refresh_token"]).await, 401).await;
    // Only that session: the same person signed in on another device stays signed in.
    assert_eq!(other.me_status(&elsewhere["access_token"]).await, 200);
    assert_eq!(other.refresh(&elsewhere["refresh_token"]).await.status(), 200);
}

async fn admin_patch(app: &TestApp, admin: &str, staff_id: uuid::Uuid, body: Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/admin/staff/{staff_id}")))
        .bearer_auth(admin)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn resetting_a_password_or_disabling_an_account_ends_every_session_at_once(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let other = spawn_instance(&app.db_url, Clock::fixed(monday_morning()), false).await;
    app.add_staff("admin@prison.example", "admin", &[]).await;
    let officer = app.add_staff(OFFICER, "staff", &[]).await;
    let admin = app.access_token("admin@prison.example").await;
    let phone = app.token_pair(OFFICER, STAFF_PASSWORD).await;
    let desk = other.token_pair(OFFICER, STAFF_PASSWORD).await;

    // A password the rules refuse changes nothing.
    let weak = problem(admin_patch(&app, &admin, officer, json!({"password": "short"})).await, 422).await;
    assert_eq!(field_errors(&weak)[0].0, "password");
    assert_eq!(other.me_status(&phone["access_token"]).await, 200);

    let new_password = "a brand new staff password";
    assert_eq!(admin_patch(&app, &admin, officer, json!({"password": new_password})).await.status(), 200);
    for session in [&phone, &desk] {
        assert_eq!(other.me_status(&session["access_token"]).await, 401, "access ends at once, on every instance");
        assert_eq!(app.me_status(&session["access_token"]).await, 401);
        problem(other.refresh(&session["refresh_token"]).await, 401).await;
    }
    assert_eq!(sign_in_status(&app, OFFICER, STAFF_PASSWORD, None).await, 401, "the old password no longer works");
    let fresh = other.token_pair(OFFICER, new_password).await;
    assert_eq!(app.me_status(&fresh["access_token"]).await, 200);
    // The admin's own session is untouched.
    assert_eq!(app.get_as(&admin, "/api/v1/staff/me").await.status(), 200);

    // Disabled, then enabled again: the sessions of before stay ended.
    assert_eq!(admin_patch(&app, &admin, officer, json!({"disabled": true})).await.status(), 200);
    assert_eq!(other.me_status(&fresh["access_token"]).await, 401);
    assert_eq!(admin_patch(&app, &admin, officer, json!({"disabled": false})).await.status(), 200);
    assert_eq!(other.me_status(&fresh["access_token"]).await, 401, "enabling an account does not revive a session");
    problem(app.refresh(&fresh["refresh_token"]).await, 401).await;
    assert_eq!(other.token_pair(OFFICER, new_password).await["token_type"], "Bearer");
}

async fn a_spent_refresh_token_presented_again_ends_its_whole_session(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let other = spawn_instance(&app.db_url, Clock::fixed(monday_morning()), false).await;
    app.add_staff(OFFICER, "staff", &[]).await;
    let first = app.token_pair(OFFICER, STAFF_PASSWORD).await;
    let unrelated = app.token_pair(OFFICER, STAFF_PASSWORD).await;
    let response = app.refresh(&first["refresh_token"]).await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    assert_eq!(
        token_claims(second["access_token"].as_str().unwrap())["sid"],
        token_claims(first["access_token"].as_str().unwrap())["sid"],
        "one session"
    );
    assert_eq!(other.me_status(&second["access_token"]).await, 200);

    // Someone replays the spent token (stolen earlier): refused, and the session it belongs to ends.
    problem(other.refresh(&first["refresh_token"]).await, 401).await;
    problem(app.refresh(&second["refresh_token"]).await, 401).await;
    assert_eq!(app.me_status(&second["access_token"]).await, 401);
    assert_eq!(other.me_status(&first["access_token"]).await, 401);
    // Another session of the same account is not that family.
    assert_eq!(other.me_status(&unrelated["access_token"]).await, 200);
    assert_eq!(app.refresh(&unrelated["refresh_token"]).await.status(), 200);
}

async fn a_forwarded_address_counts_only_from_a_trusted_proxy(db: Db) {
    // Behind a proxy at 127.0.0.1 (the tests' peer address), two clients each have their own count.
    let behind_proxy = trusting_proxies(settings("", false), "127.0.0.1/32");
    let app = spawn_app_with_settings(db, Clock::fixed(monday_morning()), behind_proxy).await;
    app.add_staff(OFFICER, "staff", &[]).await;
    let attacker = "203.0.113.66";
    let attempts = (0..20).map(|n| {
        let app = &app;
        async move { sign_in_status(app, &format!("target{n}@prison.example"), "Password1", Some(attacker)).await }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(sign_in_status(&app, OFFICER, STAFF_PASSWORD, Some(attacker)).await, 429, "the attacker is refused");
    // What the client writes left of the proxy's entry is not believed.
    assert_eq!(sign_in_status(&app, OFFICER, STAFF_PASSWORD, Some(&format!("198.51.100.1, {attacker}"))).await, 429);
    assert_eq!(sign_in_status(&app, OFFICER, STAFF_PASSWORD, Some("203.0.113.7")).await, 200, "a colleague is not");

    // Without a trusted proxy the header is the client's word: ignored, and everyone is the peer.
    let direct = spawn_app_at(db, monday_morning()).await;
    direct.add_staff(OFFICER, "staff", &[]).await;
    let attempts = (0..20).map(|n| {
        let app = &direct;
        let forwarded = format!("203.0.113.{n}");
        async move { sign_in_status(app, &format!("target{n}@prison.example"), "Password1", Some(&forwarded)).await }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(sign_in_status(&direct, OFFICER, STAFF_PASSWORD, Some("192.0.2.200")).await, 429);
}

on_both_databases!(
    nineteen_wrong_passwords_at_once_check_only_the_limit_even_on_two_instances,
    thirty_sign_ins_at_once_from_one_address_check_at_most_its_limit,
    signing_out_ends_the_access_token_at_once_on_every_instance,
    resetting_a_password_or_disabling_an_account_ends_every_session_at_once,
    a_spent_refresh_token_presented_again_ends_its_whole_session,
    a_forwarded_address_counts_only_from_a_trusted_proxy,
);
