//! `GET /prisons/{prison_id}/changes`: the change feed.

use actix_web::{HttpResponse, get, web};
use domain::error::Problem;
use domain::events::ChangePage;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::{Scoped, scope};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next_cursor` of the page before; absent to start from the oldest event kept. Anything else (empty, not
    /// a cursor) is 400; a cursor whose next events were removed (older than `EVENTS_RETENTION_DAYS`) is 410.
    #[param(pattern = "^[0-9]{1,18}$", min_length = 1, max_length = 18, example = "41")]
    pub after: Option<String>,
    /// Events per page, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// A prison's integration events after a cursor, in the order they were committed.
///
/// The source of truth for an integrator (webhooks are the nudge). Paging with `next_cursor` until `has_more` is false, then again later from
/// the last `next_cursor`, sees every event exactly once, even while writes go on. For the prison's staff or an
/// admin (an API key will need the `visits:read` scope).
///
/// The feed reaches back `EVENTS_RETENTION_DAYS` days (30 by default): older events are deleted daily, except one
/// a webhook delivery still waits to send. A cursor whose next event was deleted answers 410 `cursor_expired`
/// instead of a page that would skip events: read the current state again, then follow the feed without `after`.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = []), ("api_key" = ["visits:read"])),
    params(("prison_id" = Uuid, Path, description = "The prison's id"), ChangesQuery),
    responses(
        (status = 200, description = "A page of events", body = ChangePage, example = json!({
            "events": [{"id": "01938f6e-8c2a-7b3e-9f10-2a4b6c8d0e1f", "position": 41, "type": "visit.booked",
                "visit_id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "occurred_at": "2026-12-01T10:15:00Z",
                "data": {"visit_id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "reference": "ABCD2345",
                    "prison_id": "0b8e2f4c-1a3d-4e5f-8a6b-7c9d0e1f2a3b", "state": "booked", "version": 1,
                    "booked_slot": {"date": "2026-12-04", "start": "14:00", "end": "16:00"}, "actor": "staff"}}],
            "next_cursor": "41", "has_more": false})),
        (status = 400, description = "`after` is not a cursor (not digits), or `limit` is out of range", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such prison, or not one of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`cursor_expired`: events after this cursor were deleted (kept `EVENTS_RETENTION_DAYS` days); read the current state again and start again without `after`", body = Problem, content_type = "application/problem+json", example = json!({
            "type": "/problems/cursor_expired", "title": "The feed no longer reaches back to this cursor", "status": 410,
            "code": "cursor_expired", "detail": "Events are kept 30 days and some after this cursor have been removed, so paging on from it would skip them. Read the current state again (for example the visits), then follow the feed from its oldest event by leaving out `after` (the oldest kept is at position 1042)."})),
        (status = 422, description = "`after` (on `errors`) is past the newest event of this prison's feed: not a cursor this feed gave", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/prisons/{prison_id}/changes")]
#[tracing::instrument(skip(state, user))]
pub async fn changes(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsRead>,
    prison_id: web::Path<Uuid>,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let page =
        super::service::changes(&state, &user, prison_id.into_inner(), query.after.as_deref(), query.limit).await?;
    Ok(HttpResponse::Ok().json(page))
}
