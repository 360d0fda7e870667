//! Operations: what the service does when its database goes away or several instances start at once, and the
//! response headers that keep pages and personal data safe in a browser.

use std::time::Duration;

use api::clock::Clock;
use api::startup::Application;
use domain::api::VisitingRules;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::*;
use crate::on_both_databases;

// ---- Responses ----

async fn the_day_list_csv_starts_with_a_byte_order_mark_so_spreadsheets_read_utf8(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    body["lead_visitor"]["first_name"] = json!("Siân");
    let visit = app.created_visit(&body).await;
    app.book(visit["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;

    let response = app.get_as(&officer, &format!("/api/v1/staff/prisons/{prison}/day-list.csv?date=2026-12-04")).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    // Excel reads a CSV without a BOM as Windows-1252 and shows "SiÃ¢n".
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "{:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(40)]));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(!text.starts_with('\u{feff}'), "exactly one BOM");
    assert!(text.contains("Siân"), "{text}");
}

/// Every staff, admin and visitor-personal answer tells browsers and proxies not to keep it.
async fn staff_admin_and_personal_answers_are_never_stored(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    app.add_staff("admin@testbridge.example", "admin", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let admin = app.access_token("admin@testbridge.example").await;
    let created = app.create_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")]), None).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "POST /visits");
    let visit: Value = created.json().await.unwrap();
    let (id, reference, token) =
        (visit["id"].as_str().unwrap(), visit["reference"].as_str().unwrap(), visit["status_token"].as_str().unwrap());

    let mut answers = vec![
        ("visit by token".to_owned(), app.visit_status(reference, token).await),
        ("sign-in tokens".to_owned(), app.sign_in("officer@testbridge.example", STAFF_PASSWORD).await),
    ];
    for path in [
        format!("/api/v1/staff/prisons/{prison}/day-list?date=2026-12-04"),
        format!("/api/v1/staff/prisons/{prison}/day-list.csv?date=2026-12-04"),
        "/api/v1/staff/me".to_owned(),
        "/api/v1/staff/inbox".to_owned(),
        format!("/api/v1/staff/visits/{id}"),
        format!("/api/v1/staff/visits?q={reference}"),
        format!("/api/v1/staff/prisons/{prison}/metrics"),
        format!("/api/v1/staff/prisons/{prison}/timetable"),
    ] {
        answers.push((path.clone(), app.get_as(&officer, &path).await));
    }
    answers.push(("/api/v1/admin/staff".into(), app.get_as(&admin, "/api/v1/admin/staff").await));
    let notifications = format!("/api/v1/staff/prisons/{prison}/notifications");
    answers.push((notifications.clone(), app.get_as(&admin, &notifications).await));
    let decision = json!({"outcome": "grant", "slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"},
                          "expected_version": 0, "booking_reference": "VO-1234"});
    answers.push((
        "decision".into(),
        app.post_as(&officer, &format!("/api/v1/staff/visits/{id}/decision"), &decision).await,
    ));
    for (what, response) in answers {
        assert!(response.status().is_success(), "{what}: {}", response.status());
        assert_eq!(response.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{what}");
    }
    // Public, shared answers stay cacheable by default (no no-store forced on them).
    let prisons = app.get("/api/v1/prisons").await;
    assert_ne!(prisons.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"));
}

async fn spawn_with_client(db: Db, dir: &std::path::Path) -> (String, TestDb) {
    let test_db = TestDb::new(db).await;
    let mut settings = settings(&test_db.url, false);
    settings.static_dir = dir.to_path_buf();
    let app = Application::build_with_clock(settings, Clock::fixed(monday_morning())).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (address, test_db)
}

fn csp(response: &reqwest::Response) -> String {
    response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The pages carry a Content-Security-Policy the WebAssembly client works under and that allows no inline script
/// but a server-rendered page's own, by a nonce made for that response.
async fn pages_and_api_docs_carry_a_strict_content_security_policy(db: Db) {
    let dir = std::env::temp_dir().join(format!("pvb-csp-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let frontend = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend");
    for (app, page) in [("visitor", "index.html"), ("staff", "staff.html")] {
        std::fs::copy(frontend.join(app).join(page), dir.join(page)).unwrap();
    }
    let (address, _db) = spawn_with_client(db, &dir).await;
    for (path, status) in
        [("/", 200), ("/book/times", 200), ("/staff", 200), ("/staff/inbox", 200), ("/visit/7KQ2M9XD", 404)]
    {
        let response = reqwest::get(format!("{address}{path}")).await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        let policy = csp(&response);
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.split(';').any(|d| d.trim() == directive), "{path}: {directive} missing from {policy:?}");
        }
        let scripts = policy.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_default();
        let nonce = scripts.split_whitespace().find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''));
        let expected = match nonce {
            Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
            None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
        };
        assert_eq!(scripts, expected, "{path}");
        // Under that policy only a script from a file, or carrying this response's nonce, runs.
        let html = response.text().await.unwrap();
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            let allowed = tag.contains("src=") || nonce.is_some_and(|n| tag.contains(&format!("nonce=\"{n}\"")));
            assert!(allowed, "{path}: an inline <script{tag}> is blocked by the policy");
        }
    }
    let docs = reqwest::get(format!("{address}/api/docs/")).await.unwrap();
    assert_eq!(docs.status(), 200);
    let policy = csp(&docs);
    assert!(policy.contains("frame-ancestors 'none'"), "{policy:?}");
    assert!(policy.contains("script-src 'self'"), "{policy:?}");
    let api = reqwest::get(format!("{address}/api/v1/prisons")).await.unwrap();
    assert!(csp(&api).contains("default-src 'none'"), "{:?}", csp(&api));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `PUT /admin/prisons/{id}` without `rules` keeps the prison's rules: a partial update never resets them.
async fn changing_a_prisons_details_without_rules_keeps_its_rules(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = app.access_token("admin@testbridge.example").await;
    let rules = json!({"adult_age": 16, "max_visitors": 4, "max_adults": 2, "booking_window_days": 21,
                       "processing_days": 2, "weekend_processing": true, "instant_booking": true});
    let mut body = json!({
        "name": "HMP Elsewhere", "code": "ELS",
        "address": {"lines": ["2 Road"], "town": "Elsewhere", "postcode": "EL1 1AA"},
        "email": "visits@elsewhere.example", "phone": "01632 960002", "rules": rules
    });
    let created = app.post_as(&admin, "/api/v1/admin/prisons", &body).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["rules"], rules);
    let path = format!("/api/v1/admin/prisons/{}", created["id"].as_str().unwrap());

    body.as_object_mut().unwrap().remove("rules");
    body["name"] = json!("HMP Elsewhere Renamed");
    let response = app.client.put(app.url(&path)).bearer_auth(&admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["name"], "HMP Elsewhere Renamed");
    assert_eq!(updated["rules"], rules, "the rules survive an update that does not mention them");
    let public: Value =
        app.get(&format!("/api/v1/prisons/{}", created["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(public["rules"], rules);

    // Sent, they replace the old ones.
    body["rules"] = json!({"adult_age": 18, "max_visitors": 3, "max_adults": 3, "booking_window_days": 28,
                           "processing_days": 3, "weekend_processing": false, "instant_booking": false});
    let response = app.client.put(app.url(&path)).bearer_auth(&admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["rules"], body["rules"]);
}

// ---- Several instances ----

/// Three instances started at the same moment on one fresh PostgreSQL database all come up (they crashed in
/// migrations), and each migration runs once. (SQLite's one file is served by one instance.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_on_a_fresh_postgres_database_all_come_up() {
    let test_db = TestDb::new(Db::Postgres).await;
    let starts = (0..3).map(|_| {
        let url = test_db.url.clone();
        tokio::spawn(async move { spawn_instance(&url, Clock::fixed(monday_morning()), false).await })
    });
    let apps = futures_util::future::join_all(starts).await;
    let apps: Vec<TestApp> = apps.into_iter().map(|a| a.expect("every instance starts")).collect();
    for app in &apps {
        assert_eq!(app.get("/api/v1/ready").await.status(), 200);
    }
    let applied = apps[0].count("seaql_migrations").await;
    let known = apps[0].scalar("SELECT COUNT(DISTINCT version) AS n FROM seaql_migrations").await;
    assert_eq!(applied, known, "each migration recorded once");
    assert_eq!(applied as usize, migration_count());
}

fn migration_count() -> usize {
    use migration::MigratorTrait;
    migration::Migrator::migrations().len()
}

/// Production start (no `MIGRATE_ON_START`) never creates or migrates a database: a missing SQLite file (deleted,
/// or a wrong path) and an unmigrated PostgreSQL database stop it with what to run; after `migrate` it starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_migrate_on_start_a_missing_or_unmigrated_database_is_refused_until_migrated() {
    for db in [Db::Sqlite, Db::Postgres] {
        let test_db = TestDb::new(db).await;
        let mut production = settings(&test_db.url, false);
        production.migrate_on_start = false;
        let refused = match Application::build_with_clock(production.clone(), Clock::fixed(monday_morning())).await {
            Ok(_) => panic!("{db:?}: started on a database nobody created or migrated"),
            Err(e) => format!("{e:#}"),
        };
        assert!(refused.contains("prison-visits migrate"), "{db:?}: {refused}");
        if let Some(file) = api::db::sqlite_path(&test_db.url) {
            assert!(!file.exists(), "no empty database file left behind");
        }
        // What `prison-visits migrate` does.
        let connect = api::startup::connect_settings(&production, true);
        let pool = api::db::connect(&test_db.url, connect).await.unwrap();
        api::db::migrate(&pool).await.unwrap();
        pool.close().await.unwrap();
        let app = Application::build_with_clock(production, Clock::fixed(monday_morning())).await.unwrap();
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        assert_eq!(reqwest::get(format!("{address}/api/v1/ready")).await.unwrap().status(), 200, "{db:?}");
    }
}

// ---- SQLite durability ----

/// A commit the service has answered 201 for survives a power cut: SQLite syncs every commit (`synchronous=FULL`).
#[tokio::test]
async fn sqlite_syncs_every_commit_by_default() {
    let app = spawn_app_at(Db::Sqlite, monday_morning()).await;
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "PRAGMA synchronous"))
        .await
        .unwrap()
        .unwrap();
    // 2 is FULL (0 OFF, 1 NORMAL, 3 EXTRA).
    assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), 2);
}

