//! The outbox worker: claims due messages, renders each from the visit as it is now (in the visitor's language),
//! as an email or a text message (its channel), sends it, and records the outcome. A failure is retried with exponential backoff and jitter up to a limit, then
//! marked failed for staff to see. Messages are sent at least once; when nothing goes wrong, exactly once.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use domain::calendar::{london_to_utc, london_today};
use domain::email::{DeliveryState, EmailKind, MessageChannel};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use super::email::render::{self, PersonFacts, PrisonFacts, PrisonRequestLine, VisitFacts};
use super::email::{OutgoingEmail, SendError, Transport};
use super::sms::{self, OutgoingText};
use super::store::Claimed;
use crate::clock::Clock;
use crate::config::{EmailSettings, JobSettings};
use crate::state::AppState;
use crate::visits::tokens::TokenKey;

/// How long a claim holds: far longer than a send may take (the transports time out after 20 s).
const LEASE_SECONDS: i64 = 120;
/// Messages claimed at once.
const BATCH: u64 = 20;
/// The first retry waits about this long; each next one twice as long, up to `MAX_BACKOFF_SECONDS`.
const FIRST_BACKOFF_SECONDS: i64 = 30;
const MAX_BACKOFF_SECONDS: i64 = 6 * 3600;
/// How often the worker looks for visits to remind: lead times are whole days, so a minute late is on time.
const REMINDER_INTERVAL: StdDuration = StdDuration::from_secs(60);
/// The prisons' digests go out after this hour (UK time), for the day before.
const DIGEST_HOUR: u32 = 7;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Reminders no longer true when their turn came (the visit was cancelled, moved or has started): removed from
    /// the outbox, not sent.
    pub dropped: usize,
}

#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    clock: Clock,
    tokens: TokenKey,
    transport: Transport,
    /// How text messages go (the log until `with_texts`).
    texts: sms::Transport,
    public_url: String,
    max_attempts: u32,
    retention_months: u32,
    events_retention_days: u32,
}

/// The wait before try number `attempt + 1`: 30 s, 1 min, 2 min... at most 6 h, each within ±20 % so that many
/// messages failing together do not all come back at the same second.
pub fn backoff(attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1).min(20);
    let base = FIRST_BACKOFF_SECONDS.saturating_mul(1_i64 << exponent).min(MAX_BACKOFF_SECONDS);
    let jitter: f64 = rand::random_range(0.8..1.2);
    // Rounding a positive number of seconds below 7 h: no overflow, no sign change.
    #[allow(clippy::cast_possible_truncation)]
    let seconds = (base as f64 * jitter).round() as i64;
    Duration::seconds(seconds.max(1))
}

impl Worker {
    pub fn new(state: &AppState, transport: Transport, email: &EmailSettings, jobs: &JobSettings) -> Worker {
        Worker {
            db: state.db.clone(),
            clock: state.clock.clone(),
            tokens: state.tokens.clone(),
            transport,
            texts: sms::Transport::Log,
            public_url: email.public_url.clone(),
            max_attempts: jobs.max_attempts,
            retention_months: jobs.retention_months,
            events_retention_days: jobs.events_retention_days,
        }
    }

    /// The worker sending text messages by `texts` (`SMS_TRANSPORT`).
    pub fn with_texts(mut self, texts: sms::Transport) -> Worker {
        self.texts = texts;
        self
    }

