//! Webhooks to a real HTTP receiver on loopback that checks every signature (Standard Webhooks) with its own HMAC:
//! every event once and in order per visit; a receiver down for a while then up; a worker killed mid-delivery and
//! another instance taking over (at least once: the receiver drops the duplicate `webhook-id`); SSRF refusals at
//! create and at delivery; the delivery log and redelivery; secret rotation; turning a failing subscription off
//! with an email to the admins.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::config::WebhookSettings;
use api::webhooks::worker::{DeliveryWorker, Pass};
use base64::Engine;
use chrono::Duration;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::events::{Desk, desk};
use crate::helpers::*;
use crate::on_both_databases;

#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub body: Value,
    pub content_type: String,
    /// How many signatures the header carried.
    pub signatures: usize,
    /// The trusted secrets that verified one of them.
    pub verified_by: Vec<String>,
    /// When it arrived, as a place in the order of every receiver's requests in this test binary.
    pub seq: u64,
}

/// Orders requests across receivers (without reading a clock).
static ARRIVALS: AtomicU64 = AtomicU64::new(0);

#[derive(Default)]
struct Shared {
    got: Mutex<Vec<Received>>,
    secrets: Mutex<Vec<String>>,
    status: AtomicU16,
    delay_ms: AtomicU64,
}

/// A webhook receiver on loopback: verifies each request's signature with the secrets it trusts (HMAC-SHA256 of
/// `{id}.{timestamp}.{body}`, written here, not with the service's code), records it, and answers `status`.
pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
}

fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], signature: &str) -> bool {
    let key = base64::engine::general_purpose::STANDARD.decode(secret.trim_start_matches("whsec_")).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    signature.split(' ').any(|s| s == format!("v1,{expected}"))
}

async fn hook(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (id, timestamp, signature) = (header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"));
    let verified_by: Vec<String> = shared
        .secrets
        .lock()
        .unwrap()
        .iter()
        .filter(|secret| verify(secret, &id, &timestamp, &body, &signature))
        .cloned()
        .collect();
    let ok = !verified_by.is_empty();
    shared.got.lock().unwrap().push(Received {
        id,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        content_type: header("content-type"),
        signatures: signature.split(' ').count(),
        verified_by,
        seq: ARRIVALS.fetch_add(1, Ordering::SeqCst),
    });
    let delay = shared.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(StdDuration::from_millis(delay)).await;
    }
    if !ok {
        return HttpResponse::Unauthorized().finish();
    }
    HttpResponse::build(actix_web::http::StatusCode::from_u16(shared.status.load(Ordering::SeqCst)).unwrap())
        .body("thanks")
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::start_on(std::net::TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// A receiver on `port`, which must be free.
    pub async fn start_at(port: u16) -> Receiver {
        Receiver::start_on(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap())
    }

    fn start_on(listener: std::net::TcpListener) -> Receiver {
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared { status: AtomicU16::new(200), ..Default::default() });
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/hook", web::post().to(hook)))
            .workers(1)
            .listen(listener)
            .unwrap()
            .run();
        tokio::spawn(server);
        Receiver { url: format!("http://127.0.0.1:{port}/hook"), shared }
    }

    pub fn trust(&self, secret: &str) {
        self.shared.secrets.lock().unwrap().push(secret.to_owned());
    }

    pub fn distrust_all(&self) {
        self.shared.secrets.lock().unwrap().clear();
    }

    pub fn got(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    pub fn delay(&self, ms: u64) {
        self.shared.delay_ms.store(ms, Ordering::SeqCst);
    }
}

/// A loopback port with nothing listening (yet).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn worker(app: &TestApp, allow_loopback: bool) -> DeliveryWorker {
    let settings = WebhookSettings {
        worker: false,
        allow_loopback,
        connect_timeout: StdDuration::from_millis(500),
        timeout: StdDuration::from_secs(3),
        ..Default::default()
    };
    DeliveryWorker::new(&app.state, &settings).unwrap()
}

/// Queues the deliveries of every event recorded so far, as the worker does at the start of each pass.
pub async fn fan_out(app: &TestApp) {
    while api::webhooks::store::fan_out(&app.state.db, app.state.clock.now(), 100).await.unwrap() == 100 {}
}

