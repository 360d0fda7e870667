//! The database: opening it for either engine, migrating it, readiness, and the helpers every resource's `store`
//! shares. Store functions take any `ConnectionTrait`, so a use case can run them inside its own transaction; they
//! return domain-shaped rows, never sea-orm models.

pub mod entities;
pub mod postgres_fast_paths;
pub mod secrets;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqlErr, Statement};

/// How SQLite makes a commit durable (`SQLITE_SYNCHRONOUS`; SQLite's `PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteSync {
    /// Every commit reaches the disk before it is answered: a power cut never loses a booking the visitor was told
    /// about. The default.
    #[default]
    Full,
    /// With WAL, a commit is synced at the next checkpoint: faster, and the database stays consistent, but a power
    /// cut (not a crash of the process) can lose the last commits already answered. Opt-in only.
    Normal,
}

/// How to open the database.
#[derive(Debug, Clone, Copy)]
pub struct ConnectSettings {
    /// Pool size for PostgreSQL (SQLite always uses one connection).
    pub max_connections: u32,
    /// How long a request waits for a PostgreSQL connection (see [`POSTGRES_ACQUIRE_TIMEOUT`]).
    pub postgres_acquire_timeout: Duration,
    pub sqlite_synchronous: SqliteSync,
    /// Create the SQLite file when it does not exist (only when migrating: a service must not start silently on a
    /// new, empty database because its file went missing).
    pub create_sqlite_file: bool,
}

/// How long a request waits for a PostgreSQL connection by default before it is answered 503 `service_unavailable`
/// (and readiness says not ready): the database being down must not hold visitors for 10 s and then fail them with
/// 500. sqlx uses one deadline for both waiting for a busy pool and reconnecting, so an instance whose pool stays
/// busy this long answers 503 too (load shedding, with `Retry-After`); `DATABASE_ACQUIRE_TIMEOUT_MS` changes it.
pub const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// SQLite has one connection that every request queues for; waiting for it is load, not an outage.
const SQLITE_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest readiness takes to answer: probes must never hang.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Opens the pool for `url` (`sqlite://...` or `postgres://...`) and tunes it for the engine.
pub async fn connect(url: &str, settings: ConnectSettings) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        // A ping before every query doubles the round trips; a dead connection shows up as an error instead.
        .test_before_acquire(false);
    if url.starts_with("sqlite:") {
        if !settings.create_sqlite_file
            && let Some(file) = sqlite_path(url)
            && !file.exists()
        {
            bail!(
                "the SQLite database {} does not exist; create it with `prison-visits migrate` (or set \
MIGRATE_ON_START=true) rather than start on an empty database",
                file.display()
            );
        }
        let synchronous = match settings.sqlite_synchronous {
            SqliteSync::Full => sea_orm::sqlx::sqlite::SqliteSynchronous::Full,
            SqliteSync::Normal => sea_orm::sqlx::sqlite::SqliteSynchronous::Normal,
        };
        let create = settings.create_sqlite_file;
        // One connection: SQLite has a single writer, and one connection means a write never fails with
        // SQLITE_BUSY half-way through a transaction. WAL keeps readers of the file (backups, sqlite3) unblocked.
        options.max_connections(1).connect_timeout(SQLITE_ACQUIRE_TIMEOUT).acquire_timeout(SQLITE_ACQUIRE_TIMEOUT);
        options.map_sqlx_sqlite_opts(move |opts| {
            opts.create_if_missing(create)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        // sea-orm gives both to sqlx's acquire timeout, which also bounds opening a new connection.
        options
            .connect_timeout(settings.postgres_acquire_timeout)
            .acquire_timeout(settings.postgres_acquire_timeout)
            // Two at least: migrating holds one for its lock while the other migrates.
            .max_connections(settings.max_connections.max(2))
            .min_connections(1);
    }
    // The driver's own message can quote the whole URL, password and all (an unparsable URL does): it is reported
    // with every occurrence of the URL redacted, and never as the raw error.
    Database::connect(options).await.map_err(|err| {
        anyhow::anyhow!("{}", err.to_string().replace(url, &redact_url(url)))
            .context(format!("cannot connect to the database at {}", redact_url(url)))
    })
}

/// The file of a `sqlite://FILE?...` or `sqlite:FILE` URL; none for an in-memory database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or_default();
    (!file.is_empty() && file != ":memory:").then(|| PathBuf::from(file))
}

/// The SQLite file a service opened, as (device, inode): deleted or replaced under the running service, the
/// service would go on writing to a file nobody will ever open again, so readiness compares it with what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseFile {
    path: PathBuf,
    identity: Option<(u64, u64)>,
}

impl DatabaseFile {
    /// The file behind `url` as it is now; none for PostgreSQL or an in-memory SQLite database.
    pub fn of(url: &str) -> Option<DatabaseFile> {
        let path = sqlite_path(url)?;
        let identity = file_identity(&path);
        Some(DatabaseFile { path, identity })
    }

    /// Still the file that was opened.
    pub fn unchanged(&self) -> bool {
        self.identity.is_some() && file_identity(&self.path) == self.identity
    }
}

#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|_| (0, 0))
}