/// The database file deleted under a running service: readiness says so instead of answering from a ghost file.
#[tokio::test]
async fn readiness_fails_when_the_sqlite_file_is_deleted() {
    let app = spawn_app_at(Db::Sqlite, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let booking = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    app.created_visit(&booking).await;
    assert_eq!(app.get("/api/v1/ready").await.status(), 200);
    let file = app.db_url.trim_start_matches("sqlite://").split('?').next().unwrap().to_owned();
    std::fs::remove_file(&file).unwrap();
    let ready = problem(app.get("/api/v1/ready").await, 503).await;
    assert_eq!(ready["code"], "service_unavailable");
    // Nor is a visitor told "received" for a request written to a file that is gone.
    let refused = app.create_visit(&booking, None).await;
    assert!(refused.headers().contains_key("retry-after"));
    // Refused by a middleware, not a handler: the answer still names its request.
    let id = refused.headers()["x-request-id"].to_str().unwrap().to_owned();
    let refused = problem(refused, 503).await;
    assert_eq!(refused["code"], "service_unavailable");
    assert_eq!(refused["request_id"], id.as_str());
}

// ---- PostgreSQL outage ----

/// A TCP proxy in front of the test PostgreSQL server, which the test stops (closing every connection and refusing
/// new ones, as a stopped server does) and starts again on the same port.
struct PgProxy {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl PgProxy {
    async fn start(port: u16) -> PgProxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        PgProxy { port, task }
    }

    /// Closes the listener and every forwarded connection.
    async fn stop(self) -> u16 {
        self.task.abort();
        let _ = self.task.await;
        self.port
    }
}

/// PostgreSQL stopped: readiness and a booking answer 503 problem+json with Retry-After well within the 8 s a
/// client waits (they took 10 s, the booking as a 500), and the service recovers without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_postgres_gets_503_with_retry_after_quickly_then_recovers() {
    let test_db = TestDb::new(Db::Postgres).await;
    let proxy = PgProxy::start(0).await;
    let proxied = test_db.url.replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port));
    assert_ne!(proxied, test_db.url, "TEST_POSTGRES_URL must be 127.0.0.1:5432 for this test");
    let mut production = settings(&proxied, false);
    production.database_acquire_timeout = api::db::POSTGRES_ACQUIRE_TIMEOUT;
    let app = spawn_instance_with(production, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let booking = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    app.created_visit(&booking).await;

    let port = proxy.stop().await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(8)).build().unwrap();
    for _ in 0..2 {
        let ready = client.get(app.url("/api/v1/ready")).send().await.expect("readiness answers within 8 s");
        assert!(ready.headers().contains_key("retry-after"));
        assert_eq!(problem(ready, 503).await["code"], "service_unavailable");
        let created =
            client.post(app.url("/api/v1/visits")).json(&booking).send().await.expect("a booking answers within 8 s");
        let retry_after: u64 = created.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry_after >= 1);
        let body = problem(created, 503).await;
        assert_eq!(body["code"], "service_unavailable");
        assert!(!body.to_string().to_lowercase().contains("connection"), "no database text: {body}");
    }

    let _proxy = PgProxy::start(port).await;
    let mut ready = false;
    for _ in 0..40 {
        if client.get(app.url("/api/v1/ready")).send().await.is_ok_and(|r| r.status() == 200) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ready, "ready again once PostgreSQL is back, without a restart");
    app.created_visit(&booking).await;
}

