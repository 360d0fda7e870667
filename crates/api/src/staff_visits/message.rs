//! A one-off message from staff to the visitor: kept on the visit and emailed.

use domain::decision::{StaffMessageRequest, check_staff_message};
use domain::email::EmailKind;
use domain::events::{EventType, VisitEventData};
use domain::staff::StaffVisitView;
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::view::view;
use super::{tell_visitor, visible};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::events::NewEvent;
use crate::state::AppState;

/// Sends the visitor a one-off message: kept on the visit and emailed, in one transaction.
pub async fn send_message(
    state: &AppState,
    user: &Principal,
    visit_id: Uuid,
    request: StaffMessageRequest,
) -> Result<StaffVisitView, ApiError> {
    let visit = visible(state, user, visit_id).await?;
    let text = check_staff_message(&request).map_err(ApiError::Validation)?;
    if visit.anonymised {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "This visit’s personal data has been removed; there is no one to write to.".into(),
        });
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let message_id =
        super::store::add_message(&tx, visit.id, user.actor(), Some(user.actor_name()), &text, now).await?;
    tell_visitor(&tx, visit.id, EmailKind::StaffMessage, now, Some(message_id)).await?;
    let data = VisitEventData {
        visit_id: visit.id,
        reference: visit.reference.clone(),
        prison_id: visit.prison_id,
        state: visit.state,
        version: visit.version,
        booked_slot: visit.booked_slot,
        actor: user.actor(),
        message_id: Some(message_id),
    };
    crate::events::record(&tx, NewEvent::about_visit(EventType::VisitMessaged, &data), now).await?;
    tx.commit().await?;
    tracing::info!(visit_id = %visit.id, caller = %user, "message sent to visitor");
    view(state, user, visit.id).await
}
