//! The built-in prison roll, for integrators (a prison's records system pushing its prisoners). Admins only.

use actix_web::{HttpResponse, get, put, web};
use domain::error::Problem;
use domain::records::PrisonerRecord;

use super::roll;
use crate::auth::AdminUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// One prisoner on the built-in roll (used for prisoner checks when `RECORDS=builtin`).
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = [])),
    params(("number" = String, Path, description = "Prison number, e.g. A1234BC")),
    responses(
        (status = 200, description = "The record", body = PrisonerRecord),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such prisoner on the roll", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/records/prisoners/{number}")]
#[tracing::instrument(skip(state, _admin))]
pub async fn get_prisoner(
    state: web::Data<AppState>,
    _admin: AdminUser,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(roll::get(&state, &number).await?))
}

/// Add or replace one prisoner's record on the built-in roll: details, prison, visiting allowance, days away,
/// contacts and bans. The whole record is replaced.
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = [])),
    params(("number" = String, Path, description = "Prison number, e.g. A1234BC")),
    request_body = PrisonerRecord,
    responses(
        (status = 200, description = "Stored (as normalised: number and prison code upper case, names trimmed)", body = PrisonerRecord),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a prison number", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record is not valid; see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/records/prisoners/{number}")]
#[tracing::instrument(skip(state, _admin, body))]
pub async fn put_prisoner(
    state: web::Data<AppState>,
    _admin: AdminUser,
    number: web::Path<String>,
    body: Json<PrisonerRecord>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(roll::put(&state, &number, body.into_inner()).await?))
}
