//! Staff sign-in, session and account management.

use actix_web::{HttpResponse, get, patch, post, web};
use domain::error::Problem;
use domain::staff::{
    NewStaffAccount, RefreshRequest, SignInRequest, StaffAccountView, StaffProfile, TokenPair, UpdateStaffAccount,
    check_sign_in,
};
use uuid::Uuid;

use super::service;
use crate::auth::{AdminUser, StaffUser};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// Sign in with email and password. Returns a 15-minute access token (send it as `Authorization: Bearer ...`) and
/// a refresh token for a new pair without the password; both belong to one session, which signing out ends.
/// Attempts are counted before the password is checked: past the limit per account (default 5) or per client
/// address (default 20) in a 15-minute window the answer is 429 with `Retry-After` (seconds). A success clears the
/// account's count. The answer never says whether an email has an account.
#[utoipa::path(
    tag = "staff",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Email or password is incorrect", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts for this account or from this address; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds until a sign-in may be tried again"))),
    )
)]
#[post("/staff/sign-in")]
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: web::Data<AppState>,
    address: ClientAddress,
    body: Json<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    // Before any lookup: an address no account can have (300 characters, a NUL) never reaches the database.
    let email = check_sign_in(&body).map_err(ApiError::Validation)?;
    let request = SignInRequest { email: email.into(), ..body.into_inner() };
    let tokens = service::sign_in(&state, request, address.key()).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Trade a refresh token for a new pair in the same session. Each refresh token works once: presenting a spent one
/// again ends its whole session, the newer refresh token and the access tokens included (RFC 9700 §4.14.2).
#[utoipa::path(
    tag = "staff",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, description = "The refresh token is unknown, used, expired or revoked, or the account is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff/token/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let tokens = service::refresh(&state, &body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Sign out: the session's refresh token and its access tokens stop working at once, on every instance.
#[utoipa::path(tag = "staff", request_body = RefreshRequest, responses((status = 204, description = "Signed out")))]
#[post("/staff/sign-out")]
#[tracing::instrument(skip_all)]
pub async fn sign_out(state: web::Data<AppState>, body: Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    service::sign_out(&state, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in member of staff and the prisons they work for.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The caller", body = StaffProfile),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/me")]
#[tracing::instrument(skip_all, fields(staff_id = %user.id))]
pub async fn me(state: web::Data<AppState>, user: StaffUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::profile(&state, &user).await?))
}

/// Every staff account (admins only).
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The accounts", body = Vec<StaffAccountView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/staff")]
#[tracing::instrument(skip_all)]
pub async fn list_accounts(state: web::Data<AppState>, _admin: AdminUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::list_accounts(&state).await?))
}

/// Create a staff account (admins only).
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    request_body = NewStaffAccount,
    responses(
        (status = 201, description = "Created", body = StaffAccountView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/staff")]
#[tracing::instrument(skip_all)]
pub async fn create_account(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: Json<NewStaffAccount>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(service::create_account(&state, body.into_inner()).await?))
}

/// Change a staff account: name, role, prisons, disable it or reset its password (either of which ends all its
/// sessions at once, access tokens included). Admins only.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("staff_id" = Uuid, Path, description = "The account's id")),
    request_body = UpdateStaffAccount,
    responses(
        (status = 200, description = "Changed", body = StaffAccountView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, such as a password the rules refuse", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/staff/{staff_id}")]
#[tracing::instrument(skip(state, _admin, body))]
pub async fn update_account(
    state: web::Data<AppState>,
    _admin: AdminUser,
    staff_id: web::Path<Uuid>,
    body: Json<UpdateStaffAccount>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::update_account(&state, staff_id.into_inner(), body.into_inner()).await?))
}
