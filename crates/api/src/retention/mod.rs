//! The daily retention job: personal data of visits more than `months` past is removed (see
//! `store`), and their queued emails with it; so are stale rate-limit counters and expired sessions.

pub mod store;

use chrono::{DateTime, Duration, Months, NaiveTime, Utc};
use domain::calendar::{london_to_utc, london_today};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

/// Anonymises every visit whose dates all lie more than `months` before today (UK time). Returns how many.
/// Safe to run on several instances at once: a visit already anonymised is not picked again.
pub async fn run(db: &DatabaseConnection, now: DateTime<Utc>, months: u32) -> Result<usize, DbErr> {
    let today = london_today(now);
    let cutoff_date = today.checked_sub_months(Months::new(months)).unwrap_or(today);
    let cutoff = london_to_utc(cutoff_date, NaiveTime::MIN);
    let mut total = 0;
    loop {
        let ids = crate::retention::store::due(db, cutoff, cutoff_date, 200).await?;
        if ids.is_empty() {
            break;
        }
        let tx = db.begin().await?;
        crate::retention::store::anonymise(&tx, &ids, now).await?;
        crate::outbox::store::delete_for_visits(&tx, &ids).await?;
        tx.commit().await?;
        total += ids.len();
    }
    if total > 0 {
        tracing::info!(visits = total, %cutoff_date, "personal data of old visits removed");
    }
    // Rate-limit counters whose window (a day at most) is long over, and refresh tokens past their expiry: they
    // hold addresses and hashes of emails that nothing needs any more.
    let counters = crate::rate_limits::store::delete_stale(db, now - Duration::days(2)).await?;
    let tokens = crate::staff::store::delete_expired_sessions(db, now - Duration::days(1)).await?;
    if counters + tokens > 0 {
        tracing::info!(counters, tokens, "old rate-limit counters and expired refresh tokens removed");
    }
    Ok(total)
}
