//! Settings, read from the environment once at start. Anything missing that production needs fails fast
//! with a message saying how to fix it.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use domain::email::EmailKind;
use figment::Figment;
use figment::providers::Serialized;
pub use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::{Deserializer, Error as _};

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
    /// Text messages (`SMS_TRANSPORT`, `NOTIFY_SMS_*`).
    pub texts: TextSettings,
    pub jobs: JobSettings,
    /// The webhook delivery worker and the webhooks' safety rules (`WEBHOOKS_*`).
    pub webhooks: WebhookSettings,
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
    /// Feedback forms sent per client address in an hour (`FEEDBACK_LIMIT_PER_ADDRESS`, default 20): a prison's
    /// staff may share one address. The address is counted under its SHA-256 and never stored with the feedback.
    pub feedback_per_address: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            sign_in_per_account: 5,
            sign_in_per_address: 20,
            visit_requests_per_address: 100,
            visit_requests_per_prisoner: 6,
            visit_requests_per_email: 6,
            feedback_per_address: 20,
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

/// How text messages leave the service (`SMS_TRANSPORT`).
#[derive(Debug, Clone, Default)]
pub enum TextTransportSettings {
    /// Write a line to the log instead of sending (development; the default).
    #[default]
    Log,
    /// GOV.UK Notify's HTTP API, with the same API key and base URL as its emails (`NOTIFY_API_KEY`,
    /// `NOTIFY_BASE_URL`), a text message template per kind of message and, optionally, a sender.
    Notify { api_key: SecretString, base_url: String, templates: HashMap<EmailKind, String>, sender_id: Option<String> },
}

/// Text messages to visitors who chose them.
#[derive(Debug, Clone, Default)]
pub struct TextSettings {
    pub transport: TextTransportSettings,
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
    /// Integration events and finished webhook deliveries are deleted this many days after they were recorded
    /// (`EVENTS_RETENTION_DAYS`, default 30, at least 1): the change feed reaches back this far. An event a
    /// delivery still waits to send is kept until that delivery ends.
    pub events_retention_days: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            worker: true,
            poll_interval: Duration::from_secs(5),
            max_attempts: 10,
            retention_months: 6,
            events_retention_days: 30,
        }
    }
}

/// The webhook delivery worker: separate from the email outbox's (its own loop and connections), so a slow
/// receiver never holds up visitors' emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Run the delivery worker inside the server (`WEBHOOKS_WORKER`, default true).
    pub worker: bool,
    /// How often it looks for due deliveries (`WEBHOOKS_POLL_SECONDS`, default 2, at least 1).
    pub poll_interval: Duration,
    /// Deliveries sent at once (`WEBHOOKS_CONCURRENCY`, default 8, at least 1).
    pub concurrency: usize,
    /// How long to wait for a receiver's connection (`WEBHOOKS_CONNECT_TIMEOUT_MS`, default 2000).
    pub connect_timeout: Duration,
    /// How long a whole delivery may take (`WEBHOOKS_TIMEOUT_MS`, default 5000).
    pub timeout: Duration,
    /// Allow `http://` and loopback receivers (`WEBHOOKS_ALLOW_LOOPBACK`, default false): for tests and local
    /// development only. Private, link-local and other non-public addresses stay refused either way.
    pub allow_loopback: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            worker: true,
            poll_interval: Duration::from_secs(2),
            concurrency: 8,
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            allow_loopback: false,
        }
    }
}

fn webhook_settings(vars: &Vars) -> WebhookSettings {
    let d = WebhookSettings::default();
    WebhookSettings {
        worker: vars.webhooks_worker.unwrap_or(d.worker),
        poll_interval: vars.webhooks_poll_seconds.map_or(d.poll_interval, |s| Duration::from_secs(s.max(1))),
        concurrency: vars.webhooks_concurrency.unwrap_or(d.concurrency),
        connect_timeout: vars.webhooks_connect_timeout_ms.unwrap_or(d.connect_timeout),
        timeout: vars.webhooks_timeout_ms.unwrap_or(d.timeout),
        allow_loopback: vars.webhooks_allow_loopback.unwrap_or(d.allow_loopback),
    }
}