/// Passes until one finds nothing due (at most 20): what they did together.
pub async fn drain(worker: &DeliveryWorker) -> Pass {
    let mut total = Pass::default();
    for _ in 0..20 {
        let pass = worker.run_once().await.unwrap();
        if pass == Pass::default() {
            break;
        }
        total.delivered += pass.delivered;
        total.retrying += pass.retrying;
        total.failed += pass.failed;
    }
    total
}

impl Desk {
    /// Creates a subscription as the admin: (id, secret).
    pub async fn subscribe(&self, url: &str, types: &[&str], prisons: &[Uuid]) -> (String, String) {
        let body = json!({"url": url, "event_types": types, "prison_ids": prisons, "description": "test"});
        let response = self.app.post_as(&self.admin, "/api/v1/webhooks/subscriptions", &body).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        let created: Value = response.json().await.unwrap();
        (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
    }

    pub async fn log(&self, subscription: &str, query: &str) -> Value {
        let path = format!("/api/v1/webhooks/subscriptions/{subscription}/deliveries{query}");
        let response = self.app.get_as(&self.admin, &path).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Requested, booked and cancelled by staff: three events of one visit.
    pub async fn book_and_cancel(&self, day: &str) -> String {
        let (id, _, _) = self.request(day).await;
        self.grant(&id, day, 0).await;
        let cancel = json!({"reason": "capacity_issues", "expected_version": 1});
        assert_eq!(self.staff(&id, "cancel", cancel).await.status(), 200);
        id
    }
}

/// Checks that the receiver got each of `events` (the feed's) at least once, nothing else, each verified, and per
/// visit in position order; returns how many times each id came.
fn check_received(got: &[Received], events: &[Value]) -> BTreeMap<String, usize> {
    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    for r in got {
        assert!(!r.verified_by.is_empty(), "every signature verifies: {r:?}");
        assert_eq!(r.content_type, "application/json");
        *times.entry(r.id.clone()).or_default() += 1;
    }
    let expected: BTreeSet<String> = events.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(times.keys().cloned().collect::<BTreeSet<_>>(), expected, "every event, nothing else");
    let by_id: BTreeMap<&str, &Value> = events.iter().map(|e| (e["id"].as_str().unwrap(), e)).collect();
    // In the order first received, per visit, positions increase.
    let mut last: BTreeMap<String, i64> = BTreeMap::new();
    let mut first_seen = BTreeSet::new();
    for r in got {
        if !first_seen.insert(r.id.clone()) {
            continue;
        }
        let event = by_id[r.id.as_str()];
        assert_eq!(r.body["type"], event["type"]);
        assert_eq!(r.body["version"], 1);
        assert_eq!(r.body["data"], event["data"]);
        let key = event["visit_id"].as_str().unwrap_or("prison").to_owned();
        let position = event["position"].as_i64().unwrap();
        if let Some(before) = last.insert(key, position) {
            assert!(before < position, "in order per visit");
        }
    }
    times
}

async fn every_event_arrives_once_signed_and_in_order_per_visit(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let everything = Receiver::start().await;
    let cancellations = Receiver::start().await;
    let (all_id, secret) = d.subscribe(&everything.url, &[], &[d.prison]).await;
    everything.trust(&secret);
    let (_, secret) = d.subscribe(&cancellations.url, &["visit.cancelled"], &[d.prison]).await;
    cancellations.trust(&secret);
    // Another prison's events reach neither.
    let elsewhere = add_test_prison(&d.app, domain::api::VisitingRules::default()).await;
    d.app.created_visit(&visit_request(elsewhere, &[("2026-12-04", "14:00", "16:00")])).await;

    for day in ["2026-12-04", "2026-12-05", "2026-12-06"] {
        d.book_and_cancel(day).await;
    }
    let (id, _, _) = d.request("2026-12-07").await;
    assert_eq!(d.staff(&id, "messages", json!({"text": "Hello"})).await.status(), 200);

    let pass = drain(&worker(&d.app, true)).await;
    assert_eq!((pass.delivered, pass.retrying, pass.failed), (14, 0, 0));
    let events = d.all_events().await;
    assert_eq!(events.len(), 11);
    let times = check_received(&everything.got(), &events);
    assert!(times.values().all(|n| *n == 1), "exactly once when nothing fails");
    let cancelled: Vec<Value> = events.iter().filter(|e| e["type"] == "visit.cancelled").cloned().collect();
    check_received(&cancellations.got(), &cancelled);

    let log = d.log(&all_id, "").await;
    let lines = log["deliveries"].as_array().unwrap();
    assert_eq!(lines.len(), 11);
    for line in lines {
        assert_eq!(
            (line["state"].as_str(), line["attempts"].as_u64(), line["last_status"].as_u64()),
            (Some("delivered"), Some(1), Some(200))
        );
        assert!(line["last_latency_ms"].is_u64() && line["delivered_at"].is_string() && line["last_error"].is_null());
        assert_eq!(line["last_response"], "thanks");
    }
    assert_eq!(drain(&worker(&d.app, true)).await, Pass::default(), "nothing sent twice");
}

async fn a_receiver_down_for_a_while_gets_everything_in_order_after_retries(db: Db) {
    let clock = TestClock::at(monday_morning());
    let d = desk(spawn_app_with_clock(db, clock.clock()).await).await;
    let port = free_port();
    let (id, secret) = d.subscribe(&format!("http://127.0.0.1:{port}/hook"), &[], &[d.prison]).await;
    d.book_and_cancel("2026-12-04").await;
    d.request("2026-12-05").await;
    let worker = worker(&d.app, true);

    // Nothing listens: the first event of each visit fails, the others wait behind it.
    let pass = drain(&worker).await;
    assert_eq!((pass.delivered, pass.retrying), (0, 2));
    let log = d.log(&id, "").await;
    let states: Vec<(&str, u64)> = log["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["state"].as_str().unwrap(), l["attempts"].as_u64().unwrap()))
        .collect();
    assert_eq!(states, [("retrying", 1), ("pending", 0), ("pending", 0), ("retrying", 1)], "newest first");
    let failed = &log["deliveries"][0];
    assert!(failed["last_error"].as_str().unwrap().starts_with("could not connect"), "{failed}");
    assert!(failed["next_attempt_at"].is_string() && failed["last_status"].is_null());
    assert!(!failed.to_string().contains("whsec_"), "no secret in the log");
    // Not due before the backoff.
    assert_eq!(drain(&worker).await, Pass::default());
    clock.advance(Duration::seconds(6));
    assert_eq!(drain(&worker).await.retrying, 2);

    // Up again: the next retry (5 min later) delivers everything, in order.
    let receiver = Receiver::start_at(port).await;
    receiver.trust(&secret);
    clock.advance(Duration::minutes(6));
    assert_eq!(drain(&worker).await.delivered, 4);
    let times = check_received(&receiver.got(), &d.all_events().await);
    assert!(times.values().all(|n| *n == 1));
}

async fn a_worker_killed_mid_delivery_loses_nothing_and_another_instance_delivers(db: Db) {
    let clock = TestClock::at(monday_morning());
    let d = desk(spawn_app_with_clock(db, clock.clock()).await).await;
    let receiver = Receiver::start().await;
    let (_, secret) = d.subscribe(&receiver.url, &[], &[d.prison]).await;
    receiver.trust(&secret);
    d.request("2026-12-04").await;
    d.book_and_cancel("2026-12-05").await;

    // The first instance's worker sends, and dies before it hears the answer.
    receiver.delay(2_000);
    let first = worker(&d.app, true);
    let dying = tokio::spawn(async move { first.run_once().await });
    for _ in 0..100 {
        if !receiver.got().is_empty() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert!(!receiver.got().is_empty(), "a delivery was under way");
    dying.abort();
    receiver.delay(0);

    // Another instance on the same database takes over once the dead worker's claim runs out.
    let other = spawn_instance_like(&d.app, settings("", false), clock.clock()).await;
    let second = worker(&other, true);
    assert_eq!(drain(&second).await, Pass::default(), "the claim holds for its lease");
    clock.advance(Duration::seconds(61));
    drain(&second).await;
    let times = check_received(&receiver.got(), &d.all_events().await);
    assert!(times.values().all(|n| (1..=2).contains(n)), "at least once, at most one duplicate: {times:?}");
    assert!(times.values().any(|n| *n == 2), "the interrupted one came again, with the same webhook-id");
}

async fn unsafe_addresses_are_refused_at_create_and_at_delivery(db: Db) {
    let mut settings = settings("", false);
    settings.webhooks.allow_loopback = false;
    let d = desk(spawn_app_with_settings(db, api::clock::Clock::fixed(monday_morning()), settings).await).await;
    for url in [
        "http://127.0.0.1/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",
        "https://0.0.0.0/hook",
        "http://example.com/hook",
        "ftp://example.com/hook",
        "https://user:password@example.com/hook",
        "not a url",
    ] {
        let body = json!({"url": url, "prison_ids": [d.prison]});
        let refused = problem(d.app.post_as(&d.admin, "/api/v1/webhooks/subscriptions", &body).await, 422).await;
        assert_eq!(field_errors(&refused), [("url".to_owned(), "url_not_allowed".to_owned())], "{url}");
    }
    assert_eq!(d.app.count("webhook_subscription").await, 0);

    // A subscription whose host now resolves to loopback (as after DNS rebinding), or written before the rules:
    // the delivery is refused without connecting.
    let receiver = Receiver::start().await;
    let port = receiver.url.split(':').nth(2).unwrap().trim_end_matches("/hook").to_owned();
    for url in [format!("https://localhost:{port}/hook"), format!("https://127.0.0.1:{port}/hook")] {
        let now = monday_morning();
        let row = api::webhooks::store::SubscriptionRow {
            id: Uuid::now_v7(),
            url,
            description: String::new(),
            owner_api_key_id: None,
            all_events: true,
            event_types: ",".into(),
            secret: api::webhooks::secrets::generate(),
            previous_secret: None,
            previous_secret_until: None,
            enabled: true,
            disabled_reason: None,
            last_success_at: None,
            created_at: now,
            updated_at: now,
        };
        api::webhooks::store::insert_subscription(&d.app.state.db, row, &[d.prison]).await.unwrap();
    }
    d.request("2026-12-04").await;
    let pass = drain(&worker(&d.app, false)).await;
    assert_eq!((pass.delivered, pass.retrying), (0, 2));
    assert!(receiver.got().is_empty(), "nothing reached the loopback receiver");
    for subscription in api::webhooks::store::list_subscriptions(&d.app.state.db).await.unwrap() {
        let log = d.log(&subscription.id.to_string(), "").await;
        let error = log["deliveries"][0]["last_error"].as_str().unwrap();
        assert!(error.contains("refused") && error.contains("non-public"), "{error}");
    }
}

async fn the_delivery_log_pages_and_a_delivery_can_be_sent_again(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let receiver = Receiver::start().await;
    let (id, secret) = d.subscribe(&receiver.url, &["visit.requested"], &[d.prison]).await;
    receiver.trust(&secret);
    for day in ["2026-12-04", "2026-12-05", "2026-12-06"] {
        d.request(day).await;
    }
    drain(&worker(&d.app, true)).await;
    let first = d.log(&id, "?limit=2").await;
    assert_eq!(first["deliveries"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = d.log(&id, &format!("?limit=2&after={cursor}")).await;
    assert_eq!(second["deliveries"].as_array().unwrap().len(), 1);
    assert!(second.get("next_cursor").is_none());
    let bad = d.app.get_as(&d.admin, &format!("/api/v1/webhooks/subscriptions/{id}/deliveries?after=nope")).await;
    problem(bad, 400).await;

    // Sent again on request, with the same webhook-id.
    let event = second["deliveries"][0]["event_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/webhooks/subscriptions/{id}/deliveries/{event}/redeliver");
    let response = d.app.post_as(&d.admin, &path, &json!({})).await;
    assert_eq!(response.status(), 202);
    let queued: Value = response.json().await.unwrap();
    assert_eq!((queued["state"].as_str(), queued["attempts"].as_u64()), (Some("pending"), Some(0)));
    assert_eq!(drain(&worker(&d.app, true)).await.delivered, 1);
    assert_eq!(receiver.got().iter().filter(|r| r.id == event).count(), 2);
    let missing = format!("/api/v1/webhooks/subscriptions/{id}/deliveries/{}/redeliver", Uuid::new_v4());
    problem(d.app.post_as(&d.admin, &missing, &json!({})).await, 404).await;
    let elsewhere = format!("/api/v1/webhooks/subscriptions/{}/deliveries/{event}/redeliver", Uuid::new_v4());
    problem(d.app.post_as(&d.admin, &elsewhere, &json!({})).await, 404).await;

    // A rotated secret: both signatures for a while, so a receiver with either verifies.
    let response =
        d.app.post_as(&d.admin, &format!("/api/v1/webhooks/subscriptions/{id}/rotate-secret"), &json!({})).await;
    assert_eq!(response.status(), 200);
    let rotated: Value = response.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated["previous_secret_until"].is_string());
    for trusted in [&secret, &new_secret] {
        receiver.distrust_all();
        receiver.trust(trusted);
        d.request("2026-12-07").await;
        assert_eq!(drain(&worker(&d.app, true)).await.delivered, 1);
        let last = receiver.got().last().cloned().unwrap();
        assert_eq!((last.signatures, last.verified_by.len()), (2, 1), "{last:?}");
    }
}

async fn a_subscription_failing_for_three_days_is_turned_off_and_the_admins_told(db: Db) {
    let clock = TestClock::at(monday_morning());
    let d = desk(spawn_app_with_clock(db, clock.clock()).await).await;
    d.app.add_staff("second.admin@testbridge.example", "admin", &[]).await;
    let (id, _) = d.subscribe(&format!("http://127.0.0.1:{}/hook", free_port()), &[], &[d.prison]).await;
    d.request("2026-12-04").await;
    let worker = worker(&d.app, true);
    let mut tries = 0;
    for _ in 0..20 {
        let pass = drain(&worker).await;
        tries += pass.retrying + pass.failed;
        if pass.failed == 1 {
            break;
        }
        clock.advance(Duration::hours(23));
    }
    assert_eq!(tries, 11, "eleven tries over about three days");
    // Days later: a fresh admin token.
    let d = Desk { admin: d.app.access_token("admin@testbridge.example").await, ..d };
    let subscription: Value =
        d.app.get_as(&d.admin, &format!("/api/v1/webhooks/subscriptions/{id}")).await.json().await.unwrap();
    assert_eq!(subscription["enabled"], false);
    assert!(subscription["disabled_reason"].as_str().unwrap().contains("three days"));
    let log = d.log(&id, "").await;
    assert_eq!(
        (log["deliveries"][0]["state"].as_str(), log["deliveries"][0]["attempts"].as_u64()),
        (Some("failed"), Some(11))
    );
    assert_eq!(
        d.app.scalar("SELECT COUNT(*) AS n FROM outbox_message WHERE kind = 'webhook_disabled'").await,
        2,
        "each admin is emailed once"
    );
    let emails = api::outbox::worker::Worker::new(
        &d.app.state,
        api::outbox::email::Transport::Log,
        &Default::default(),
        &Default::default(),
    );
    emails.run_once().await.unwrap();
    let sent = "SELECT COUNT(*) AS n FROM outbox_message WHERE kind = 'webhook_disabled' AND state = 'sent'";
    assert_eq!(d.app.scalar(sent).await, 2, "the emails render and go");
    // While off, new events are not queued for it; on again, the next are.
    d.request("2026-12-21").await;
    fan_out(&d.app).await;
    assert_eq!(d.app.count("webhook_delivery").await, 1);
    let body = json!({"url": subscription["url"], "prison_ids": [d.prison], "enabled": true});
    let response = d
        .app
        .client
        .put(d.app.url(&format!("/api/v1/webhooks/subscriptions/{id}")))
        .bearer_auth(&d.admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let on: Value = response.json().await.unwrap();
    assert!(on["enabled"].as_bool().unwrap() && on.get("disabled_reason").is_none());
    d.request("2026-12-22").await;
    fan_out(&d.app).await;
    assert_eq!(d.app.count("webhook_delivery").await, 2);
}

async fn subscriptions_are_for_admins_and_every_field_is_checked(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let path = "/api/v1/webhooks/subscriptions";
    let good = json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison], "event_types": ["visit.booked"]});
    problem(d.app.post_as(&d.officer, path, &good).await, 403).await;
    problem(d.app.get_as(&d.officer, path).await, 403).await;
    problem(d.app.client.post(d.app.url(path)).json(&good).send().await.unwrap(), 401).await;

    let cases = [
        (json!({"url": "http://127.0.0.1:9/hook", "prison_ids": []}), "prison_ids", "required"),
        (json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [Uuid::new_v4()]}), "prison_ids[0]", "unknown_prison"),
        (
            json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison], "description": "x".repeat(201)}),
            "description",
            "too_long",
        ),
        (
            json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison], "description": "Visits \u{202e}metsys"}),
            "description",
            "invalid_characters",
        ),
        (
            json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison], "description": "Visits\u{200b}"}),
            "description",
            "invalid_characters",
        ),
    ];
    for (body, field, code) in cases {
        let refused = problem(d.app.post_as(&d.admin, path, &body).await, 422).await;
        assert_eq!(field_errors(&refused), [(field.to_owned(), code.to_owned())], "{body}");
    }
    let unknown_type =
        json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison], "event_types": ["visit.exploded"]});
    problem(d.app.post_as(&d.admin, path, &unknown_type).await, 422).await;

    let response = d.app.post_as(&d.admin, path, &good).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    assert_eq!(bytes.len(), 32);
    let id = created["id"].as_str().unwrap();
    let one: Value = d.app.get_as(&d.admin, &format!("{path}/{id}")).await.json().await.unwrap();
    assert!(one.get("secret").is_none(), "the secret is shown once");
    assert_eq!(one["event_types"], json!(["visit.booked"]));
    assert_eq!(one["prison_ids"], json!([d.prison]));
    let listed: Value = d.app.get_as(&d.admin, path).await.json().await.unwrap();
    assert!(!listed.to_string().contains("whsec_"));

    // Someone limited to another prison (as an API key will be) sees none of it: 404 as for a missing one, left
    // out of the list, and the prison refused as unknown.
    let other = add_test_prison(&d.app, domain::api::VisitingRules::default()).await;
    let limited = api::auth::Principal::Staff(api::auth::StaffUser {
        id: Uuid::new_v4(),
        email: "integrator@elsewhere.example".into(),
        name: "Integrator".into(),
        role: domain::staff::Role::Staff,
        prison_ids: vec![other],
    });
    let state = &d.app.state;
    let sub_id: Uuid = id.parse().unwrap();
    use api::webhooks::service;
    assert!(matches!(service::get(state, &limited, sub_id).await, Err(api::error::ApiError::NotFound)));
    assert!(matches!(service::rotate(state, &limited, sub_id).await, Err(api::error::ApiError::NotFound)));
    assert!(matches!(
        service::deliveries(state, &limited, sub_id, None, None).await,
        Err(api::error::ApiError::NotFound)
    ));
    assert!(service::list(state, &limited).await.unwrap().is_empty());
    let input: domain::events::SubscriptionInput =
        serde_json::from_value(json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [d.prison]})).unwrap();
    let Err(api::error::ApiError::Validation(errors)) = service::create(state, &limited, input).await else {
        panic!("another prison's subscription is refused")
    };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code),
        ("prison_ids[0]", domain::error::FieldErrorCode::UnknownPrison)
    );
    let input: domain::events::SubscriptionInput =
        serde_json::from_value(json!({"url": "http://127.0.0.1:9/hook", "prison_ids": [other]})).unwrap();
    let own = service::create(state, &limited, input).await.unwrap();
    assert_eq!(service::list(state, &limited).await.unwrap().len(), 1, "only its own");

    let response = d.app.client.delete(d.app.url(&format!("{path}/{id}"))).bearer_auth(&d.admin).send().await.unwrap();
    assert_eq!(response.status(), 204);
    problem(d.app.get_as(&d.admin, &format!("{path}/{id}")).await, 404).await;
    let listed: Value = d.app.get_as(&d.admin, path).await.json().await.unwrap();
    assert_eq!(listed[0]["id"], own.subscription.id.to_string(), "an admin sees every prison's");
}

