//! Settings, read from the environment once at start. Anything missing that production needs fails fast
//! with a message saying how to fix it.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};

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
    pub bind: SocketAddr,
    /// Seed demonstration prisons into an empty database.
    pub demo_data: bool,
    /// The built web client; served at `/` when the folder exists.
    pub static_dir: PathBuf,
    pub log_format: LogFormat,
    /// Secret for signing visitors' status tokens (at least 32 bytes). When unset, one is generated and kept in
    /// the database, shared by every instance.
    pub secret_key: Option<String>,
    /// actix worker threads (default: one per core).
    pub workers: Option<usize>,
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
        let database_max_connections = get("DATABASE_MAX_CONNECTIONS")
            .map(|n| n.parse().with_context(|| format!("DATABASE_MAX_CONNECTIONS must be a number, got {n:?}")))
            .transpose()?
            .unwrap_or(20);
        let workers = get("WORKERS")
            .map(|n| n.parse().with_context(|| format!("WORKERS must be a number, got {n:?}")))
            .transpose()?;
        Ok(Settings {
            database_url,
            database_max_connections,
            bind,
            demo_data,
            static_dir: get("STATIC_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("frontend/dist")),
            log_format,
            secret_key,
            workers,
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
    }
}
