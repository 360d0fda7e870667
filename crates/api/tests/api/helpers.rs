//! A real server on a random port over a fresh database per test, SQLite or PostgreSQL.

use std::path::PathBuf;

use api::clock::Clock;
use api::config::{LogFormat, Settings};
use api::db;
use api::startup::Application;
use api::state::AppState;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use domain::api::VisitingRules;
use domain::calendar::{DateSlot, WeeklySlot};
use domain::slot::Slot;
use domain::visit::Actor;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
    /// PostgreSQL with `POSTGRES_FAST_PATHS` off: the portable paths SQLite takes (see `on_every_path!`).
    PostgresPortable,
}

/// Runs each named `async fn name(db: Db)` of the calling module once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::helpers::Db::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::helpers::Db::Postgres).await } )*
        }
    };
}

/// Like `on_both_databases!`, and once more on PostgreSQL with its fast paths off, for the tests of the use cases
/// that have a PostgreSQL-only twin (`api::db::postgres_fast_paths`: the grant, the staff's visit record), so both
/// twins pass the same tests.
#[macro_export]
macro_rules! on_every_path {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_databases!($($name),*);
        $crate::on_portable_postgres!($($name),*);
    };
}

/// The PostgreSQL run of `on_every_path!` with the fast paths off, alone: for a module that runs only some of its
/// `on_both_databases!` tests this way (the slow races that grant).
#[macro_export]
macro_rules! on_portable_postgres {
    ($($name:ident),* $(,)?) => {
        mod postgres_portable {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::helpers::Db::PostgresPortable).await } )*
        }
    };
}

/// Monday 30 November 2026, 09:00 in London. Confirm-by is Thursday 3 December; the first bookable date is
/// Friday 4 December; the last is Monday 28 December.
pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).single().unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn time(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}

pub fn slot(d: &str, start: &str, end: &str) -> Slot {
    Slot::new(date(d), time(start), time(end))
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// The database a test owns; dropped (PostgreSQL) or deleted (SQLite) when the test ends.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    sqlite_file: Option<PathBuf>,
}

