//! Prisons' rules and timetables, changed by their own staff without a release. A change that would leave booked
//! visits without their slot, or over its places, is refused with the list of those visits unless confirmed; the
//! visits stay booked either way. Changes reach visitors at once (the availability version moves on).

use domain::calendar::london_today;
use domain::rules::check_visiting_rules;
use domain::timetable_change::{TimetableChange, TimetableChanged, TimetableView, affected_visits};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::AppState;
use crate::auth::StaffUser;
use crate::error::ApiError;
use crate::storage;

pub async fn get(state: &AppState, user: &StaffUser, prison_id: Uuid) -> Result<TimetableView, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    let prison = storage::prisons::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let timetable = storage::prisons::full_timetable(&state.db, prison_id).await?;
    Ok(TimetableView { prison_id, rules: prison.rules, timetable })
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
    storage::prisons::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let mut errors: Vec<_> = check_visiting_rules(&change.rules).into_iter().map(|e| e.under("rules")).collect();
    errors.extend(change.timetable.validate().into_iter().map(|e| e.under("timetable")));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = state.clock.now();
    let today = london_today(now);
    let tx = state.db.begin().await?;
    // Read inside the transaction, so a visit booked meanwhile is either seen here or waits for this change.
    let booked = storage::visits::booked_from(&tx, prison_id, today).await?;
    let affected = affected_visits(&change.timetable, &booked, today);
    if !affected.is_empty() && !change.confirm_affected {
        tx.rollback().await?;
        return Err(ApiError::AffectsBookedVisits(affected));
    }
    storage::prisons::replace_timetable(&tx, prison_id, &change.rules, &change.timetable, now).await?;
    tx.commit().await?;
    tracing::info!(prison_id = %prison_id, staff_id = %user.id, affected = affected.len(), "timetable changed");
    Ok(TimetableChanged { timetable: get(state, user, prison_id).await?, affected })
}