/// Applies every pending migration. On PostgreSQL, instances starting at once take turns: each holds the
/// advisory lock [`MIGRATION_LOCK`] on a connection of its own for the whole run, so one applies the migrations and
/// the others then find nothing pending. The lock goes with the connection if the process dies.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await.context("cannot apply the database migrations");
    }
    let pool = db.get_postgres_connection_pool();
    let mut lock = pool.acquire().await.context("cannot connect to take the migration lock")?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *lock)
        .await
        .context("cannot take the migration lock")?;
    let result = Migrator::up(db, None).await.context("cannot apply the database migrations");
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *lock).await;
    if unlocked.is_err() {
        // Closing the connection releases the lock.
        drop(lock.detach());
    }
    result
}

/// The PostgreSQL advisory lock key migrations hold (any constant unique to this service: "pvb-migr").
pub const MIGRATION_LOCK: i64 = 0x7076_622d_6d69_6772;

/// How many migrations are not applied yet (to refuse to serve an unmigrated database).
pub async fn pending_migrations(db: &DatabaseConnection) -> anyhow::Result<usize> {
    Ok(Migrator::get_pending_migrations(db).await.context("cannot read which migrations are applied")?.len())
}

/// True when the database answers within [`READY_TIMEOUT`], no migration is pending and (SQLite) the file is the
/// one that was opened.
pub async fn is_ready(db: &DatabaseConnection, file: Option<&DatabaseFile>) -> bool {
    if file.is_some_and(|f| !f.unchanged()) {
        return false;
    }
    let check = async {
        let ping = db.execute_raw(Statement::from_string(db.get_database_backend(), "SELECT 1")).await.is_ok();
        ping && matches!(Migrator::get_pending_migrations(db).await, Ok(pending) if pending.is_empty())
    };
    tokio::time::timeout(READY_TIMEOUT, check).await.unwrap_or(false)
}

pub fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// The unique keys two writers can race for and that a use case answers in its own way (a reference drawn again,
/// an idempotent replay, "already taken"). Any other unique violation is a fault, answered 500 and logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKey {
    /// `visit.reference`: a newly drawn booking reference was taken meanwhile.
    VisitReference,
    /// `idempotency_key (credential, key)`: a concurrent retry with the same `Idempotency-Key` from the same
    /// credential won.
    IdempotencyKey,
    /// `prison.code`.
    PrisonCode,
    /// `staff_account.email`.
    StaffEmail,
    /// `service_secret.id`: another instance stored the service secret first.
    ServiceSecret,
}

impl UniqueKey {
    /// Each key with its constraint as PostgreSQL names it (`CREATE TABLE` names a UNIQUE column's constraint
    /// `{table}_{column}_key` and a primary key `{table}_pkey`) and as SQLite reports it (`table.column`).
    const CONSTRAINTS: [(UniqueKey, &'static str, &'static str); 5] = [
        (UniqueKey::VisitReference, "visit_reference_key", "visit.reference"),
        (UniqueKey::IdempotencyKey, "idempotency_key_pkey", "idempotency_key.credential, idempotency_key.key"),
        (UniqueKey::PrisonCode, "prison_code_key", "prison.code"),
        (UniqueKey::StaffEmail, "staff_account_email_key", "staff_account.email"),
        (UniqueKey::ServiceSecret, "service_secret_pkey", "service_secret.id"),
    ];
}

/// What a unique-constraint violation was of: `None` when `err` is not one, `Some(None)` for a constraint no use
/// case expects (a fault), `Some(Some(key))` for one of [`UniqueKey`].
pub fn unique_violation(err: &DbErr) -> Option<Option<UniqueKey>> {
    // PostgreSQL: `duplicate key value violates unique constraint "visit_reference_key"`;
    // SQLite: `UNIQUE constraint failed: visit.reference` (several columns are listed comma-separated).
    let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() else {
        return None;
    };
    let postgres = message.split('"').nth(1);
    let sqlite = message.split_once("constraint failed: ").map(|(_, columns)| columns.trim());
    Some(
        UniqueKey::CONSTRAINTS
            .iter()
            .find(|(_, pg, lite)| postgres == Some(*pg) || sqlite == Some(*lite))
            .map(|(key, _, _)| *key),
    )
}

/// True when `err` violates the unique constraint `key` (and not some other one).
pub fn violates(err: &DbErr, key: UniqueKey) -> bool {
    unique_violation(err) == Some(Some(key))
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

    /// The driver quotes an unparsable URL whole in its error: what start-up prints must still hide the password.
    #[tokio::test]
    async fn a_database_url_that_cannot_be_parsed_is_reported_without_its_password() {
        let settings = ConnectSettings {
            max_connections: 2,
            postgres_acquire_timeout: POSTGRES_ACQUIRE_TIMEOUT,
            sqlite_synchronous: SqliteSync::Full,
            create_sqlite_file: false,
        };
        let err = connect("postgres://app:SeCrEt1@127.0.0.1:notaport/visits", settings).await.err();
        let message = err.map(|e| format!("{e:#} {e:?}")).unwrap_or_default();
        assert!(message.contains("app:***@127.0.0.1"), "{message}");
        assert!(!message.contains("SeCrEt1"), "{message}");
    }
}
