//! Staff work on visits: inbox, search, one visit, decide, cancel, acknowledge, message. Limited to the caller's prisons.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::BehalfVisitRequest;
use domain::calendar::london_today;
use domain::decision::{DecisionRequest, StaffCancelRequest, StaffMessageRequest, check_decision_dates};
use domain::error::{FieldError, FieldErrorCode, Problem};
use domain::staff::{Inbox, InboxItem, StaffVisitView};
use domain::visit::{Actor, Channel};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::{Scoped, scope};
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only this prison (one of the caller's).
    prison_id: Option<Uuid>,
}

/// Requests waiting for a decision in the caller's prisons, oldest first, each with its confirm-by date and an
/// `overdue` flag; counts per prison; visitor cancellations of visits still to come.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:read"])),
    params(InboxQuery),
    responses(
        (status = 200, description = "The inbox", body = Inbox),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/inbox")]
#[tracing::instrument(skip_all, fields(caller = %user))]
pub async fn inbox(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsRead>,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::inbox::inbox(&state, &user, query.prison_id).await?))
}

/// Request a visit on a visitor's behalf, for a family who telephoned or came to the prison: the visitor's own
/// request (`POST /api/v1/visits`: the same fields, rules, visiting allowance, capacity guard and instant booking at
/// prisons that have it) plus `channel`, `phone` or `in_person`. The lead visitor gets the same emails, with the
/// private link to the request; the timeline names the member of staff. Only for one of the caller's prisons: any
/// other answers as a prison that does not exist (422, `unknown_prison` on `prison_id`).
///
/// Send an `Idempotency-Key` header (a random UUID) so that a retry after a lost answer returns the same visit.
/// Requests count against the per-prisoner and per-email limits (default 6 a day each) as a visitor's do.
///
/// An API key will need the `visits:write` scope (its channel is then `integrator`).
#[utoipa::path(
    tag = "staff",
    operation_id = "create_visit_on_behalf",
    security(("bearer_auth" = []), ("api_key" = ["visits:write"])),
    request_body(content = BehalfVisitRequest, example = json!({
        "channel": "phone",
        "prison_id": "6f1c2b0e-4a57-4c1e-9a43-2b1a6c1d9e21",
        "prisoner": {"first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12", "number": "A1234BC"},
        "lead_visitor": {"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01",
            "email": "mary.smith@example.com", "phone": "07700 900123"},
        "other_visitors": [{"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-09"}],
        "slots": [{"date": "2026-12-04", "start": "14:00", "end": "16:00"}],
        "locale": "en"
    })),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "A unique key per request (1-255 visible ASCII characters); a retry with the same key and body returns the first answer", example = "5f0c7f4e-8d7e-4f5e-9a43-2b1a6c1d9e21", pattern = "^[!-~]{1,255}$", min_length = 1, max_length = 255),
    ),
    responses(
        (status = 201, description = "Requested (`state: requested`), or booked at once at a prison with instant booking (`state: booked`)", body = StaffVisitView,
            headers(("Location" = String, description = "The visit's staff resource"), ("Idempotent-Replayed" = String, description = "`true` when this answers a retry"))),
        (status = 400, description = "Malformed JSON or Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:write`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule is broken, the prison is not one of the caller's, or `channel` is missing or not `phone`/`in_person` (staff) or `integrator` (a key); see `errors`. `idempotency_key_reused`: the key was used for another request", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this prisoner or this email; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds until a request may be made again"))),
    )
)]
#[post("/staff/visits")]
#[tracing::instrument(skip_all, fields(caller = %user))]
pub async fn create_visit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Scoped<scope::VisitsWrite>,
    body: Json<BehalfVisitRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map_err(|_| ApiError::InvalidIdempotencyKey))
        .transpose()?
        .map(crate::visits::service::parse_idempotency_key)
        .transpose()?;
    let requester = crate::visits::service::Requester::principal(&user);
    let channels: &[Channel] = if user.actor() == Actor::Integrator { &[Channel::Integrator] } else { &Channel::STAFF };
    let created =
        super::behalf::create(&state, user.prison_scope(), channels, requester, body.into_inner(), key).await?;
    let view = super::view::view(&state, &user, created.visit.id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/staff/visits/{}", view.id)))
        .insert_header(("idempotent-replayed", if created.replayed { "true" } else { "false" }))
        .json(view))
}

/// Longest search accepted: a reference or prison number with room for spaces and hyphens.
const MAX_SEARCH_CHARS: usize = 64;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A visit reference (`7KQ2M9XD`) or a prison number (`A1234BC`).
    #[param(min_length = 1, max_length = 64)]
    q: String,
}

