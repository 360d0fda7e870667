//! Builds the application: database, migrations, demo data, then the HTTP server bound before it is spawned
//! (so a test can ask for port 0 and learn the port).

use std::net::TcpListener;
use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{Server, Service, ServiceRequest, ServiceResponse, fn_service};
use actix_web::error::{InternalError, JsonPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpResponse, HttpServer, ResponseError, web};
use anyhow::Context;
use domain::calendar::BankHolidays;
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::clock::Clock;
use crate::config::{ExposeSecret, RecordsSettings, Settings};
use crate::error::ApiError;
use crate::outbox::email::Transport;
use crate::outbox::worker::Worker;
use crate::state::AppState;
use crate::visits::tokens;
use crate::{db, openapi, seed, static_files};

use crate::json::JSON_LIMIT;

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    worker: Option<tokio::task::JoinHandle<()>>,
    webhook_worker: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Application::build_with_clock(settings, Clock::system()).await
    }

    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<Application> {
        let state = prepare(&settings, clock).await?;
        warn_if_bank_holidays_run_out(state.clock.now());
        let listener =
            TcpListener::bind(settings.bind).with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let server = run(listener, state.clone(), settings.static_dir.clone(), settings.workers)?;
        let transport = Transport::from_settings(&settings.email)?;
        let texts = crate::outbox::sms::Transport::from_settings(&settings.texts)?;
        tracing::info!(
            port,
            database = db::backend_name(state.db.get_database_backend()),
            demo_data = settings.demo_data,
            email = transport.name(),
            texts = texts.name(),
            outbox_worker = settings.jobs.worker,
            "listening"
        );
        if matches!(transport, Transport::Log) && !settings.demo_data {
            tracing::warn!("EMAIL_TRANSPORT is log: emails are marked sent but go nowhere; set smtp or notify");
        }
        let worker = settings.jobs.worker.then(|| {
            Worker::new(&state, transport, &settings.email, &settings.jobs)
                .with_texts(texts)
                .spawn(settings.jobs.poll_interval)
        });
        let webhook_worker = match settings.webhooks.worker {
            true => Some(crate::webhooks::worker::DeliveryWorker::new(&state, &settings.webhooks)?.spawn()),
            false => None,
        };
        Ok(Application { port, server, state, worker, webhook_worker })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(worker) = self.worker {
            // A message being sent is safe to drop: its claim runs out and another pass sends it.
            worker.abort();
        }
        if let Some(worker) = self.webhook_worker {
            // The same for a webhook: its claim runs out and it is sent again (receivers dedupe on `webhook-id`).
            worker.abort();
        }
        result
    }
}

/// Connects, migrates, loads (or creates) the secret and, if asked, seeds the demo data.
async fn prepare(settings: &Settings, clock: Clock) -> anyhow::Result<AppState> {
    let db = db::connect(&settings.database_url, connect_settings(settings, settings.migrate_on_start)).await?;
    if settings.migrate_on_start {
        db::migrate(&db).await?;
    } else {
        let pending = db::pending_migrations(&db).await?;
        if pending > 0 {
            anyhow::bail!(
                "the database at {} has {pending} migration(s) to apply; run `prison-visits migrate` first (or set \
MIGRATE_ON_START=true)",
                db::redact_url(&settings.database_url)
            );
        }
    }
    let db_file = db::DatabaseFile::of(&settings.database_url);
    let secret = match &settings.secret_key {
        Some(secret) => secret.expose_secret().to_owned(),
        None => crate::db::secrets::get_or_create(&db, &tokens::random_secret(), clock.now())
            .await
            .context("cannot read or create the service secret")?,
    };
    if settings.demo_data {
        seed_once(&db, &clock).await?;
    }
    let records = match &settings.records {
        RecordsSettings::Http(records) => {
            crate::records::Records::Http(std::sync::Arc::new(crate::records::http::HttpRecords::new(records.clone())?))
        }
        RecordsSettings::BuiltIn => crate::records::Records::BuiltIn(db.clone()),
        RecordsSettings::None => crate::records::Records::None,
    };
    let postgres_fast_paths = settings.postgres_fast_paths && db.get_database_backend() == sea_orm::DbBackend::Postgres;
    Ok(AppState {
        db,
        tokens: tokens::TokenKey::new(&secret),
        jwt: crate::auth::JwtKeys::from_secret(&secret),
        holidays: BankHolidays::bundled(),
        clock,
        availability_cache: Default::default(),
        timetables: Default::default(),
        records,
        limits: settings.limits,
        trusted_proxies: settings.trusted_proxies.clone().into(),
        request_timeout: settings.request_timeout,
        postgres_fast_paths,
        db_file,
        webhooks_allow_loopback: settings.webhooks.allow_loopback,
        events_retention_days: settings.jobs.events_retention_days,
    })
}

