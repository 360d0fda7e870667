//! The day list (JSON and CSV) and a prison's metrics.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use domain::daylist::DayList;
use domain::error::Problem;
use domain::metrics::PrisonMetrics;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::day_list_csv::to_csv;
use super::service;
use crate::auth::{Scoped, scope};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The day, `YYYY-MM-DD` (default: today in the UK); from 2000 to 10 years ahead.
    #[param(example = "2026-12-04", format = Date)]
    pub date: Option<String>,
}

/// A prison's booked and cancelled visits on a date, grouped by slot, with prisoners, visitors and dates of birth.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:read"])),
    params(("prison_id" = Uuid, Path, description = "One of the caller's prisons"), DayQuery),
    responses(
        (status = 200, description = "The day list", body = DayList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date that is not a real `YYYY-MM-DD` day from 2000 to 10 years ahead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/prisons/{prison_id}/day-list")]
#[tracing::instrument(skip(state, user), fields(caller = %user))]
pub async fn day_list(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsRead>,
    prison_id: web::Path<Uuid>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = service::day_list(&state, &user, prison_id.into_inner(), query.date.as_deref()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The same day list as CSV for a spreadsheet: UTF-8 starting with a byte order mark (so Excel reads accents), one
/// row per visitor, a header row, RFC 4180 quoting, and no value that a spreadsheet would run as a formula.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["reports:read"])),
    params(("prison_id" = Uuid, Path, description = "One of the caller's prisons"), DayQuery),
    responses(
        (status = 200, description = "The day list", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `reports:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date that is not a real `YYYY-MM-DD` day from 2000 to 10 years ahead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/prisons/{prison_id}/day-list.csv")]
#[tracing::instrument(skip(state, user), fields(caller = %user))]
pub async fn day_list_csv(
    state: web::Data<AppState>,
    user: Scoped<scope::ReportsRead>,
    prison_id: web::Path<Uuid>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = service::day_list(&state, &user, prison_id.into_inner(), query.date.as_deref()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"visits-{}.csv\"", list.date)))
        .body(with_byte_order_mark(to_csv(&list)?)))
}

/// The CSV behind a UTF-8 byte order mark: without it Excel reads the file as Windows-1252 and shows "SiÃ¢n" for
/// "Siân" (RFC 4180 allows it; every spreadsheet that reads UTF-8 skips it).
fn with_byte_order_mark(csv: String) -> String {
    format!("\u{feff}{csv}")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First date requests were made, `YYYY-MM-DD` (default: 27 days before `to`); from 2000 to 10 years ahead.
    #[param(example = "2026-11-01", format = Date)]
    from: Option<String>,
    /// Last date, `YYYY-MM-DD` (default: today), at most a year after `from`.
    #[param(example = "2026-11-28", format = Date)]
    to: Option<String>,
}

/// A prison's numbers for a period: waiting, overdue, booked, rejected (by reason), withdrawn, cancelled, and the
/// median and 95th percentile time to a decision.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["reports:read"])),
    params(("prison_id" = Uuid, Path, description = "One of the caller's prisons"), PeriodQuery),
    responses(
        (status = 200, description = "The metrics", body = PrisonMetrics),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `reports:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/prisons/{prison_id}/metrics")]
#[tracing::instrument(skip(state, user), fields(caller = %user))]
pub async fn metrics(
    state: web::Data<AppState>,
    user: Scoped<scope::ReportsRead>,
    prison_id: web::Path<Uuid>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let metrics =
        service::metrics(&state, &user, prison_id.into_inner(), query.from.as_deref(), query.to.as_deref()).await?;
    Ok(HttpResponse::Ok().json(metrics))
}