/// A key's subscriptions are its own: another key with `webhooks:manage` at the same prison neither sees nor changes
/// them (404 as for none); an admin sees every one, with the key that made it. They deliver only while the key may
/// read what they carry: once the key loses a prison, that prison's events are not queued for it (and the key can
/// still see and remove its subscription); once it is revoked, a delivery already waiting is not sent and no new
/// one is queued.
async fn a_keys_subscriptions_are_its_own_and_deliver_only_while_the_key_could_read_them(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let other = add_test_prison(&d.app, domain::api::VisitingRules::default()).await;
    let make_key = |name: &'static str, prisons: Vec<Uuid>| {
        let body = json!({"name": name, "prison_ids": prisons, "scopes": ["webhooks:manage"]});
        let app = &d.app;
        let admin = d.admin.clone();
        async move {
            let created: Value = app.post_as(&admin, "/api/v1/api-keys", &body).await.json().await.unwrap();
            (created["key"]["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
        }
    };
    let (x_id, x) = make_key("Contact centre", vec![d.prison, other]).await;
    let (_, y) = make_key("Reporting tool", vec![d.prison]).await;
    let receiver = Receiver::start().await;
    let path = "/api/v1/webhooks/subscriptions";
    let body = json!({"url": receiver.url, "prison_ids": [d.prison, other]});
    let response = d.app.post_as(&x, path, &body).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["api_key_id"], x_id.as_str());
    receiver.trust(created["secret"].as_str().unwrap());
    let one = format!("{path}/{}", created["id"].as_str().unwrap());

    // Another key at the same prison: none of it.
    let listed: Value = d.app.get_as(&y, path).await.json().await.unwrap();
    assert_eq!(listed, json!([]));
    problem(d.app.get_as(&y, &one).await, 404).await;
    problem(d.app.get_as(&y, &format!("{one}/deliveries")).await, 404).await;
    problem(d.app.post_as(&y, &format!("{one}/rotate-secret"), &json!({})).await, 404).await;
    let hijack = json!({"url": "http://127.0.0.1:9/elsewhere", "prison_ids": [d.prison]});
    let put = d.app.client.put(d.app.url(&one)).bearer_auth(&y).json(&hijack).send().await.unwrap();
    problem(put, 404).await;
    problem(d.app.client.delete(d.app.url(&one)).bearer_auth(&y).send().await.unwrap(), 404).await;
    let admins: Value = d.app.get_as(&d.admin, path).await.json().await.unwrap();
    assert_eq!(admins[0]["api_key_id"], x_id.as_str(), "an admin sees it, and whose it is");
    assert_eq!(admins[0]["url"], receiver.url.as_str(), "unchanged");

    // Delivered while the key may read both prisons.
    d.request("2026-12-04").await;
    d.app.created_visit(&visit_request(other, &[("2026-12-04", "14:00", "16:00")])).await;
    assert_eq!(drain(&worker(&d.app, true)).await.delivered, 2);

    // The key loses the other prison: that prison's events are no longer queued for it; its own still are, and
    // the key still sees its subscription.
    let narrow = json!({"prison_ids": [d.prison]});
    let response = d.app.client.patch(d.app.url(&format!("/api/v1/api-keys/{x_id}"))).bearer_auth(&d.admin);
    assert_eq!(response.json(&narrow).send().await.unwrap().status(), 200);
    d.app.created_visit(&visit_request(other, &[("2026-12-05", "14:00", "16:00")])).await;
    d.request("2026-12-05").await;
    assert_eq!(drain(&worker(&d.app, true)).await.delivered, 1);
    assert_eq!(receiver.got().len(), 3);
    assert_eq!(d.app.get_as(&x, &one).await.status(), 200);

    // Revoked with a delivery waiting: it is not sent, and nothing new is queued.
    d.request("2026-12-06").await;
    fan_out(&d.app).await;
    let revoke = d.app.post_as(&d.admin, &format!("/api/v1/api-keys/{x_id}/revoke"), &json!({})).await;
    assert_eq!(revoke.status(), 200);
    let queued = d.app.count("webhook_delivery").await;
    d.request("2026-12-07").await;
    fan_out(&d.app).await;
    assert_eq!(d.app.count("webhook_delivery").await, queued, "nothing queued for a revoked key");
    assert_eq!(drain(&worker(&d.app, true)).await, Pass::default());
    assert_eq!(receiver.got().len(), 3, "nothing sent for a revoked key");
}

