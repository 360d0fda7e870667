//! Prisons and live availability.

use actix_web::web::Bytes;
use chrono::{Duration, NaiveDate};
use domain::api::{Availability, PrisonDetails, PrisonSummary};
use domain::calendar::{BookingWindow, availability_for, london_today};
use domain::error::{FieldError, FieldErrorCode};
use domain::types::parse_iso_date;
use uuid::Uuid;

use crate::cache::CacheKey;
pub use crate::cache::{AvailabilityCache, TimetableCache};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn list(state: &AppState) -> Result<Vec<PrisonSummary>, ApiError> {
    Ok(super::store::list(&state.db).await?)
}

pub async fn details(state: &AppState, id: Uuid) -> Result<PrisonDetails, ApiError> {
    super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

/// The availability answer as JSON: from the cache when the prison has not changed since it was computed.
pub async fn availability_json(
    state: &AppState,
    prison_id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Bytes, ApiError> {
    let today = london_today(state.clock.now());
    // Slots before both today and `from` cannot change the answer.
    let earliest = from.and_then(parse_iso_date).map_or(today, |from| from.min(today));
    let version = state.availability_cache.version(&state.db, prison_id, earliest).await?.ok_or(ApiError::NotFound)?;
    let key = CacheKey { prison_id, today, from: from.map(str::to_owned), to: to.map(str::to_owned) };
    if let Some(body) = state.availability_cache.get(&key, version) {
        return Ok(body);
    }
    let body = Bytes::from(
        serde_json::to_vec(&availability(state, prison_id, from, to).await?)
            .map_err(|e| ApiError::Internal(e.into()))?,
    );
    state.availability_cache.put(key, version, body.clone());
    Ok(body)
}

/// Every concrete slot between `from` and `to` (default: today to the last bookable date). The range may be at
/// most the prison's booking window long, so one call is always cheap.
pub async fn availability(
    state: &AppState,
    prison_id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Availability, ApiError> {
    let prison = details(state, prison_id).await?;
    let window = BookingWindow::at(state.clock.now(), &prison.rules, state.holidays);
    let (from, to) = date_range(from, to, &window, prison.rules.booking_window_days)?;
    let timetable = super::store::timetable(&state.db, prison_id, from, to).await?;
    let booked = super::store::booked_counts(&state.db, prison_id, from, to).await?;
    Ok(availability_for(prison_id, &window, &timetable, from, to, &booked))
}

fn date_range(
    from: Option<&str>,
    to: Option<&str>,
    window: &BookingWindow,
    window_days: u16,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let mut errors = Vec::new();
    let mut parse = |value: Option<&str>, field: &str, default: NaiveDate| match value {
        None => Some(default),
        Some(s) => parse_iso_date(s)
            .ok_or(())
            .map_err(|()| {
                errors.push(FieldError::new(
                    field,
                    FieldErrorCode::InvalidDate,
                    format!("`{field}` must be a date written YYYY-MM-DD"),
                ))
            })
            .ok(),
    };
    let from = parse(from, "from", window.today);
    let to = parse(to, "to", window.last_bookable);
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Validation(errors));
    };
    if to < from {
        return Err(ApiError::validation(FieldError::new(
            "to",
            FieldErrorCode::InvalidDate,
            "`to` must be on or after `from`",
        )));
    }
    let longest = i64::from(window_days.max(1));
    if to - from >= Duration::days(longest + 1) {
        return Err(ApiError::validation(FieldError::new(
            "to",
            FieldErrorCode::OutOfRange,
            format!("Ask for at most {} days at a time", longest + 1),
        )));
    }
    Ok((from, to))
}
