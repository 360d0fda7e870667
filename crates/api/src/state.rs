//! What every request handler shares: the application state held in `web::Data`.

use std::sync::Arc;

use domain::calendar::BankHolidays;
use sea_orm::DatabaseConnection;

use crate::clock::Clock;

/// What every request handler shares. Holds no mutable state: all shared state lives in the database.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub tokens: crate::visits::tokens::TokenKey,
    pub jwt: crate::auth::JwtKeys,
    pub holidays: &'static BankHolidays,
    pub clock: Clock,
    pub availability_cache: Arc<crate::prisons::service::AvailabilityCache>,
    /// Timetables for deciding requests, checked against the version read with each visit.
    pub timetables: Arc<crate::prisons::service::TimetableCache>,
    /// Where prisoner checks read the prison's records.
    pub records: crate::records::Records,
    /// How many sign-ins and visit requests are allowed (counted in the database).
    pub limits: crate::config::LimitSettings,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// How long a request may take before it is answered 503 (see [`crate::edge::request_deadline`]).
    pub request_timeout: std::time::Duration,
    /// The SQLite file as it was opened (none on PostgreSQL), for readiness to notice it deleted or replaced.
    pub db_file: Option<crate::db::DatabaseFile>,
    /// Take the PostgreSQL-only twins of `crate::db::postgres_fast_paths` (PostgreSQL and `POSTGRES_FAST_PATHS` on).
    pub postgres_fast_paths: bool,
    /// Webhook receivers may be `http://` and loopback (`WEBHOOKS_ALLOW_LOOPBACK`; tests and development only).
    pub webhooks_allow_loopback: bool,
    /// How many days the change feed reaches back (`EVENTS_RETENTION_DAYS`), for its `cursor_expired` answer.
    pub events_retention_days: u32,
}
