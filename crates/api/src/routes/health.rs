//! Liveness (the process answers) and readiness (the database answers and is migrated).

use actix_web::{HttpResponse, get, web};
use domain::api::Health;
use domain::error::Problem;

use crate::error::ApiError;
use crate::services::AppState;
use crate::storage;

fn health_body() -> Health {
    Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() }
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(health_body())
}

/// The service can serve requests: the database answers and every migration is applied.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Not ready", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if storage::is_ready(&state.db).await {
        Ok(HttpResponse::Ok().json(health_body()))
    } else {
        Err(ApiError::Unavailable)
    }
}
