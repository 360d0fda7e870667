//! The daily retention job: personal data of visits more than `months` past is removed (see `store`), and their
//! queued emails with it, and the email addresses given with feedback as old; so are stale rate-limit counters, expired sessions and visitors' idle drafts. Integration
//! events and finished webhook deliveries go after `EVENTS_RETENTION_DAYS` ([`prune_integration`]).

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
    // Feedback keeps its words (the sender chose them), but an email address given with it goes at the same age.
    let feedback_emails = crate::feedback::store::forget_emails_before(db, cutoff).await?;
    if feedback_emails > 0 {
        tracing::info!(feedback_emails, %cutoff_date, "email addresses given with old feedback removed");
    }
    // Rate-limit counters whose window (a day at most) is long over, and refresh tokens past their expiry: they
    // hold addresses and hashes of emails that nothing needs any more.
    let counters = crate::rate_limits::store::delete_stale(db, now - Duration::days(2)).await?;
    let tokens = crate::staff::store::delete_expired_sessions(db, now - Duration::days(1)).await?;
    // Visitors' drafts left idle (the outbox worker deletes them every minute; this is for a deployment without it).
    let drafts = crate::journey::store::delete_idle(db, now - crate::journey::IDLE_LIMIT).await?;
    if counters + tokens + drafts > 0 {
        tracing::info!(
            counters,
            tokens,
            drafts,
            "old rate-limit counters, expired refresh tokens and idle drafts removed"
        );
    }
    Ok(total)
}

/// Rows deleted per statement, so that no one statement holds the write lock long (SQLite has one writer).
const PRUNE_BATCH: u64 = 1000;

/// What [`prune_integration`] deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub deliveries: u64,
    pub events: u64,
}

/// Deletes webhook deliveries that are over (delivered or failed) and integration events recorded more than `days`
/// days before `now`, so neither table grows forever. An event a waiting (pending or retrying) delivery still
/// needs is kept, whatever its age, until that delivery ends: the delivery sends the event's stored payload. The
/// change feed then starts at the oldest event kept and answers a cursor from before the gap with 410
/// `cursor_expired` (`crate::events::service::changes`). Safe to run on several instances at once.
pub async fn prune_integration(db: &DatabaseConnection, now: DateTime<Utc>, days: u32) -> Result<Pruned, DbErr> {
    let before = now - Duration::days(i64::from(days));
    let mut pruned = Pruned::default();
    loop {
        let n = crate::webhooks::store::delete_finished_before(db, before, PRUNE_BATCH).await?;
        pruned.deliveries += n;
        if n == 0 {
            break;
        }
    }
    loop {
        let n = crate::events::store::delete_old(db, before, PRUNE_BATCH).await?;
        pruned.events += n;
        if n < PRUNE_BATCH {
            break;
        }
    }
    if pruned != Pruned::default() {
        tracing::info!(events = pruned.events, deliveries = pruned.deliveries, days, "old integration events removed");
    }
    Ok(pruned)
}
