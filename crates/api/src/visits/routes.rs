//! Visit requests, as visitors (through the web app) and contact centres (through the API) make them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{CreateVisitRequest, VisitCreated, VisitStatus};
use domain::api_keys::Scope;
use domain::error::Problem;
use domain::error::{FieldError, FieldErrorCode};

use super::service::Requester;
use crate::auth::MaybePrincipal;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// The header that carries a visitor's status token.
pub const VISIT_TOKEN_HEADER: &str = "x-visit-token";

fn header_value<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A visit's status token: the `X-Visit-Token` header, else the cookie the visit's page set when the visitor
/// opened their status link (`crate::pages`), which the web app's calls carry without seeing it.
///
/// A change (withdraw, cancel) that the cookie authorises must come from this site's own pages: a browser sends
/// `Sec-Fetch-Site: same-origin` and an `Origin` of this host with those, and a form or fetch from anywhere else
/// (another site, or another origin of the same site) is refused with 403, whatever its `SameSite` lets through.
pub(crate) fn visit_token(req: &HttpRequest, reference: &str) -> Result<Option<String>, ApiError> {
    if let Some(token) = header_value(req, VISIT_TOKEN_HEADER) {
        return Ok(Some(token.to_owned()));
    }
    let Some(cookie) = req.cookie(&crate::pages::visit_cookie_name(reference)) else { return Ok(None) };
    if req.method() != actix_web::http::Method::GET && !from_this_origin(req) {
        return Err(ApiError::Forbidden);
    }
    Ok(Some(cookie.value().to_owned()))
}

/// Whether a browser's request says it comes from a page of this origin (Fetch Metadata, then `Origin`). A request
/// that says neither is not a browser's, and no cookie of a browser reaches it.
pub(crate) fn from_this_origin(req: &HttpRequest) -> bool {
    if let Some(site) = header_value(req, "sec-fetch-site") {
        return site == "same-origin";
    }
    match header_value(req, "origin") {
        None => true,
        Some(origin) => {
            let info = req.connection_info();
            origin == format!("{}://{}", info.scheme(), info.host())
        }
    }
}

/// Request a visit: the prisoner, the lead visitor, up to five more visitors and one to three times in order of
/// preference. Every rule is checked; a bad request is answered with every problem at once, field by field.
///
/// Send an `Idempotency-Key` header (a random UUID) so that a retry after a lost answer returns the same visit
/// instead of making a second one. A key is replayed only for the credential that sent it: anonymous visitors
/// share one, each member of staff and each API key has its own.
///
/// No credential is needed. A member of staff or an integrator's key (scope `visits:write`) may send one: the
/// visit's timeline then names them, and only their prisons can be chosen (another answers as an unknown prison).
///
/// **Waiting list.** When every chosen time is full, send `"waiting_list": true` to join the waiting list for those
/// times instead (the same rules, limits and answer; `state` is `waiting`). A time that still has places is refused
/// with `slot_has_places` under `errors`. When a place frees in one of the times, the first visit in line for it
/// gets it at once: booked at a prison that books instantly, otherwise a request holding the place for staff; the
/// visitor is emailed either way. Leave the list with `POST /visits/{reference}/withdraw`.
///
/// Requests are limited (OWASP API6, sensitive business flows) per client address (default 100 an hour), per
/// prisoner and per lead visitor's email (default 6 a day each); past a limit the answer is 429 with `Retry-After`
/// (seconds). A retry with the same `Idempotency-Key` is not counted again.
#[utoipa::path(
    tag = "visits",
    security((), ("bearer_auth" = []), ("api_key" = ["visits:write"])),
    request_body = CreateVisitRequest,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "A unique key per request (1-255 visible ASCII characters); a retry with the same key and body returns the first answer", example = "5f0c7f4e-8d7e-4f5e-9a43-2b1a6c1d9e21", pattern = "^[!-~]{1,255}$", min_length = 1, max_length = 255),
    ),
    responses(
        (status = 201, description = "Requested. Keep `status_token` secret: it is the visitor's key to the request.", body = VisitCreated,
            headers(("Location" = String, description = "The visit's status resource"), ("Idempotent-Replayed" = String, description = "`true` when this answers a retry"))),
        (status = 400, description = "Malformed JSON or Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "An `Authorization` header whose credential is not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:write`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule is broken; see `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address, for this prisoner or from this email; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds until a request may be made again"))),
    )
)]
#[post("/visits")]
#[tracing::instrument(skip_all)]
pub async fn create_visit(
    state: web::Data<AppState>,
    req: HttpRequest,
    address: ClientAddress,
    caller: MaybePrincipal,
    body: Json<CreateVisitRequest>,
) -> Result<HttpResponse, ApiError> {
    let requester = match &caller.0 {
        None => Requester::visitor(),
        Some(principal) => {
            principal.require(Scope::VisitsWrite)?;
            // Another prison is answered exactly as a prison that does not exist.
            if !principal.can_access(body.prison_id) {
                return Err(ApiError::validation(FieldError::new(
                    "prison_id",
                    FieldErrorCode::UnknownPrison,
                    "Choose a prison from the list",
                )));
            }
            Requester::principal(principal)
        }
    };
    let key = header_value(&req, "idempotency-key").map(super::service::parse_idempotency_key).transpose()?;
    if key.is_none() && req.headers().contains_key("idempotency-key") {
        return Err(ApiError::InvalidIdempotencyKey);
    }
    let created = super::service::create(&state, body.into_inner(), key, &requester, address.key()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/visits/{}", created.visit.reference)))
        .insert_header(("idempotent-replayed", if created.replayed { "true" } else { "false" }))
        .json(created.visit))
}

