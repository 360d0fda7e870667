//! Prisons and live availability.

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::web::Bytes;
use chrono::{Duration, NaiveDate};
use domain::api::{Availability, PrisonDetails, PrisonSummary};
use domain::calendar::{BookingWindow, availability_for, london_today};
use domain::error::{FieldError, FieldErrorCode};
use domain::types::parse_iso_date;
use uuid::Uuid;

use super::AppState;
use crate::error::ApiError;
use crate::storage;

pub async fn list(state: &AppState) -> Result<Vec<PrisonSummary>, ApiError> {
    Ok(storage::prisons::list(&state.db).await?)
}

pub async fn details(state: &AppState, id: Uuid) -> Result<PrisonDetails, ApiError> {
    storage::prisons::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

/// Computed availability answers, as JSON, each tagged with the prison's availability version it was computed at.
/// Not shared state: every request first reads the version from the database, and an entry is used only while
/// it matches, so an answer is never older than the database, whichever instance changed it.
#[derive(Default)]
pub struct AvailabilityCache {
    entries: Mutex<HashMap<CacheKey, (i64, Bytes)>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    prison_id: Uuid,
    today: NaiveDate,
    from: Option<String>,
    to: Option<String>,
}

/// Entries kept before the cache starts again (each is a few KB).
const CACHE_ENTRIES: usize = 2_048;

impl AvailabilityCache {
    fn get(&self, key: &CacheKey, version: i64) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries.get(key).filter(|(v, _)| *v == version).map(|(_, body)| body.clone())
    }

    fn put(&self, key: CacheKey, version: i64, body: Bytes) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CACHE_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (version, body));
        }
    }
}

/// The availability answer as JSON: from the cache when the prison has not changed since it was computed.
pub async fn availability_json(
    state: &AppState,
    prison_id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Bytes, ApiError> {
    let version = storage::prisons::availability_version(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let key = CacheKey {
        prison_id,
        today: london_today(state.clock.now()),
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
    };
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
    let timetable = storage::prisons::timetable(&state.db, prison_id, from, to).await?;
    let booked = storage::prisons::booked_counts(&state.db, prison_id, from, to).await?;
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
