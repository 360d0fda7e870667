//! `bench-reminders`: the reminder job's benchmark, run by `scripts/bench-reminders.sh` (figures in
//! docs/benchmarks.md, "Reminders"). On the database `DATABASE_URL` names:
//!
//! - `bench-reminders seed N`: migrates, then adds 4 prisons (reminders 2 days before, the default) and N booked
//!   visits spread evenly over the next 28 days (UK dates from today), at 09:30, 14:00 and 18:00.
//! - `bench-reminders pass`: one reminder pass at the present time (`api::reminders::run`, what the worker runs every
//!   minute); prints `queued=Q read=R seconds=S`.
//! - `bench-reminders load-all`: the baseline a pass must not become: every booked visit read at once, as whole rows,
//!   in one query; prints `rows=R seconds=S`.

use std::time::Instant;

use anyhow::{Context, bail};
use api::db::entities::visit;
use chrono::{Duration, NaiveTime, Utc};
use domain::api::{Locale, VisitingRules};
use domain::visit::{Channel, VisitState};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Visits per INSERT: 30 columns each, well under SQLite's 32,766 parameters.
const SEED_BATCH: usize = 500;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = std::env::var("DATABASE_URL").context("set DATABASE_URL")?;
    let create = args.first().map(String::as_str) == Some("seed");
    let settings = api::db::ConnectSettings {
        max_connections: 4,
        postgres_acquire_timeout: std::time::Duration::from_secs(30),
        sqlite_synchronous: Default::default(),
        create_sqlite_file: create,
    };
    let db = api::db::connect(&url, settings).await?;
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["seed", n] => {
            let n: usize = n.parse().with_context(|| format!("N must be a whole number, got {n:?}"))?;
            api::db::migrate(&db).await?;
            seed(&db, n).await
        }
        ["pass"] => {
            let started = Instant::now();
            let pass = api::reminders::run(&db, Utc::now()).await?;
            let seconds = started.elapsed().as_secs_f64();
            println!("queued={} read={} seconds={seconds:.3}", pass.queued, pass.read);
            Ok(())
        }
        ["load-all"] => {
            let started = Instant::now();
            let rows = visit::Entity::find().filter(visit::Column::State.eq(VisitState::Booked)).all(&db).await?;
            let seconds = started.elapsed().as_secs_f64();
            println!("rows={} seconds={seconds:.3}", rows.len());
            Ok(())
        }
        _ => bail!("usage: bench-reminders seed N | pass | load-all (on DATABASE_URL)"),
    }
}

async fn seed(db: &sea_orm::DatabaseConnection, n: usize) -> anyhow::Result<()> {
    let now = Utc::now();
    let today = domain::calendar::london_today(now);
    let mut prisons = Vec::new();
    for k in 0..4 {
        let id = Uuid::new_v4();
        api::prisons::store::insert(
            db,
            api::prisons::store::NewPrison {
                id,
                code: &format!("BENCH{k}"),
                name: &format!("HMP Bench {k}"),
                address_lines: &["1 Gate Street"],
                town: "Benchton",
                postcode: "BN1 1AA",
                email: "visits@bench.example",
                phone: "01632 960000",
                rules: VisitingRules::default(),
                demo: false,
            },
            now,
        )
        .await?;
        prisons.push(id);
    }
    let times = [(9, 30), (14, 0), (18, 0)].map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default());
    let rows: Vec<visit::ActiveModel> = (0..n)
        .map(|i| {
            let start = times[i % 3];
            let date = today + Duration::days(i64::try_from(i / 3 % 28).unwrap_or(0));
            visit::ActiveModel {
                id: Set(Uuid::now_v7()),
                reference: Set(format!("B{i:07}")),
                prison_id: Set(prisons[i % prisons.len()]),
                state: Set(VisitState::Booked),
                prisoner_first_name: Set("John".into()),
                prisoner_last_name: Set("Smith".into()),
                prisoner_dob: Set(today - Duration::days(12_000)),
                prisoner_number: Set("A1234BC".into()),
                email: Set(format!("family{i}@example.com")),
                phone: Set("07700 900123".into()),
                locale: Set(if i % 10 == 0 { Locale::Cy } else { Locale::En }),
                token_hash: Set(format!("bench-token-{i}")),
                confirm_by: Set(today),
                booked_date: Set(Some(date)),
                booked_start: Set(Some(start)),
                booked_end: Set(Some(start + Duration::hours(2))),
                closed_visit: Set(false),
                booking_reference: Set(None),
                cancellation_reason: Set(None),
                cancellation_acknowledged_at: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                anonymised_at: Set(None),
                records_checks: Set(None),
                channel: Set(Channel::Website),
                reminded_date: Set(None),
                reminded_start: Set(None),
                // A third also asked for texts: their reminders are two messages.
                contact_email: Set(true),
                contact_sms: Set(i % 3 == 0),
                support_wheelchair_access: Set(false),
                support_hearing_loop: Set(false),
                support_interpreter_language: Set(None),
                support_other: Set(None),
            }
        })
        .collect();
    for chunk in rows.chunks(SEED_BATCH) {
        visit::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    println!("seeded prisons=4 visits={n}");
    Ok(())
}
