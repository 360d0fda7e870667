//! Sending feedback (anyone, limited per client address) and reading it back (admins).

use chrono::{Duration, NaiveTime};
use domain::calendar::{london_to_utc, london_today};
use domain::error::{FieldError, FieldErrorCode};
use domain::feedback::{FeedbackCreated, FeedbackList, FeedbackRequest, FeedbackSource, FeedbackView, parse_feedback};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::rate_limits::{self, Limit};
use crate::state::AppState;

/// Feedback forms per client address are counted over this long.
const ADDRESS_WINDOW: Duration = Duration::hours(1);

/// Most feedback [`list`] returns; the CSV has it all.
pub const LIST_LIMIT: u64 = 500;

/// Stores one piece of feedback. Without a credential it is a visitor's; with a staff token, staff's (which member
/// of staff is not kept); an integrator's key gets 403: feedback comes from people. A form that breaks a rule is not
/// counted against the address's limit; past the limit the answer is [`ApiError::RateLimited`]. The address itself is
/// never stored with the feedback (only its SHA-256, in the shared rate-limit counter, which the retention job
/// deletes within two days).
pub async fn send(
    state: &AppState,
    request: &FeedbackRequest,
    caller: Option<&Principal>,
    address: Option<String>,
) -> Result<FeedbackCreated, ApiError> {
    let source = match caller {
        None => FeedbackSource::Visitor,
        Some(Principal::Staff(_)) => FeedbackSource::Staff,
        Some(Principal::ApiKey(_)) => return Err(ApiError::Forbidden),
    };
    let valid = parse_feedback(request).map_err(ApiError::Validation)?;
    let now = state.clock.now();
    let limits: Vec<Limit> = address
        .map(|a| Limit::new("feedback:address", &a, state.limits.feedback_per_address, ADDRESS_WINDOW))
        .into_iter()
        .collect();
    let id = Uuid::now_v7();
    let tx = state.db.begin().await?;
    if let Err(refused) = rate_limits::reserve_on(&tx, now, &limits).await? {
        tx.rollback().await?;
        return Err(ApiError::RateLimited { retry_after_secs: refused.retry_after_secs });
    }
    super::store::insert(&tx, id, source, &valid, now).await?;
    tx.commit().await?;
    tracing::info!(feedback_id = %id, source = source.as_str(), satisfaction = valid.satisfaction.as_str(), "feedback received");
    Ok(FeedbackCreated { id, source, created_at: now })
}

/// The period asked for, as UK dates (default the last 28 days up to today), and its bounds as instants.
struct Period {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
}

fn period(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<Period, ApiError> {
    let today = london_today(state.clock.now());
    let to = crate::reports::service::date_param(to, "to", today)?.unwrap_or(today);
    let from = crate::reports::service::date_param(from, "from", today)?.unwrap_or(to - Duration::days(27));
    if from > to || to - from > Duration::days(366) {
        return Err(ApiError::validation(FieldError::new(
            "from",
            FieldErrorCode::OutOfRange,
            "Choose a period of at most a year, starting on or before its end",
        )));
    }
    let start = london_to_utc(from, NaiveTime::MIN);
    let end = london_to_utc(to + Duration::days(1), NaiveTime::MIN);
    Ok(Period { from, to, start, end })
}

/// The feedback sent from `from` to `to` (UK dates, inclusive), newest first, at most [`LIST_LIMIT`] of it.
pub async fn list(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<FeedbackList, ApiError> {
    let p = period(state, from, to)?;
    let total = super::store::count(&state.db, p.start, p.end).await?;
    let items = super::store::between(&state.db, p.start, p.end, Some(LIST_LIMIT)).await?;
    Ok(FeedbackList { from: p.from, to: p.to, total, items })
}

/// Every piece of feedback sent from `from` to `to`, newest first, with the period (for the file's name).
pub async fn all(
    state: &AppState,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate, Vec<FeedbackView>), ApiError> {
    let p = period(state, from, to)?;
    let items = super::store::between(&state.db, p.start, p.end, None).await?;
    Ok((p.from, p.to, items))
}
