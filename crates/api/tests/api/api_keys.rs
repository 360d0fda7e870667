//! Integrators' API keys: made by admins, shown once, stored hashed; scoped to prisons and actions; revoked,
//! expired and rotated at once on every instance; rate-limited per key; named in the visit's timeline; their
//! `Idempotency-Key`s their own.

use chrono::Duration;
use domain::api::VisitingRules;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;

struct Desk {
    app: TestApp,
    clock: TestClock,
    prison: Uuid,
    other_prison: Uuid,
    admin: String,
}

async fn desk(db: Db) -> Desk {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let other_prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = app.access_token("admin@testbridge.example").await;
    Desk { app, clock, prison, other_prison, admin }
}

impl Desk {
    /// Makes a key through the API; returns the 201 body.
    async fn key(&self, name: &str, prisons: &[Uuid], scopes: &[&str], extra: Value) -> Value {
        let mut body = json!({"name": name, "prison_ids": prisons, "scopes": scopes});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let response = self.app.post_as(&self.admin, "/api/v1/api-keys", &body).await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    async fn secret(&self, name: &str, prisons: &[Uuid], scopes: &[&str]) -> String {
        self.key(name, prisons, scopes, json!({})).await["secret"].as_str().unwrap().to_owned()
    }

    async fn visit_at(&self, prison: Uuid) -> Value {
        self.app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await
    }
}

async fn a_new_key_shows_its_secret_once_and_stores_only_its_hash(db: Db) {
    let d = desk(db).await;
    let created = d.key("Records system", &[d.prison], &["visits:read", "records:write"], json!({})).await;
    let secret = created["secret"].as_str().unwrap();
    let id = created["key"]["id"].as_str().unwrap();
    assert!(secret.starts_with(&format!("pvb_{}_", &id.replace('-', "")[..8])), "{secret}");
    assert_eq!(secret.len(), 56);
    assert_eq!(created["key"]["prefix"], secret[..17]);
    assert_eq!(created["key"]["scopes"], json!(["visits:read", "records:write"]));
    assert_eq!(created["key"]["rate_limit_per_minute"], 600);
    assert_eq!(created["key"]["created_by"], "Test Officer");

    // The database holds the hash, never the secret.
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(d.app.scalar(&format!("SELECT COUNT(*) AS n FROM api_key_secret WHERE hash = '{hash}'")).await, 1);
    let stored = d
        .app
        .scalar(&format!("SELECT COUNT(*) AS n FROM api_key_secret WHERE hash = '{secret}' OR prefix = '{secret}'"))
        .await;
    assert_eq!(stored, 0);

    // Listing and reading never show it again.
    let list = d.app.get_as(&d.admin, "/api/v1/api-keys").await.text().await.unwrap();
    let one = d.app.get_as(&d.admin, &format!("/api/v1/api-keys/{id}")).await.text().await.unwrap();
    assert!(!list.contains(secret) && !one.contains(secret));
    assert!(list.contains("Records system"));
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["last_used_at"], Value::Null);

    // It works, and its use shows.
    assert_eq!(d.app.get_as(secret, "/api/v1/staff/inbox").await.status(), 200);
    // Sent beside another credential it is refused, rather than one of the two chosen.
    let twice = d.app.client.get(d.app.url("/api/v1/staff/inbox")).header("authorization", format!("Bearer {secret}"));
    let twice = twice.header("authorization", format!("Bearer {}", d.admin)).send().await.unwrap();
    problem_is(twice, 401).await;
    let one: Value = d.app.get_as(&d.admin, &format!("/api/v1/api-keys/{id}")).await.json().await.unwrap();
    assert!(one["last_used_at"].is_string(), "{one}");
}