impl TestDb {
    pub async fn new(db: Db) -> TestDb {
        let id = Uuid::new_v4().simple().to_string();
        match db {
            Db::Sqlite => {
                let file = std::env::temp_dir().join(format!("pvb-test-{id}.db"));
                TestDb { url: format!("sqlite://{}?mode=rwc", file.display()), pg_name: None, sqlite_file: Some(file) }
            }
            Db::Postgres | Db::PostgresPortable => {
                let name = format!("pvb_test_{id}");
                let admin = Database::connect(format!("{}/postgres", postgres_admin_url()))
                    .await
                    .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (or TEST_POSTGRES_URL) for the tests");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                TestDb { url: format!("{}/{name}", postgres_admin_url()), pg_name: Some(name), sqlite_file: None }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some(name) = self.pg_name.take() {
            // Drop needs its own runtime: the test's runtime is shutting down.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(format!("{}/postgres", postgres_admin_url())).await {
                        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub db_url: String,
    _db: Option<TestDb>,
}

pub fn settings(url: &str, demo_data: bool) -> Settings {
    Settings {
        database_url: url.to_owned(),
        database_max_connections: 10,
        // Race tests put a 2-core machine under a load no prison makes; they prove what is written, not how fast,
        // so they wait for a connection as long as before. The outage test sets the production default back.
        database_acquire_timeout: std::time::Duration::from_secs(10),
        // The same for the whole request: the outage tests set the production default back.
        request_timeout: std::time::Duration::from_secs(60),
        bind: "127.0.0.1:0".parse().unwrap(),
        demo_data,
        static_dir: PathBuf::from("/nonexistent"),
        log_format: LogFormat::Json,
        secret_key: None,
        workers: Some(2),
        email: Default::default(),
        // Tests run the outbox worker themselves, pass by pass, against their own mail server.
        texts: Default::default(),
        jobs: api::config::JobSettings { worker: false, ..Default::default() },
        // The same for webhooks, to receivers on loopback.
        webhooks: api::config::WebhookSettings { worker: false, allow_loopback: true, ..Default::default() },
        records: Default::default(),
        // Many tests make many visit requests from 127.0.0.1; the tests of the limits turn them back on.
        limits: api::config::LimitSettings::default().without_visit_request_limits(),
        trusted_proxies: Vec::new(),
        postgres_fast_paths: true,
        sqlite_synchronous: Default::default(),
        // Each test starts on a fresh database, as the demo does.
        migrate_on_start: true,
    }
}

/// A server with no prisons, its clock stopped at `now`.
pub async fn spawn_app_at(db: Db, now: DateTime<Utc>) -> TestApp {
    spawn_app_with_settings(db, Clock::fixed(now), settings("", false)).await
}

/// A server with no prisons whose clock the test moves.
pub async fn spawn_app_with_clock(db: Db, clock: Clock) -> TestApp {
    spawn_app_with_settings(db, clock, settings("", false)).await
}

/// A clock the test moves forward.
#[derive(Clone)]
pub struct TestClock(std::sync::Arc<std::sync::Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn at(now: DateTime<Utc>) -> TestClock {
        TestClock(std::sync::Arc::new(std::sync::Mutex::new(now)))
    }

    pub fn clock(&self) -> Clock {
        let now = self.0.clone();
        Clock::from_fn(move || *now.lock().unwrap())
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Another instance on the same database (as when the service runs on several machines), with its own clock.
pub async fn spawn_instance(url: &str, clock: Clock, demo_data: bool) -> TestApp {
    spawn_instance_with(settings(url, demo_data), clock).await
}

/// A server with these settings over a fresh database (the settings' database URL is replaced).
pub async fn spawn_app_with_settings(db: Db, clock: Clock, mut settings: Settings) -> TestApp {
    let test_db = TestDb::new(db).await;
    settings.database_url = test_db.url.clone();
    settings.postgres_fast_paths = !matches!(db, Db::PostgresPortable);
    let mut app = spawn_instance_with(settings, clock).await;
    app._db = Some(test_db);
    app
}

/// Visit request limits on, at these values (per address an hour, per prisoner and per email a day).
pub fn with_visit_limits(mut settings: Settings, per_address: u32, per_prisoner: u32, per_email: u32) -> Settings {
    settings.limits.visit_requests_per_address = per_address;
    settings.limits.visit_requests_per_prisoner = per_prisoner;
    settings.limits.visit_requests_per_email = per_email;
    settings
}

/// `X-Forwarded-For` believed from these proxies (as `TRUSTED_PROXIES` would say).
pub fn trusting_proxies(mut settings: Settings, proxies: &str) -> Settings {
    settings.trusted_proxies = proxies.split(',').map(|p| p.trim().parse().unwrap()).collect();
    settings
}

/// Another instance on the same database as `app`, with these settings.
pub async fn spawn_instance_like(app: &TestApp, mut settings: Settings, clock: Clock) -> TestApp {
    settings.database_url = app.db_url.clone();
    spawn_instance_with(settings, clock).await
}

/// A server with exactly these settings, on the database they name.
pub async fn spawn_instance_with(settings: Settings, clock: Clock) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        api::telemetry::init(LogFormat::Pretty);
    }
    let url = settings.database_url.clone();
    let url = url.as_str();
    let app = Application::build_with_clock(settings, clock).await.expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { address, client: reqwest::Client::new(), state, db_url: url.to_owned(), _db: None }
}

/// A prison whose timetable the tests know by heart: every day 14:00-16:00 with 2 places (1 closed-visit place),
/// closed on Christmas Day, and Saturday 12 December replaced by a 10:00-12:00 family session with 5 places.
pub async fn add_test_prison(app: &TestApp, rules: VisitingRules) -> Uuid {
    add_test_prison_with_capacity(app, rules, 2).await
}

/// The same prison with `capacity` open places in each afternoon session.
pub async fn add_test_prison_with_capacity(app: &TestApp, rules: VisitingRules, capacity: u32) -> Uuid {
    let id = Uuid::new_v4();
    let db = &app.state.db;
    api::prisons::store::insert(
        db,
        api::prisons::store::NewPrison {
            id,
            code: &format!("T{}", &id.simple().to_string()[..6]),
            name: "HMP Testbridge",
            address_lines: &["1 Gate Street"],
            town: "Testbridge",
            postcode: "TB1 1AA",
            email: "visits@testbridge.example",
            phone: "01632 960000",
            rules,
            demo: false,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    for weekday in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun] {
        let weekly = WeeklySlot {
            weekday,
            start: time("14:00"),
            end: time("16:00"),
            capacity,
            closed_capacity: 1,
            valid_from: None,
            valid_to: None,
        };
        api::prisons::store::insert_weekly_slot(db, id, &weekly).await.unwrap();
    }
    api::prisons::store::insert_closed_date(db, id, date("2026-12-25"), Some("Christmas Day")).await.unwrap();
    let family = DateSlot {
        date: date("2026-12-12"),
        start: time("10:00"),
        end: time("12:00"),
        capacity: 5,
        closed_capacity: 0,
    };
    api::prisons::store::insert_replacement_slot(db, id, &family).await.unwrap();
    id
}

/// A request every rule accepts, for `slots` given as (date, start, end).
pub fn visit_request(prison_id: Uuid, slots: &[(&str, &str, &str)]) -> Value {
    json!({
        "prison_id": prison_id,
        "prisoner": {"first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12", "number": "a1234bc"},
        "lead_visitor": {"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01",
                         "email": "mary.smith@example.com", "phone": "07700 900123"},
        "other_visitors": [{"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-09"}],
        "slots": slots.iter().map(|(d, s, e)| json!({"date": d, "start": s, "end": e})).collect::<Vec<_>>(),
        "locale": "en"
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn create_visit(&self, body: &Value, idempotency_key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.post(self.url("/api/v1/visits")).json(body);
        if let Some(key) = idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        req.send().await.unwrap()
    }

    /// Creates a visit that must be accepted; returns the 201 body.
    pub async fn created_visit(&self, body: &Value) -> Value {
        let response = self.create_visit(body, None).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    pub async fn visit_status(&self, reference: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(&format!("/api/v1/visits/{reference}")))
            .header("x-visit-token", token)
            .send()
            .await
            .unwrap()
    }

    pub async fn visit_action(&self, reference: &str, token: &str, action: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/visits/{reference}/{action}")))
            .header("x-visit-token", token)
            .send()
            .await
            .unwrap()
    }

    pub async fn availability(&self, prison_id: Uuid, query: &str) -> reqwest::Response {
        self.get(&format!("/api/v1/prisons/{prison_id}/availability{query}")).await
    }

    /// Books a requested visit into `slot`, as a staff decision will.
    pub async fn book(&self, visit_id: Uuid, slot: Slot) {
        api::staff_visits::decide::book_now(&self.state, visit_id, slot, Actor::Staff).await.unwrap();
    }

    /// The `n` column of the first row `sql` returns (a number the test reads straight from the database).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let db = &self.state.db;
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    /// Runs `sql` straight on the database, behind the service's back, for the row of `visit_id` (written `{id}` in
    /// `sql`, bound as each engine stores ids).
    pub async fn execute_for_visit(&self, sql: &str, visit_id: Uuid) {
        let db = &self.state.db;
        let backend = db.get_database_backend();
        let placeholder = if backend == sea_orm::DbBackend::Postgres { "$1" } else { "?" };
        let statement = Statement::from_sql_and_values(backend, sql.replace("{id}", placeholder), [visit_id.into()]);
        assert_eq!(db.execute_raw(statement).await.unwrap().rows_affected(), 1);
    }

    pub async fn count(&self, table: &str) -> i64 {
        let db = &self.state.db;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

/// Reads a problem+json response, checking its content type and status.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response.headers().get("x-request-id").map(|id| id.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    // Every problem names its request, as its X-Request-Id header does, so a reported error leads to its log lines.
    let named = body["request_id"].as_str().filter(|id| !id.is_empty());
    assert!(named.is_some() && named == request_id.as_deref(), "request_id {request_id:?}: {body}");
    body
}

/// A problem without its `request_id`, which is each request's own: for showing two answers say the same thing.
pub fn but_request_id(mut problem: Value) -> Value {
    if let Some(fields) = problem.as_object_mut() {
        fields.remove("request_id");
    }
    problem
}

/// The `code`s of a 422's field errors, as (field, code) pairs.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

pub const STAFF_PASSWORD: &str = "a long enough staff password";

impl TestApp {
    /// A staff account straight in the database (as `create-admin` or an admin would make it).
    pub async fn add_staff(&self, email: &str, role: &str, prisons: &[Uuid]) -> Uuid {
        let id = Uuid::new_v4();
        let hash = api::auth::hash_password(STAFF_PASSWORD).unwrap();
        let role = role.parse().unwrap();
        let staff = api::staff::store::NewStaff { id, email, name: "Test Officer", password_hash: &hash, role };
        api::staff::store::insert(&self.state.db, staff, Utc::now()).await.unwrap();
        api::staff::store::set_prisons(&self.state.db, id, prisons).await.unwrap();
        id
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/staff/sign-in"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Signs in and returns the token pair.
    pub async fn token_pair(&self, email: &str, password: &str) -> Value {
        let response = self.sign_in(email, password).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn refresh(&self, refresh_token: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/staff/token/refresh"))
            .json(&json!({"refresh_token": refresh_token}))
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_out(&self, refresh_token: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/staff/sign-out"))
            .json(&json!({"refresh_token": refresh_token}))
            .send()
            .await
            .unwrap()
    }

    /// The status `GET /staff/me` answers with this access token.
    pub async fn me_status(&self, access_token: &Value) -> u16 {
        self.get_as(access_token.as_str().unwrap(), "/api/v1/staff/me").await.status().as_u16()
    }

    /// Signs in and returns the access token.
    pub async fn access_token(&self, email: &str) -> String {
        let response = self.sign_in(email, STAFF_PASSWORD).await;
        assert_eq!(response.status(), 200);
        let tokens: Value = response.json().await.unwrap();
        tokens["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.unwrap()
    }

    /// The key the service signs access tokens with, to forge tokens in tests.
    pub async fn jwt_key(&self) -> Vec<u8> {
        use sha2::Digest;
        let secret = db::secrets::get_or_create(&self.state.db, "unused", Utc::now()).await.unwrap();
        sha2::Sha256::digest(format!("staff-jwt:{secret}").as_bytes()).to_vec()
    }
}

/// The claims of a JWT, read without checking it (to see what the service put in).
pub fn token_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Bytes a misbehaving test server streams: 20 MB in all.
pub const BIG_BODY: usize = 20 * 1024 * 1024;

/// A body of [`BIG_BODY`] bytes: `head`, spaces in 64 KiB chunks, then `tail`, counting in `served` each byte handed
/// to the connection (so a test can tell how much its client read before it stopped).
pub fn big_body(
    head: &'static str,
    tail: &'static str,
    served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> impl futures_util::Stream<Item = Result<actix_web::web::Bytes, std::convert::Infallible>> {
    const CHUNK: usize = 65_536;
    futures_util::stream::unfold(0usize, move |sent| {
        let served = served.clone();
        async move {
            let chunk = match sent {
                n if n >= BIG_BODY => return None,
                0 if !head.is_empty() => head.as_bytes().to_vec(),
                n if n + CHUNK >= BIG_BODY => tail.as_bytes().to_vec(),
                _ => vec![b' '; CHUNK],
            };
            served.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
            let next = if sent + CHUNK >= BIG_BODY { BIG_BODY } else { sent + chunk.len() };
            Some((Ok(actix_web::web::Bytes::from(chunk)), next))
        }
    })
}
