//! The `prison-visits` binary itself: help and mistakes are answered before any database is touched, and a real
//! command still does its work.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the built binary with `args` and `DATABASE_URL` set to `database_url`; nothing else of the test's
/// environment that could change the outcome is passed on.
fn prison_visits(args: &[&str], database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prison-visits"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("DEMO_DATA")
        .env_remove("MIGRATE_ON_START")
        .env_remove("ADMIN_PASSWORD")
        .env("LOG_FORMAT", "pretty")
        .output()
        .expect("the prison-visits binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An SQLite database that does not exist yet: its URL, and its file, deleted (if made) when the guard drops.
struct SqliteFile {
    url: String,
    file: PathBuf,
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.file.display()));
        }
    }
}

fn absent_sqlite_file() -> SqliteFile {
    let file = std::env::temp_dir().join(format!("pvb-cli-{}.db", uuid::Uuid::new_v4().simple()));
    SqliteFile { url: format!("sqlite://{}?mode=rwc", file.display()), file }
}

#[test]
fn help_is_printed_and_no_database_is_touched() {
    let db = absent_sqlite_file();
    for args in [&["retention", "--help"][..], &["--help"], &["help", "jobs"], &["serve", "-h"], &["migrate", "--help"]]
    {
        let out = prison_visits(args, &db.url);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage: prison-visits"), "{args:?}: {}", text(&out.stdout));
        assert!(!db.file.exists(), "{args:?} created the database");
    }
    let out = prison_visits(&["retention", "--help"], &db.url);
    assert!(text(&out.stdout).contains("retention job"), "{}", text(&out.stdout));
}

#[test]
fn the_version_is_printed_for_the_binary_and_its_commands() {
    let db = absent_sqlite_file();
    for args in [&["--version"][..], &["retention", "--version"]] {
        let out = prison_visits(args, &db.url);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).contains(env!("CARGO_PKG_VERSION")), "{}", text(&out.stdout));
    }
    assert!(!db.file.exists());
}

#[test]
fn an_unknown_command_or_argument_is_refused_with_status_2() {
    let db = absent_sqlite_file();
    for args in [
        &["retentoin"][..],
        &["retention", "--dry-run"],
        &["retention", "extra"],
        &["migrate", "now"],
        &["create-admin", "admin@prison.example"],
        &["import-roll", "prisoners.csv"],
        &["--port", "8080"],
    ] {
        let out = prison_visits(args, &db.url);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("Usage: prison-visits"), "{args:?}: {}", text(&out.stderr));
        assert!(!db.file.exists(), "{args:?} created the database");
    }
    // A near miss is named.
    assert!(text(&prison_visits(&["retentoin"], &db.url).stderr).contains("retention"));
}

#[test]
fn migrate_then_retention_work_on_a_fresh_sqlite_file() {
    let db = absent_sqlite_file();
    let out = prison_visits(&["migrate"], &db.url);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(db.file.exists());
    let out = prison_visits(&["retention"], &db.url);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "anonymised 0 visits\ndeleted 0 integration events and 0 webhook deliveries older than 30 days"
    );
}

#[test]
fn the_openapi_command_prints_the_checked_in_document() {
    let db = absent_sqlite_file();
    let out = prison_visits(&["openapi"], &db.url);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), api::openapi::spec_json().unwrap());
    assert!(!db.file.exists());
}
