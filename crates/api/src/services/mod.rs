//! Use cases: each public function is one thing a caller can do, owns its transaction, and speaks domain types.

pub mod admin_prisons;
pub mod decisions;
pub mod notifications;
pub mod prisons;
pub mod rate_limits;
pub mod reports;
pub mod roll;
pub mod staff_auth;
pub mod timetables;
pub mod tokens;
pub mod visits;

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use domain::calendar::BankHolidays;
use sea_orm::DatabaseConnection;

/// "Now", injectable so tests can move the clock (a visit that has started, a request that is overdue).
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock(Arc::new(move || at))
    }

    /// A clock read from `now` (tests move it forward: a retry falls due, a lease runs out, months pass).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// Microsecond precision: what PostgreSQL stores, so an answer made now equals the same answer read back later.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)().trunc_subsecs(6)
    }
}

/// What every request handler shares. Holds no mutable state: all shared state lives in the database.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub tokens: tokens::TokenKey,
    pub jwt: crate::auth::JwtKeys,
    pub holidays: &'static BankHolidays,
    pub clock: Clock,
    pub availability_cache: Arc<prisons::AvailabilityCache>,
    /// Timetables for deciding requests, checked against the version read with each visit.
    pub timetables: Arc<prisons::TimetableCache>,
    /// Where prisoner checks read the prison's records.
    pub records: crate::records::Records,
    /// How many sign-ins and visit requests are allowed (counted in the database).
    pub limits: crate::config::LimitSettings,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// How long a request may take before it is answered 503 (see [`crate::edge::request_deadline`]).
    pub request_timeout: std::time::Duration,
    /// The SQLite file as it was opened (none on PostgreSQL), for readiness to notice it deleted or replaced.
    pub db_file: Option<crate::storage::DatabaseFile>,
}