/// A slow receiver with a backlog holds only its share of the delivery slots: another subscription's deliveries, queued
/// after the backlog, all go out before the slow one's ninth request (with the backlog first in line, they would
/// wait for three rounds of its timeouts).
async fn a_slow_receiver_with_a_backlog_does_not_hold_up_another_subscription(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let slow = Receiver::start().await;
    slow.delay(1_500);
    let (_, secret) = d.subscribe(&slow.url, &[], &[d.prison]).await;
    slow.trust(&secret);
    for _ in 0..20 {
        d.request("2026-12-04").await;
    }
    // The slow one's backlog is queued before the fast one subscribes.
    fan_out(&d.app).await;
    let fast = Receiver::start().await;
    let (_, secret) = d.subscribe(&fast.url, &[], &[d.prison]).await;
    fast.trust(&secret);
    for _ in 0..4 {
        d.request("2026-12-05").await;
    }
    let settings = WebhookSettings {
        worker: false,
        allow_loopback: true,
        connect_timeout: StdDuration::from_millis(500),
        timeout: StdDuration::from_millis(700),
        concurrency: 8,
        ..Default::default()
    };
    let pass = DeliveryWorker::new(&d.app.state, &settings).unwrap().run_once().await.unwrap();
    assert_eq!((pass.delivered, pass.retrying), (4, 24), "the slow one's every try timed out and will be retried");
    let fast_got = fast.got();
    assert_eq!(fast_got.len(), 4);
    let mut slow_got: Vec<u64> = slow.got().iter().map(|r| r.seq).collect();
    slow_got.sort_unstable();
    let last_fast = fast_got.iter().map(|r| r.seq).max().unwrap();
    assert!(
        last_fast < slow_got[8],
        "the fast receiver's last ({last_fast}) came before the slow one's 9th: {slow_got:?}"
    );
}

