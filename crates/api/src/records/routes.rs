//! The built-in prison roll, for integrators (a prison's records system pushing its prisoners): admins, and API keys
//! with `records:write` for prisoners at their prisons.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use domain::error::Problem;
use domain::records::{PrisonRoll, PrisonerRecord, RollSyncOutcome};

use super::roll;
use crate::auth::{AdminOrKey, Principal, scope};
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
    caller: RecordsCaller,
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
    caller: RecordsCaller,
    number: web::Path<String>,
    body: Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body = roll::parse_record(body.0)?;
    if matches!(*caller, Principal::ApiKey(_)) {
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
    Ok(HttpResponse::Ok().json(roll::put(&state, &number, body).await?))
}

/// Admins, and API keys with `records:write`; other staff get 403, before the body is read.
type RecordsCaller = AdminOrKey<scope::RecordsWrite>;

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

/// Replace a prison's whole roll (for `RECORDS=builtin` prisoner checks): every prisoner held there now, with their
/// approved contacts, visiting allowance and days away, in one call. The per-prisoner `PUT` stays for single changes;
/// CSV files go through the command `prison-visits import-roll`.
///
/// - **All or nothing**: every prisoner is judged as the per-prisoner `PUT` judges one, each prison number once; a
///   prisoner's `prison_code` may be left out (it is this prison's) and otherwise must be this prison's. Any problem
///   and nothing is written: 422 with every problem of every prisoner in `errors`, each a path from the body's root
///   (`prisoners[3].contacts[0].date_of_birth`).
/// - **What changes**: prisoners not on any roll are added; prisoners whose record differs (moved here from another
///   prison included) are replaced; prisoners on this prison's roll before and missing from this one are removed
///   (their records deleted). The answer counts each, with `unchanged`.
/// - **Idempotent**: unchanged records are not written; the same roll sent again answers `changed: false`.
/// - **Bounded**: at most 10,000 prisoners (more: 422 on `prisoners`, `out_of_range`) and 16 MB of JSON (more:
///   413). One transaction; syncs of one prison take turns.
///
/// Admins, and API keys with the `records:write` scope for their own prisons (a key cannot move a prisoner off a
/// roll it does not reach).
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = []), ("api_key" = ["records:write"])),
    params(("prison" = String, Path, description = "The prison's id, or its code (any case)", example = "RCI")),
    request_body(content = PrisonRoll, example = json!({"prisoners": [{
        "number": "A1234BC", "first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12",
        "visiting_allowance": 2, "allowance_renews_on": "2026-12-14",
        "unavailable": [{"from": "2026-12-07", "to": "2026-12-07"}],
        "contacts": [{"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true, "banned": false}]
    }]})),
    responses(
        (status = 200, description = "The roll is now the one sent; what changed", body = RollSyncOutcome,
            example = json!({"prison_code": "RCI", "prisoners": 712, "added": 4, "updated": 15, "removed": 3, "unchanged": 693, "changed": true})),
        (status = 400, description = "Not JSON, or not an object with a `prisoners` array", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `missing_scope`: an API key without `records:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No prison with this id or code (or not one of the key's prisons)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 16 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some prisoners are not valid (every problem in `errors`), a key named prisoners on a roll it does not reach (`prisoners[i].number`), or more than 10,000 prisoners; nothing was written", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "/problems/validation_failed", "title": "Some answers need correcting", "status": 422, "code": "validation_failed",
                "detail": "Check the answers listed in `errors` and try again.", "request_id": "7e87773f-a9c5-426e-b661-09817224847b",
                "errors": [{"field": "prisoners[3].contacts[0].date_of_birth", "code": "date_in_future", "message": "The date of birth must be in the past"}]})),
    )
)]
#[put("/records/prisons/{prison}/roll")]
#[tracing::instrument(skip(state, caller, req, payload))]
pub async fn put_roll(
    state: web::Data<AppState>,
    caller: RecordsCaller,
    prison: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = crate::json::read_body(&req, &mut payload.into_inner(), super::roll_sync::ROLL_BODY_LIMIT).await?;
    Ok(HttpResponse::Ok().json(super::roll_sync::sync(&state, caller.prison_scope(), &prison, &body).await?))
}
