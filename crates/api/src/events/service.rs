//! The change feed: a prison's events after a cursor, in position order.

use domain::events::{ChangeEvent, ChangePage, EventType};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// Events per page unless `limit` says otherwise, and the most a page holds.
pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 500;

/// A cursor is the position of the last event seen, as decimal digits (absent: from the oldest event kept). Opaque
/// to clients; anything else is refused with 400 `malformed_request`.
pub fn parse_cursor(cursor: Option<&str>) -> Result<i64, ApiError> {
    let Some(cursor) = cursor else { return Ok(0) };
    if cursor.is_empty() || cursor.len() > 18 || !cursor.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Malformed(
            "`after` must be a cursor this feed gave (`next_cursor`), or absent to start from the beginning.".into(),
        ));
    }
    cursor.parse().map_err(|_| ApiError::Malformed("`after` is not a cursor this feed gave.".into()))
}

/// The page after `after`: at most `limit` (1 to 500) events. Another prison's feed answers 404 like a missing one.
///
/// Events are kept `EVENTS_RETENTION_DAYS` days (`crate::retention::prune_integration`). Without `after` the feed
/// starts at the oldest event kept. A cursor whose next event was deleted answers 410 `cursor_expired` rather than
/// a page that silently skips events: positions are dense (see `store::last_position`), so the next event of a
/// cursor `n` is at `n + 1` unless it was removed.
pub async fn changes(
    state: &AppState,
    user: &Principal,
    prison_id: Uuid,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<ChangePage, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    let from_oldest = after.is_none();
    let after = parse_cursor(after)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::Malformed(format!("`limit` must be between 1 and {MAX_LIMIT}.")));
    }
    crate::prisons::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    // One more than asked, to tell whether more follow.
    let mut rows = super::store::after(&state.db, prison_id, after, u64::from(limit) + 1).await?;
    if !from_oldest {
        // The counter is written with each event, so a cursor past it was never given by this feed: refused
        // rather than answered with nothing forever (an integrator with a corrupt cursor would miss every event).
        let last = if rows.is_empty() { Some(super::store::last_position(&state.db, prison_id).await?) } else { None };
        if last.is_some_and(|last| after > last) {
            return Err(ApiError::validation(domain::error::FieldError::new(
                "after",
                domain::error::FieldErrorCode::InvalidValue,
                "This is past the newest event of this prison’s feed: send a `next_cursor` this feed gave, or leave \
                 `after` out to start from the oldest event kept",
            )));
        }
        if rows.is_empty() && last.is_some_and(|last| last > after) {
            // The counter went past the cursor. Read again, after the counter: an event committed since the first
            // read shows now, so an empty answer means the events were removed.
            rows = super::store::after(&state.db, prison_id, after, u64::from(limit) + 1).await?;
            if rows.is_empty() {
                return Err(expired(state, prison_id).await?);
            }
        }
        if rows.first().is_some_and(|row| row.position > after + 1) {
            return Err(expired(state, prison_id).await?);
        }
    }
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let events = rows
        .into_iter()
        .map(|row| {
            let event_type: EventType = row.event_type.parse().map_err(|_| {
                ApiError::Internal(anyhow::anyhow!("event {}: unknown type {:?}", row.id, row.event_type))
            })?;
            let payload: serde_json::Value = serde_json::from_str(&row.payload)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("event {}: unreadable payload: {e}", row.id)))?;
            Ok(ChangeEvent {
                id: row.id,
                position: row.position,
                event_type,
                visit_id: row.visit_id,
                occurred_at: row.occurred_at,
                data: payload["data"].clone(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let next_cursor = events.last().map_or(after, |e| e.position).to_string();
    Ok(ChangePage { events, next_cursor, has_more })
}

/// The answer for a cursor whose next events were removed by retention.
async fn expired(state: &AppState, prison_id: Uuid) -> Result<ApiError, ApiError> {
    let oldest = super::store::oldest_position(&state.db, prison_id).await?;
    Ok(ApiError::CursorExpired { retention_days: state.events_retention_days, oldest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_positions_and_nothing_else() {
        assert_eq!(parse_cursor(None).unwrap(), 0);
        assert_eq!(parse_cursor(Some("42")).unwrap(), 42);
        for bad in ["", "-1", "+1", "1.5", "abc", " 1", "9999999999999999999", "0x10"] {
            assert!(parse_cursor(Some(bad)).is_err(), "{bad}");
        }
    }
}
