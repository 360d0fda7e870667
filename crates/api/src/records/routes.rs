//! The built-in prison roll, for integrators (a prison's records system pushing its prisoners): admins, and API keys
//! with `records:write` for prisoners at their prisons.

use actix_web::{HttpResponse, get, put, web};
use domain::error::Problem;
use domain::records::PrisonerRecord;

use domain::api_keys::Scope;

use super::roll;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// One prisoner on the built-in roll (used for prisoner checks when `RECORDS=builtin`).
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = []), ("api_key" = ["records:write"])),
    params(("number" = String, Path, description = "Prison number, e.g. A1234BC")),
    responses(
        (status = 200, description = "The record", body = PrisonerRecord),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `records:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such prisoner on the roll (for a key: at its prisons)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/records/prisoners/{number}")]
#[tracing::instrument(skip_all)]
pub async fn get_prisoner(
    state: web::Data<AppState>,
    RecordsCaller(caller): RecordsCaller,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = roll::get(&state, &number).await?;
    if !reaches(&state, &caller, record.prison_code.as_deref()).await? {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::Ok().json(record))
}

/// Add or replace one prisoner's record on the built-in roll: details, prison, visiting allowance, days away,
/// contacts and bans. The whole record is replaced.
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = []), ("api_key" = ["records:write"])),
    params(("number" = String, Path, description = "Prison number, e.g. A1234BC")),
    request_body = PrisonerRecord,
    responses(
        (status = 200, description = "Stored (as normalised: number and prison code upper case, names trimmed)", body = PrisonerRecord),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `records:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a prison number, or (for a key) a prisoner on the roll of another prison", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record is not valid (for a key: a `prison_code` that is not one of its prisons); see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/records/prisoners/{number}")]
#[tracing::instrument(skip_all)]
pub async fn put_prisoner(
    state: web::Data<AppState>,
    RecordsCaller(caller): RecordsCaller,
    number: web::Path<String>,
    body: Json<PrisonerRecord>,
) -> Result<HttpResponse, ApiError> {
    if matches!(caller, Principal::ApiKey(_)) {
        // A key writes only its prisons' prisoners, and never takes over another prison's.
        match roll::get(&state, &number).await {
            Ok(existing) if !reaches(&state, &caller, existing.prison_code.as_deref()).await? => {
                return Err(ApiError::NotFound);
            }
            Ok(_) | Err(ApiError::NotFound) => {}
            Err(other) => return Err(other),
        }
        if !reaches(&state, &caller, body.prison_code.as_deref()).await? {
            return Err(ApiError::validation(domain::error::FieldError::new(
                "prison_code",
                domain::error::FieldErrorCode::UnknownPrison,
                "Enter the code of one of the prisons this key reaches",
            )));
        }
    }
    Ok(HttpResponse::Ok().json(roll::put(&state, &number, body.into_inner()).await?))
}

/// Admins, and API keys with `records:write`; other staff get 403, before the body is read.
pub struct RecordsCaller(Principal);

impl actix_web::FromRequest for RecordsCaller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<RecordsCaller, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let checked = Principal::from_request(req, payload).into_inner().and_then(|caller| match &caller {
            Principal::Staff(user) if !user.is_admin() => Err(ApiError::Forbidden),
            _ => caller.require(Scope::RecordsWrite).map(|()| RecordsCaller(caller)),
        });
        std::future::ready(checked)
    }
}

/// Whether the caller reaches the prison with this code (an admin reaches every prisoner, even one at no prison;
/// a key only those at its prisons).
async fn reaches(state: &AppState, caller: &Principal, prison_code: Option<&str>) -> Result<bool, ApiError> {
    if caller.prison_scope().is_none() {
        return Ok(true);
    }
    let Some(code) = prison_code else {
        return Ok(false);
    };
    let prisons = crate::prisons::store::list_details(&state.db).await?;
    Ok(prisons.iter().any(|p| p.code.eq_ignore_ascii_case(code.trim()) && caller.can_access(p.id)))
}
