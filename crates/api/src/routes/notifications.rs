//! Email: a prison's mailbox settings (admins), and staff messages to a visitor.

use actix_web::{HttpResponse, get, post, put, web};
use domain::decision::StaffMessageRequest;
use domain::email::PrisonNotificationSettings;
use domain::error::Problem;
use domain::staff::StaffVisitView;
use uuid::Uuid;

use crate::auth::{AdminUser, StaffUser};
use crate::error::ApiError;
use crate::json::Json;
use crate::services::{AppState, decisions, notifications};

/// How the prison's visits mailbox hears about new requests: an email for each, a daily digest, or none.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("prison_id" = Uuid, Path, description = "The prison's id")),
    responses(
        (status = 200, description = "The settings", body = PrisonNotificationSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such prison", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/prisons/{prison_id}/notifications")]
#[tracing::instrument(skip(state, _admin))]
pub async fn get_prison_notifications(
    state: web::Data<AppState>,
    _admin: AdminUser,
    prison_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(notifications::get(&state, prison_id.into_inner()).await?))
}

/// Change how the prison's visits mailbox hears about new requests, and which mailbox.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("prison_id" = Uuid, Path, description = "The prison's id")),
    request_body = PrisonNotificationSettings,
    responses(
        (status = 200, description = "Changed", body = PrisonNotificationSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such prison", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The mailbox is not an email address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/staff/prisons/{prison_id}/notifications")]
#[tracing::instrument(skip(state, _admin, body))]
pub async fn put_prison_notifications(
    state: web::Data<AppState>,
    _admin: AdminUser,
    prison_id: web::Path<Uuid>,
    body: Json<PrisonNotificationSettings>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(notifications::set(&state, prison_id.into_inner(), body.into_inner()).await?))
}

/// Send the visitor a one-off message. It is emailed in their language's email (the text as written) and shown on
/// the visit's page; the visit's `emails` show when it has gone.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = [])),
    params(("visit_id" = Uuid, Path, description = "The visit's id")),
    request_body = StaffMessageRequest,
    responses(
        (status = 200, description = "Queued for sending", body = StaffVisitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such visit in the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The visit's personal data has been removed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff/visits/{visit_id}/messages")]
#[tracing::instrument(skip(state, user, body), fields(staff_id = %user.id))]
pub async fn send_message(
    state: web::Data<AppState>,
    user: StaffUser,
    visit_id: web::Path<Uuid>,
    body: Json<StaffMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(decisions::send_message(&state, &user, visit_id.into_inner(), body.into_inner()).await?))
}
