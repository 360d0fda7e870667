//! Settings, read from the environment once at start. Anything missing that production needs fails fast
//! with a message saying how to fix it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use domain::email::EmailKind;
pub use secrecy::{ExposeSecret, SecretString};

/// How long a request may take before it is answered 503, unless `REQUEST_TIMEOUT_MS` says otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://file.db?mode=rwc` (the default) or `postgres://user:password@host/db`.
    pub database_url: String,
    /// Pool size for PostgreSQL (SQLite always uses one connection).
    pub database_max_connections: u32,
    /// How long a request waits for a PostgreSQL connection before it is answered 503 (`DATABASE_ACQUIRE_TIMEOUT_MS`,
    /// default 2000 ms).
    pub database_acquire_timeout: std::time::Duration,
    /// How long a request may take before it is answered 503 with `Retry-After` (`REQUEST_TIMEOUT_MS`, default
    /// 5000 ms): a database that stops answering mid-request must not hold visitors for minutes.
    pub request_timeout: std::time::Duration,
    pub bind: SocketAddr,
    /// Seed demonstration prisons into an empty database.
    pub demo_data: bool,
    /// The built web client; served at `/` when the folder exists.
    pub static_dir: PathBuf,
    pub log_format: LogFormat,
    /// Secret for signing visitors' status tokens (at least 32 bytes). When unset, one is generated and kept in
    /// the database, shared by every instance.
    pub secret_key: Option<SecretString>,
    /// actix worker threads (default: one per core).
    pub workers: Option<usize>,
    pub email: EmailSettings,
    pub jobs: JobSettings,
    /// Where prisoner checks read the prison's records (`RECORDS`, `RECORDS_URL`).
    pub records: RecordsSettings,
    /// How many sign-ins and visit requests one account, address, prisoner or email may make.
    pub limits: LimitSettings,
    /// Reverse proxies whose `X-Forwarded-For` says who the client is (`TRUSTED_PROXIES`, default none).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How SQLite makes commits durable (`SQLITE_SYNCHRONOUS=full|normal`, default `full`).
    pub sqlite_synchronous: crate::db::SqliteSync,
    /// Create or migrate the database at start (`MIGRATE_ON_START`; default: on with the demo data, off without).
    /// Off, the service refuses to start on a missing or unmigrated database: run `prison-visits migrate` first.
    pub migrate_on_start: bool,
    /// On PostgreSQL, the grant and the staff's visit record each in one statement (`POSTGRES_FAST_PATHS`, default
    /// on; see `crate::db::postgres_fast_paths`). Off, PostgreSQL takes the portable paths SQLite takes.
    pub postgres_fast_paths: bool,
}

/// Rate limits, counted in the database so that every instance shares them. 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Sign-in attempts checked per account in 15 minutes (`SIGN_IN_LIMIT_PER_ACCOUNT`, default 5); a success
    /// clears the account's count.
    pub sign_in_per_account: u32,
    /// Failed or pending sign-ins per client address in 15 minutes (`SIGN_IN_LIMIT_PER_ADDRESS`, default 20).
    /// Higher than an account's: a prison's staff may share one address.
    pub sign_in_per_address: u32,
    /// Visit requests per client address in an hour (`VISIT_REQUEST_LIMIT_PER_ADDRESS`, default 100): a contact
    /// centre books for many families from one address.
    pub visit_requests_per_address: u32,
    /// Visit requests per prisoner (prison number at a prison) in 24 hours (`VISIT_REQUEST_LIMIT_PER_PRISONER`,
    /// default 6).
    pub visit_requests_per_prisoner: u32,
    /// Visit requests per lead visitor's email in 24 hours (`VISIT_REQUEST_LIMIT_PER_EMAIL`, default 6).
    pub visit_requests_per_email: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            sign_in_per_account: 5,
            sign_in_per_address: 20,
            visit_requests_per_address: 100,
            visit_requests_per_prisoner: 6,
            visit_requests_per_email: 6,
        }
    }
}

impl LimitSettings {
    /// Every visit request limit off (load tests, fuzzing, browser tests: many requests from one address).
    pub fn without_visit_request_limits(self) -> LimitSettings {
        LimitSettings {
            visit_requests_per_address: 0,
            visit_requests_per_prisoner: 0,
            visit_requests_per_email: 0,
            ..self
        }
    }
}

