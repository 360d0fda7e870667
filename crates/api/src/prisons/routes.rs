//! Prisons and their availability.

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get, web};
use domain::api::{Availability, PrisonDetails, PrisonSummary};
use domain::error::Problem;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Every prison that takes visit requests, by name.
#[utoipa::path(tag = "prisons", responses((status = 200, description = "The prisons", body = Vec<PrisonSummary>)))]
#[get("/prisons")]
#[tracing::instrument(skip_all)]
pub async fn list_prisons(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::service::list(&state).await?))
}

/// One prison with its address, contact details and visiting rules.
#[utoipa::path(
    tag = "prisons",
    params(("prison_id" = Uuid, Path, description = "The prison's id")),
    responses(
        (status = 200, description = "The prison", body = PrisonDetails),
        (status = 404, description = "No such prison", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/prisons/{prison_id}")]
#[tracing::instrument(skip(state))]
pub async fn get_prison(state: web::Data<AppState>, prison_id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::service::details(&state, prison_id.into_inner()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// First date, `YYYY-MM-DD` (default: today in the UK).
    #[param(example = "2026-12-01", format = Date)]
    from: Option<String>,
    /// Last date, `YYYY-MM-DD` (default: the last bookable date). At most the booking window after `from`.
    #[param(example = "2026-12-28", format = Date)]
    to: Option<String>,
}

/// Every concrete visiting slot of a prison over a date range, each with its state (available, fully booked,
/// closed, outside the booking window) and the places left, plus the booking window that applies today.
#[utoipa::path(
    tag = "prisons",
    params(("prison_id" = Uuid, Path, description = "The prison's id"), AvailabilityQuery),
    responses(
        (status = 200, description = "The slots", body = Availability),
        (status = 404, description = "No such prison", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date or too long a range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/prisons/{prison_id}/availability")]
#[tracing::instrument(skip(state))]
pub async fn get_availability(
    state: web::Data<AppState>,
    prison_id: web::Path<Uuid>,
    query: web::Query<AvailabilityQuery>,
) -> Result<HttpResponse, ApiError> {
    // The same bytes `.json(availability)` would write, from the cache while the prison's version is unchanged.
    let body =
        super::service::availability_json(&state, prison_id.into_inner(), query.from.as_deref(), query.to.as_deref())
            .await?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).content_type(ContentType::json()).body(body))
}