    /// Delivers every message due now, batch by batch. Returns what happened.
    pub async fn run_once(&self) -> Result<Pass, DbErr> {
        let mut pass = Pass::default();
        // A bounded number of batches, so one pass always ends even if messages keep arriving.
        for _ in 0..50 {
            let batch =
                super::store::claim(&self.db, self.clock.now(), Duration::seconds(LEASE_SECONDS), BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for message in batch {
                match self.deliver(&message).await? {
                    None => pass.dropped += 1,
                    Some(DeliveryState::Sent) => pass.sent += 1,
                    Some(DeliveryState::Failed) => pass.failed += 1,
                    Some(DeliveryState::Retrying | DeliveryState::Pending) => pass.retrying += 1,
                }
            }
        }
        Ok(pass)
    }

    /// Sends one message and records the outcome; `None` when it was a reminder no longer worth sending.
    async fn deliver(&self, message: &Claimed) -> Result<Option<DeliveryState>, DbErr> {
        if message.kind == Some(EmailKind::Reminder) && !self.reminder_still_true(message).await? {
            super::store::delete_claimed(&self.db, message.id, message.claim_token).await?;
            tracing::info!(message_id = %message.id, "reminder not sent: the visit is no longer booked for that time");
            return Ok(None);
        }
        let (result, transport) = match message.channel {
            Some(MessageChannel::Email) => {
                let result = match self.compose(message).await {
                    Ok(email) => self.transport.send(&email).await,
                    Err(e) => Err(e),
                };
                (result, self.transport.name())
            }
            Some(MessageChannel::Sms) => {
                let result = match self.compose_text(message).await {
                    Ok(text) => self.texts.send(&text).await,
                    Err(e) => Err(e),
                };
                (result, self.texts.name())
            }
            None => (Err(SendError::Permanent("unknown channel of message".into())), "none"),
        };
        let channel = message.channel.map_or("unknown", MessageChannel::as_str);
        let now = self.clock.now();
        match result {
            Ok(()) => {
                if !super::store::mark_sent(&self.db, message.id, message.claim_token, now).await? {
                    tracing::warn!(message_id = %message.id, "sent after its claim ran out; it may be sent again");
                }
                tracing::info!(message_id = %message.id, kind = ?message.kind, channel, transport, "message sent");
                Ok(Some(DeliveryState::Sent))
            }
            Err(error) => {
                let give_up = error.is_permanent() || message.attempts >= self.max_attempts;
                let state = if give_up { DeliveryState::Failed } else { DeliveryState::Retrying };
                let next = now + backoff(message.attempts);
                super::store::mark_unsent(&self.db, message.id, message.claim_token, state, next, &error.to_string())
                    .await?;
                tracing::warn!(message_id = %message.id, kind = ?message.kind, channel, attempts = message.attempts,
                    state = state.as_str(), error = %error, "message not sent");
                Ok(Some(state))
            }
        }
    }

    /// Whether a reminder still tells the truth: its visit is booked for the time it was queued for (the payload's
    /// `date` and `start`), and has not started. A visit that moved gets a reminder for its new time from the next
    /// reminder pass (`crate::reminders`).
    async fn reminder_still_true(&self, message: &Claimed) -> Result<bool, DbErr> {
        let Some(visit_id) = message.visit_id else { return Ok(false) };
        let Some(visit) = crate::visits::store::find(&self.db, visit_id).await? else { return Ok(false) };
        let field = |name: &str| message.payload[name].as_str().unwrap_or_default().to_owned();
        let queued_for = (field("date"), field("start"));
        Ok(visit.state == domain::visit::VisitState::Booked
            && visit.booked_slot.is_some_and(|slot| {
                queued_for == (slot.date.to_string(), slot.start.format("%H:%M").to_string())
                    && !domain::visit::has_started(&slot, self.clock.now())
            }))
    }

    /// Queues the reminders due now (`crate::reminders`); the next delivery pass sends them.
    pub async fn remind(&self) -> Result<crate::reminders::Pass, DbErr> {
        crate::reminders::run(&self.db, self.clock.now()).await
    }

    /// The email for a message, read from the database now.
    async fn compose(&self, message: &Claimed) -> Result<OutgoingEmail, SendError> {
        let kind = message.kind.ok_or_else(|| SendError::Permanent("unknown kind of message".into()))?;
        let (to, rendered, fields) = match kind {
            EmailKind::PrisonDigest => self.digest(message).await?,
            EmailKind::WebhookDisabled => {
                let field = |name: &str| message.payload[name].as_str().unwrap_or_default().to_owned();
                let to = field("to");
                if to.is_empty() {
                    return Err(SendError::Permanent("webhook notice without an address".into()));
                }
                let staff_url = format!("{}/staff", self.public_url);
                let rendered = render::webhook_disabled(&field("url"), &field("subscription_id"), &staff_url);
                (to, rendered, vec![("subscription", field("subscription_id"))])
            }
            EmailKind::PrisonNewRequest => {
                let (facts, line, mailbox) = self.new_request(message).await?;
                let rendered = render::prison_new_request(&facts.prison.name, &line);
                (mailbox, rendered, vec![("reference", facts.reference.clone())])
            }
            visitor_kind => {
                let facts = self.visit_facts(message).await?;
                let rendered = render::visitor_email(visitor_kind, &facts)
                    .ok_or_else(|| SendError::Permanent("the visit has nothing to say for this email".into()))?;
                let mut fields = vec![
                    ("reference", facts.reference.clone()),
                    ("prison", facts.prison.name.clone()),
                    ("status_url", facts.status_url.clone()),
                ];
                if let Some(slot) = &facts.booked_slot {
                    fields.push(("visit_time", domain::i18n::describe_slot(slot, facts.locale)));
                }
                (facts.lead_visitor_email.clone(), rendered, fields)
            }
        };
        Ok(OutgoingEmail { id: message.id, kind, to, rendered, fields })
    }

    /// The text message for a message, read from the database now: to the visit's lead visitor's mobile number.
    async fn compose_text(&self, message: &Claimed) -> Result<OutgoingText, SendError> {
        let kind = message.kind.ok_or_else(|| SendError::Permanent("unknown kind of message".into()))?;
        if !kind.is_for_visitor() {
            return Err(SendError::Permanent("only visitors are sent text messages".into()));
        }
        let facts = self.visit_facts(message).await?;
        let to = facts.lead_visitor_phone.clone();
        if !domain::types::UkPhone::parse(&to).is_ok_and(|phone| phone.is_mobile()) {
            return Err(SendError::Permanent("the visit has no UK mobile number".into()));
        }
        let body = sms::render::visitor_text(kind, &facts)
            .ok_or_else(|| SendError::Permanent("the visit has nothing to say for this text".into()))?;
        let fields = vec![
            ("reference", facts.reference.clone()),
            ("prison", facts.prison.name.clone()),
            ("status_url", facts.status_url.clone()),
        ];
        Ok(OutgoingText { id: message.id, kind, to, body, fields })
    }

    async fn visit_facts(&self, message: &Claimed) -> Result<VisitFacts, SendError> {
        let visit_id = message.visit_id.ok_or_else(|| SendError::Permanent("message without a visit".into()))?;
        let db = &self.db;
        let visit = crate::visits::store::find(db, visit_id)
            .await
            .map_err(transient)?
            .ok_or_else(|| SendError::Permanent("the visit no longer exists".into()))?;
        if visit.anonymised || visit.email.is_empty() {
            return Err(SendError::Permanent("the visit’s personal data has been removed".into()));
        }
        let prison = crate::prisons::store::find(db, visit.prison_id)
            .await
            .map_err(transient)?
            .ok_or_else(|| SendError::Permanent("the prison no longer exists".into()))?;
        let visitors = crate::visits::store::visitors(db, visit.id).await.map_err(transient)?;
        let slot_choices = crate::visits::store::slot_choices(db, visit.id).await.map_err(transient)?;
        let reasons = crate::staff_visits::store::rejection_reasons(db, visit.id).await.map_err(transient)?;
        let message_id = message.payload["message_id"].as_str().and_then(|id| Uuid::parse_str(id).ok());
        let text = match message_id {
            Some(id) => crate::staff_visits::store::messages(db, visit.id)
                .await
                .map_err(transient)?
                .into_iter()
                .find(|m| m.id == id)
                .map(|m| m.body),
            None => None,
        };
        let changed_at = message.payload["at"]
            .as_str()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or(message.created_at);
        let offered_slot = if message.kind == Some(EmailKind::WaitingListOffered) {
            crate::waiting_list::store::offered_slot(db, visit.id).await.map_err(transient)?
        } else {
            None
        };
        let token = self.tokens.status_token(visit.id);
        let mut address = prison.address.lines.clone();
        address.extend([prison.address.town.clone(), prison.address.postcode.clone()]);
        Ok(VisitFacts {
            visit_id: visit.id,
            status_url: format!("{}/visit/{}?token={token}", self.public_url, visit.reference),
            reference: visit.reference,
            locale: visit.locale,
            prison: PrisonFacts { name: prison.name, address, phone: prison.phone, email: prison.email },
            prisoner_name: format!("{} {}", visit.prisoner_first_name, visit.prisoner_last_name),
            prisoner_number: visit.prisoner_number,
            visitors: visitors
                .into_iter()
                .map(|v| PersonFacts { name: format!("{} {}", v.first_name, v.last_name), excluded: v.outcome })
                .collect(),
            lead_visitor_email: visit.email,
            lead_visitor_phone: visit.phone,
            slot_choices,
            booked_slot: visit.booked_slot,
            confirm_by: visit.confirm_by,
            rejection_reasons: reasons.into_iter().map(|r| (r.reason, r.allowance_renews_on)).collect(),
            cancellation_reason: visit.cancellation_reason,
            message: text,
            changed_at,
            prisoner_details_mismatch: visit.records_checks.iter().any(|r| {
                r.check == domain::records::CheckKind::PrisonerDetails
                    && r.outcome == domain::records::CheckOutcome::Fail
            }),
            offered_slot,
        })
    }

    async fn mailbox(&self, prison_id: uuid::Uuid, own: &str) -> Result<String, SendError> {
        let (_, mailbox) = super::store::prison_notification(&self.db, prison_id).await.map_err(transient)?;
        Ok(mailbox.unwrap_or_else(|| own.to_owned()))
    }

    async fn new_request(&self, message: &Claimed) -> Result<(VisitFacts, PrisonRequestLine, String), SendError> {
        let facts = self.visit_facts(message).await?;
        let prison_id = message.prison_id.ok_or_else(|| SendError::Permanent("message without a prison".into()))?;
        let mailbox = self.mailbox(prison_id, &facts.prison.email).await?;
        let line = PrisonRequestLine {
            reference: facts.reference.clone(),
            prisoner_name: facts.prisoner_name.clone(),
            prisoner_number: facts.prisoner_number.clone(),
            visitor_count: facts.visitors.len(),
            slot_choices: facts.slot_choices.clone(),
            confirm_by: facts.confirm_by,
            staff_url: format!("{}/staff/visits/{}", self.public_url, facts.visit_id),
        };
        Ok((facts, line, mailbox))
    }

    async fn digest(
        &self,
        message: &Claimed,
    ) -> Result<(String, render::Rendered, Vec<(&'static str, String)>), SendError> {
        let prison_id = message.prison_id.ok_or_else(|| SendError::Permanent("message without a prison".into()))?;
        let day = message.payload["day"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| SendError::Permanent("digest without a day".into()))?;
        let prison = crate::prisons::store::find(&self.db, prison_id)
            .await
            .map_err(transient)?
            .ok_or_else(|| SendError::Permanent("the prison no longer exists".into()))?;
        let from = london_to_utc(day, NaiveTime::MIN);
        let to = london_to_utc(day.succ_opt().unwrap_or(day), NaiveTime::MIN);
        let visits = crate::visits::store::created_between(&self.db, prison_id, from, to).await.map_err(transient)?;
        let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
        let (mut visitors, mut choices) =
            crate::visits::store::visitors_and_choices(&self.db, &ids).await.map_err(transient)?;
        let lines: Vec<PrisonRequestLine> = visits
            .into_iter()
            .map(|v| PrisonRequestLine {
                staff_url: format!("{}/staff/visits/{}", self.public_url, v.id),
                visitor_count: visitors.remove(&v.id).map(|p| p.len()).unwrap_or(0),
                slot_choices: choices.remove(&v.id).unwrap_or_default(),
                prisoner_name: format!("{} {}", v.prisoner_first_name, v.prisoner_last_name),
                prisoner_number: v.prisoner_number,
                reference: v.reference,
                confirm_by: v.confirm_by,
            })
            .collect();
        let rendered = render::prison_digest(&prison.name, day, &lines, &format!("{}/staff", self.public_url));
        let mailbox = self.mailbox(prison_id, &prison.email).await?;
        Ok((mailbox, rendered, vec![("prison", prison.name)]))
    }

    /// The once-a-day work for `today` (UK date): yesterday's digest for each prison that wants one (written once,
    /// whichever instance gets there first), waiting-list entries whose times have passed, and the retention job.
    pub async fn daily(&self, today: NaiveDate) -> Result<(), DbErr> {
        let now = self.clock.now();
        if let Some(yesterday) = today.pred_opt() {
            for prison_id in super::store::digest_prisons(&self.db).await? {
                let message = super::store::NewMessage {
                    visit_id: None,
                    prison_id: Some(prison_id),
                    kind: EmailKind::PrisonDigest,
                    payload: serde_json::json!({ "day": yesterday.to_string() }),
                    dedupe_key: Some(super::store::digest_key(prison_id, yesterday)),
                };
                super::store::enqueue_once(&self.db, message, now).await?;
            }
        }
        crate::waiting_list::service::expire(&self.db, now).await?;
        crate::retention::run(&self.db, now, self.retention_months).await?;
        crate::retention::prune_integration(&self.db, now, self.events_retention_days).await?;
        Ok(())
    }

    /// Runs in the server until it stops: the daily work once a day after 07:00 UK time, a reminder pass (and the
    /// deletion of visitors' idle drafts) every minute, waiting-list entries whose times have passed and a delivery pass every `interval`. Errors are logged and
    /// the loop goes on (the database may come back).
    pub fn spawn(self, interval: StdDuration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut last_daily: Option<NaiveDate> = None;
            let mut last_reminders: Option<tokio::time::Instant> = None;
            loop {
                let now = self.clock.now();
                let today = london_today(now);
                let london_hour = now.with_timezone(&chrono_tz::Europe::London).hour();
                if last_daily != Some(today) && london_hour >= DIGEST_HOUR {
                    match self.daily(today).await {
                        Ok(()) => last_daily = Some(today),
                        Err(e) => tracing::warn!(error = %e, "daily jobs failed; will try again"),
                    }
                }
                // Waiting-list entries whose times have all passed leave the line within a pass of it (their
                // emails go out in the pass below).
                if let Err(e) = crate::waiting_list::service::expire(&self.db, now).await {
                    tracing::warn!(error = %e, "expiring the waiting list failed; will try again");
                }
                if last_reminders.is_none_or(|at| at.elapsed() >= REMINDER_INTERVAL) {
                    match self.remind().await {
                        Ok(_) => last_reminders = Some(tokio::time::Instant::now()),
                        Err(e) => tracing::warn!(error = %e, "reminder pass failed; will try again"),
                    }
                    // Visitors' drafts idle for 20 minutes go within a minute of it (what they typed with them).
                    if let Err(e) = crate::journey::store::delete_idle(&self.db, now - crate::journey::IDLE_LIMIT).await
                    {
                        tracing::warn!(error = %e, "deleting idle drafts failed; will try again");
                    }
                }
                if let Err(e) = self.run_once().await {
                    tracing::warn!(error = %e, "outbox pass failed; will try again");
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}

fn transient(e: DbErr) -> SendError {
    SendError::Transient(format!("database: {}", super::email::summarise_error(&e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_growing() {
        for _ in 0..100 {
            let first = backoff(1).num_seconds();
            assert!((24..=36).contains(&first), "{first}");
            let fourth = backoff(4).num_seconds();
            assert!((192..=288).contains(&fourth), "{fourth}");
            assert!(backoff(40).num_seconds() <= MAX_BACKOFF_SECONDS * 12 / 10);
        }
    }
}
