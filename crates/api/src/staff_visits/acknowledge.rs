//! Acknowledging a visitor's cancellation, so it leaves the inbox.

use domain::staff::StaffVisitView;
use uuid::Uuid;

use super::view::view;
use super::visible;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// Marks a visitor's cancellation as seen, so it leaves the inbox.
pub async fn acknowledge_cancellation(
    state: &AppState,
    user: &Principal,
    visit_id: Uuid,
) -> Result<StaffVisitView, ApiError> {
    let visit = visible(state, user, visit_id).await?;
    if !crate::visits::store::acknowledge_cancellation(&state.db, visit.id, state.clock.now()).await? {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "Only a visitor’s cancellation that has not been acknowledged can be acknowledged.".into(),
        });
    }
    view(state, user, visit.id).await
}
