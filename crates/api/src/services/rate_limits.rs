//! Rate limits shared by every instance. An attempt is reserved in the database before the work it limits is done
//! (a password checked, a visit request written), so that however many attempts arrive at once, on however many
//! instances, at most the limit go through; the others get 429 with `Retry-After` (RFC 9110 §10.2.3).

use chrono::{DateTime, Duration, Utc};

use super::{AppState, tokens};
use crate::error::ApiError;
use crate::storage;

/// At most `max` attempts under one key per fixed `window`; 0 means no limit.
#[derive(Debug, Clone)]
pub struct Limit {
    /// The SHA-256 of "what:who", so the table holds no email address, prison number or network address.
    key: String,
    max: u32,
    window: Duration,
}

impl Limit {
    /// `what` names the limit (`sign-in:email`), `who` the party it counts (an email, an address).
    pub fn new(what: &str, who: &str, max: u32, window: Duration) -> Limit {
        Limit { key: tokens::hash(&format!("{what}:{who}")), max, window }
    }

    fn is_on(&self) -> bool {
        self.max > 0
    }
}

/// Reserves one attempt under each limit. Returns each attempt's number in its window (0 for a limit that is off).
/// When any limit is over, every reservation just made is given back and the answer is
/// [`ApiError::RateLimited`], with the seconds until that limit's window ends.
pub async fn reserve(state: &AppState, limits: &[Limit]) -> Result<Vec<i32>, ApiError> {
    let now = state.clock.now();
    let mut counts = Vec::with_capacity(limits.len());
    for (i, limit) in limits.iter().enumerate() {
        if !limit.is_on() {
            counts.push(0);
            continue;
        }
        let reserved = storage::rate_limits::reserve(&state.db, &limit.key, now, limit.window).await?;
        if i64::from(reserved.count) > i64::from(limit.max) {
            for taken in limits[..=i].iter().filter(|l| l.is_on()) {
                storage::rate_limits::release(&state.db, &taken.key).await?;
            }
            return Err(ApiError::RateLimited { retry_after_secs: retry_after(reserved.window_started_at, limit, now) });
        }
        counts.push(reserved.count);
    }
    Ok(counts)
}

fn retry_after(window_started_at: DateTime<Utc>, limit: &Limit, now: DateTime<Utc>) -> i64 {
    (window_started_at + limit.window - now).num_seconds().max(1)
}

/// Gives back an attempt that turned out not to count (a sign-in that succeeded, a retried request).
pub async fn release(state: &AppState, limit: &Limit) -> Result<(), ApiError> {
    if limit.is_on() {
        storage::rate_limits::release(&state.db, &limit.key).await?;
    }
    Ok(())
}

/// Forgets every attempt under a limit (an account signed in with the right password).
pub async fn clear(state: &AppState, limit: &Limit) -> Result<(), ApiError> {
    storage::rate_limits::clear(&state.db, &limit.key).await?;
    Ok(())
}
