//! `prison-visits [COMMAND]`: the service (the default) and the tasks an operator runs beside it. The commands and
//! their arguments are declared once with clap, so `--help` and `--version` work everywhere and an unknown command
//! or argument is refused (exit status 2) before anything touches the database.

use anyhow::bail;
use api::config::Settings;
use api::startup::Application;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "prison-visits", version, propagate_version = true)]
#[command(about = "Prison Visit Booking: the REST API for visitors, staff and integrators, and its web client.")]
#[command(long_about = "Prison Visit Booking: the REST API for visitors, staff and integrators, and its web client. \
Settings come from the environment (see the README); with no command, the service runs.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (the default). It migrates at start only with MIGRATE_ON_START, on by default with the demo
    /// data.
    Serve,
    /// Create the database if needed (SQLite), apply pending migrations, then exit.
    Migrate,
    /// Create an admin account, with the password from ADMIN_PASSWORD or typed on standard input.
    CreateAdmin {
        /// The admin's email address, used to sign in.
        email: String,
        /// The admin's full name.
        name: String,
    },
    /// Print the OpenAPI document of the API.
    Openapi,
    /// Print the contract an external prison records service implements (OpenAPI).
    RecordsOpenapi,
    /// Load the built-in prison roll from CSV (columns and rules in api::records::roll_csv).
    ImportRoll {
        /// The prisoners file.
        #[arg(value_name = "PRISONERS.csv")]
        prisoners: String,
        /// The contacts file.
        #[arg(value_name = "CONTACTS.csv")]
        contacts: String,
    },
    /// Run the background jobs once: the daily digests and retention, the visit reminders due, then deliver every
    /// due email, then every due webhook.
    Jobs,
    /// Run only the retention job: anonymise visits past RETENTION_MONTHS, delete integration events and webhook
    /// deliveries past EVENTS_RETENTION_DAYS.
    Retention,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    // Parsed before anything else: `--help`, `--version` and a mistyped command never reach the database.
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", api::openapi::spec_json()?);
            Ok(())
        }
        Command::RecordsOpenapi => {
            print!("{}", api::records::contract::spec_json()?);
            Ok(())
        }
        Command::Migrate => migrate().await,
        Command::CreateAdmin { email, name } => create_admin(email, name).await,
        Command::Jobs => jobs().await,
        Command::ImportRoll { prisoners, contacts } => import_roll(prisoners, contacts).await,
        Command::Retention => retention().await,
        Command::Serve => {
            let settings = Settings::from_env()?;
            api::telemetry::init(settings.log_format);
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        }
    }
}

/// Settings for a one-off task: never the demo data, which is for a service someone is trying out.
fn task_settings() -> anyhow::Result<Settings> {
    let settings = Settings { demo_data: false, ..Settings::from_env()? };
    api::telemetry::init(settings.log_format);
    Ok(settings)
}

async fn migrate() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    api::telemetry::init(settings.log_format);
    // Two connections at least: one holds the migration lock (PostgreSQL) while the other migrates.
    let connect = api::startup::connect_settings(&settings, true);
    let db = api::db::connect(&settings.database_url, connect).await?;
    api::db::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

async fn create_admin(email: String, name: String) -> anyhow::Result<()> {
    let password = match std::env::var("ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password for {email} (at least 12 characters), then Enter:");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let settings = task_settings()?;
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

async fn jobs() -> anyhow::Result<()> {
    let settings = task_settings()?;
    let state = api::startup::state_for_commands(&settings).await?;
    let transport = api::outbox::email::Transport::from_settings(&settings.email)?;
    let texts = api::outbox::sms::Transport::from_settings(&settings.texts)?;
    let worker = api::outbox::worker::Worker::new(&state, transport, &settings.email, &settings.jobs).with_texts(texts);
    worker.daily(domain::calendar::london_today(state.clock.now())).await?;
    let reminders = worker.remind().await?;
    api::journey::store::delete_idle(&state.db, state.clock.now() - api::journey::IDLE_LIMIT).await?;
    println!("reminders queued {}", reminders.queued);
    let pass = worker.run_once().await?;
    println!(
        "sent {}, retrying {}, failed {}, reminders dropped {}",
        pass.sent, pass.retrying, pass.failed, pass.dropped
    );
    let webhooks = api::webhooks::worker::DeliveryWorker::new(&state, &settings.webhooks)?;
    let pass = webhooks.run_once().await?;
    println!("webhooks: delivered {}, retrying {}, failed {}", pass.delivered, pass.retrying, pass.failed);
    Ok(())
}

async fn import_roll(prisoners_path: String, contacts_path: String) -> anyhow::Result<()> {
    use anyhow::Context;
    let prisoners = std::fs::read(&prisoners_path).with_context(|| format!("cannot read {prisoners_path}"))?;
    let contacts = std::fs::read(&contacts_path).with_context(|| format!("cannot read {contacts_path}"))?;
    let settings = task_settings()?;
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

async fn retention() -> anyhow::Result<()> {
    let settings = task_settings()?;
    let state = api::startup::state_for_commands(&settings).await?;
    let n = api::retention::run(&state.db, state.clock.now(), settings.jobs.retention_months).await?;
    println!("anonymised {n} visits");
    let pruned =
        api::retention::prune_integration(&state.db, state.clock.now(), settings.jobs.events_retention_days).await?;
    println!(
        "deleted {} integration events and {} webhook deliveries older than {} days",
        pruned.events, pruned.deliveries, settings.jobs.events_retention_days
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
