//! Storage: the only place that knows tables and SQL. Functions take any `ConnectionTrait`, so a service can run
//! them inside its own transaction; they return domain-shaped rows, never sea-orm models.

pub mod decisions;
pub mod entities;
pub mod outbox;
pub mod places;
pub mod prisons;
pub mod rate_limits;
pub mod retention;
pub mod roll;
pub mod secrets;
pub mod staff;
pub mod visit_record;
pub mod visits;

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqlErr, Statement};

/// Opens the pool for `url` (`sqlite://...` or `postgres://...`) and tunes it for the engine.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // A ping before every query doubles the round trips; a dead connection shows up as an error instead.
        .test_before_acquire(false);
    if url.starts_with("sqlite:") {
        // One connection: SQLite has a single writer, and one connection means a write never fails with
        // SQLITE_BUSY half-way through a transaction. WAL keeps readers of the file (backups, sqlite3) unblocked.
        options.max_connections(1).map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        options.max_connections(max_connections).min_connections(1);
    }
    Database::connect(options).await.with_context(|| format!("cannot connect to the database at {}", redact_url(url)))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("cannot apply the database migrations")
}

/// True when the database answers and no migration is pending.
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    let ping = db.execute_raw(Statement::from_string(db.get_database_backend(), "SELECT 1")).await.is_ok();
    ping && matches!(Migrator::get_pending_migrations(db).await, Ok(pending) if pending.is_empty())
}

pub fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// True when `err` is a unique-constraint violation (two writers raced for the same key).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_database_messages() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/visits"), "postgres://app:***@db:5432/visits");
        assert_eq!(redact_url("sqlite://visits.db?mode=rwc"), "sqlite://visits.db?mode=rwc");
    }
}