/// A visit's status, details and timeline, for its visitor. A wrong token gets the same 404 as an unknown reference.
#[utoipa::path(
    tag = "visits",
    params(
        ("reference" = String, Path, description = "The visit's reference", example = "7KQ2M9XD"),
        ("X-Visit-Token" = String, Header, description = "The status token given when the visit was requested"),
    ),
    responses(
        (status = 200, description = "The visit", body = VisitStatus),
        (status = 404, description = "No visit with this reference and token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/visits/{reference}")]
#[tracing::instrument(skip(state, req))]
pub async fn get_visit(
    state: web::Data<AppState>,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let status = super::service::status(&state, &reference, visit_token(&req, &reference)?.as_deref()).await?;
    Ok(HttpResponse::Ok().json(status))
}

/// Withdraw a request that staff have not decided yet, or leave the waiting list. A request offered a place from
/// the waiting list gives it back, to the next in line.
#[utoipa::path(
    tag = "visits",
    params(
        ("reference" = String, Path, description = "The visit's reference", example = "7KQ2M9XD"),
        ("X-Visit-Token" = String, Header, description = "The status token given when the visit was requested"),
    ),
    responses(
        (status = 200, description = "Withdrawn", body = VisitStatus),
        (status = 404, description = "No visit with this reference and token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Authorised by the visit's cookie, but sent from a page of another origin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The visit is no longer a pending request or on the waiting list; see `current_state`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{reference}/withdraw")]
#[tracing::instrument(skip(state, req))]
pub async fn withdraw_visit(
    state: web::Data<AppState>,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let status = super::service::withdraw(&state, &reference, visit_token(&req, &reference)?.as_deref()).await?;
    Ok(HttpResponse::Ok().json(status))
}

/// Cancel a booked visit that has not started yet. Its place goes at once to the first visit on the slot's waiting
/// list, if any.
#[utoipa::path(
    tag = "visits",
    params(
        ("reference" = String, Path, description = "The visit's reference", example = "7KQ2M9XD"),
        ("X-Visit-Token" = String, Header, description = "The status token given when the visit was requested"),
    ),
    responses(
        (status = 200, description = "Cancelled", body = VisitStatus),
        (status = 404, description = "No visit with this reference and token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Authorised by the visit's cookie, but sent from a page of another origin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The visit is not booked, or has already started", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{reference}/cancel")]
#[tracing::instrument(skip(state, req))]
pub async fn cancel_visit(
    state: web::Data<AppState>,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let status = super::service::cancel(&state, &reference, visit_token(&req, &reference)?.as_deref()).await?;
    Ok(HttpResponse::Ok().json(status))
}
