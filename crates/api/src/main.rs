//! `prison-visits [serve|migrate|create-admin|openapi|records-openapi|import-roll|jobs|retention]`: run the service
//! (default; it migrates at start only with `MIGRATE_ON_START`, on by default with the demo data), create the
//! database if needed and apply migrations then exit, create the first admin account, print the OpenAPI document or the prison
//! records contract, load the built-in prison roll from CSV, run the background jobs once (daily digests and
//! retention, then deliver every due email), or run only the retention job.

use anyhow::{Context, bail};
use api::config::Settings;
use api::startup::Application;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    match command.as_str() {
        "openapi" => {
            print!("{}", api::openapi::spec_json()?);
            Ok(())
        }
        "records-openapi" => {
            print!("{}", api::records::contract::spec_json()?);
            Ok(())
        }
        "migrate" => {
            let settings = Settings::from_env()?;
            api::telemetry::init(settings.log_format);
            // Two connections at least: one holds the migration lock (PostgreSQL) while the other migrates.
            let connect = api::startup::connect_settings(&settings, true);
            let db = api::db::connect(&settings.database_url, connect).await?;
            api::db::migrate(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        "create-admin" => {
            // prison-visits create-admin EMAIL NAME, with the password in ADMIN_PASSWORD or typed on standard input.
            let (Some(email), Some(name)) = (std::env::args().nth(2), std::env::args().nth(3)) else {
                bail!("usage: prison-visits create-admin EMAIL \"FULL NAME\" (password from ADMIN_PASSWORD or stdin)");
            };
            let password = match std::env::var("ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Password for {email} (at least 12 characters), then Enter:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let settings = Settings { demo_data: false, ..Settings::from_env()? };
            api::telemetry::init(settings.log_format);
            let state = api::startup::state_for_commands(&settings).await?;
            match api::staff::service::create_admin(&state, &email, &name, password).await {
                Ok(id) => {
                    println!("created admin {email} ({id})");
                    Ok(())
                }
                Err(api::error::ApiError::Validation(errors)) => {
                    let reasons: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
                    bail!("cannot create the admin: {}", reasons.join("; "))
                }
                Err(e) => bail!("cannot create the admin: {e}"),
            }
        }
        "jobs" => {
            let settings = Settings { demo_data: false, ..Settings::from_env()? };
            api::telemetry::init(settings.log_format);
            let state = api::startup::state_for_commands(&settings).await?;
            let transport = api::outbox::email::Transport::from_settings(&settings.email)?;
            let worker = api::outbox::worker::Worker::new(&state, transport, &settings.email, &settings.jobs);
            worker.daily(domain::calendar::london_today(state.clock.now())).await?;
            let pass = worker.run_once().await?;
            println!("sent {}, retrying {}, failed {}", pass.sent, pass.retrying, pass.failed);
            Ok(())
        }
        "import-roll" => {
            // prison-visits import-roll PRISONERS.csv CONTACTS.csv (columns and rules in api::records::roll_csv).
            let (Some(prisoners_path), Some(contacts_path)) = (std::env::args().nth(2), std::env::args().nth(3)) else {
                bail!("usage: prison-visits import-roll PRISONERS.csv CONTACTS.csv");
            };
            let prisoners = std::fs::read(&prisoners_path).with_context(|| format!("cannot read {prisoners_path}"))?;
            let contacts = std::fs::read(&contacts_path).with_context(|| format!("cannot read {contacts_path}"))?;
            let settings = Settings { demo_data: false, ..Settings::from_env()? };
            api::telemetry::init(settings.log_format);
            let state = api::startup::state_for_commands(&settings).await?;
            let files = (
                api::records::roll_csv::CsvFile { name: &prisoners_path, bytes: &prisoners },
                api::records::roll_csv::CsvFile { name: &contacts_path, bytes: &contacts },
            );
            match api::records::roll::import_csv(&state, files.0, files.1).await? {
                Ok(imported) => {
                    println!("loaded {} prisoners with {} contacts", imported.prisoners, imported.contacts);
                    Ok(())
                }
                Err(problems) => {
                    for problem in &problems {
                        eprintln!("{problem}");
                    }
                    bail!("nothing loaded: {} problem(s) in the files", problems.len())
                }
            }
        }
        "retention" => {
            let settings = Settings { demo_data: false, ..Settings::from_env()? };
            api::telemetry::init(settings.log_format);
            let state = api::startup::state_for_commands(&settings).await?;
            let n = api::retention::run(&state.db, state.clock.now(), settings.jobs.retention_months).await?;
            println!("anonymised {n} visits");
            Ok(())
        }
        "serve" => {
            let settings = Settings::from_env()?;
            api::telemetry::init(settings.log_format);
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        }
        other => bail!(
            "unknown command {other:?}; use serve, migrate, create-admin, openapi, records-openapi, import-roll, jobs or retention"
        ),
    }
}