async fn a_key_is_refused_fields_it_cannot_have(db: Db) {
    let d = desk(db).await;
    let body = json!({"name": " ", "prison_ids": [Uuid::new_v4()], "scopes": [], "rate_limit_per_minute": 0,
                      "expires_at": "2020-01-01T00:00:00Z"});
    let problem = problem(d.app.post_as(&d.admin, "/api/v1/api-keys", &body).await, 422).await;
    let mut fields: Vec<String> = field_errors(&problem).into_iter().map(|(f, _)| f).collect();
    fields.sort();
    assert_eq!(fields, ["expires_at", "name", "prison_ids[0]", "rate_limit_per_minute", "scopes"]);
    let no_prison = json!({"name": "x", "prison_ids": [], "scopes": ["visits:read"]});
    problem_is(d.app.post_as(&d.admin, "/api/v1/api-keys", &no_prison).await, 422).await;
    let unknown_scope = json!({"name": "x", "prison_ids": [d.prison], "scopes": ["visits:everything"]});
    assert!(d.app.post_as(&d.admin, "/api/v1/api-keys", &unknown_scope).await.status().is_client_error());
    // The name is the actor staff read in a visit's timeline: nothing in it may reorder or hide what it shows.
    for name in ["Contact centre \u{202e}nimdA omeD", "Contact\u{200b}centre", "\u{feff}Contact centre", "A\u{200e}B"] {
        let disguised = json!({"name": name, "prison_ids": [d.prison], "scopes": ["visits:read"]});
        let refused = problem_is(d.app.post_as(&d.admin, "/api/v1/api-keys", &disguised).await, 422).await;
        assert_eq!(field_errors(&refused), [("name".to_owned(), "invalid_characters".to_owned())], "{name:?}");
    }
    assert_eq!(d.app.count("api_key").await, 0);
}

async fn problem_is(response: reqwest::Response, status: u16) -> Value {
    problem(response, status).await
}

async fn only_admins_make_or_see_keys_and_a_key_cannot_reach_staff_only_endpoints(db: Db) {
    let d = desk(db).await;
    d.app.add_staff("officer@testbridge.example", "staff", &[d.prison]).await;
    let officer = d.app.access_token("officer@testbridge.example").await;
    let body = json!({"name": "Mine", "prison_ids": [d.prison], "scopes": ["visits:read"]});
    problem_is(d.app.post_as(&officer, "/api/v1/api-keys", &body).await, 403).await;
    problem_is(d.app.get_as(&officer, "/api/v1/api-keys").await, 403).await;

    let secret = d
        .secret(
            "Everything",
            &[d.prison],
            &["visits:read", "visits:decide", "records:write", "reports:read", "visits:write", "webhooks:manage"],
        )
        .await;
    for path in ["/api/v1/api-keys", "/api/v1/admin/staff", "/api/v1/staff/me"] {
        let p = problem_is(d.app.get_as(&secret, path).await, 403).await;
        assert_eq!(p["code"], "forbidden", "{path}");
    }
    problem_is(d.app.post_as(&secret, "/api/v1/api-keys", &body).await, 403).await;
    assert_eq!(d.app.count("api_key").await, 1);
}

async fn a_key_reaches_only_its_prisons_and_scopes(db: Db) {
    let d = desk(db).await;
    let reader = d.secret("Reader", &[d.prison], &["visits:read"]).await;
    let mine = d.visit_at(d.prison).await;
    let theirs = d.visit_at(d.other_prison).await;

    let response = d.app.get_as(&reader, &format!("/api/v1/staff/visits/{}", mine["id"].as_str().unwrap())).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("ratelimit"));

    // Another prison's visit is answered exactly as one that does not exist.
    let other = problem_is(
        d.app.get_as(&reader, &format!("/api/v1/staff/visits/{}", theirs["id"].as_str().unwrap())).await,
        404,
    )
    .await;
    let missing =
        problem_is(d.app.get_as(&reader, &format!("/api/v1/staff/visits/{}", Uuid::new_v4())).await, 404).await;
    assert_eq!(but_request_id(other), but_request_id(missing));
    problem_is(d.app.get_as(&reader, &format!("/api/v1/staff/inbox?prison_id={}", d.other_prison)).await, 404).await;
    let inbox: Value = d.app.get_as(&reader, "/api/v1/staff/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["items"][0]["visit_id"], mine["id"]);

    // Deciding needs visits:decide: 403 naming the scope, and nothing changes.
    let id = mine["id"].as_str().unwrap();
    let reject = json!({"outcome": "reject", "reasons": [{"reason": "duplicate_request"}], "expected_version": 0});
    let p =
        problem_is(d.app.post_as(&reader, &format!("/api/v1/staff/visits/{id}/decision"), &reject).await, 403).await;
    assert_eq!(p["code"], "missing_scope");
    assert!(p["detail"].as_str().unwrap().contains("visits:decide"), "{p}");
    let p = problem_is(d.app.get_as(&reader, &format!("/api/v1/staff/prisons/{}/metrics", d.prison)).await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("reports:read"), "{p}");
    assert_eq!(d.app.count("visit_rejection_reason").await, 0);
}