/// Find visits by reference or prison number in the caller's prisons, newest first.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:read"])),
    params(SearchQuery),
    responses(
        (status = 200, description = "Matching visits", body = Vec<InboxItem>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:read`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a reference nor a prison number", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/visits")]
#[tracing::instrument(skip_all, fields(caller = %user))]
pub async fn search(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsRead>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    if query.q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ApiError::validation(FieldError::new(
            "q",
            FieldErrorCode::TooLong,
            format!("Enter at most {MAX_SEARCH_CHARS} characters"),
        )));
    }
    Ok(HttpResponse::Ok().json(super::inbox::search(&state, &user, &query.q).await?))
}

/// One visit with everything staff need: people, choices, decision, messages and its full timeline.
#[utoipa::path(
    tag = "staff",
    operation_id = "get_staff_visit",
    security(("bearer_auth" = []), ("api_key" = ["visits:read"])),
    params(("visit_id" = Uuid, Path, description = "The visit's id")),
    responses(
        (status = 200, description = "The visit", body = StaffVisitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such visit in the caller's prisons", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/visits/{visit_id}")]
#[tracing::instrument(skip(state, user), fields(caller = %user))]
pub async fn get_visit(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsRead>,
    visit_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::view::view(&state, &user, visit_id.into_inner()).await?))
}

/// Decide a request: grant one of the visitor's chosen times (taking one place of its capacity, atomically) or
/// reject it with reasons. Send the `version` you saw as `expected_version`: if someone else decided first, or the
/// time filled up meanwhile, the answer is 409 with the visit's current state and nothing changes.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:decide"])),
    params(("visit_id" = Uuid, Path, description = "The visit's id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided", body = StaffVisitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:decide`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such visit in the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: the visit changed since `expected_version` (see `current_version`); `invalid_state_transition`: not a request waiting for a decision; `slot_full`: no place left; `slot_closed`: the date is closed now; `slot_not_offered`: the timetable no longer has that time; `visit_already_started`: the time has come", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The decision is not valid; see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff/visits/{visit_id}/decision")]
#[tracing::instrument(skip(state, user, body), fields(caller = %user))]
pub async fn decide(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsDecide>,
    visit_id: web::Path<Uuid>,
    body: Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let errors = check_decision_dates(&body, london_today(state.clock.now()));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(HttpResponse::Ok().json(super::decide::decide(&state, &user, visit_id.into_inner(), body.into_inner()).await?))
}

/// Cancel a booked visit with a staff reason and an optional message to the visitor; its place returns to the slot.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:decide"])),
    params(("visit_id" = Uuid, Path, description = "The visit's id")),
    request_body = StaffCancelRequest,
    responses(
        (status = 200, description = "Cancelled", body = StaffVisitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:decide`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such visit in the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: the visit changed since `expected_version`; `invalid_state_transition`: not booked; `visit_already_started`: the visit has started or taken place", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a staff cancellation reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff/visits/{visit_id}/cancel")]
#[tracing::instrument(skip(state, user, body), fields(caller = %user))]
pub async fn cancel(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsDecide>,
    visit_id: web::Path<Uuid>,
    body: Json<StaffCancelRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::cancel::cancel(&state, &user, visit_id.into_inner(), body.into_inner()).await?))
}

/// Acknowledge a visitor's cancellation: it leaves the inbox's list of cancellations to see.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:decide"])),
    params(("visit_id" = Uuid, Path, description = "The visit's id")),
    responses(
        (status = 200, description = "Acknowledged", body = StaffVisitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:decide`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such visit in the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a visitor's cancellation, or already acknowledged", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff/visits/{visit_id}/acknowledge-cancellation")]
#[tracing::instrument(skip(state, user), fields(caller = %user))]
pub async fn acknowledge_cancellation(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsDecide>,
    visit_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(super::acknowledge::acknowledge_cancellation(&state, &user, visit_id.into_inner()).await?))
}

/// Send the visitor a one-off message. It is emailed in their language's email (the text as written) and shown on
/// the visit's page; the visit's `emails` show when it has gone.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:decide"])),
    params(("visit_id" = Uuid, Path, description = "The visit's id")),
    request_body = StaffMessageRequest,
    responses(
        (status = 200, description = "Queued for sending", body = StaffVisitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:decide`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such visit in the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The visit's personal data has been removed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff/visits/{visit_id}/messages")]
#[tracing::instrument(skip(state, user, body), fields(caller = %user))]
pub async fn send_message(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsDecide>,
    visit_id: web::Path<Uuid>,
    body: Json<StaffMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(super::message::send_message(&state, &user, visit_id.into_inner(), body.into_inner()).await?))
}