#[derive(Debug, Clone, Default)]
pub enum RecordsSettings {
    /// No prisoner checks.
    #[default]
    None,
    /// The prison roll kept in our database.
    BuiltIn,
    /// An external prison records service.
    Http(crate::records::http::HttpRecordsSettings),
}

/// How emails leave the service (`EMAIL_TRANSPORT`).
#[derive(Debug, Clone)]
pub enum EmailTransportSettings {
    /// Write a line to the log instead of sending (development; the default).
    Log,
    /// SMTP: `smtp://host:25` (no TLS, for a local relay or mail catcher), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465` (TLS from the start).
    Smtp { url: SecretString },
    /// GOV.UK Notify's HTTP API.
    Notify { api_key: SecretString, base_url: String, templates: HashMap<EmailKind, String> },
}

#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub transport: EmailTransportSettings,
    /// The sender, e.g. `Prison Visit Booking <no-reply@visits.example>` (`EMAIL_FROM`).
    pub from: String,
    /// Where the service is reached, for the links in emails (`PUBLIC_URL`, no trailing slash).
    pub public_url: String,
}

impl Default for EmailSettings {
    fn default() -> Self {
        EmailSettings {
            transport: EmailTransportSettings::Log,
            from: "Prison Visit Booking <no-reply@localhost>".into(),
            public_url: "http://localhost:8080".into(),
        }
    }
}

/// The background jobs: the outbox worker and the daily digest and retention jobs it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// Run the worker inside the server (`OUTBOX_WORKER`, default true). Off, run `prison-visits jobs` instead.
    pub worker: bool,
    /// How often the worker looks for due messages (`OUTBOX_POLL_SECONDS`, default 5).
    pub poll_interval: Duration,
    /// Tries before a message is marked failed (`OUTBOX_MAX_ATTEMPTS`, default 10: about 4 hours of backoff).
    pub max_attempts: u32,
    /// Personal data of visits more than this many months past is anonymised (`RETENTION_MONTHS`, default 6).
    pub retention_months: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings { worker: true, poll_interval: Duration::from_secs(5), max_attempts: 10, retention_months: 6 }
    }
}

fn flag(name: &str, value: Option<String>, default: bool) -> anyhow::Result<bool> {
    match value.as_deref() {
        None | Some("") => Ok(default),
        Some("true") | Some("1") | Some("yes") => Ok(true),
        Some("false") | Some("0") | Some("no") => Ok(false),
        Some(other) => bail!("{name} must be true or false, got {other:?}"),
    }
}

fn number<T: std::str::FromStr>(name: &str, value: Option<String>, default: T) -> anyhow::Result<T> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| anyhow::anyhow!("{name} must be a whole number, got {v:?}")),
    }
}

fn email_settings(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<EmailSettings> {
    let defaults = EmailSettings::default();
    let from = get("EMAIL_FROM").filter(|s| !s.is_empty()).unwrap_or(defaults.from);
    if !from.contains('@') {
        bail!("EMAIL_FROM must be an address such as \"Prison Visit Booking <no-reply@visits.example>\", got {from:?}");
    }
    let public_url = get("PUBLIC_URL").filter(|s| !s.is_empty()).unwrap_or(defaults.public_url);
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        bail!("PUBLIC_URL must be the address visitors use, such as https://visits.example, got {public_url:?}");
    }
    let public_url = public_url.trim_end_matches('/').to_owned();
    let transport = match get("EMAIL_TRANSPORT").as_deref() {
        None | Some("") | Some("log") => EmailTransportSettings::Log,
        Some("smtp") => {
            let url = get("SMTP_URL").filter(|s| !s.is_empty()).context(
                "EMAIL_TRANSPORT=smtp needs SMTP_URL, e.g. smtps://user:password@smtp.example:465 or \
smtp://user:password@smtp.example:587?tls=required",
            )?;
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                bail!("SMTP_URL must start with smtp:// or smtps://");
            }
            EmailTransportSettings::Smtp { url: url.into() }
        }
        Some("notify") => {
            let api_key = get("NOTIFY_API_KEY").filter(|s| !s.is_empty()).context(
                "EMAIL_TRANSPORT=notify needs NOTIFY_API_KEY (from GOV.UK Notify, API integration, API keys)",
            )?;
            if api_key.len() < 74 {
                bail!("NOTIFY_API_KEY looks cut short: it is the whole key, ending in the service id and the secret");
            }
            let default_template = get("NOTIFY_TEMPLATE_ID").filter(|s| !s.is_empty());
            let mut templates = HashMap::new();
            for kind in EmailKind::ALL {
                let name = format!("NOTIFY_TEMPLATE_{}", kind.as_str().to_ascii_uppercase());
                let Some(id) = get(&name).filter(|s| !s.is_empty()).or_else(|| default_template.clone()) else {
                    bail!(
                        "EMAIL_TRANSPORT=notify needs {name} or NOTIFY_TEMPLATE_ID (a template with ((subject)) and ((body)))"
                    );
                };
                templates.insert(kind, id);
            }
            let base_url = get("NOTIFY_BASE_URL")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "https://api.notifications.service.gov.uk".into());
            EmailTransportSettings::Notify {
                api_key: api_key.into(),
                base_url: base_url.trim_end_matches('/').to_owned(),
                templates,
            }
        }
        Some(other) => bail!("EMAIL_TRANSPORT must be log, smtp or notify, got {other:?}"),
    };
    Ok(EmailSettings { transport, from, public_url })
}