async fn a_change_made_with_a_key_names_the_key_in_the_timeline(db: Db) {
    let d = desk(db).await;
    let decider = d.secret("Contact centre", &[d.prison], &["visits:decide", "visits:read"]).await;
    let visit = d.visit_at(d.prison).await;
    let id = visit["id"].as_str().unwrap();
    let grant = json!({"outcome": "grant", "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"},
                       "expected_version": 0, "message": "Bring photo ID."});
    let response = d.app.post_as(&decider, &format!("/api/v1/staff/visits/{id}/decision"), &grant).await;
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.unwrap();
    let last = view["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["actor"].as_str(), last["actor_name"].as_str()), (Some("integrator"), Some("Contact centre")));

    let cancel = json!({"reason": "booked_in_error", "expected_version": 1, "message": "Sorry."});
    let response = d.app.post_as(&decider, &format!("/api/v1/staff/visits/{id}/cancel"), &cancel).await;
    assert_eq!(response.status(), 200);
    // As the database has it, whoever reads it next.
    let view: Value = d.app.get_as(&d.admin, &format!("/api/v1/staff/visits/{id}")).await.json().await.unwrap();
    let names: Vec<(&str, &str)> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|c| (c["actor"].as_str().unwrap(), c["actor_name"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("integrator", "Contact centre"), ("integrator", "Contact centre")]);
    // Staff see which key wrote each message.
    let messages = view["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|m| m["author"] == "integrator" && m["author_name"] == "Contact centre"), "{view}");
}

async fn a_revoke_on_one_instance_is_refused_on_another_at_once(db: Db) {
    let d = desk(db).await;
    let other = spawn_instance_like(&d.app, settings("", false), d.clock.clock()).await;
    let created = d.key("Reports", &[d.prison], &["visits:read"], json!({})).await;
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(other.get_as(secret, "/api/v1/staff/inbox").await.status(), 200);
    let id = created["key"]["id"].as_str().unwrap();
    let revoked = d.app.post_as(&d.admin, &format!("/api/v1/api-keys/{id}/revoke"), &json!({})).await;
    assert_eq!(revoked.status(), 200);
    problem_is(other.get_as(secret, "/api/v1/staff/inbox").await, 401).await;
    problem_is(d.app.get_as(secret, "/api/v1/staff/inbox").await, 401).await;
    // A revoked key cannot be brought back by rotating it.
    problem_is(d.app.post_as(&d.admin, &format!("/api/v1/api-keys/{id}/rotate"), &json!({})).await, 409).await;
}

async fn a_key_stops_working_when_it_expires(db: Db) {
    let d = desk(db).await;
    let expires = (d.clock.now() + Duration::hours(1)).to_rfc3339();
    let created = d.key("Short-lived", &[d.prison], &["visits:read"], json!({"expires_at": expires})).await;
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(d.app.get_as(secret, "/api/v1/staff/inbox").await.status(), 200);
    d.clock.advance(Duration::minutes(61));
    problem_is(d.app.get_as(secret, "/api/v1/staff/inbox").await, 401).await;
}

async fn a_rotated_secret_works_until_the_overlap_ends(db: Db) {
    let d = desk(db).await;
    let created = d.key("Rotating", &[d.prison], &["visits:read"], json!({})).await;
    let old = created["secret"].as_str().unwrap().to_owned();
    let id = created["key"]["id"].as_str().unwrap();
    let rotated =
        d.app.post_as(&d.admin, &format!("/api/v1/api-keys/{id}/rotate"), &json!({"overlap_minutes": 60})).await;
    assert_eq!(rotated.status(), 200);
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(rotated["key"]["id"], created["key"]["id"]);
    assert_eq!(rotated["key"]["prefix"], new[..17]);
    assert!(rotated["key"]["previous_secret_valid_until"].is_string());
    for secret in [&old, &new] {
        assert_eq!(d.app.get_as(secret, "/api/v1/staff/inbox").await.status(), 200);
    }
    d.clock.advance(Duration::minutes(61));
    problem_is(d.app.get_as(&old, "/api/v1/staff/inbox").await, 401).await;
    assert_eq!(d.app.get_as(&new, "/api/v1/staff/inbox").await.status(), 200);

    // An overlap of 0 ends the old secret at once (the admin signs in again: an hour has passed).
    let admin = d.app.access_token("admin@testbridge.example").await;
    let again: Value = d
        .app
        .post_as(&admin, &format!("/api/v1/api-keys/{id}/rotate"), &json!({"overlap_minutes": 0}))
        .await
        .json()
        .await
        .unwrap();
    problem_is(d.app.get_as(&new, "/api/v1/staff/inbox").await, 401).await;
    assert_eq!(d.app.get_as(again["secret"].as_str().unwrap(), "/api/v1/staff/inbox").await.status(), 200);
}

async fn a_key_over_its_rate_limit_gets_429_with_the_ratelimit_headers(db: Db) {
    let d = desk(db).await;
    let other = spawn_instance_like(&d.app, settings("", false), d.clock.clock()).await;
    let slow = d.key("Slow", &[d.prison], &["visits:read"], json!({"rate_limit_per_minute": 3})).await;
    let slow_secret = slow["secret"].as_str().unwrap();
    let fast = d.secret("Fast", &[d.prison], &["visits:read"]).await;
    for (i, app) in [&d.app, &other, &d.app].into_iter().enumerate() {
        let response = app.get_as(slow_secret, "/api/v1/staff/inbox").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-policy"], "\"default\";q=3;w=60");
        let remaining = format!("\"default\";r={};t=", 2 - i);
        assert!(response.headers()["ratelimit"].to_str().unwrap().starts_with(&remaining));
    }
    // Counted across instances: the fourth, on the other instance, is over.
    let response = other.get_as(slow_secret, "/api/v1/staff/inbox").await;
    let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(response.headers()["ratelimit-policy"], "\"default\";q=3;w=60");
    assert!(response.headers()["ratelimit"].to_str().unwrap().starts_with("\"default\";r=0;t="));
    let p = problem_is(response, 429).await;
    assert_eq!(p["code"], "rate_limited");
    assert_eq!(p["detail"], "Wait a minute before trying again.");
    // Another key has its own limit.
    assert_eq!(d.app.get_as(&fast, "/api/v1/staff/inbox").await.status(), 200);
    // The limit is the key's: raising it lets the key in again at once.
    let id = slow["key"]["id"].as_str().unwrap();
    let raised = d
        .app
        .client
        .patch(d.app.url(&format!("/api/v1/api-keys/{id}")))
        .bearer_auth(&d.admin)
        .json(&json!({"rate_limit_per_minute": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(raised.status(), 200);
    assert_eq!(d.app.get_as(slow_secret, "/api/v1/staff/inbox").await.status(), 200);
    // A new window starts after a minute.
    d.clock.advance(Duration::seconds(61));
    let response = d.app.get_as(slow_secret, "/api/v1/staff/inbox").await;
    assert!(response.headers()["ratelimit"].to_str().unwrap().starts_with("\"default\";r=9;"));
}

/// Requests racing on two instances: exactly the limit get through, whatever the interleaving.
async fn racing_requests_never_pass_a_keys_limit(db: Db) {
    let d = desk(db).await;
    let other = spawn_instance_like(&d.app, settings("", false), d.clock.clock()).await;
    let created = d.key("Busy", &[d.prison], &["visits:read"], json!({"rate_limit_per_minute": 5})).await;
    let secret = created["secret"].as_str().unwrap();
    let requests = (0..12).map(|i| {
        let app = if i % 2 == 0 { &d.app } else { &other };
        app.get_as(secret, "/api/v1/staff/inbox")
    });
    let answers = tokio::time::timeout(std::time::Duration::from_secs(60), futures_util::future::join_all(requests))
        .await
        .expect("the racing requests are answered within a minute");
    let ok = answers.iter().filter(|r| r.status() == 200).count();
    let limited = answers.iter().filter(|r| r.status() == 429).count();
    assert_eq!((ok, limited), (5, 7));
}

async fn malformed_and_unknown_keys_are_all_the_same_401(db: Db) {
    let d = desk(db).await;
    let secret = d.secret("Real", &[d.prison], &["visits:read"]).await;
    let unknown_id = format!("pvb_00000000_{}", &secret[13..]);
    let wrong_secret = format!("{}A{}", &secret[..13], &secret[14..]);
    let tokens = [
        "pvb_".to_owned(),
        "pvb_garbage!!".to_owned(),
        format!("{secret}x"),
        secret[..55].to_owned(),
        unknown_id,
        wrong_secret,
        "pvb_zzzzzzzz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
    ];
    let mut answers = Vec::new();
    for token in &tokens {
        if token == &secret {
            continue;
        }
        let response = d.app.get_as(token, "/api/v1/staff/inbox").await;
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert!(!response.headers().contains_key("ratelimit"));
        answers.push(but_request_id(problem_is(response, 401).await));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
}

async fn an_idempotency_key_replays_only_for_the_credential_that_sent_it(db: Db) {
    let d = desk(db).await;
    let first = d.secret("Centre one", &[d.prison], &["visits:write"]).await;
    let second = d.secret("Centre two", &[d.prison], &["visits:write"]).await;
    let body = visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")]);
    let send = |token: Option<String>| {
        let mut req = d.app.client.post(d.app.url("/api/v1/visits")).header("Idempotency-Key", "same-key").json(&body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send()
    };
    let mut ids = Vec::new();
    for token in [None, Some(first.clone()), Some(second.clone()), Some(d.admin.clone())] {
        let response = send(token.clone()).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["idempotent-replayed"], "false");
        let created: Value = response.json().await.unwrap();
        // The same credential again is a replay of its own visit.
        let again = send(token).await.unwrap();
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let replayed: Value = again.json().await.unwrap();
        assert_eq!(replayed["id"], created["id"]);
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    assert_eq!(d.app.count("visit").await, 4);

    // A key's request names it in the timeline; one without visits:write, or for another prison, is refused.
    let view: Value = d
        .app
        .get_as(&d.admin, &format!("/api/v1/staff/visits/{}", ids.iter().find(|_| true).unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert!(view["timeline"][0]["actor"].is_string());
    let reader = d.secret("Reader", &[d.prison], &["visits:read"]).await;
    let p = problem_is(
        d.app.client.post(d.app.url("/api/v1/visits")).bearer_auth(&reader).json(&body).send().await.unwrap(),
        403,
    )
    .await;
    assert_eq!(p["code"], "missing_scope");
    let elsewhere = visit_request(d.other_prison, &[("2026-12-04", "14:00", "16:00")]);
    let p = problem_is(
        d.app.client.post(d.app.url("/api/v1/visits")).bearer_auth(&first).json(&elsewhere).send().await.unwrap(),
        422,
    )
    .await;
    assert_eq!(field_errors(&p)[0].0, "prison_id");
    problem_is(
        d.app.client.post(d.app.url("/api/v1/visits")).bearer_auth("pvb_nonsense").json(&body).send().await.unwrap(),
        401,
    )
    .await;
}

/// The two migrations of this change go down and up again: anonymous visitors' idempotency keys survive both ways.
async fn the_migrations_go_down_and_up_keeping_the_visitors_idempotency_keys(db: Db) {
    use migration::MigratorTrait;
    let d = desk(db).await;
    let body = visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")]);
    let first: Value = d.app.create_visit(&body, Some("k-visitor")).await.json().await.unwrap();
    let secret = d.secret("Centre", &[d.prison], &["visits:write"]).await;
    let by_key = d.app.client.post(d.app.url("/api/v1/visits")).bearer_auth(&secret).header("Idempotency-Key", "k-key");
    assert_eq!(by_key.json(&body).send().await.unwrap().status(), 201);
    assert_eq!(d.app.count("idempotency_key").await, 2);

    // Down to before the keys' migrations (and every later one, whose downs are run too), then up again.
    let names: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let keys_at = names.iter().position(|n| n == "m20261201_000001_create_api_keys").unwrap();
    let steps = u32::try_from(names.len() - keys_at).unwrap();
    migration::Migrator::down(&d.app.state.db, Some(steps)).await.unwrap();
    assert_eq!(d.app.count("idempotency_key").await, 1);
    migration::Migrator::up(&d.app.state.db, None).await.unwrap();
    assert_eq!(d.app.count("idempotency_key").await, 1);
    let again = d.app.create_visit(&body, Some("k-visitor")).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
}

/// The integrators' own endpoints (booking on a visitor's behalf, the change feed, webhook subscriptions, the whole
/// roll) take a key with their scope, for the key's prisons only: another prison is answered as one that does not
/// exist, a missing scope is 403 whatever was sent.
async fn the_integrators_endpoints_take_a_key_for_its_own_prisons_only(db: Db) {
    let d = desk(db).await;
    let all = ["visits:read", "visits:write", "records:write", "webhooks:manage"];
    let key = d.secret("Contact centre", &[d.prison], &all).await;
    let bare = d.secret("Reports only", &[d.prison], &["reports:read"]).await;

    // Booking on a visitor's behalf: recorded as the integrator channel, with the key named in the timeline.
    let body = visit_request(d.prison, &[("2026-12-04", "14:00", "16:00")]);
    let response = d.app.post_as(&key, "/api/v1/staff/visits", &body).await;
    assert_eq!(response.status(), 201);
    let visit: Value = response.json().await.unwrap();
    assert_eq!(visit["channel"], "integrator");
    assert_eq!(visit["timeline"][0]["actor"], "integrator");
    assert_eq!(visit["timeline"][0]["actor_name"], "Contact centre");
    let elsewhere = visit_request(d.other_prison, &[("2026-12-04", "14:00", "16:00")]);
    let refused = problem_is(d.app.post_as(&key, "/api/v1/staff/visits", &elsewhere).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "unknown_prison");
    let refused = problem_is(d.app.post_as(&bare, "/api/v1/staff/visits", &body).await, 403).await;
    assert_eq!(refused["code"], "missing_scope");

    // The change feed: the booking above is in it; another prison's feed is 404.
    let feed: Value = d.app.get_as(&key, &format!("/api/v1/prisons/{}/changes", d.prison)).await.json().await.unwrap();
    assert!(feed.to_string().contains(visit["id"].as_str().unwrap()), "{feed}");
    problem_is(d.app.get_as(&key, &format!("/api/v1/prisons/{}/changes", d.other_prison)).await, 404).await;
    problem_is(d.app.get_as(&bare, &format!("/api/v1/prisons/{}/changes", d.prison)).await, 403).await;

    // Webhook subscriptions for its own prisons only.
    let subscription = |prison: Uuid| json!({"url": "http://127.0.0.1:9/hooks", "prison_ids": [prison]});
    let path = "/api/v1/webhooks/subscriptions";
    assert_eq!(d.app.post_as(&key, path, &subscription(d.prison)).await.status(), 201);
    problem_is(d.app.post_as(&key, path, &subscription(d.other_prison)).await, 422).await;
    problem_is(d.app.post_as(&bare, path, &subscription(d.prison)).await, 403).await;
    let admins: Value = d.app.get_as(&d.admin, path).await.json().await.unwrap();
    assert_eq!(admins.as_array().map(Vec::len), Some(1), "the admin sees the key's subscription");

    // The whole roll: its own prison, not another.
    let roll = |prison: Uuid| format!("{}/api/v1/records/prisons/{prison}/roll", d.app.address);
    let put = |url: String, token: String| {
        d.app.client.put(url).bearer_auth(token).json(&json!({"prisoners": [], "allow_empty": true})).send()
    };
    assert_eq!(put(roll(d.prison), key.clone()).await.unwrap().status(), 200);
    problem_is(put(roll(d.other_prison), key.clone()).await.unwrap(), 404).await;
    problem_is(put(roll(d.prison), bare.clone()).await.unwrap(), 403).await;
}

on_both_databases!(
    the_integrators_endpoints_take_a_key_for_its_own_prisons_only,
    the_migrations_go_down_and_up_keeping_the_visitors_idempotency_keys,
    a_new_key_shows_its_secret_once_and_stores_only_its_hash,
    a_key_is_refused_fields_it_cannot_have,
    only_admins_make_or_see_keys_and_a_key_cannot_reach_staff_only_endpoints,
    a_key_reaches_only_its_prisons_and_scopes,
    a_change_made_with_a_key_names_the_key_in_the_timeline,
    a_revoke_on_one_instance_is_refused_on_another_at_once,
    a_key_stops_working_when_it_expires,
    a_rotated_secret_works_until_the_overlap_ends,
    a_key_over_its_rate_limit_gets_429_with_the_ratelimit_headers,
    racing_requests_never_pass_a_keys_limit,
    malformed_and_unknown_keys_are_all_the_same_401,
    an_idempotency_key_replays_only_for_the_credential_that_sent_it,
);