/// A TCP proxy in front of the test PostgreSQL server that can go silent: while frozen it keeps every connection
/// open and accepts new ones, but passes nothing on, as a network partition or a firewall dropping packets does.
struct SilentProxy {
    port: u16,
    frozen: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SilentProxy {
    async fn start() -> SilentProxy {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
        async fn pump(
            mut from: impl AsyncRead + Unpin,
            mut to: impl AsyncWrite + Unpin,
            frozen: std::sync::Arc<std::sync::atomic::AtomicBool>,
        ) {
            let mut buf = vec![0u8; 16 * 1024];
            while let Ok(n @ 1..) = from.read(&mut buf).await {
                while frozen.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if to.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let switch = frozen.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let Ok(outbound) = TcpStream::connect("127.0.0.1:5432").await else { continue };
                let (client_read, client_write) = inbound.into_split();
                let (server_read, server_write) = outbound.into_split();
                tokio::spawn(pump(client_read, server_write, switch.clone()));
                tokio::spawn(pump(server_read, client_write, switch.clone()));
            }
        });
        SilentProxy { port, frozen }
    }

    fn freeze(&self, frozen: bool) {
        self.frozen.store(frozen, std::sync::atomic::Ordering::SeqCst);
    }
}

/// PostgreSQL gone silent with connections open (a partition): calls holding a connection already are answered 503
/// problem+json with Retry-After at the request deadline, not held for minutes, and the service recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_postgres_gets_503_at_the_request_deadline_then_recovers() {
    let test_db = TestDb::new(Db::Postgres).await;
    let proxy = SilentProxy::start().await;
    let proxied = test_db.url.replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port));
    assert_ne!(proxied, test_db.url, "TEST_POSTGRES_URL must be 127.0.0.1:5432 for this test");
    let mut production = settings(&proxied, false);
    production.database_acquire_timeout = api::db::POSTGRES_ACQUIRE_TIMEOUT;
    production.request_timeout = api::config::DEFAULT_REQUEST_TIMEOUT;
    let app = spawn_instance_with(production, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let booking = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    app.created_visit(&booking).await;

    proxy.freeze(true);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(12)).build().unwrap();
    let calls = (0..4).map(|i| {
        let request = if i % 2 == 0 {
            client.get(app.url("/api/v1/prisons"))
        } else {
            client.post(app.url("/api/v1/visits")).json(&booking)
        };
        async move { request.send().await.expect("answered within 12 s, not held") }
    });
    for answer in futures_util::future::join_all(calls).await {
        assert!(answer.headers().contains_key("retry-after"), "{:?}", answer.headers());
        assert_eq!(problem(answer, 503).await["code"], "service_unavailable");
    }

    proxy.freeze(false);
    let mut created = false;
    for _ in 0..40 {
        if client.post(app.url("/api/v1/visits")).json(&booking).send().await.is_ok_and(|r| r.status() == 201) {
            created = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(created, "bookings taken again once PostgreSQL answers, without a restart");
}

on_both_databases!(
    the_day_list_csv_starts_with_a_byte_order_mark_so_spreadsheets_read_utf8,
    staff_admin_and_personal_answers_are_never_stored,
    pages_and_api_docs_carry_a_strict_content_security_policy,
    changing_a_prisons_details_without_rules_keeps_its_rules,
);