fn records_settings(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<RecordsSettings> {
    let url = get("RECORDS_URL").filter(|s| !s.is_empty());
    let url = match (get("RECORDS").as_deref(), url) {
        (None | Some(""), None) | (Some("none"), _) => return Ok(RecordsSettings::None),
        (Some("builtin"), _) => return Ok(RecordsSettings::BuiltIn),
        (None | Some("") | Some("http"), Some(url)) => url,
        (Some("http"), None) => bail!("RECORDS=http needs RECORDS_URL, the prison records service's address"),
        (Some(other), _) => bail!("RECORDS must be none, builtin or http, got {other:?}"),
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!("RECORDS_URL must be the prison records service's address, such as https://records.example/api");
    }
    let mut settings = crate::records::http::HttpRecordsSettings::new(&url);
    settings.token = get("RECORDS_TOKEN").filter(|s| !s.is_empty()).map(SecretString::from);
    // A visitor waits for the checks: one short try and one retry, then "unknown".
    settings.timeout = Duration::from_millis(number("RECORDS_TIMEOUT_MS", get("RECORDS_TIMEOUT_MS"), 1000)?);
    settings.retries = number("RECORDS_RETRIES", get("RECORDS_RETRIES"), 1)?;
    Ok(RecordsSettings::Http(settings))
}

fn limit_settings(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<LimitSettings> {
    let d = LimitSettings::default();
    let limit = |name: &str, default: u32| number(name, get(name), default);
    Ok(LimitSettings {
        sign_in_per_account: limit("SIGN_IN_LIMIT_PER_ACCOUNT", d.sign_in_per_account)?,
        sign_in_per_address: limit("SIGN_IN_LIMIT_PER_ADDRESS", d.sign_in_per_address)?,
        visit_requests_per_address: limit("VISIT_REQUEST_LIMIT_PER_ADDRESS", d.visit_requests_per_address)?,
        visit_requests_per_prisoner: limit("VISIT_REQUEST_LIMIT_PER_PRISONER", d.visit_requests_per_prisoner)?,
        visit_requests_per_email: limit("VISIT_REQUEST_LIMIT_PER_EMAIL", d.visit_requests_per_email)?,
    })
}

/// `TRUSTED_PROXIES`: addresses or CIDR blocks separated by commas or spaces, e.g. `10.0.0.0/8, ::1`.
fn trusted_proxies(value: Option<String>) -> anyhow::Result<Vec<ipnet::IpNet>> {
    value
        .unwrap_or_default()
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "TRUSTED_PROXIES must list IP addresses or CIDR blocks such as 10.0.0.0/8 or ::1, got {entry:?}"
                    )
                })
        })
        .collect()
}