/// Events recorded while a pass is busy with a slow receiver's backlog are queued and sent within that pass: another
/// subscription's new deliveries go out after the slow one's first round of timeouts, not after its whole backlog.
async fn events_recorded_during_a_long_pass_go_out_within_it(db: Db) {
    let d = desk(spawn_app_at(db, monday_morning()).await).await;
    let slow = Receiver::start().await;
    slow.delay(3_000);
    let (_, secret) = d.subscribe(&slow.url, &[], &[d.prison]).await;
    slow.trust(&secret);
    for _ in 0..24 {
        d.request("2026-12-04").await;
    }
    fan_out(&d.app).await;
    let settings = WebhookSettings {
        worker: false,
        allow_loopback: true,
        connect_timeout: StdDuration::from_millis(500),
        timeout: StdDuration::from_millis(2_000),
        poll_interval: StdDuration::from_millis(200),
        concurrency: 8,
    };
    let worker = DeliveryWorker::new(&d.app.state, &settings).unwrap();
    let pass = tokio::spawn(async move { worker.run_once().await.unwrap() });
    // Once the slow receiver is busy, another subscription and four new events.
    while slow.got().is_empty() {
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    let fast = Receiver::start().await;
    let (_, secret) = d.subscribe(&fast.url, &[], &[d.prison]).await;
    fast.trust(&secret);
    for _ in 0..4 {
        d.request("2026-12-05").await;
    }
    let pass = pass.await.unwrap();
    assert_eq!(pass.delivered, 4, "the new events went out in the same pass");
    let last_fast = fast.got().iter().map(|r| r.seq).max().unwrap();
    let mut slow_got: Vec<u64> = slow.got().iter().map(|r| r.seq).collect();
    slow_got.sort_unstable();
    assert!(last_fast < slow_got[12], "before the slow one's second round ended: {last_fast} {slow_got:?}");
}

on_both_databases!(
    every_event_arrives_once_signed_and_in_order_per_visit,
    events_recorded_during_a_long_pass_go_out_within_it,
    a_slow_receiver_with_a_backlog_does_not_hold_up_another_subscription,
    a_keys_subscriptions_are_its_own_and_deliver_only_while_the_key_could_read_them,
    a_receiver_down_for_a_while_gets_everything_in_order_after_retries,
    a_worker_killed_mid_delivery_loses_nothing_and_another_instance_delivers,
    unsafe_addresses_are_refused_at_create_and_at_delivery,
    the_delivery_log_pages_and_a_delivery_can_be_sent_again,
    a_subscription_failing_for_three_days_is_turned_off_and_the_admins_told,
    subscriptions_are_for_admins_and_every_field_is_checked
);

#[test]
fn the_openapi_document_describes_every_event_type_in_its_webhooks_section() {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let webhooks = spec["webhooks"].as_object().unwrap();
    let names: BTreeSet<&str> = webhooks.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = domain::events::EventType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(names, expected);
    for (name, item) in webhooks {
        let post = &item["post"];
        let headers: Vec<&str> =
            post["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(headers, ["webhook-id", "webhook-timestamp", "webhook-signature"]);
        let content = &post["requestBody"]["content"]["application/json"];
        assert_eq!(content["example"]["type"], name.as_str());
        let data = content["schema"]["properties"]["data"]["$ref"].as_str().unwrap();
        let schema = data.trim_start_matches("#/components/schemas/");
        assert!(spec["components"]["schemas"][schema].is_object(), "{schema} is described");
    }
}
