//! `/webhooks/subscriptions`: subscriptions, their secret's rotation, delivery log and redelivery. Admins now; an
//! API key will need the `webhooks:manage` scope.

use actix_web::{HttpResponse, delete, get, post, put, web};
use domain::error::Problem;
use domain::events::{DeliveryPage, DeliveryView, Subscription, SubscriptionCreated, SubscriptionInput};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::service;
use crate::auth::{AdminOrKey, scope};
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// Create a subscription. Its signing secret is in the answer, and only there (and on rotation).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    request_body(content = SubscriptionInput, example = json!({"url": "https://integrator.example/hooks/visits",
        "event_types": ["visit.booked", "visit.cancelled"], "prison_ids": ["0b8e2f4c-1a3d-4e5f-8a6b-7c9d0e1f2a3b"],
        "description": "Visits system"})),
    responses(
        (status = 201, description = "Created, with its secret", body = SubscriptionCreated),
        (status = 400, description = "The body is not valid JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is refused: the URL (`url_not_allowed`: not https, or not resolving only to public addresses), no prison or an unknown one, a description too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/subscriptions")]
#[tracing::instrument(skip(state, admin, body))]
pub async fn create_subscription(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    body: Json<SubscriptionInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(service::create(&state, &admin, body.into_inner()).await?))
}

/// Every subscription, oldest first (secrets are never shown here).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "The subscriptions", body = Vec<Subscription>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/subscriptions")]
#[tracing::instrument(skip(state, admin))]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::list(&state, &admin).await?))
}

/// One subscription.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    responses(
        (status = 200, description = "The subscription", body = Subscription),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/subscriptions/{id}")]
#[tracing::instrument(skip(state, admin))]
pub async fn get_subscription(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &admin, id.into_inner()).await?))
}

/// Replace a subscription's settings (its secret stays). Turning it on again clears why it was turned off.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    request_body = SubscriptionInput,
    responses(
        (status = 200, description = "Changed", body = Subscription),
        (status = 400, description = "The body is not valid JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is refused (as on create)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/webhooks/subscriptions/{id}")]
#[tracing::instrument(skip(state, admin, body))]
pub async fn update_subscription(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    id: web::Path<Uuid>,
    body: Json<SubscriptionInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::update(&state, &admin, id.into_inner(), body.into_inner()).await?))
}

/// Delete a subscription and its delivery log; nothing more is sent to it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/subscriptions/{id}")]
#[tracing::instrument(skip(state, admin))]
pub async fn delete_subscription(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state, &admin, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate the signing secret.
///
/// The new secret is in the answer; the old one keeps signing too for 24 hours (both signatures are sent in
/// `webhook-signature`, separated by a space), so the receiver can switch over without losing a delivery.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    responses(
        (status = 200, description = "Rotated, with the new secret", body = SubscriptionCreated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/subscriptions/{id}/rotate-secret")]
#[tracing::instrument(skip(state, admin))]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::rotate(&state, &admin, id.into_inner()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// The `next_cursor` of the page before; absent for the newest.
    pub after: Option<String>,
    /// Lines per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// The subscription's delivery log, newest first: per event its tries, state, last status, latency and error.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "The subscription's id"), LogQuery),
    responses(
        (status = 200, description = "A page of the log", body = DeliveryPage),
        (status = 400, description = "`after` or `limit` is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/subscriptions/{id}/deliveries")]
#[tracing::instrument(skip(state, admin))]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    id: web::Path<Uuid>,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service::deliveries(&state, &admin, id.into_inner(), query.after.as_deref(), query.limit).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Queue a delivery again now, its tries starting over (same `webhook-id`: receivers that saw it drop it).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer_auth" = []), ("api_key" = ["webhooks:manage"])),
    params(
        ("id" = Uuid, Path, description = "The subscription's id"),
        ("delivery_id" = Uuid, Path, description = "The delivery's event id"),
    ),
    responses(
        (status = 202, description = "Queued", body = DeliveryView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription or delivery", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/subscriptions/{id}/deliveries/{delivery_id}/redeliver")]
#[tracing::instrument(skip(state, admin))]
pub async fn redeliver(
    state: web::Data<AppState>,
    admin: AdminOrKey<scope::WebhooksManage>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    Ok(HttpResponse::Accepted().json(service::redeliver(&state, &admin, id, delivery_id).await?))
}