/// How to open the database for these settings; `create` allows a missing SQLite file to be created.
pub fn connect_settings(settings: &Settings, create: bool) -> db::ConnectSettings {
    db::ConnectSettings {
        max_connections: settings.database_max_connections,
        postgres_acquire_timeout: settings.database_acquire_timeout,
        sqlite_synchronous: settings.sqlite_synchronous,
        create_sqlite_file: create,
    }
}

/// The state a command-line task (such as `create-admin`) needs, without a server.
pub async fn state_for_commands(settings: &Settings) -> anyhow::Result<AppState> {
    prepare(settings, Clock::system()).await
}

/// Past the last bank holiday in the shipped data every weekday counts as a processing day: say so well before.
fn warn_if_bank_holidays_run_out(now: chrono::DateTime<chrono::Utc>) {
    let horizon = domain::calendar::london_today(now) + chrono::Duration::days(365);
    match BankHolidays::bundled().last_covered() {
        Some(last) if last >= horizon => {}
        last => tracing::warn!(
            last_covered = ?last,
            "bank holiday data runs out within a year; update crates/domain/data/bank-holidays-england-and-wales.json"
        ),
    }
}

async fn seed_once(db: &DatabaseConnection, clock: &Clock) -> anyhow::Result<()> {
    match seed::seed_demo_data(db, clock.now()).await {
        Ok(0) => Ok(()),
        Ok(n) => {
            tracing::info!(prisons = n, "seeded demo prisons (set DEMO_DATA=false to turn this off)");
            tracing::info!("{}", seed::demo_sign_in_help());
            Ok(())
        }
        // Another instance seeding at the same moment wins; that is fine.
        Err(_) if crate::prisons::store::count(db).await.unwrap_or(0) > 0 => Ok(()),
        Err(e) => Err(e.context("cannot seed the demo data")),
    }
}

fn run(listener: TcpListener, state: AppState, static_dir: PathBuf, workers: Option<usize>) -> anyhow::Result<Server> {
    let spec = openapi::spec();
    let methods = web::Data::new(openapi::Methods::from_spec(&spec));
    let data = web::Data::new(state);
    let client_built = static_dir.join("index.html").is_file();
    if !client_built {
        tracing::warn!(dir = %static_dir.display(), "web client not built; run scripts/build-frontend.sh");
    }
    let mut server = HttpServer::new(move || {
        let app =
            App::new()
                .app_data(data.clone())
                .app_data(methods.clone())
                .app_data(json_config())
                .app_data(web::PathConfig::default().error_handler(|err, _| {
                    InternalError::from_response(err, ApiError::NotFound.error_response()).into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|err, _| {
                    let api = ApiError::Malformed(format!("The query string is not valid: {err}"));
                    InternalError::from_response(err, api.error_response()).into()
                }))
                .wrap(actix_web::middleware::from_fn(crate::auth::authenticate_first))
                .wrap(actix_web::middleware::from_fn(crate::edge::refuse_writes_to_a_lost_database))
                .wrap(actix_web::middleware::from_fn(crate::edge::request_deadline))
                .wrap(Compress::default())
                .wrap(
                    DefaultHeaders::new()
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                        .add((header::REFERRER_POLICY, "no-referrer"))
                        .add((header::X_FRAME_OPTIONS, "DENY")),
                )
                .wrap_fn(|req, srv| {
                    let policy = content_security_policy(req.path());
                    let private = is_private(&req);
                    let response = srv.call(req);
                    async move {
                        let mut response = response.await?;
                        let headers = response.headers_mut();
                        // A server-rendered page sets its own, with the nonce of its inline scripts.
                        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
                            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
                        }
                        if private {
                            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                        }
                        Ok(response)
                    }
                })
                .wrap(actix_web::middleware::from_fn(crate::edge::request_id))
                .wrap(TracingLogger::default())
                .wrap(actix_web::middleware::from_fn(crate::edge::believed_client_address))
                .wrap(actix_web::middleware::from_fn(crate::pages::hide_status_token))
                .wrap(actix_web::middleware::from_fn(crate::pages::head_as_get))
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
                .into_utoipa_app()
                .openapi(openapi::ApiDoc::openapi())
                .service(
                    utoipa_actix_web::scope("/api")
                        .service(
                            utoipa_actix_web::scope("/v1")
                                .configure(crate::v1::configure)
                                .default_service(web::to(api_not_found)),
                        )
                        .default_service(web::to(api_not_found)),
                )
                .into_app();
        if client_built {
            let index = static_dir.join("index.html");
            app.app_data(web::Data::new(static_files::Assets(static_dir.clone())))
                .route(static_files::ROUTE, web::get().to(static_files::asset))
                .route(static_files::STYLESHEET_ROUTE, web::get().to(static_files::stylesheet))
                .service(crate::pages::actions())
                .service(crate::journey::routes())
                .service(crate::pages::route())
                .service(
                    Files::new("/", &static_dir)
                        .index_file("index.html")
                        .use_etag(true)
                        .default_handler(fn_service(move |req: ServiceRequest| spa_page(req, index.clone()))),
                )
        } else {
            app.default_service(web::to(client_not_built))
        }
    })
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// The web clients' pages: their own scripts and WebAssembly only (`'wasm-unsafe-eval'` lets the browser compile
/// the client's module; no inline script, no `eval`), their own styles, images and API; never framed.
pub const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// The API documentation (Swagger UI): its scripts are files too, but it sets inline styles and shows data: images.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// JSON answers: nothing to load, nothing to frame.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy (W3C CSP Level 3) for a path.
fn content_security_policy(path: &str) -> &'static str {
    if path == "/api/docs" || path.starts_with("/api/docs/") {
        DOCS_CSP
    } else if path.starts_with("/api/") {
        API_CSP
    } else {
        APP_CSP
    }
}

