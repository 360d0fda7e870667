//! Cancelling a booked visit for a staff reason; its place returns to the slot.

use domain::decision::{StaffCancelRequest, check_staff_cancel};
use domain::email::EmailKind;
use domain::events::{EventType, VisitEventData};
use domain::staff::StaffVisitView;
use domain::visit::VisitState;
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::view::view;
use super::{conflict, tell_visitor, visible};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::events::NewEvent;
use crate::state::AppState;

/// Cancels a booked visit for a staff reason; its place returns to the slot.
pub async fn cancel(
    state: &AppState,
    user: &Principal,
    visit_id: Uuid,
    request: StaffCancelRequest,
) -> Result<StaffVisitView, ApiError> {
    let visit = visible(state, user, visit_id).await?;
    let cancellation = check_staff_cancel(&request).map_err(ApiError::Validation)?;
    if visit.version != request.expected_version {
        return Err(ApiError::Conflict {
            current: visit.state,
            version: visit.version,
            detail: "This visit has changed since you opened it. Reload it to see its current state.".into(),
        });
    }
    if visit.state != VisitState::Booked {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "Only a booked visit can be cancelled.".into(),
        });
    }
    let now = state.clock.now();
    if visit.booked_slot.is_some_and(|slot| domain::visit::has_started(&slot, now)) {
        return Err(ApiError::VisitAlreadyStarted {
            detail: "This visit has already started or taken place, so it can no longer be cancelled.".into(),
        });
    }
    let tx = state.db.begin().await?;
    let offered = crate::visits::store::transition(
        &tx,
        visit.id,
        visit.version,
        VisitState::Booked,
        VisitState::Cancelled,
        user.actor(),
        Some(user.actor_name()),
        now,
    )
    .await?;
    let Some(offered) = offered else {
        tx.rollback().await?;
        return Err(conflict(state, visit.id, "Someone else changed this visit first.").await);
    };
    super::store::set_cancellation_reason(&tx, visit.id, cancellation.reason).await?;
    let mut message_id = None;
    if let Some(message) = cancellation.message.as_deref() {
        message_id =
            Some(super::store::add_message(&tx, visit.id, user.actor(), Some(user.actor_name()), message, now).await?);
    }
    tell_visitor(&tx, visit.id, EmailKind::Cancelled, now, message_id).await?;
    let data = VisitEventData {
        visit_id: visit.id,
        reference: visit.reference.clone(),
        prison_id: visit.prison_id,
        state: VisitState::Cancelled,
        version: visit.version + 1,
        booked_slot: visit.booked_slot,
        actor: user.actor(),
        message_id,
    };
    crate::events::record(&tx, NewEvent::about_visit(EventType::VisitCancelled, &data), now).await?;
    // Its place went to the first in the slot's waiting list, if anyone waits: those events come after.
    for event in offered {
        crate::events::record(&tx, event, now).await?;
    }
    tx.commit().await?;
    view(state, user, visit.id).await
}
