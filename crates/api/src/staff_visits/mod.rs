//! Staff work on visits, one use case per file: the inbox and search, one visit, deciding a request (granting takes a
//! place atomically, so a slot is never booked past its capacity), cancelling a booked visit, acknowledging a
//! visitor's cancellation and messaging the visitor, and requesting a visit on a visitor's behalf. Every call is limited to the caller's prisons: another prison's
//! visit is answered exactly as a visit that does not exist. The helpers below are what those use cases share.

pub mod acknowledge;
pub mod behalf;
pub mod cancel;
pub mod decide;
pub mod inbox;
pub mod message;
pub mod routes;
pub mod store;
pub mod view;

use chrono::{DateTime, Utc};
use domain::email::EmailKind;
use sea_orm::DatabaseTransaction;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::outbox::store::NewMessage;
use crate::state::AppState;
use crate::visits::store::VisitRow;

/// Registers the staff visit endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::inbox)
        .service(routes::create_visit)
        .service(routes::search)
        .service(routes::get_visit)
        .service(routes::decide)
        .service(routes::cancel)
        .service(routes::acknowledge_cancellation)
        .service(routes::send_message);
}

/// The visit, if the caller may see it; otherwise the same 404 as for a visit that does not exist.
pub(super) async fn visible(state: &AppState, user: &Principal, visit_id: Uuid) -> Result<VisitRow, ApiError> {
    crate::visits::store::find(&state.db, visit_id)
        .await?
        .filter(|v| user.can_access(v.prison_id))
        .ok_or(ApiError::NotFound)
}

pub(super) async fn conflict(state: &AppState, visit_id: Uuid, detail: &str) -> ApiError {
    match crate::visits::store::find(&state.db, visit_id).await {
        Ok(Some(now)) => ApiError::Conflict { current: now.state, version: now.version, detail: detail.to_owned() },
        Ok(None) => ApiError::NotFound,
        Err(e) => e.into(),
    }
}

/// The visitor's email about a change to their visit.
pub(super) fn visitor_email(
    visit_id: Uuid,
    kind: EmailKind,
    now: DateTime<Utc>,
    message_id: Option<Uuid>,
) -> NewMessage {
    NewMessage::about_visit(visit_id, kind, crate::outbox::store::visit_payload(now, message_id))
}

/// Queues the visitor's email about a change, in the transaction that makes it.
pub(super) async fn tell_visitor(
    tx: &DatabaseTransaction,
    visit_id: Uuid,
    kind: EmailKind,
    now: DateTime<Utc>,
    message_id: Option<Uuid>,
) -> Result<(), ApiError> {
    crate::outbox::store::enqueue(tx, visitor_email(visit_id, kind, now, message_id), now).await?;
    Ok(())
}
