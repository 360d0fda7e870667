//! What staff print and count: a prison's day list (JSON and CSV) and its metrics over a period.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveTime};
use domain::calendar::{london_to_utc, london_today};
use domain::daylist::{DayList, DayListSlot, DayListVisit, DayListVisitor};
use domain::error::{FieldError, FieldErrorCode};
use domain::metrics::{MetricsRow, PrisonMetrics, summarise};
use domain::slot::Slot;
use domain::types::{DateWindow, parse_iso_date};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// A date in the query string: `YYYY-MM-DD`, within `DateWindow::StaffReport` of `today`.
pub(crate) fn date_param(value: Option<&str>, field: &str, today: NaiveDate) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|s| {
            let date = parse_iso_date(s).ok_or_else(|| {
                ApiError::validation(FieldError::new(
                    field,
                    FieldErrorCode::InvalidDate,
                    format!("`{field}` must be a date written YYYY-MM-DD"),
                ))
            })?;
            DateWindow::StaffReport
                .check(date, today, &format!("`{field}`"))
                .map_err(|e| ApiError::validation(e.under(field)))
        })
        .transpose()
}

/// The prison's visits on a date (default today), grouped by slot: booked and cancelled, with every visitor.
pub async fn day_list(
    state: &AppState,
    user: &Principal,
    prison_id: Uuid,
    date: Option<&str>,
) -> Result<DayList, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    crate::prisons::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let today = london_today(state.clock.now());
    let date = date_param(date, "date", today)?.unwrap_or(today);
    let timetable = crate::prisons::store::timetable(&state.db, prison_id, date, date).await?;
    let visits = crate::visits::store::on_date(&state.db, prison_id, date).await?;
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    let (mut visitors, _) = crate::visits::store::visitors_and_choices(&state.db, &ids).await?;

    // Every slot the timetable runs that day, plus any slot a visit was booked into before the timetable changed.
    let mut slots: BTreeMap<(NaiveTime, NaiveTime), DayListSlot> = timetable
        .slots_on(date)
        .into_iter()
        .map(|s| {
            let key = (s.slot.start, s.slot.end);
            (
                key,
                DayListSlot {
                    slot: s.slot,
                    capacity: s.capacity,
                    closed_capacity: s.closed_capacity,
                    held: 0,
                    visits: Vec::new(),
                },
            )
        })
        .collect();
    for held in crate::waiting_list::store::held_from(&state.db, prison_id, date).await? {
        if held.slot.date == date
            && let Some(entry) = slots.get_mut(&(held.slot.start, held.slot.end))
        {
            entry.held += 1;
        }
    }
    for v in visits {
        let Some(slot) = v.booked_slot else { continue };
        let entry = slots.entry((slot.start, slot.end)).or_insert_with(|| DayListSlot {
            slot: Slot::new(date, slot.start, slot.end),
            capacity: 0,
            closed_capacity: 0,
            held: 0,
            visits: Vec::new(),
        });
        entry.visits.push(DayListVisit {
            visitors: visitors
                .remove(&v.id)
                .unwrap_or_default()
                .into_iter()
                .map(|p| DayListVisitor {
                    name: format!("{} {}", p.first_name, p.last_name),
                    date_of_birth: p.dob,
                    lead: p.position == 0,
                    excluded: p.outcome.is_some(),
                })
                .collect(),
            visit_id: v.id,
            reference: v.reference,
            booking_reference: v.booking_reference,
            state: v.state,
            closed_visit: v.closed_visit,
            prisoner_name: format!("{} {}", v.prisoner_first_name, v.prisoner_last_name),
            prisoner_number: v.prisoner_number,
            prisoner_dob: v.prisoner_dob,
            channel: v.channel,
            support_needs: v.support_needs,
        });
    }
    Ok(DayList { prison_id, date, slots: slots.into_values().collect() })
}

/// Waiting, overdue, booked, rejected (by reason), withdrawn and cancelled requests, and processing times, for
/// requests made between `from` and `to` (UK dates, inclusive; default the last 28 days).
pub async fn metrics(
    state: &AppState,
    user: &Principal,
    prison_id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<PrisonMetrics, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    let prison = crate::prisons::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let today = london_today(state.clock.now());
    let to = date_param(to, "to", today)?.unwrap_or(today);
    let from = date_param(from, "from", today)?.unwrap_or(to - Duration::days(27));
    if from > to || to - from > Duration::days(366) {
        return Err(ApiError::validation(FieldError::new(
            "from",
            FieldErrorCode::OutOfRange,
            "Choose a period of at most a year, starting on or before its end",
        )));
    }
    let start = london_to_utc(from, NaiveTime::MIN);
    let end = london_to_utc(to + Duration::days(1), NaiveTime::MIN);
    let visits = crate::visits::store::for_metrics(&state.db, prison_id, start, end).await?;
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    let decided = crate::visits::store::decision_times(&state.db, &ids).await?;
    // A visit from the waiting list counts as a request from when it was offered a place (its period, processing
    // time and the day it is overdue from); one never offered a place (waiting, expired, or that left the line) was
    // never a request and is not counted.
    let offered = crate::waiting_list::store::offered_at(&state.db, &ids).await?;
    let mut reasons = crate::staff_visits::store::rejection_reasons_of(&state.db, &ids).await?;
    let rows: Vec<MetricsRow> = visits
        .iter()
        .filter_map(|v| match offered.get(&v.id) {
            None => Some((v, v.created_at)),
            Some(Some(at)) => Some((v, *at)),
            Some(None) => None,
        })
        .map(|(v, requested_at)| MetricsRow {
            state: v.state,
            created_on: london_today(requested_at),
            decided_after_secs: decided.get(&v.id).map(|at| (*at - requested_at).num_seconds()),
            rejection_reasons: reasons.remove(&v.id).unwrap_or_default(),
            channel: v.channel,
        })
        .collect();
    Ok(summarise(prison_id, from, to, &rows, today, &prison.rules, state.holidays))
}