fn job_settings(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<JobSettings> {
    let defaults = JobSettings::default();
    let poll = number("OUTBOX_POLL_SECONDS", get("OUTBOX_POLL_SECONDS"), defaults.poll_interval.as_secs())?;
    let settings = JobSettings {
        worker: flag("OUTBOX_WORKER", get("OUTBOX_WORKER"), defaults.worker)?,
        poll_interval: Duration::from_secs(poll.max(1)),
        max_attempts: number("OUTBOX_MAX_ATTEMPTS", get("OUTBOX_MAX_ATTEMPTS"), defaults.max_attempts)?.max(1),
        retention_months: number("RETENTION_MONTHS", get("RETENTION_MONTHS"), defaults.retention_months)?,
    };
    if settings.retention_months == 0 {
        bail!("RETENTION_MONTHS must be at least 1");
    }
    Ok(settings)
}

impl Settings {
    /// Defaults for a fresh clone: SQLite file in the working directory, demo data on, port 8080 on localhost.
    pub fn from_env() -> anyhow::Result<Settings> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let database_url = get("DATABASE_URL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "sqlite://prison-visits.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            bail!("DATABASE_URL must start with sqlite: or postgres:// (got {database_url:?})");
        }
        let host = get("HOST").unwrap_or_else(|| "127.0.0.1".into());
        let port: u16 = get("PORT")
            .map(|p| p.parse().with_context(|| format!("PORT must be a port number, got {p:?}")))
            .transpose()?
            .unwrap_or(8080);
        let bind = format!("{host}:{port}")
            .parse()
            .with_context(|| format!("HOST must be an IP address such as 127.0.0.1 or 0.0.0.0, got {host:?}"))?;
        let demo_data = match get("DEMO_DATA").as_deref() {
            None | Some("") | Some("true") | Some("1") | Some("yes") => true,
            Some("false") | Some("0") | Some("no") => false,
            Some(other) => bail!("DEMO_DATA must be true or false, got {other:?}"),
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("") | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => bail!("LOG_FORMAT must be json or pretty, got {other:?}"),
        };
        let secret_key = get("SECRET_KEY").filter(|s| !s.is_empty());
        if let Some(secret) = &secret_key
            && secret.len() < 32
        {
            bail!("SECRET_KEY must be at least 32 characters; generate one with `openssl rand -hex 32`");
        }
        let secret_key = secret_key.map(SecretString::from);
        let database_max_connections = get("DATABASE_MAX_CONNECTIONS")
            .map(|n| n.parse().with_context(|| format!("DATABASE_MAX_CONNECTIONS must be a number, got {n:?}")))
            .transpose()?
            .unwrap_or(20);
        let database_acquire_timeout = get("DATABASE_ACQUIRE_TIMEOUT_MS")
            .map(|n| {
                n.parse::<u64>().with_context(|| format!("DATABASE_ACQUIRE_TIMEOUT_MS must be a number, got {n:?}"))
            })
            .transpose()?
            .map_or(crate::db::POSTGRES_ACQUIRE_TIMEOUT, std::time::Duration::from_millis);
        let request_timeout = get("REQUEST_TIMEOUT_MS")
            .map(|n| n.parse::<u64>().with_context(|| format!("REQUEST_TIMEOUT_MS must be a number, got {n:?}")))
            .transpose()?
            .map_or(DEFAULT_REQUEST_TIMEOUT, std::time::Duration::from_millis);
        let workers = get("WORKERS")
            .map(|n| n.parse().with_context(|| format!("WORKERS must be a number, got {n:?}")))
            .transpose()?;
        let sqlite_synchronous = match get("SQLITE_SYNCHRONOUS").as_deref() {
            None | Some("") | Some("full") => crate::db::SqliteSync::Full,
            Some("normal") => crate::db::SqliteSync::Normal,
            Some(other) => bail!(
                "SQLITE_SYNCHRONOUS must be full (every commit on disk before it is answered) or normal (faster; a \
power cut can lose the last commits), got {other:?}"
            ),
        };
        // A fresh clone (demo data) creates and migrates its database; production runs `prison-visits migrate`.
        let migrate_on_start = flag("MIGRATE_ON_START", get("MIGRATE_ON_START"), demo_data)?;
        let postgres_fast_paths = flag("POSTGRES_FAST_PATHS", get("POSTGRES_FAST_PATHS"), true)?;
        Ok(Settings {
            database_url,
            database_max_connections,
            database_acquire_timeout,
            request_timeout,
            bind,
            demo_data,
            static_dir: get("STATIC_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("frontend/dist")),
            log_format,
            secret_key,
            workers,
            email: email_settings(&get)?,
            jobs: job_settings(&get)?,
            records: records_settings(&get)?,
            limits: limit_settings(&get)?,
            trusted_proxies: trusted_proxies(get("TRUSTED_PROXIES"))?,
            sqlite_synchronous,
            migrate_on_start,
            postgres_fast_paths,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn a_fresh_clone_runs_on_sqlite_with_demo_data() {
        let s = settings(&[]).unwrap();
        assert!(s.database_url.starts_with("sqlite:"));
        assert!(s.demo_data);
        assert_eq!(s.bind.port(), 8080);
    }

    #[test]
    fn bad_settings_say_how_to_fix_them() {
        let err = settings(&[("SECRET_KEY", "short")]).unwrap_err().to_string();
        assert!(err.contains("openssl rand"), "{err}");
        assert!(settings(&[("DEMO_DATA", "maybe")]).is_err());
        assert!(settings(&[("DATABASE_URL", "mysql://x")]).is_err());
        assert!(settings(&[("PORT", "eighty")]).is_err());
        assert!(!settings(&[("DEMO_DATA", "false")]).unwrap().demo_data);
        assert!(settings(&[("SQLITE_SYNCHRONOUS", "off")]).is_err());
    }

    #[test]
    fn sqlite_is_durable_unless_told_otherwise_and_only_a_demo_migrates_at_start() {
        use crate::db::SqliteSync;
        let fresh = settings(&[]).unwrap();
        assert_eq!(fresh.sqlite_synchronous, SqliteSync::Full);
        assert!(fresh.migrate_on_start, "the try-it path creates its database");
        assert_eq!(settings(&[("SQLITE_SYNCHRONOUS", "normal")]).unwrap().sqlite_synchronous, SqliteSync::Normal);
        assert!(!settings(&[("DEMO_DATA", "false")]).unwrap().migrate_on_start);
        assert!(settings(&[("DEMO_DATA", "false"), ("MIGRATE_ON_START", "true")]).unwrap().migrate_on_start);
    }

    #[test]
    fn email_settings_fail_fast_and_never_show_secrets() {
        assert!(matches!(settings(&[]).unwrap().email.transport, EmailTransportSettings::Log));
        let err = settings(&[("EMAIL_TRANSPORT", "smtp")]).unwrap_err().to_string();
        assert!(err.contains("SMTP_URL"), "{err}");
        let err = settings(&[("EMAIL_TRANSPORT", "notify"), ("NOTIFY_API_KEY", &format!("key-{}", "a".repeat(80)))])
            .unwrap_err()
            .to_string();
        assert!(err.contains("NOTIFY_TEMPLATE_ID"), "{err}");
        let s = settings(&[("EMAIL_TRANSPORT", "smtp"), ("SMTP_URL", "smtps://u:hunter2@mail.example:465")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        let EmailTransportSettings::Smtp { url } = &s.email.transport else { panic!("smtp") };
        assert_eq!(url.expose_secret(), "smtps://u:hunter2@mail.example:465");
        assert!(settings(&[("RETENTION_MONTHS", "0")]).is_err());
        assert_eq!(settings(&[("RETENTION_MONTHS", "12")]).unwrap().jobs.retention_months, 12);
        assert_eq!(settings(&[("PUBLIC_URL", "https://v.example/")]).unwrap().email.public_url, "https://v.example");
    }

    #[test]
    fn limits_and_trusted_proxies_are_read_and_checked() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.limits, LimitSettings::default());
        assert!(s.trusted_proxies.is_empty(), "no proxy is trusted unless configured");
        let s = settings(&[("VISIT_REQUEST_LIMIT_PER_EMAIL", "0"), ("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ::1")])
            .unwrap();
        assert_eq!(s.limits.visit_requests_per_email, 0);
        let proxies: Vec<String> = s.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(proxies, ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
        let err = settings(&[("TRUSTED_PROXIES", "10.0.0.0/33")]).unwrap_err().to_string();
        assert!(err.contains("CIDR"), "{err}");
        assert!(settings(&[("SIGN_IN_LIMIT_PER_ADDRESS", "many")]).is_err());
    }
}