/// The variables as read, one field per variable and named as it (`DATABASE_URL`); unset or empty is `None`.
/// Each typed field is parsed from its text by a function whose error says what is expected; [`read`] puts the
/// variable's name in front. The rules between variables, and the defaults, are in [`Settings::from_vars`].
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "SCREAMING_SNAKE_CASE")]
struct Vars {
    database_url: Option<String>,
    #[serde(deserialize_with = "positive_number")]
    database_max_connections: Option<u32>,
    #[serde(deserialize_with = "positive_millis")]
    database_acquire_timeout_ms: Option<Duration>,
    #[serde(deserialize_with = "positive_millis")]
    request_timeout_ms: Option<Duration>,
    host: Option<String>,
    #[serde(deserialize_with = "port")]
    port: Option<u16>,
    #[serde(deserialize_with = "flag")]
    demo_data: Option<bool>,
    #[serde(deserialize_with = "flag")]
    migrate_on_start: Option<bool>,
    #[serde(deserialize_with = "flag")]
    postgres_fast_paths: Option<bool>,
    sqlite_synchronous: Option<String>,
    static_dir: Option<PathBuf>,
    log_format: Option<String>,
    secret_key: Option<SecretString>,
    #[serde(deserialize_with = "positive_number")]
    workers: Option<usize>,
    email_transport: Option<String>,
    email_from: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<SecretString>,
    notify_api_key: Option<SecretString>,
    notify_template_id: Option<String>,
    notify_base_url: Option<String>,
    sms_transport: Option<String>,
    notify_sms_template_id: Option<String>,
    notify_sms_sender_id: Option<String>,
    #[serde(deserialize_with = "flag")]
    outbox_worker: Option<bool>,
    #[serde(deserialize_with = "whole_number")]
    outbox_poll_seconds: Option<u64>,
    #[serde(deserialize_with = "whole_number")]
    outbox_max_attempts: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    retention_months: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    events_retention_days: Option<u32>,
    #[serde(deserialize_with = "flag")]
    webhooks_worker: Option<bool>,
    #[serde(deserialize_with = "whole_number")]
    webhooks_poll_seconds: Option<u64>,
    #[serde(deserialize_with = "positive_number")]
    webhooks_concurrency: Option<usize>,
    #[serde(deserialize_with = "positive_millis")]
    webhooks_connect_timeout_ms: Option<Duration>,
    #[serde(deserialize_with = "positive_millis")]
    webhooks_timeout_ms: Option<Duration>,
    #[serde(deserialize_with = "flag")]
    webhooks_allow_loopback: Option<bool>,
    records: Option<String>,
    records_url: Option<String>,
    records_token: Option<SecretString>,
    #[serde(deserialize_with = "millis")]
    records_timeout_ms: Option<Duration>,
    #[serde(deserialize_with = "whole_number")]
    records_retries: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    sign_in_limit_per_account: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    sign_in_limit_per_address: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    visit_request_limit_per_address: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    visit_request_limit_per_prisoner: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    visit_request_limit_per_email: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    feedback_limit_per_address: Option<u32>,
    #[serde(deserialize_with = "ip_networks")]
    trusted_proxies: Vec<ipnet::IpNet>,
}

/// Reads `vars` (empty values left out, as if unset) into [`Vars`]. A value that does not parse fails with its
/// variable's name and what is expected, e.g. `PORT must be a port number, got "eighty"`.
fn read(vars: &BTreeMap<String, String>) -> anyhow::Result<Vars> {
    let vars: BTreeMap<&str, &str> = vars
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    Figment::from(Serialized::defaults(vars)).extract().map_err(|error| match &error.kind {
        figment::error::Kind::Message(expected) => anyhow!("{} {expected}", error.path.join(".")),
        _ => anyhow!(error),
    })
}

fn parse_text<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    parse: impl FnOnce(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).map(Some).ok_or_else(|| D::Error::custom(format!("must be {expected}, got {text:?}")))
}

