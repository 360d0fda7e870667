//! Prisons and live availability.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::web::Bytes;
use chrono::{Duration, NaiveDate};
use domain::api::{Availability, PrisonDetails, PrisonSummary};
use domain::calendar::{BookingWindow, Timetable, availability_for, london_today};
use domain::error::{FieldError, FieldErrorCode};
use domain::types::parse_iso_date;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{Mutex as AsyncMutex, OnceCell};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn list(state: &AppState) -> Result<Vec<PrisonSummary>, ApiError> {
    Ok(super::store::list(&state.db).await?)
}

pub async fn details(state: &AppState, id: Uuid) -> Result<PrisonDetails, ApiError> {
    super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

/// What an availability answer was computed from (see `super::store::availability_stamp`).
type Stamp = (i64, i64);

/// Computed availability answers, as JSON, each tagged with the stamp it was computed at. Not shared state:
/// every request first reads the stamp from the database, and an entry is used only while it matches, so an
/// answer is never older than the database, whichever instance changed it.
#[derive(Default)]
pub struct AvailabilityCache {
    entries: Mutex<HashMap<CacheKey, (Stamp, Bytes)>>,
    version_reads: Mutex<HashMap<(Uuid, NaiveDate), Arc<VersionReads>>>,
}

/// The version reads of one prison. Requests that arrive while a read is running share the next one, which starts
/// after they arrived, so each gets a version at least as new as the database when it asked, as if it had run its
/// own query; under load one query answers many requests instead of each queueing for a connection (SQLite has
/// one) and paying two thread hand-offs for it.
#[derive(Default)]
struct VersionReads {
    /// Held while a read runs: at most one per prison at a time.
    running: AsyncMutex<()>,
    /// The read not started yet, joined by every request that arrives before it starts.
    next: Mutex<Option<Arc<OnceCell<Option<Stamp>>>>>,
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
    fn get(&self, key: &CacheKey, version: Stamp) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries.get(key).filter(|(v, _)| *v == version).map(|(_, body)| body.clone())
    }

    /// The prison's availability stamp from `from` onwards, read from the database after this call began (see
    /// [`VersionReads`]).
    async fn version(&self, db: &DatabaseConnection, prison_id: Uuid, from: NaiveDate) -> Result<Option<Stamp>, DbErr> {
        let reads = {
            let mut prisons = self.version_reads.lock().unwrap_or_else(PoisonError::into_inner);
            if prisons.len() >= CACHE_ENTRIES && !prisons.contains_key(&(prison_id, from)) {
                prisons.clear();
            }
            prisons.entry((prison_id, from)).or_default().clone()
        };
        let read =
            reads.next.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert_with(Default::default).clone();
        // One caller runs the read; the others wait for its result (or take over if it fails or is cancelled).
        let version = read
            .get_or_try_init(|| async {
                let _running = reads.running.lock().await;
                // From now on this read is closed: later requests join the next one.
                {
                    let mut next = reads.next.lock().unwrap_or_else(PoisonError::into_inner);
                    if next.as_ref().is_some_and(|n| Arc::ptr_eq(n, &read)) {
                        *next = None;
                    }
                }
                super::store::availability_stamp(db, prison_id, from).await
            })
            .await?;
        Ok(*version)
    }

    fn put(&self, key: CacheKey, version: Stamp, body: Bytes) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CACHE_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (version, body));
        }
    }
}

/// Prisons' whole timetables, each tagged with the availability version it was read at. Not shared state either:
/// the caller passes the version it has just read from the database (with the visit it is deciding), and an entry
/// is used only while it matches, so a timetable change on any instance is seen by the next decision everywhere.
#[derive(Default)]
pub struct TimetableCache {
    entries: Mutex<HashMap<Uuid, (i64, Arc<Timetable>)>>,
}

impl TimetableCache {
    /// The prison's timetable as of availability version `version`.
    pub async fn get(&self, db: &DatabaseConnection, prison_id: Uuid, version: i64) -> Result<Arc<Timetable>, DbErr> {
        let cached = {
            let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            entries.get(&prison_id).filter(|(v, _)| *v == version).map(|(_, t)| t.clone())
        };
        if let Some(timetable) = cached {
            return Ok(timetable);
        }
        let timetable = Arc::new(super::store::full_timetable(db, prison_id).await?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CACHE_ENTRIES {
            entries.clear();
        }
        // A newer version read by a concurrent request wins: versions only grow.
        let keep = entries.get(&prison_id).is_some_and(|(v, _)| *v > version);
        if !keep {
            entries.insert(prison_id, (version, timetable.clone()));
        }
        Ok(timetable)
    }
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
