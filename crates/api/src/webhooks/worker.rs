//! The webhook delivery worker: claims due deliveries, POSTs each event's payload signed per Standard Webhooks
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`), and records the outcome. A 2xx is delivered; anything
//! else, a timeout or a refused address is retried on the schedule below (about three days), then failed. A
//! subscription whose deliveries fail for good with nothing delivered since is turned off and the admins are
//! emailed. Delivery is at least once: a worker that dies mid-send leaves its claim to run out and the delivery is
//! sent again with the same `webhook-id`, which receivers use to drop the duplicate.
//!
//! It runs apart from the email outbox (its own loop, its own HTTP client and concurrency limit), so a slow receiver
//! never holds up visitors' emails.

use std::collections::HashMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use domain::email::EmailKind;
use domain::events::WebhookDeliveryState;
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use tokio::task::JoinSet;
use uuid::Uuid;

use super::store::{self, Claimed, Outcome};
use crate::clock::Clock;
use crate::config::WebhookSettings;
use crate::outbox::store::NewMessage;
use crate::state::AppState;

/// The wait after each failed try (Standard Webhooks' suggested schedule, stretched to about three days): 11
/// tries in all.
pub const RETRY_SCHEDULE: [i64; 10] =
    [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 10 * 3600, 14 * 3600, 20 * 3600];
/// Tries before a delivery fails for good.
pub const MAX_ATTEMPTS: u32 = RETRY_SCHEDULE.len() as u32 + 1;
/// How long a claim holds: far longer than a try may take (timeouts are seconds).
const LEASE_SECONDS: i64 = 60;
/// Events fanned out to their subscriptions in one transaction at most.
const FAN_OUT_BATCH: u64 = 200;
/// Claims in one pass at most (each claims up to `concurrency` deliveries), so that a pass ends.
const MAX_CLAIMS: usize = 400;
/// The longest excerpt of a receiver's answer kept in the log.
const EXCERPT: usize = 300;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
}

#[derive(Clone)]
pub struct DeliveryWorker {
    db: DatabaseConnection,
    clock: Clock,
    client: reqwest::Client,
    allow_loopback: bool,
    concurrency: usize,
    poll_interval: StdDuration,
}

/// The wait after try number `attempt` (1-based), within ±10 % so that deliveries failing together spread out.
pub fn backoff(attempt: u32) -> Duration {
    let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(RETRY_SCHEDULE.len() - 1);
    let jitter: f64 = rand::random_range(0.9..1.1);
    // A positive number of seconds below a day: no overflow, no sign change.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let seconds = (RETRY_SCHEDULE[index] as f64 * jitter).round() as i64;
    Duration::seconds(seconds.max(1))
}

impl DeliveryWorker {
    pub fn new(state: &AppState, settings: &WebhookSettings) -> anyhow::Result<DeliveryWorker> {
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy from the environment would connect for us, to addresses we never checked.
            .no_proxy()
            .dns_resolver(std::sync::Arc::new(super::address::CheckedResolver {
                allow_loopback: settings.allow_loopback,
            }))
            .user_agent("prison-visits-webhooks/1")
            .build()?;
        Ok(DeliveryWorker {
            db: state.db.clone(),
            clock: state.clock.clone(),
            client,
            allow_loopback: settings.allow_loopback,
            concurrency: settings.concurrency.max(1),
            poll_interval: settings.poll_interval,
        })
    }

    /// Sends every delivery due now, with at most `concurrency` requests in flight, claiming more as slots free up
    /// (a bounded number of claims, so a pass ends). A slow receiver holds only its own slots: while others have
    /// deliveries due it may hold at most half of them (`store::claim`'s share), and the rest keep moving.
    pub async fn run_once(&self) -> Result<Pass, DbErr> {
        Ok(self.pass().await?.0)
    }

    /// A pass, and whether it stopped at its bound of claims with more possibly due (a backlog).
    ///
    /// Before each claim it queues the deliveries of the events recorded since ([`store::fan_out`]), and while
    /// deliveries are in flight with slots free it looks again every poll interval: a long pass (a slow receiver's
    /// backlog timing out) never holds back other subscriptions' new events for longer than that.
    async fn pass(&self) -> Result<(Pass, bool), DbErr> {
        let mut pass = Pass::default();
        let mut running: JoinSet<(Uuid, Result<WebhookDeliveryState, DbErr>)> = JoinSet::new();
        let mut busy: HashMap<Uuid, u64> = HashMap::new();
        let share = (self.concurrency as u64).div_ceil(2);
        let mut claims = 0;
        // Whether a claim now might find something: after a full claim, or after a delivery ended (the next one of
        // the same visit may now be due).
        let mut more = true;
        let mut failure = None;
        loop {
            let free = self.concurrency - running.len();
            // Claim once at least half the slots are free, or when nothing runs: one claim per few deliveries.
            if more && claims < MAX_CLAIMS && failure.is_none() && (running.is_empty() || free * 2 >= self.concurrency)
            {
                claims += 1;
                let lease = Duration::seconds(LEASE_SECONDS);
                let claimed = async {
                    while store::fan_out(&self.db, self.clock.now(), FAN_OUT_BATCH).await? == FAN_OUT_BATCH {}
                    store::claim(&self.db, self.clock.now(), lease, free as u64, share, &busy).await
                };
                match claimed.await {
                    Ok(batch) => {
                        more = batch.len() == free;
                        for claimed in batch {
                            let subscription = claimed.delivery.subscription_id;
                            *busy.entry(subscription).or_default() += 1;
                            let worker = self.clone();
                            running.spawn(async move { (subscription, worker.deliver(&claimed).await) });
                        }
                    }
                    Err(e) => failure = Some(e),
                }
            }
            let next = if running.is_empty() || running.len() == self.concurrency {
                running.join_next().await
            } else {
                // Slots free while others are busy: look again for new events and due deliveries every poll interval.
                tokio::select! {
                    joined = running.join_next() => joined,
                    () = tokio::time::sleep(self.poll_interval) => {
                        more = true;
                        continue;
                    }
                }
            };
            let Some(joined) = next else {
                if more && claims < MAX_CLAIMS && failure.is_none() {
                    continue;
                }
                break;
            };
            more = true;
            let (subscription, outcome) = match joined {
                Ok(done) => done,
                Err(e) => {
                    // A task that panicked: its claim runs out and the delivery is tried again.
                    failure.get_or_insert(DbErr::Custom(format!("a webhook delivery task failed: {e}")));
                    continue;
                }
            };
            if let Some(n) = busy.get_mut(&subscription) {
                *n = n.saturating_sub(1);
            }
            match outcome {
                Ok(WebhookDeliveryState::Delivered) => pass.delivered += 1,
                Ok(WebhookDeliveryState::Failed) => pass.failed += 1,
                Ok(WebhookDeliveryState::Retrying | WebhookDeliveryState::Pending) => pass.retrying += 1,
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok((pass, more && claims >= MAX_CLAIMS)),
        }
    }

    async fn deliver(&self, claimed: &Claimed) -> Result<WebhookDeliveryState, DbErr> {
        let d = &claimed.delivery;
        let started = Instant::now();
        let attempt = self.attempt(claimed).await?;
        let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let now = self.clock.now();
        let attempts = u32::try_from(d.attempts).unwrap_or(0);
        let (state, next) = match &attempt {
            Attempt::Answered { status, .. } if (200..300).contains(status) => (WebhookDeliveryState::Delivered, now),
            _ if attempts >= MAX_ATTEMPTS => (WebhookDeliveryState::Failed, now),
            _ => (WebhookDeliveryState::Retrying, now + backoff(attempts)),
        };
        let (status, error, response) = match attempt {
            Attempt::Answered { status, excerpt } => {
                let error = (!(200..300).contains(&status)).then(|| format!("the receiver answered {status}"));
                (Some(status), error, Some(excerpt).filter(|e| !e.is_empty()))
            }
            Attempt::Failed(error) => (None, Some(error), None),
        };
        let outcome = Outcome { state, status, latency_ms, error, response, next_attempt_at: next };
        let tx = self.db.begin().await?;
        if !store::record_outcome(&tx, claimed, &outcome, now).await? {
            tx.rollback().await?;
            tracing::warn!(event_id = %d.event_id, subscription_id = %d.subscription_id,
                "webhook try finished after its claim was lost; it may be sent again");
            return Ok(state);
        }
        if state == WebhookDeliveryState::Failed {
            self.disable_if_failing(&tx, claimed, now).await?;
        }
        tx.commit().await?;
        tracing::info!(event_id = %d.event_id, subscription_id = %d.subscription_id, attempts, state = state.as_str(),
            status = ?outcome.status, latency_ms, error = ?outcome.error, "webhook try");
        Ok(state)
    }

    /// One POST. Errors are short and name no secret.
    async fn attempt(&self, claimed: &Claimed) -> Result<Attempt, DbErr> {
        let d = &claimed.delivery;
        let Some(subscription) = store::find_subscription(&self.db, d.subscription_id).await? else {
            return Ok(Attempt::Failed("the subscription no longer exists".into()));
        };
        let Some(body) = store::payload(&self.db, d.event_id).await? else {
            return Ok(Attempt::Failed("the event no longer exists".into()));
        };
        // Checked again now: the rule may have changed since the subscription was written.
        let url = match super::address::check_form(&subscription.url, self.allow_loopback) {
            Ok(url) if super::address::literal_allowed(&url, self.allow_loopback) => url,
            Ok(_) => return Ok(Attempt::Failed("refused: the address is a non-public address".into())),
            Err(refused) => return Ok(Attempt::Failed(format!("refused: {}", refused.0))),
        };
        let now = self.clock.now();
        let secrets = super::secrets::signing(
            &subscription.secret,
            subscription.previous_secret.as_deref(),
            subscription.previous_secret_until,
            now,
        );
        let id = d.event_id.to_string();
        let timestamp = now.timestamp();
        let signature = match super::secrets::signature_header(&secrets, &id, timestamp, &body) {
            Ok(signature) => signature,
            Err(e) => return Ok(Attempt::Failed(e)),
        };
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        Ok(match sent {
            Ok(mut response) => {
                let status = response.status().as_u16();
                // Only the start of the answer, whatever its size.
                let mut bytes = Vec::new();
                while bytes.len() < EXCERPT {
                    match response.chunk().await {
                        Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                        _ => break,
                    }
                }
                let excerpt: String = String::from_utf8_lossy(&bytes).chars().take(EXCERPT).collect();
                Attempt::Answered { status, excerpt }
            }
            Err(e) => Attempt::Failed(describe(&e)),
        })
    }

    async fn disable_if_failing(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        claimed: &Claimed,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let d = &claimed.delivery;
        let reason = format!(
            "Turned off on {}: a delivery failed every try for about three days and nothing was delivered since.",
            now.format("%Y-%m-%d %H:%M UTC")
        );
        if !store::disable_if_failing(tx, d.subscription_id, d.created_at, &reason, now).await? {
            return Ok(());
        }
        let url = store::find_subscription(tx, d.subscription_id).await?.map(|s| s.url).unwrap_or_default();
        tracing::warn!(subscription_id = %d.subscription_id, "webhook subscription turned off after persistent failure");
        for to in store::admin_emails(tx).await? {
            let payload = serde_json::json!({
                "to": to,
                "subscription_id": d.subscription_id.to_string(),
                "url": url,
                "at": now.to_rfc3339(),
            });
            let message = NewMessage {
                visit_id: None,
                prison_id: None,
                kind: EmailKind::WebhookDisabled,
                payload,
                dedupe_key: None,
            };
            crate::outbox::store::enqueue(tx, message, now).await?;
        }
        Ok(())
    }

    /// Runs in the server until it stops: a pass every poll interval; errors are logged and the loop goes on.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.pass().await {
                    // A backlog (a pass that stopped at its bound): go on at once rather than idle for the poll
                    // interval with deliveries due.
                    Ok((_, true)) => continue,
                    Ok((_, false)) => {}
                    Err(e) => tracing::warn!(error = %e, "webhook pass failed; will try again"),
                }
                tokio::time::sleep(self.poll_interval).await;
            }
        })
    }
}

enum Attempt {
    Answered { status: u16, excerpt: String },
    Failed(String),
}

/// A short reason for a failed request, without the URL (it may carry a token in its query).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_redirect() {
        "redirected (redirects are not followed)"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    let detail: String = detail.chars().take(200).collect();
    if detail.is_empty() { what.to_owned() } else { format!("{what}: {detail}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_spans_about_three_days() {
        let total: i64 = RETRY_SCHEDULE.iter().sum();
        assert!((2 * 86_400..=4 * 86_400).contains(&total), "{total}");
        assert_eq!(MAX_ATTEMPTS, 11);
        for _ in 0..50 {
            assert!((4..=6).contains(&backoff(1).num_seconds()));
            assert!((16 * 3600..=22 * 3600).contains(&backoff(30).num_seconds()));
        }
    }
}
