//! Liveness (the process answers) and readiness (the database answers and is migrated).

use actix_web::{HttpResponse, get, web};
use domain::api::Health;
use domain::error::Problem;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Registers the probes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health).service(ready);
}

fn health_body() -> Health {
    Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() }
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(health_body())
}

/// The service can serve requests: the database answers within 2 s, every migration is applied and (SQLite) the
/// database file is still the one the service opened. Not ready is 503 `service_unavailable` with `Retry-After`.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Not ready", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait before asking again"))),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if db::is_ready(&state.db, state.db_file.as_ref()).await {
        Ok(HttpResponse::Ok().json(health_body()))
    } else {
        Err(ApiError::Unavailable)
    }
}