/// Answers no browser or proxy may keep (`Cache-Control: no-store`, RFC 9111 section 5.2.2.5): everything for staff
/// and admins, the prison records, a visitor's own visit (asked by reference and token, or just created; and its
/// page), the journey's steps (they show what the visitor typed), and any request that carries credentials.
fn is_private(req: &ServiceRequest) -> bool {
    const PRIVATE: [&str; 6] =
        ["/api/v1/staff/", "/api/v1/admin/", "/api/v1/records/", "/api/v1/visits", "/visit/", "/book/"];
    let path = req.path();
    PRIVATE.iter().any(|prefix| path.starts_with(prefix))
        || req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().contains_key("x-visit-token")
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT).error_handler(|err, _| {
        let api = match &err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                ApiError::PayloadTooLarge
            }
            JsonPayloadError::ContentType => {
                ApiError::Malformed("Send the body as JSON with the header Content-Type: application/json.".into())
            }
            JsonPayloadError::Deserialize(e) => ApiError::Malformed(format!("The JSON body is not valid: {e}")),
            _ => ApiError::Malformed("The request body could not be read.".into()),
        };
        InternalError::from_response(err, api.error_response()).into()
    })
}

/// Unknown `/api/...` paths get a JSON 404, never the web app's page; a documented path asked with another method
/// gets 405 with the methods it has in `Allow`.
async fn api_not_found(req: actix_web::HttpRequest, methods: web::Data<openapi::Methods>) -> HttpResponse {
    match methods.allowed(req.path()) {
        Some(allowed) => {
            let mut response = ApiError::MethodNotAllowed.error_response();
            if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        None => ApiError::NotFound.error_response(),
    }
}

/// Any other path is a page of the single-page app: serve its shell and let the client route.
/// The page of the single-page app a client-side route belongs to: the staff back office (its own bundle, so
/// visitors never download it) for `/staff` and everything under it, the visitor app for every other path.
///
/// A path that names a file (`/foo.png`, `/pkg/gone.js`) and is not one is a 404, not the app's page: a browser or
/// a crawler asking for an icon or a script must not be handed HTML.
async fn spa_page(req: ServiceRequest, index: PathBuf) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let path = req.path();
    if names_a_file(path) {
        let response = HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("Not found");
        return Ok(ServiceResponse::new(req, response));
    }
    let staff = index.with_file_name("staff.html");
    let page = if (path == "/staff" || path.starts_with("/staff/")) && staff.is_file() { staff } else { index };
    let file = NamedFile::open_async(&page).await?;
    let response = file.into_response(&req);
    Ok(ServiceResponse::new(req, response))
}

/// Whether the last segment of a path ends in a file extension (`favicon.ico`, `robots.txt`): no page of either
/// app has one.
pub(crate) fn names_a_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.').is_some_and(|(name, extension)| {
        !name.is_empty() && (1..=5).contains(&extension.len()) && extension.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

async fn client_not_built() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"en\"><head><title>Prison Visit Booking</title></head><body>\
<h1>Prison Visit Booking</h1><p>The API is running (<a href=\"/api/docs/\">API documentation</a>), but the web \
client has not been built. Run <code>scripts/build-frontend.sh</code> and restart.</p></body></html>",
    )
}
