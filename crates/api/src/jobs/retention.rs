//! The daily retention job: personal data of visits more than `months` past is removed (see
//! `storage::retention`), and their queued emails with it.

use chrono::{DateTime, Months, NaiveTime, Utc};
use domain::calendar::{london_to_utc, london_today};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::storage;

/// Anonymises every visit whose dates all lie more than `months` before today (UK time). Returns how many.
/// Safe to run on several instances at once: a visit already anonymised is not picked again.
pub async fn run(db: &DatabaseConnection, now: DateTime<Utc>, months: u32) -> Result<usize, DbErr> {
    let today = london_today(now);
    let cutoff_date = today.checked_sub_months(Months::new(months)).unwrap_or(today);
    let cutoff = london_to_utc(cutoff_date, NaiveTime::MIN);
    let mut total = 0;
    loop {
        let ids = storage::retention::due(db, cutoff, cutoff_date, 200).await?;
        if ids.is_empty() {
            break;
        }
        let tx = db.begin().await?;
        storage::retention::anonymise(&tx, &ids, now).await?;
        storage::outbox::delete_for_visits(&tx, &ids).await?;
        tx.commit().await?;
        total += ids.len();
    }
    if total > 0 {
        tracing::info!(visits = total, %cutoff_date, "personal data of old visits removed");
    }
    Ok(total)
}
