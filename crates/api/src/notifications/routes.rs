//! A prison's mailbox settings, for admins.

use actix_web::{HttpResponse, get, put, web};
use domain::email::PrisonNotificationSettings;
use domain::error::Problem;
use uuid::Uuid;

use super::service;
use crate::auth::AdminUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

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
    Ok(HttpResponse::Ok().json(service::get(&state, prison_id.into_inner()).await?))
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
    Ok(HttpResponse::Ok().json(service::set(&state, prison_id.into_inner(), body.into_inner()).await?))
}
