//! In-process caches of answers the database can vouch for: each entry is tagged with the version it was computed
//! at and used only while the database still reports that version. moka keeps them bounded.

use std::sync::{Arc, Mutex, PoisonError};

use actix_web::web::Bytes;
use chrono::NaiveDate;
use domain::calendar::Timetable;
use moka::sync::Cache;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{Mutex as AsyncMutex, OnceCell};
use uuid::Uuid;

use crate::prisons::store;

/// What an availability answer was computed from (see `store::availability_stamp`).
pub type Stamp = (i64, i64);

/// Entries each cache keeps (an availability answer is a few KB, a timetable about as much); past this the least
/// used go first.
const CACHE_ENTRIES: u64 = 2_048;

/// Computed availability answers, as JSON, each tagged with the stamp it was computed at. Not shared state:
/// every request first reads the stamp from the database, and an entry is used only while it matches, so an
/// answer is never older than the database, whichever instance changed it.
pub struct AvailabilityCache {
    entries: Cache<CacheKey, (Stamp, Bytes)>,
    version_reads: Cache<(Uuid, NaiveDate), Arc<VersionReads>>,
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

/// One availability question: a prison, asked on a day (London), for a range as the caller wrote it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub prison_id: Uuid,
    pub today: NaiveDate,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Default for AvailabilityCache {
    fn default() -> Self {
        AvailabilityCache::with_capacity(CACHE_ENTRIES)
    }
}

impl AvailabilityCache {
    fn with_capacity(entries: u64) -> Self {
        AvailabilityCache { entries: Cache::new(entries), version_reads: Cache::new(entries) }
    }

    /// The answer cached for `key`, if it was computed at `version`.
    pub fn get(&self, key: &CacheKey, version: Stamp) -> Option<Bytes> {
        self.entries.get(key).filter(|(v, _)| *v == version).map(|(_, body)| body)
    }

    /// The prison's availability stamp from `from` onwards, read from the database after this call began (see
    /// [`VersionReads`]); `None` when there is no such prison.
    pub async fn version(
        &self,
        db: &DatabaseConnection,
        prison_id: Uuid,
        from: NaiveDate,
    ) -> Result<Option<Stamp>, DbErr> {
        // An evicted entry only means that requests arriving around then do not share a read.
        let reads = self.version_reads.get_with((prison_id, from), Default::default);
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
                store::availability_stamp(db, prison_id, from).await
            })
            .await?;
        Ok(*version)
    }

    /// Keeps `body`, the answer to `key` computed at `version`.
    pub fn put(&self, key: CacheKey, version: Stamp, body: Bytes) {
        self.entries.insert(key, (version, body));
    }
}

/// Prisons' whole timetables, each tagged with the availability version it was read at. Not shared state either:
/// the caller passes the version it has just read from the database (with the visit it is deciding), and an entry
/// is used only while it matches, so a timetable change on any instance is seen by the next decision everywhere.
pub struct TimetableCache {
    entries: Cache<Uuid, (i64, Arc<Timetable>)>,
}

impl Default for TimetableCache {
    fn default() -> Self {
        TimetableCache { entries: Cache::new(CACHE_ENTRIES) }
    }
}

impl TimetableCache {
    /// The prison's timetable as of availability version `version`.
    pub async fn get(&self, db: &DatabaseConnection, prison_id: Uuid, version: i64) -> Result<Arc<Timetable>, DbErr> {
        if let Some((_, timetable)) = self.entries.get(&prison_id).filter(|(v, _)| *v == version) {
            return Ok(timetable);
        }
        let timetable = Arc::new(store::full_timetable(db, prison_id).await?);
        // A newer version read by a concurrent request wins: versions only grow.
        self.entries.entry(prison_id).and_upsert_with(|current| match current {
            Some(newer) if newer.value().0 > version => newer.into_value(),
            _ => (version, timetable.clone()),
        });
        Ok(timetable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> CacheKey {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        CacheKey { prison_id: Uuid::nil(), today, from: Some(n.to_string()), to: None }
    }

    #[test]
    fn the_availability_cache_stays_bounded() {
        let cache = AvailabilityCache::with_capacity(64);
        for n in 0..1_000 {
            cache.put(key(n), (1, 1), Bytes::from_static(b"{}"));
        }
        cache.entries.run_pending_tasks();
        assert!(cache.entries.entry_count() <= 64, "{} entries", cache.entries.entry_count());
    }

    #[test]
    fn an_entry_is_used_only_at_the_version_it_was_computed_at() {
        let cache = AvailabilityCache::default();
        cache.put(key(1), (3, 7), Bytes::from_static(b"[1]"));
        assert_eq!(cache.get(&key(1), (3, 7)), Some(Bytes::from_static(b"[1]")));
        assert_eq!(cache.get(&key(1), (3, 8)), None, "a place taken since");
        assert_eq!(cache.get(&key(1), (4, 7)), None, "the timetable changed since");
        assert_eq!(cache.get(&key(2), (3, 7)), None);
    }

    #[test]
    fn the_timetable_cache_stays_bounded() {
        let cache = TimetableCache::default();
        for n in 0..(CACHE_ENTRIES + 500) {
            cache.entries.insert(Uuid::from_u128(u128::from(n)), (1, Arc::new(Timetable::default())));
        }
        cache.entries.run_pending_tasks();
        assert!(cache.entries.entry_count() <= CACHE_ENTRIES, "{} entries", cache.entries.entry_count());
    }
}
