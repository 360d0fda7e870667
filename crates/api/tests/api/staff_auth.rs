use chrono::{Duration, Utc};
use domain::api::VisitingRules;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_databases;

async fn staff_sign_in_and_see_their_prisons(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@prison.example", "staff", &[prison]).await;
    let response = app.sign_in("Officer@Prison.example ", STAFF_PASSWORD).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me: Value =
        app.get_as(tokens["access_token"].as_str().unwrap(), "/api/v1/staff/me").await.json().await.unwrap();
    assert_eq!(me["email"], "officer@prison.example");
    assert_eq!(me["role"], "staff");
    let prisons = me["prisons"].as_array().unwrap();
    assert_eq!(prisons.len(), 1, "a member of one prison sees only that prison");
    assert_eq!(prisons[0]["id"], prison.to_string());
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("officer@prison.example", "staff", &[]).await;
    let wrong = problem(app.sign_in("officer@prison.example", "not the password at all").await, 401).await;
    let unknown = problem(app.sign_in("nobody@prison.example", "not the password at all").await, 401).await;
    assert_eq!(wrong["code"], "unauthorized");
    assert_eq!(but_request_id(wrong), but_request_id(unknown));
}

async fn repeated_failures_are_refused_for_a_while_even_with_the_right_password(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("officer@prison.example", "staff", &[]).await;
    for _ in 0..5 {
        problem(app.sign_in("officer@prison.example", "guessing the password").await, 401).await;
    }
    let response = app.sign_in("officer@prison.example", STAFF_PASSWORD).await;
    let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((800..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(problem(response, 429).await["code"], "rate_limited");
    // Fifteen minutes later (another instance whose clock has moved on), the right password works again.
    let later =
        spawn_instance(&app.db_url, api::clock::Clock::fixed(monday_morning() + Duration::minutes(16)), false).await;
    assert_eq!(later.sign_in("officer@prison.example", STAFF_PASSWORD).await.status(), 200);
}

async fn one_address_guessing_at_many_accounts_is_refused_but_a_shared_office_is_not(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("officer@prison.example", "staff", &[]).await;
    // Colleagues behind the prison's one network address mistype their passwords: nobody else is locked out.
    for n in 0..4 {
        problem(app.sign_in(&format!("colleague{n}@prison.example"), "a typo").await, 401).await;
    }
    assert_eq!(app.sign_in("officer@prison.example", STAFF_PASSWORD).await.status(), 200);
    // Someone tries one password on many accounts from that address (at once, so no slowdown applies): after 20
    // failures in all, the address is refused, even for a real account with the right password.
    let attempts = (4..20).map(|n| {
        let app = &app;
        async move { app.sign_in(&format!("target{n}@prison.example"), "Password1").await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let response = app.sign_in("officer@prison.example", STAFF_PASSWORD).await;
    assert_eq!(problem(response, 429).await["code"], "rate_limited");
}

async fn tokens_that_are_not_exactly_right_are_refused(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let staff_id = app.add_staff("officer@prison.example", "staff", &[]).await;
    let other_id = app.add_staff("colleague@prison.example", "staff", &[]).await;
    let good = app.access_token("officer@prison.example").await;
    assert_eq!(app.get_as(&good, "/api/v1/staff/me").await.status(), 200);

    let key = app.jwt_key().await;
    let now = monday_morning().timestamp();
    let sid = token_claims(&good)["sid"].as_str().unwrap().to_owned();
    let claims = |f: &dyn Fn(&mut Value)| {
        let mut c = json!({"iss": "prison-visits", "aud": "prison-visits-staff", "sub": staff_id.to_string(),
            "exp": now + 600, "nbf": now, "iat": now, "typ": "access", "jti": "x", "sid": sid});
        f(&mut c);
        c
    };
    let sign =
        |c: &Value, alg: Algorithm, key: &[u8]| encode(&Header::new(alg), c, &EncodingKey::from_secret(key)).unwrap();
    let forged_ok = sign(&claims(&|_| {}), Algorithm::HS256, &key);
    assert_eq!(app.get_as(&forged_ok, "/api/v1/staff/me").await.status(), 200, "the forging itself must be right");

    let cases = [
        ("expired", sign(&claims(&|c| c["exp"] = json!(now - 120)), Algorithm::HS256, &key)),
        ("not yet valid", sign(&claims(&|c| c["nbf"] = json!(now + 3600)), Algorithm::HS256, &key)),
        ("wrong audience", sign(&claims(&|c| c["aud"] = json!("someone-else")), Algorithm::HS256, &key)),
        ("wrong issuer", sign(&claims(&|c| c["iss"] = json!("evil")), Algorithm::HS256, &key)),
        ("wrong type", sign(&claims(&|c| c["typ"] = json!("refresh")), Algorithm::HS256, &key)),
        (
            "no expiry",
            sign(
                &claims(&|c| {
                    c.as_object_mut().unwrap().remove("exp");
                }),
                Algorithm::HS256,
                &key,
            ),
        ),
        (
            "no session",
            sign(
                &claims(&|c| {
                    c.as_object_mut().unwrap().remove("sid");
                }),
                Algorithm::HS256,
                &key,
            ),
        ),
        (
            "a session that never was",
            sign(&claims(&|c| c["sid"] = json!(uuid::Uuid::new_v4())), Algorithm::HS256, &key),
        ),
        ("another account's session", sign(&claims(&|c| c["sub"] = json!(other_id)), Algorithm::HS256, &key)),
        ("wrong signature", sign(&claims(&|_| {}), Algorithm::HS256, b"a different key entirely")),
        ("another algorithm", sign(&claims(&|_| {}), Algorithm::HS512, &key)),
        ("alg none", {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            format!("{}.{}.", b64.encode(br#"{"alg":"none","typ":"JWT"}"#), b64.encode(claims(&|_| {}).to_string()))
        }),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in cases {
        let response = app.get_as(&token, "/api/v1/staff/me").await;
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
        assert_eq!(problem(response, 401).await["code"], "unauthorized", "{what}");
    }
    let response = app.client.get(app.url("/api/v1/staff/me")).send().await.unwrap();
    problem(response, 401).await;
}

async fn a_disabled_account_stops_working_at_once(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("admin@prison.example", "admin", &[]).await;
    let officer = app.add_staff("officer@prison.example", "staff", &[]).await;
    let admin = app.access_token("admin@prison.example").await;
    let tokens: Value = app.sign_in("officer@prison.example", STAFF_PASSWORD).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get_as(access, "/api/v1/staff/me").await.status(), 200);

    let response = app
        .client
        .patch(app.url(&format!("/api/v1/admin/staff/{officer}")))
        .bearer_auth(&admin)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // The access token has not expired, but the account is disabled: refused now, not in 15 minutes.
    problem(app.get_as(access, "/api/v1/staff/me").await, 401).await;
    let refresh = app
        .client
        .post(app.url("/api/v1/staff/token/refresh"))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    problem(refresh, 401).await;
    problem(app.sign_in("officer@prison.example", STAFF_PASSWORD).await, 401).await;
}

async fn refresh_tokens_rotate_and_sign_out_revokes_them(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("officer@prison.example", "staff", &[]).await;
    let first: Value = app.sign_in("officer@prison.example", STAFF_PASSWORD).await.json().await.unwrap();
    let refresh = |token: &Value| {
        app.client.post(app.url("/api/v1/staff/token/refresh")).json(&json!({"refresh_token": token})).send()
    };
    let response = refresh(&first["refresh_token"]).await.unwrap();
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(app.get_as(second["access_token"].as_str().unwrap(), "/api/v1/staff/me").await.status(), 200);
    // The first refresh token worked once only.
    problem(refresh(&first["refresh_token"]).await.unwrap(), 401).await;
    let out = app
        .client
        .post(app.url("/api/v1/staff/sign-out"))
        .json(&json!({"refresh_token": second["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    problem(refresh(&second["refresh_token"]).await.unwrap(), 401).await;
}

async fn only_admins_manage_accounts_and_passwords_are_checked(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("admin@prison.example", "admin", &[]).await;
    app.add_staff("officer@prison.example", "staff", &[prison]).await;
    let admin = app.access_token("admin@prison.example").await;
    let officer = app.access_token("officer@prison.example").await;
    let new = json!({"email": "new@prison.example", "name": "New Officer", "password": "another long password", "role": "staff", "prison_ids": [prison]});
    let body = problem(app.post_as(&officer, "/api/v1/admin/staff", &new).await, 403).await;
    assert_eq!(body["code"], "forbidden");
    problem(app.get_as(&officer, "/api/v1/admin/staff").await, 403).await;

    let weak = json!({"email": "new@prison.example", "name": "New Officer", "password": "short", "role": "staff", "prison_ids": [prison]});
    let errors = field_errors(&problem(app.post_as(&admin, "/api/v1/admin/staff", &weak).await, 422).await);
    assert_eq!(errors[0].0, "password");
    let response = app.post_as(&admin, "/api/v1/admin/staff", &new).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["prison_ids"], json!([prison]));
    assert!(created.get("password").is_none() && created.get("password_hash").is_none());
    assert_eq!(app.sign_in("new@prison.example", "another long password").await.status(), 200);
    let again = field_errors(&problem(app.post_as(&admin, "/api/v1/admin/staff", &new).await, 422).await);
    assert_eq!(again, [("email".to_owned(), "already_taken".to_owned())], "an address already used, said as such");
    let list: Vec<Value> = app.get_as(&admin, "/api/v1/admin/staff").await.json().await.unwrap();
    assert_eq!(list.len(), 3);
    // Passwords are stored hashed with argon2id.
    let stored = api::staff::store::find_by_email(&app.state.db, "new@prison.example").await.unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
    let _ = Utc::now();
}

on_both_databases!(
    staff_sign_in_and_see_their_prisons,
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    repeated_failures_are_refused_for_a_while_even_with_the_right_password,
    one_address_guessing_at_many_accounts_is_refused_but_a_shared_office_is_not,
    tokens_that_are_not_exactly_right_are_refused,
    a_disabled_account_stops_working_at_once,
    refresh_tokens_rotate_and_sign_out_revokes_them,
    only_admins_manage_accounts_and_passwords_are_checked,
    admins_add_and_change_prisons_and_visitors_see_them,
);

async fn admins_add_and_change_prisons_and_visitors_see_them(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let existing = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("admin@prison.example", "admin", &[]).await;
    app.add_staff("officer@prison.example", "staff", &[existing]).await;
    let admin = app.access_token("admin@prison.example").await;
    let officer = app.access_token("officer@prison.example").await;
    let new = json!({"name": "HMP Newtown", "code": "NTN", "address": {"lines": ["1 High Street"], "town": "Newtown", "postcode": "NT1 1AA"},
        "email": "visits@newtown.example", "phone": "01632 960111", "rules": {"adult_age": 12, "max_visitors": 6, "max_adults": 3,
        "booking_window_days": 28, "processing_days": 3, "weekend_processing": false, "instant_booking": false}});
    problem(app.post_as(&officer, "/api/v1/admin/prisons", &new).await, 403).await;
    let response = app.post_as(&admin, "/api/v1/admin/prisons", &new).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["rules"]["adult_age"], 12);
    let prisons: Vec<Value> = app.get("/api/v1/prisons").await.json().await.unwrap();
    assert!(prisons.iter().any(|p| p["name"] == "HMP Newtown"));
    let mut same_code = new.clone();
    same_code["code"] = json!("ntn");
    let errors = field_errors(&problem(app.post_as(&admin, "/api/v1/admin/prisons", &same_code).await, 422).await);
    assert_eq!(errors, [("code".to_owned(), "already_taken".to_owned())], "codes are unique, whatever their case");
    let mut bad = new.clone();
    bad["address"]["postcode"] = json!("");
    bad["email"] = json!("not an email");
    let errors = field_errors(&problem(app.post_as(&admin, "/api/v1/admin/prisons", &bad).await, 422).await);
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert!(fields.contains(&"address.postcode") && fields.contains(&"email"), "{fields:?}");

    let mut renamed = new.clone();
    renamed["name"] = json!("HMP Newtown and District");
    let id = created["id"].as_str().unwrap();
    let response = app
        .client
        .put(app.url(&format!("/api/v1/admin/prisons/{id}")))
        .bearer_auth(&admin)
        .json(&renamed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let prison: Value = app.get(&format!("/api/v1/prisons/{id}")).await.json().await.unwrap();
    assert_eq!(prison["name"], "HMP Newtown and District");
    let missing = app
        .client
        .put(app.url(&format!("/api/v1/admin/prisons/{}", uuid::Uuid::new_v4())))
        .bearer_auth(&admin)
        .json(&renamed)
        .send()
        .await
        .unwrap();
    problem(missing, 404).await;
}
