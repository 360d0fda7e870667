//! `POST /feedback` (anyone) and, for admins, `GET /admin/feedback` and its CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use domain::error::Problem;
use domain::feedback::{FeedbackCreated, FeedbackList, FeedbackRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{AdminUser, MaybePrincipal};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// Feedback on the service: how satisfied the sender is (required), what went wrong or could be better (optional,
/// at most 1200 characters) and an email address to be answered at (optional; kept only when given).
///
/// No credential is needed: without one the feedback is a visitor's. A member of staff sends their token and it is
/// recorded as staff's, without saying who. An integrator's key is refused (403): feedback comes from people.
/// Nothing else about the sender is stored, not even their network address. Limited per client address (default
/// 20 an hour, `FEEDBACK_LIMIT_PER_ADDRESS`); past it the answer is 429 with `Retry-After` (seconds).
#[utoipa::path(
    tag = "feedback",
    security((), ("bearer_auth" = [])),
    request_body = FeedbackRequest,
    responses(
        (status = 201, description = "Received", body = FeedbackCreated),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "An `Authorization` header whose credential is not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sent with an integrator's API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; see `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too much feedback from this address; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds until feedback may be sent again"))),
    )
)]
#[post("/feedback")]
#[tracing::instrument(skip_all)]
pub async fn send_feedback(
    state: web::Data<AppState>,
    address: ClientAddress,
    caller: MaybePrincipal,
    body: Json<FeedbackRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = super::service::send(&state, &body, caller.0.as_ref(), address.key()).await?;
    Ok(HttpResponse::Created().json(created))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First UK date, `YYYY-MM-DD` (default: 27 days before `to`); from 2000 to 10 years ahead.
    #[param(example = "2026-11-01", format = Date)]
    from: Option<String>,
    /// Last UK date, `YYYY-MM-DD` (default: today), at most a year after `from`.
    #[param(example = "2026-11-28", format = Date)]
    to: Option<String>,
}

/// The feedback sent in a period, newest first: at most 500 of it, with `total` for the whole period (the CSV
/// has every piece). Admins only.
#[utoipa::path(
    tag = "feedback",
    security(("bearer_auth" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, description = "The feedback", body = FeedbackList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback")]
#[tracing::instrument(skip_all)]
pub async fn list_feedback(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = super::service::list(&state, query.from.as_deref(), query.to.as_deref()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Every piece of feedback sent in a period as CSV for a spreadsheet, newest first: UTF-8 starting with a byte
/// order mark, a header row (`sent at`, `from`, `satisfaction`, `what went wrong or could be better`, `email`,
/// `language`), RFC 4180 quoting, and no value a spreadsheet would run as a formula. Admins only.
#[utoipa::path(
    tag = "feedback",
    security(("bearer_auth" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, description = "The feedback", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_feedback(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to, items) = super::service::all(&state, query.from.as_deref(), query.to.as_deref()).await?;
    let csv = super::feedback_csv::to_csv(&items)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"feedback-{from}-to-{to}.csv\"")))
        .body(format!("\u{feff}{csv}")))
}
