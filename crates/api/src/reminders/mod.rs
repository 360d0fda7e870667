//! Visit reminders (issue 14): a pass, run by the outbox worker every minute, that queues one reminder per booked
//! visit when the prison's lead time before it comes (`domain::reminder`), in the same transaction as marking the
//! visit reminded for its booked time (`store::claim`), so it is queued once however many instances run the pass.
//! The worker renders and sends it like any other email to the visitor. A visit booked when its reminder is
//! already due (tomorrow, with a 2-day lead) is reminded at once; a visit cancelled, withdrawn or rejected, or in a
//! prison with reminders off, is not; a visit whose booked time changes is reminded again for the new time.
//!
//! Each reminder is an outbox message of kind `EmailKind::Reminder`, written once per channel the visitor chose (an
//! email, a text message, or both: `outbox::store::enqueue_many` decides), each delivered by its own transport.

pub mod store;

use chrono::{DateTime, Duration, Utc};
use domain::calendar::london_today;
use domain::email::EmailKind;
use domain::reminder::reminder_is_due;
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use serde_json::{Value, json};

use crate::outbox::store::NewMessage;
use store::Candidate;

/// Visits read, and claimed, at a time: bounds the pass's memory however many visits are booked.
pub const BATCH: u64 = 500;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Booked visits not yet reminded that lie within a prison's lead time (in days), read.
    pub read: usize,
    /// Reminders queued.
    pub queued: usize,
}

/// The payload of a reminder: the booked time it is for, so that a reminder whose visit moved since is not sent.
pub fn reminder_payload(candidate: &Candidate, now: DateTime<Utc>) -> Value {
    json!({
        "at": now.to_rfc3339(),
        "date": candidate.slot.date.to_string(),
        "start": candidate.slot.start.format("%H:%M").to_string(),
    })
}

/// The message that reminds the visitor of one visit (by each channel they chose, when written).
fn reminder_messages(candidate: &Candidate, now: DateTime<Utc>) -> Vec<NewMessage> {
    vec![NewMessage::about_visit(candidate.id, EmailKind::Reminder, reminder_payload(candidate, now))]
}

/// Queues the reminder of every booked visit due at `now`, in batches of [`BATCH`]. Safe to run on several
/// instances at once: each visit's reminder is queued by one of them.
pub async fn run(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Pass, DbErr> {
    let today = london_today(now);
    let mut pass = Pass::default();
    for (prison_id, days) in store::prisons_with_reminders(db).await? {
        // A visit on a date after this one is not due yet, whatever its time.
        let last = today + Duration::days(i64::from(days));
        let mut after = None;
        loop {
            let batch = store::candidates(db, prison_id, (today, last), after, BATCH).await?;
            pass.read += batch.len();
            after = batch.last().map(|c| c.id);
            let due: Vec<Candidate> = batch.iter().filter(|c| reminder_is_due(&c.slot, days, now)).copied().collect();
            if !due.is_empty() {
                let tx = db.begin().await?;
                let claimed = store::claim(&tx, &due).await?;
                let messages =
                    due.iter().filter(|c| claimed.contains(&c.id)).flat_map(|c| reminder_messages(c, now)).collect();
                crate::outbox::store::enqueue_many(&tx, messages, now).await?;
                tx.commit().await?;
                pass.queued += claimed.len();
            }
            if (batch.len() as u64) < BATCH {
                break;
            }
        }
    }
    if pass.queued > 0 {
        tracing::info!(queued = pass.queued, read = pass.read, "visit reminders queued");
    }
    Ok(pass)
}
