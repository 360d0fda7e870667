//! `/api-keys`: integrators' keys, for admins (a key itself gets 403 here).

use actix_web::{HttpResponse, get, patch, post, web};
use domain::api_keys::{ApiKeyCreated, ApiKeyView, NewApiKey, RotateApiKey, UpdateApiKey};
use domain::error::Problem;
use uuid::Uuid;

use super::service;
use crate::auth::AdminUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// Make a key for an integrator: a name, the prisons it reaches, its scopes, an optional expiry and a rate limit
/// (requests a minute across every instance, default 600; 0 is refused). The answer holds the secret, shown only
/// this once: `pvb_` + 8 hex digits of the key's id + `_` + 43 characters. Send it as `Authorization: Bearer ...`.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    request_body(content = NewApiKey, example = json!({"name": "HMP Testbridge records system",
        "prison_ids": ["0b6f2d4e-6c1a-4e0b-9a57-1f6a3e2b9c10"], "scopes": ["records:write", "visits:read"],
        "expires_at": "2027-12-01T00:00:00Z", "rate_limit_per_minute": 600})),
    responses(
        (status = 201, description = "Made; `secret` is shown only now", body = ApiKeyCreated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API key)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (no prison, an unknown prison, no scope, an expiry in the past, a rate limit out of 1-100000); see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
#[tracing::instrument(skip_all, fields(staff_id = %admin.0.id))]
pub async fn create(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: Json<NewApiKey>,
) -> Result<HttpResponse, ApiError> {
    let created = service::create(&state, &admin.0, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, format!("/api/v1/api-keys/{}", created.key.id)))
        .json(created))
}

/// Every key, newest first, revoked ones included: name, the first characters of its secret, prisons, scopes,
/// rate limit, who made it and when, expiry, last use (to the minute) and revocation. Never a secret.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The keys", body = Vec<ApiKeyView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API key)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys")]
#[tracing::instrument(skip_all)]
pub async fn list(state: web::Data<AppState>, _admin: AdminUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::list(&state).await?))
}

/// One key.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("key_id" = Uuid, Path, description = "The key's id")),
    responses(
        (status = 200, description = "The key", body = ApiKeyView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API key)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys/{key_id}")]
#[tracing::instrument(skip(state, _admin))]
pub async fn get(
    state: web::Data<AppState>,
    _admin: AdminUser,
    key_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::get(&state, key_id.into_inner()).await?))
}

/// Change a key's name, prisons, scopes, expiry (`clear_expiry: true` removes it) or rate limit; only the fields
/// sent change, and every request from then on, on every instance, sees the change.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("key_id" = Uuid, Path, description = "The key's id")),
    request_body(content = UpdateApiKey, example = json!({"rate_limit_per_minute": 1200})),
    responses(
        (status = 200, description = "Changed", body = ApiKeyView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API key)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api-keys/{key_id}")]
#[tracing::instrument(skip(state, _admin, body))]
pub async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    key_id: web::Path<Uuid>,
    body: Json<UpdateApiKey>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::update(&state, key_id.into_inner(), body.into_inner()).await?))
}

/// Revoke a key: from now on every request made with it (any of its secrets) is refused with 401, on every
/// instance at once. Revoking a revoked key changes nothing.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("key_id" = Uuid, Path, description = "The key's id")),
    responses(
        (status = 200, description = "Revoked", body = ApiKeyView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API key)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys/{key_id}/revoke")]
#[tracing::instrument(skip(state, admin))]
pub async fn revoke(
    state: web::Data<AppState>,
    admin: AdminUser,
    key_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::revoke(&state, &admin.0, key_id.into_inner()).await?))
}

/// Give the key a new secret (shown only in this answer). The old secret keeps working until the overlap ends:
/// `overlap_minutes`, default 1440 (24 hours), 0 to end it at once, at most 43200 (30 days); the key's
/// `previous_secret_valid_until` says when. Send `{}` for the default.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("key_id" = Uuid, Path, description = "The key's id")),
    request_body(content = RotateApiKey, example = json!({"overlap_minutes": 60})),
    responses(
        (status = 200, description = "Rotated; `secret` is the new secret, shown only now", body = ApiKeyCreated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API key)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`overlap_minutes` out of 0-43200", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys/{key_id}/rotate")]
#[tracing::instrument(skip(state, admin, body))]
pub async fn rotate(
    state: web::Data<AppState>,
    admin: AdminUser,
    key_id: web::Path<Uuid>,
    body: Json<RotateApiKey>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::rotate(&state, &admin.0, key_id.into_inner(), body.into_inner()).await?))
}