fn whole_number<'de, D: Deserializer<'de>, T: FromStr>(deserializer: D) -> Result<Option<T>, D::Error> {
    parse_text(deserializer, |text| text.parse().ok(), "a whole number")
}

/// A whole number of at least 1: a pool of no connections or a server of no workers cannot serve anyone.
fn positive_number<'de, D: Deserializer<'de>, T: FromStr + PartialOrd + From<u8>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    parse_text(deserializer, |text| text.parse().ok().filter(|n: &T| *n >= T::from(1)), "a whole number of at least 1")
}

/// A number of milliseconds of at least 1: a deadline of 0 would refuse every request.
fn positive_millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    parse_text(
        deserializer,
        |text| text.parse().ok().filter(|ms| *ms >= 1).map(Duration::from_millis),
        "a whole number of milliseconds, at least 1",
    )
}

fn port<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    parse_text(deserializer, |text| text.parse().ok(), "a port number")
}

/// A number of milliseconds.
fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    parse_text(deserializer, |text| text.parse().ok().map(Duration::from_millis), "a whole number of milliseconds")
}

fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    let parse = |text: &str| match text {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    };
    parse_text(deserializer, parse, "true or false")
}

/// `TRUSTED_PROXIES`: addresses or CIDR blocks separated by commas or spaces, e.g. `10.0.0.0/8, ::1`.
fn ip_networks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ipnet::IpNet>, D::Error> {
    String::deserialize(deserializer)?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    D::Error::custom(format!(
                        "must list IP addresses or CIDR blocks such as 10.0.0.0/8 or ::1, got {entry:?}"
                    ))
                })
        })
        .collect()
}

fn email_settings(vars: &mut Vars, all: &BTreeMap<String, String>) -> anyhow::Result<EmailSettings> {
    let defaults = EmailSettings::default();
    let from = vars.email_from.take().unwrap_or(defaults.from);
    if !from.contains('@') {
        bail!("EMAIL_FROM must be an address such as \"Prison Visit Booking <no-reply@visits.example>\", got {from:?}");
    }
    let public_url = vars.public_url.take().unwrap_or(defaults.public_url);
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        bail!("PUBLIC_URL must be the address visitors use, such as https://visits.example, got {public_url:?}");
    }
    let public_url = public_url.trim_end_matches('/').to_owned();
    let transport = match vars.email_transport.as_deref() {
        None | Some("log") => EmailTransportSettings::Log,
        Some("smtp") => {
            let url = vars.smtp_url.take().context(
                "EMAIL_TRANSPORT=smtp needs SMTP_URL, e.g. smtps://user:password@smtp.example:465 or \
smtp://user:password@smtp.example:587?tls=required",
            )?;
            if !(url.expose_secret().starts_with("smtp://") || url.expose_secret().starts_with("smtps://")) {
                bail!("SMTP_URL must start with smtp:// or smtps://");
            }
            EmailTransportSettings::Smtp { url }
        }
        Some("notify") => {
            let api_key = vars.notify_api_key.take().context(
                "EMAIL_TRANSPORT=notify needs NOTIFY_API_KEY (from GOV.UK Notify, API integration, API keys)",
            )?;
            if api_key.expose_secret().len() < 74 {
                bail!("NOTIFY_API_KEY looks cut short: it is the whole key, ending in the service id and the secret");
            }
            let mut templates = HashMap::new();
            for kind in EmailKind::ALL {
                // One variable per kind of email, so these are looked up by name rather than declared in `Vars`.
                let name = format!("NOTIFY_TEMPLATE_{}", kind.as_str().to_ascii_uppercase());
                let id = all.get(&name).filter(|id| !id.is_empty()).or(vars.notify_template_id.as_ref());
                let Some(id) = id else {
                    bail!(
                        "EMAIL_TRANSPORT=notify needs {name} or NOTIFY_TEMPLATE_ID (a template with ((subject)) and ((body)))"
                    );
                };
                templates.insert(kind, id.clone());
            }
            let base_url =
                vars.notify_base_url.take().unwrap_or_else(|| "https://api.notifications.service.gov.uk".into());
            EmailTransportSettings::Notify { api_key, base_url: base_url.trim_end_matches('/').to_owned(), templates }
        }
        Some(other) => bail!("EMAIL_TRANSPORT must be log, smtp or notify, got {other:?}"),
    };
    Ok(EmailSettings { transport, from, public_url })
}

