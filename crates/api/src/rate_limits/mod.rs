//! Rate limits shared by every instance. An attempt is reserved in the database before the work it limits is done
//! (a password checked, a visit request written), so that however many attempts arrive at once, on however many
//! instances, at most the limit go through; the others get 429 with `Retry-After` (RFC 9110 §10.2.3).

pub mod store;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::error::ApiError;
use crate::state::AppState;
use crate::visits::tokens;

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

/// A limit was over: the limits up to and including it (`limits[..reserved]`) hold a reservation.
#[derive(Debug, Clone, Copy)]
pub struct Refused {
    pub reserved: usize,
    pub retry_after_secs: i64,
}

/// Reserves one attempt under each limit, in order, on `db` (which may be a transaction: a rollback then undoes the
/// reservations). Returns each attempt's number in its window (0 for a limit that is off), or, as soon as one is
/// over its limit, [`Refused`] with the seconds until that limit's window ends.
pub async fn reserve_on(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limits: &[Limit],
) -> Result<Result<Vec<i32>, Refused>, DbErr> {
    let mut counts = Vec::with_capacity(limits.len());
    for (i, limit) in limits.iter().enumerate() {
        if !limit.is_on() {
            counts.push(0);
            continue;
        }
        let reserved = crate::rate_limits::store::reserve(db, &limit.key, now, limit.window).await?;
        if i64::from(reserved.count) > i64::from(limit.max) {
            let retry_after_secs = retry_after(reserved.window_started_at, limit, now);
            return Ok(Err(Refused { reserved: i + 1, retry_after_secs }));
        }
        counts.push(reserved.count);
    }
    Ok(Ok(counts))
}

/// Reserves one attempt under each limit, each in its own statement. Returns each attempt's number in its window
/// (0 for a limit that is off). When any limit is over, every reservation just made is given back and the answer
/// is [`ApiError::RateLimited`], with the seconds until that limit's window ends.
pub async fn reserve(state: &AppState, limits: &[Limit]) -> Result<Vec<i32>, ApiError> {
    match reserve_on(&state.db, state.clock.now(), limits).await? {
        Ok(counts) => Ok(counts),
        Err(Refused { reserved, retry_after_secs }) => {
            // The refused attempt is not one: it checked nothing.
            for limit in &limits[..reserved] {
                release(state, limit).await?;
            }
            Err(ApiError::RateLimited { retry_after_secs })
        }
    }
}

/// Reserves one attempt under `limit` (which must be on) and returns its number in the window and the seconds
/// until the window ends, for answers that show the client where it stands (API keys' `RateLimit` header). The
/// caller compares the number with its limit; an attempt over the limit stays counted (the window ends anyway).
pub async fn reserve_one(db: &impl ConnectionTrait, now: DateTime<Utc>, limit: &Limit) -> Result<(i32, i64), DbErr> {
    let reserved = crate::rate_limits::store::reserve(db, &limit.key, now, limit.window).await?;
    Ok((reserved.count, retry_after(reserved.window_started_at, limit, now)))
}

fn retry_after(window_started_at: DateTime<Utc>, limit: &Limit, now: DateTime<Utc>) -> i64 {
    (window_started_at + limit.window - now).num_seconds().max(1)
}

/// Gives back an attempt that turned out not to count (a sign-in that succeeded, a retried request).
pub async fn release(state: &AppState, limit: &Limit) -> Result<(), ApiError> {
    if limit.is_on() {
        crate::rate_limits::store::release(&state.db, &limit.key).await?;
    }
    Ok(())
}

/// Forgets every attempt under a limit (an account signed in with the right password).
pub async fn clear(state: &AppState, limit: &Limit) -> Result<(), ApiError> {
    crate::rate_limits::store::clear(&state.db, &limit.key).await?;
    Ok(())
}
