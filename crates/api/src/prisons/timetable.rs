//! Prisons' rules and timetables, changed by their own staff without a release. A change that would leave booked
//! visits without their slot, or over its places, is refused with the list of those visits unless confirmed; the
//! visits stay booked either way. Changes reach visitors at once (the availability version moves on). Places the
//! change gives go to the waiting list, and waiting visits whose every time it takes away leave the line, told why.

use chrono::Days;
use domain::calendar::london_today;
use domain::rules::check_visiting_rules;
use domain::slot::Slot;
use domain::timetable_change::{
    TimetableChange, TimetableChanged, TimetableView, affected_visits, capacities_after_change,
};
use sea_orm::{ConnectionTrait, DbBackend, IsolationLevel, TransactionTrait};
use uuid::Uuid;

use super::places::Places;
use crate::auth::StaffUser;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn get(state: &AppState, user: &StaffUser, prison_id: Uuid) -> Result<TimetableView, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    // Three reads in one snapshot, so a version always comes with the one timetable it stands for: PostgreSQL's
    // REPEATABLE READ takes the snapshot at the first read; SQLite's read transaction (WAL) does the same.
    let isolation = (state.db.get_database_backend() == DbBackend::Postgres).then_some(IsolationLevel::RepeatableRead);
    let tx = state.db.begin_with_config(isolation, None).await?;
    let view = consistent_view(&tx, prison_id).await?;
    tx.commit().await?;
    Ok(view)
}

/// The prison's rules and timetable with their version. `db` must see one moment: a snapshot (see [`get`]) or a
/// transaction holding the prison's lock (see [`change`]), so the version stands for exactly this content.
async fn consistent_view(db: &impl ConnectionTrait, prison_id: Uuid) -> Result<TimetableView, ApiError> {
    let version = super::store::availability_version(db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let prison = super::store::find(db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let timetable = super::store::full_timetable(db, prison_id).await?;
    Ok(TimetableView { prison_id, rules: prison.rules, timetable, version })
}

pub async fn change(
    state: &AppState,
    user: &StaffUser,
    prison_id: Uuid,
    change: TimetableChange,
) -> Result<TimetableChanged, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    super::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let mut errors: Vec<_> = check_visiting_rules(&change.rules).into_iter().map(|e| e.under("rules")).collect();
    errors.extend(change.timetable.validate().into_iter().map(|e| e.under("timetable")));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = state.clock.now();
    let today = london_today(now);
    let tx = state.db.begin().await?;
    // One change at a time per prison (the version's row lock), replacing the timetable as the last change left it,
    // and only the version the caller saw when they say which.
    let version = super::store::lock_availability_version(&tx, prison_id).await?.ok_or(ApiError::NotFound)?;
    if change.expected_version.is_some_and(|expected| expected != version) {
        tx.rollback().await?;
        return Err(ApiError::StaleTimetable { version });
    }
    let old_rules = super::store::find(&tx, prison_id).await?.ok_or(ApiError::NotFound)?.rules;
    let old_timetable = super::store::full_timetable(&tx, prison_id).await?;
    // Stamp the new places on every slot a booking could be taking a place in (see `super::places`): this waits
    // for bookings under way, and makes later ones wait for this change and compare with the new places. So the
    // booked visits read next are all there are, whatever else is writing, on every instance.
    let window_days = old_rules.booking_window_days.max(change.rules.booking_window_days);
    let window_end = today.checked_add_days(Days::new(u64::from(window_days))).unwrap_or(today);
    let last =
        crate::visits::store::latest_requested_choice(&tx, prison_id).await?.map_or(window_end, |d| d.max(window_end));
    let existing = super::places::slots_from(&tx, prison_id, today).await?;
    let capacities: Vec<(Slot, Places)> =
        capacities_after_change(&old_timetable, &change.timetable, &existing, today, last)
            .into_iter()
            .map(|(slot, open, closed)| (slot, Places { open, closed }))
            .collect();
    super::places::set_capacities(&tx, prison_id, &capacities).await?;
    let mut booked = crate::visits::store::booked_from(&tx, prison_id, today).await?;
    // Requests holding a place offered from the waiting list take it as a booking does.
    booked.extend(crate::waiting_list::store::held_from(&tx, prison_id, today).await?);
    let affected = affected_visits(&change.timetable, &booked, today);
    if !affected.is_empty() && !change.confirm_affected {
        tx.rollback().await?;
        return Err(ApiError::AffectsBookedVisits(affected));
    }
    super::store::replace_timetable(&tx, prison_id, &change.rules, &change.timetable, now).await?;
    // Read back in the transaction, which still holds the prison's lock: exactly what this change saved, with its
    // version, whatever other changes come after it.
    let saved = consistent_view(&tx, prison_id).await?;
    // Places the change gave (more of them, a date reopened) go to the waiting list at once, under the rows the
    // change holds, before any later booking can see them free.
    let stamped: Vec<Slot> = capacities.iter().map(|(slot, _)| *slot).collect();
    let offered = crate::waiting_list::service::offer_after_change(&tx, prison_id, &stamped, now).await?;
    // Those still waiting for times the change took away leave the line, and are told.
    let (waiting_list_ended, ended) =
        crate::waiting_list::service::times_withdrawn(&tx, prison_id, &saved.timetable, now).await?;
    let event = crate::events::NewEvent::timetable_changed(prison_id, saved.version);
    crate::events::record(&tx, event, now).await?;
    for event in offered.into_iter().chain(ended) {
        crate::events::record(&tx, event, now).await?;
    }
    tx.commit().await?;
    tracing::info!(prison_id = %prison_id, staff_id = %user.id, affected = affected.len(), "timetable changed");
    Ok(TimetableChanged { timetable: saved, affected, waiting_list_ended })
}