/// Read before `email_settings`, which takes the Notify key and address for itself.
fn text_settings(vars: &Vars, all: &BTreeMap<String, String>) -> anyhow::Result<TextSettings> {
    let transport = match vars.sms_transport.as_deref() {
        None | Some("log") => TextTransportSettings::Log,
        Some("notify") => {
            let api_key = vars
                .notify_api_key
                .clone()
                .context("SMS_TRANSPORT=notify needs NOTIFY_API_KEY (from GOV.UK Notify, API integration, API keys)")?;
            crate::outbox::notify::split_api_key(api_key.expose_secret())?;
            let mut templates = HashMap::new();
            for kind in EmailKind::ALL.into_iter().filter(|k| k.is_for_visitor()) {
                // One variable per kind of text, so these are looked up by name rather than declared in `Vars`.
                let name = format!("NOTIFY_SMS_TEMPLATE_{}", kind.as_str().to_ascii_uppercase());
                let id = all.get(&name).filter(|id| !id.is_empty()).or(vars.notify_sms_template_id.as_ref());
                let Some(id) = id else {
                    bail!(
                        "SMS_TRANSPORT=notify needs {name} or NOTIFY_SMS_TEMPLATE_ID (a text message template with ((body)))"
                    );
                };
                if uuid::Uuid::parse_str(id).is_err() {
                    bail!("{name} (or NOTIFY_SMS_TEMPLATE_ID) must be a Notify template id, got {id:?}");
                }
                templates.insert(kind, id.clone());
            }
            let base_url =
                vars.notify_base_url.clone().unwrap_or_else(|| "https://api.notifications.service.gov.uk".into());
            TextTransportSettings::Notify {
                api_key,
                base_url: base_url.trim_end_matches('/').to_owned(),
                templates,
                sender_id: vars.notify_sms_sender_id.clone(),
            }
        }
        Some(other) => bail!("SMS_TRANSPORT must be log or notify, got {other:?}"),
    };
    Ok(TextSettings { transport })
}

fn records_settings(vars: &mut Vars) -> anyhow::Result<RecordsSettings> {
    let url = match (vars.records.as_deref(), vars.records_url.take()) {
        (None, None) | (Some("none"), _) => return Ok(RecordsSettings::None),
        (Some("builtin"), _) => return Ok(RecordsSettings::BuiltIn),
        (None | Some("http"), Some(url)) => url,
        (Some("http"), None) => bail!("RECORDS=http needs RECORDS_URL, the prison records service’s address"),
        (Some(other), _) => bail!("RECORDS must be none, builtin or http, got {other:?}"),
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!("RECORDS_URL must be the prison records service’s address, such as https://records.example/api");
    }
    let mut settings = crate::records::http::HttpRecordsSettings::new(&url);
    settings.token = vars.records_token.take();
    // A visitor waits for the checks: one short try and one retry, then "unknown".
    settings.timeout = vars.records_timeout_ms.unwrap_or(Duration::from_millis(1000));
    settings.retries = vars.records_retries.unwrap_or(1);
    Ok(RecordsSettings::Http(settings))
}

fn limit_settings(vars: &Vars) -> LimitSettings {
    let d = LimitSettings::default();
    LimitSettings {
        sign_in_per_account: vars.sign_in_limit_per_account.unwrap_or(d.sign_in_per_account),
        sign_in_per_address: vars.sign_in_limit_per_address.unwrap_or(d.sign_in_per_address),
        visit_requests_per_address: vars.visit_request_limit_per_address.unwrap_or(d.visit_requests_per_address),
        visit_requests_per_prisoner: vars.visit_request_limit_per_prisoner.unwrap_or(d.visit_requests_per_prisoner),
        visit_requests_per_email: vars.visit_request_limit_per_email.unwrap_or(d.visit_requests_per_email),
        feedback_per_address: vars.feedback_limit_per_address.unwrap_or(d.feedback_per_address),
    }
}

fn job_settings(vars: &Vars) -> anyhow::Result<JobSettings> {
    let defaults = JobSettings::default();
    let settings = JobSettings {
        worker: vars.outbox_worker.unwrap_or(defaults.worker),
        poll_interval: vars.outbox_poll_seconds.map_or(defaults.poll_interval, |s| Duration::from_secs(s.max(1))),
        max_attempts: vars.outbox_max_attempts.unwrap_or(defaults.max_attempts).max(1),
        retention_months: vars.retention_months.unwrap_or(defaults.retention_months),
        events_retention_days: vars.events_retention_days.unwrap_or(defaults.events_retention_days),
    };
    if settings.retention_months == 0 {
        bail!("RETENTION_MONTHS must be at least 1");
    }
    if settings.events_retention_days == 0 {
        bail!("EVENTS_RETENTION_DAYS must be at least 1 (the change feed must reach back at least a day)");
    }
    Ok(settings)
}

impl Settings {
    /// Defaults for a fresh clone: SQLite file in the working directory, demo data on, port 8080 on localhost.
    /// A variable whose value is not UTF-8 counts as unset.
    pub fn from_env() -> anyhow::Result<Settings> {
        Settings::from_vars(
            std::env::vars_os().filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?))),
        )
    }

    /// Settings from these variables (the environment's, or a test's). Variables the service does not read are
    /// ignored; an empty value is as if unset.
    pub fn from_vars<N: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (N, V)>,
    ) -> anyhow::Result<Settings> {
        let all: BTreeMap<String, String> = vars.into_iter().map(|(name, value)| (name.into(), value.into())).collect();
        let mut vars = read(&all)?;
        let database_url = vars.database_url.take().unwrap_or_else(|| "sqlite://prison-visits.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            bail!("DATABASE_URL must start with sqlite: or postgres:// (got {database_url:?})");
        }
        let host = vars.host.take().unwrap_or_else(|| "127.0.0.1".into());
        let bind = format!("{host}:{}", vars.port.unwrap_or(8080))
            .parse()
            .with_context(|| format!("HOST must be an IP address such as 127.0.0.1 or 0.0.0.0, got {host:?}"))?;
        let demo_data = vars.demo_data.unwrap_or(true);
        let log_format = match vars.log_format.as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => bail!("LOG_FORMAT must be json or pretty, got {other:?}"),
        };
        if let Some(secret) = &vars.secret_key
            && secret.expose_secret().len() < 32
        {
            bail!("SECRET_KEY must be at least 32 characters; generate one with `openssl rand -hex 32`");
        }
        let sqlite_synchronous = match vars.sqlite_synchronous.as_deref() {
            None | Some("full") => crate::db::SqliteSync::Full,
            Some("normal") => crate::db::SqliteSync::Normal,
            Some(other) => bail!(
                "SQLITE_SYNCHRONOUS must be full (every commit on disk before it is answered) or normal (faster; a \
power cut can lose the last commits), got {other:?}"
            ),
        };
        Ok(Settings {
            database_url,
            database_max_connections: vars.database_max_connections.unwrap_or(20),
            database_acquire_timeout: vars.database_acquire_timeout_ms.unwrap_or(crate::db::POSTGRES_ACQUIRE_TIMEOUT),
            request_timeout: vars.request_timeout_ms.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            bind,
            demo_data,
            static_dir: vars.static_dir.take().unwrap_or_else(|| PathBuf::from("frontend/dist")),
            log_format,
            secret_key: vars.secret_key.take(),
            workers: vars.workers,
            texts: text_settings(&vars, &all)?,
            email: email_settings(&mut vars, &all)?,
            jobs: job_settings(&vars)?,
            webhooks: webhook_settings(&vars),
            records: records_settings(&mut vars)?,
            limits: limit_settings(&vars),
            trusted_proxies: std::mem::take(&mut vars.trusted_proxies),
            sqlite_synchronous,
            // A fresh clone (demo data) creates and migrates its database; production runs `prison-visits migrate`.
            migrate_on_start: vars.migrate_on_start.unwrap_or(demo_data),
            postgres_fast_paths: vars.postgres_fast_paths.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_vars(vars.iter().copied())
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
        assert_eq!(settings(&[]).unwrap().jobs.events_retention_days, 30);
        assert_eq!(settings(&[("EVENTS_RETENTION_DAYS", "7")]).unwrap().jobs.events_retention_days, 7);
        assert!(settings(&[("EVENTS_RETENTION_DAYS", "0")]).is_err());
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

    fn error(vars: &[(&str, &str)]) -> String {
        settings(vars).unwrap_err().to_string()
    }

    #[test]
    fn a_value_that_does_not_parse_is_named_with_what_is_expected() {
        assert_eq!(
            error(&[("DATABASE_MAX_CONNECTIONS", "lots")]),
            r#"DATABASE_MAX_CONNECTIONS must be a whole number of at least 1, got "lots""#
        );
        assert_eq!(
            error(&[("VISIT_REQUEST_LIMIT_PER_EMAIL", "-1")]),
            r#"VISIT_REQUEST_LIMIT_PER_EMAIL must be a whole number, got "-1""#
        );
        assert_eq!(error(&[("PORT", "eighty")]), r#"PORT must be a port number, got "eighty""#);
        assert_eq!(error(&[("PORT", "70000")]), r#"PORT must be a port number, got "70000""#);
        assert_eq!(
            error(&[("REQUEST_TIMEOUT_MS", "5s")]),
            r#"REQUEST_TIMEOUT_MS must be a whole number of milliseconds, at least 1, got "5s""#
        );
        // Zero would start a service that refuses everyone (a deadline of 0 ms) or cannot start its server.
        assert_eq!(error(&[("WORKERS", "0")]), r#"WORKERS must be a whole number of at least 1, got "0""#);
        assert_eq!(
            error(&[("DATABASE_MAX_CONNECTIONS", "0")]),
            r#"DATABASE_MAX_CONNECTIONS must be a whole number of at least 1, got "0""#
        );
        assert_eq!(
            error(&[("REQUEST_TIMEOUT_MS", "0")]),
            r#"REQUEST_TIMEOUT_MS must be a whole number of milliseconds, at least 1, got "0""#
        );
        assert_eq!(error(&[("OUTBOX_WORKER", "maybe")]), r#"OUTBOX_WORKER must be true or false, got "maybe""#);
        assert_eq!(error(&[("DEMO_DATA", "TRUE")]), r#"DEMO_DATA must be true or false, got "TRUE""#);
        assert_eq!(error(&[("LOG_FORMAT", "xml")]), r#"LOG_FORMAT must be json or pretty, got "xml""#);
        assert_eq!(
            error(&[("EMAIL_TRANSPORT", "pigeon")]),
            r#"EMAIL_TRANSPORT must be log, smtp or notify, got "pigeon""#
        );
        assert_eq!(error(&[("RECORDS", "paper")]), r#"RECORDS must be none, builtin or http, got "paper""#);
        assert!(error(&[("SQLITE_SYNCHRONOUS", "off")]).starts_with("SQLITE_SYNCHRONOUS must be full (every commit"));
        assert!(
            error(&[("DATABASE_URL", "mysql://x")]).starts_with("DATABASE_URL must start with sqlite: or postgres://")
        );
        assert!(error(&[("PUBLIC_URL", "visits.example")]).starts_with("PUBLIC_URL must be the address visitors use"));
        assert!(error(&[("RECORDS_URL", "records.example")]).starts_with("RECORDS_URL must be the prison records"));
        assert_eq!(
            error(&[("TRUSTED_PROXIES", "10.0.0.1, proxy.internal")]),
            r#"TRUSTED_PROXIES must list IP addresses or CIDR blocks such as 10.0.0.0/8 or ::1, got "proxy.internal""#
        );
        assert_eq!(
            error(&[("HOST", "localhost")]),
            r#"HOST must be an IP address such as 127.0.0.1 or 0.0.0.0, got "localhost""#
        );
    }

    #[test]
    fn values_are_read_with_their_defaults_and_an_empty_value_is_unset() {
        let s = settings(&[
            ("DATABASE_MAX_CONNECTIONS", "7"),
            ("DATABASE_ACQUIRE_TIMEOUT_MS", "250"),
            ("REQUEST_TIMEOUT_MS", "1500"),
            ("HOST", "0.0.0.0"),
            ("PORT", "9000"),
            ("WORKERS", "3"),
            ("OUTBOX_WORKER", "no"),
            ("OUTBOX_POLL_SECONDS", "0"),
            ("RECORDS_URL", "https://records.example/api"),
            ("RECORDS_TIMEOUT_MS", "300"),
            ("LOG_FORMAT", "pretty"),
            ("PATH", "/usr/bin"),
        ])
        .unwrap();
        assert_eq!(s.database_max_connections, 7);
        assert_eq!(s.database_acquire_timeout, Duration::from_millis(250));
        assert_eq!(s.request_timeout, Duration::from_millis(1500));
        assert_eq!(s.bind, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(s.workers, Some(3));
        assert!(!s.jobs.worker);
        assert_eq!(s.jobs.poll_interval, Duration::from_secs(1), "polling at least every second");
        assert_eq!(s.log_format, LogFormat::Pretty);
        assert_eq!(s.webhooks, WebhookSettings::default(), "loopback refused unless allowed");
        let hooks = settings(&[("WEBHOOKS_ALLOW_LOOPBACK", "true"), ("WEBHOOKS_TIMEOUT_MS", "800")]).unwrap().webhooks;
        assert!(hooks.allow_loopback);
        assert_eq!(hooks.timeout, Duration::from_millis(800));
        assert!(settings(&[("WEBHOOKS_CONCURRENCY", "0")]).is_err());
        let RecordsSettings::Http(records) = &s.records else { panic!("RECORDS_URL alone means http") };
        assert_eq!((records.timeout, records.retries), (Duration::from_millis(300), 1));

        let empty =
            ["DATABASE_MAX_CONNECTIONS", "REQUEST_TIMEOUT_MS", "HOST", "PORT", "DEMO_DATA", "WORKERS", "SECRET_KEY"];
        let s = settings(&empty.map(|name| (name, ""))).unwrap();
        assert_eq!(s.database_max_connections, 20);
        assert_eq!(s.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(s.bind, "127.0.0.1:8080".parse().unwrap());
        assert!(s.demo_data);
        assert_eq!((s.workers, s.secret_key.is_none()), (None, true));
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let secrets = ["secret-key-0123456789abcdef0123456789", "smtp-pass-hunter2", "notify-key", "records-token-xyz"];
        let notify_key = format!("{}-{}", secrets[2], "a".repeat(80));
        let smtp_url = format!("smtps://u:{}@mail.example:465", secrets[1]);
        let with = |transport: &str| {
            settings(&[
                ("SECRET_KEY", secrets[0]),
                ("EMAIL_TRANSPORT", transport),
                ("SMTP_URL", &smtp_url),
                ("NOTIFY_API_KEY", &notify_key),
                ("NOTIFY_TEMPLATE_ID", "template"),
                ("RECORDS_URL", "https://records.example"),
                ("RECORDS_TOKEN", secrets[3]),
            ])
            .unwrap()
        };
        for transport in ["smtp", "notify"] {
            let s = with(transport);
            let shown = format!("{s:?} {s:#?}");
            for secret in secrets {
                assert!(!shown.contains(secret), "{transport}: {secret} shown in {shown}");
            }
            assert_eq!(s.secret_key.as_ref().map(|k| k.expose_secret()), Some(secrets[0]));
        }
    }
}
