//! The visitor's journey as HTML forms, and the draft behind it (issue 13). The server keeps each browser's
//! half-finished request (the visitor app's `Draft`) in the database, under the SHA-256 of a random `pvb_draft`
//! cookie (HttpOnly, `SameSite=Lax`, gone when the browser closes), for 20 minutes after its last change: a
//! half-finished form on a shared phone does not live on (deleted when next read, and by the outbox worker's pass
//! every minute or `prison-visits jobs`). Every page is rendered from it, so the same draft serves
//! a visitor without JavaScript (whose forms post here) and one with the app (which saves each change with
//! `PUT /book/draft`), on any instance.
//!
//! - `POST /book/{prisoner|times|visitors}`: the step's form. Its answers go into the draft; "Continue" checks them
//!   with the same rules as the app (`frontend::journey`) and moves on (303 to the next step, or back to "Check
//!   your answers" from a "Change" link), or comes back to the step, whose page shows the GOV.UK error summary.
//!   "Add another visitor" and "Remove" come back to the step with the change made.
//! - `POST /book/check`: sends the request through the REST API's own service (`visits::service::create`: the same
//!   rules, limits, emails and events), with the draft's own `Idempotency-Key` (made when "Check your answers" is
//!   shown, and the one the app sends too), so pressing Send twice, in two tabs, or once here and once in the app
//!   makes one visit; then 303 to `/book/done`. Refused answers come back to the page.
//! - `PUT /book/draft`: the app's copy of the draft (JSON, at most 32 KiB); an empty draft deletes it. 204. Once its
//!   request is sent, a draft is not reopened: a save with the answers again (a tab left open) is 409.
//!
//! - `POST /feedback`: the feedback form (see [`post_feedback`]).
//!
//! Each is accepted from this site's own pages only (Fetch Metadata, then `Origin`: 403 otherwise). A browser
//! makes at most ten times the per-address limit of visit requests in new drafts an hour (429 past it).

pub mod store;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use domain::api::Locale;
use frontend::journey::{FormAction, FormStep, apply_form, check_step};
use frontend::store::{Draft, FeedbackDraft};
use frontend_shared::browser::LOCALE_COOKIE;

use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::rate_limits::Limit;
use crate::state::AppState;
use crate::visits::service::Requester;
use crate::visits::tokens;

/// The cookie that names a browser's draft.
pub const DRAFT_COOKIE: &str = "pvb_draft";
/// A draft not changed (nor a journey page opened) for this long is gone.
pub const IDLE_LIMIT: Duration = Duration::minutes(20);
/// The largest draft kept: a whole journey at the most visitors a prison allows is under 8 KiB.
pub const MAX_DRAFT_BYTES: usize = 32 * 1024;
/// The largest form accepted from a step.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The journey's form posts and the app's draft saves. Guarded by method, so that a GET of the same path falls
/// through to the page (`pages::route`).
pub fn routes() -> impl actix_web::dev::HttpServiceFactory {
    (
        web::resource("/book/draft").guard(actix_web::guard::Put()).route(web::put().to(put_draft)),
        web::resource("/book/{step}").guard(actix_web::guard::Post()).route(web::post().to(post_step)),
        web::resource("/feedback").guard(actix_web::guard::Post()).route(web::post().to(post_feedback)),
    )
}

/// A browser's draft as a request finds it.
#[derive(Debug, Clone, Default)]
pub struct Held {
    /// The stored id (hash) of the browser's draft cookie, when it sent one.
    id: Option<String>,
    /// The draft, unless there is none or it has gone idle.
    pub draft: Option<Draft>,
    /// The draft as stored (JSON), for a write that must find it unchanged.
    stored: Option<String>,
}

/// Reads the draft of the browser that sent `req`.
pub async fn read(state: &AppState, req: &HttpRequest) -> Result<Held, ApiError> {
    let Some(token) = req.cookie(DRAFT_COOKIE).map(|c| c.value().to_owned()).filter(|t| looks_valid(t)) else {
        return Ok(Held::default());
    };
    let id = tokens::hash(&token);
    let stored = store::load(&state.db, &id, state.clock.now() - IDLE_LIMIT).await?;
    // A draft that no longer reads (saved by an older release) is as good as none.
    let draft = stored.as_deref().and_then(|json| serde_json::from_str(json).ok());
    Ok(Held { id: Some(id), draft, stored })
}

/// Keeps a journey page's draft for another 20 minutes: opening a step counts as activity.
pub async fn touch(state: &AppState, held: &Held) -> Result<(), ApiError> {
    match (&held.id, &held.draft) {
        (Some(id), Some(_)) => Ok(store::touch(&state.db, id, state.clock.now()).await?),
        _ => Ok(()),
    }
}

/// Stores `draft` as the browser's draft: under its cookie, or under a new one, which is returned for the answer to
/// set. An empty draft is deleted. A browser's first draft counts against its address's limit.
pub async fn write(
    state: &AppState,
    req: &HttpRequest,
    address: &ClientAddress,
    held: &Held,
    draft: &Draft,
) -> Result<Option<Cookie<'static>>, ApiError> {
    if *draft == Draft::default() {
        if let Some(id) = &held.id {
            store::delete(&state.db, id).await?;
        }
        return Ok(None);
    }
    let json = serde_json::to_string(draft).map_err(anyhow::Error::from)?;
    if json.len() > MAX_DRAFT_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let now = state.clock.now();
    if let Some(id) = &held.id {
        store::save(&state.db, id, json, now).await?;
        return Ok(None);
    }
    if let Some(address) = address.key() {
        let per_hour = state.limits.visit_requests_per_address.saturating_mul(10);
        crate::rate_limits::reserve(state, &[Limit::new("draft:address", &address, per_hour, Duration::hours(1))])
            .await?;
    }
    let token = format!("dr_{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
    store::save(&state.db, &tokens::hash(&token), json, now).await?;
    let secure = req.connection_info().scheme() == "https";
    Ok(Some(
        Cookie::build(DRAFT_COOKIE, token).path("/").http_only(true).secure(secure).same_site(SameSite::Lax).finish(),
    ))
}

/// A draft cookie as this service makes them (`dr_` and 43 base64url characters), checked before any lookup.
fn looks_valid(token: &str) -> bool {
    token.len() == 46
        && token.starts_with("dr_")
        && token[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The language the visitor chose (the `pvb_lang` cookie), else English.
fn locale(req: &HttpRequest) -> Locale {
    req.cookie(LOCALE_COOKIE).and_then(|c| c.value().parse().ok()).unwrap_or_default()
}

fn see_other(location: &str, cookie: Option<Cookie<'static>>) -> HttpResponse {
    let mut response = HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_owned())).finish();
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// A form posted from this site's own pages, as its (name, value) pairs in order. From elsewhere: 403; over 64 KiB:
/// 413.
fn posted_form(req: &HttpRequest, body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    require_this_origin(req)?;
    if body.len() > MAX_FORM_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(url::form_urlencoded::parse(body).into_owned().collect())
}

fn require_this_origin(req: &HttpRequest) -> Result<(), ApiError> {
    if crate::visits::routes::from_this_origin(req) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// `PUT /book/draft`: the app's draft, saved as the visitor types. What the visitor typed is taken as sent; what the
/// server knows is not: the prison's details are the server's own for the prison named, and a sent request
/// (`created`) is kept only if its status link opens that visit.
async fn put_draft(
    state: web::Data<AppState>,
    req: HttpRequest,
    address: ClientAddress,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_this_origin(&req)?;
    if body.len() > MAX_DRAFT_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !json.starts_with("application/json") {
        return Err(ApiError::Malformed("Send the draft as application/json".into()));
    }
    let mut draft: Draft = serde_json::from_slice(&body)
        .map_err(|error| ApiError::Malformed(format!("The body is not a draft: {error}")))?;
    let held = read(&state, &req).await?;
    if let Some(sent) = &draft.prison {
        let known = held.draft.as_ref().and_then(|d| d.prison.clone()).filter(|p| p.id == sent.id);
        draft.prison = match known {
            Some(prison) => Some(prison),
            None => crate::prisons::service::details(&state, sent.id).await.ok(),
        };
    }
    // A sent request's draft stays sent: a tab left open with the answers (or a replayed save) cannot reopen it
    // and send them again. A new request starts from a prison alone ("Start now"), or from nothing.
    let sent = held.draft.as_ref().is_some_and(|d| d.created.is_some());
    if sent && draft.created.is_none() && !starts_afresh(&draft) {
        return Err(ApiError::DraftSent);
    }
    if let Some(created) = draft.created.take() {
        let known = held.draft.as_ref().and_then(|d| d.created.clone()).filter(|c| *c == created);
        draft.created = match known {
            Some(created) => Some(created),
            None => opens(&state, &created).await.then_some(created),
        };
    }
    let cookie = write(&state, &req, &address, &held, &draft).await?;
    let mut response = HttpResponse::NoContent().finish();
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    Ok(response)
}

/// `POST /book/{step}`: a step's form, posted without the app.
async fn post_step(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    address: ClientAddress,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form = posted_form(&req, &body)?;
    let held = read(&state, &req).await?;
    let name = path.into_inner();
    if name == "check" {
        return submit(&state, &req, &address, held).await;
    }
    let Some(step) = FormStep::from_name(&name) else { return Err(ApiError::NotFound) };
    let from_check =
        url::form_urlencoded::parse(req.query_string().as_bytes()).any(|(k, v)| k == "from" && v == "check");
    let here = if from_check { format!("{}?from=check", step.path()) } else { step.path().to_owned() };
    // Without a prison (a new browser, or 20 minutes idle) the step's page says to start again.
    let Some(mut draft) = held.draft.clone().filter(|d| d.prison.is_some()) else { return Ok(see_other(&here, None)) };
    let availability = match (step, &draft.prison) {
        (FormStep::Times, Some(prison)) => {
            Some(crate::prisons::service::availability(&state, prison.id, None, None).await?)
        }
        _ => None,
    };
    let before = draft.clone();
    let action = apply_form(&mut draft, step, &form, availability.as_ref());
    draft.server_errors.retain(|e| !step.owns(e));
    let location = match action {
        FormAction::Continue => {
            let today = domain::calendar::london_today(state.clock.now());
            let errors = check_step(&draft, step, locale(&req), today, availability.as_ref());
            if errors.is_empty() {
                step.next(from_check).to_owned()
            } else {
                draft.server_errors.extend(errors);
                here
            }
        }
        // Back to the new visitor's first box, or to the list a visitor or time left.
        FormAction::Add => format!("{here}#other_visitors-{}-first_name", draft.others.len().saturating_sub(1)),
        FormAction::Remove(_) | FormAction::WaitingList(_) if step == FormStep::Times => format!("{here}#slots"),
        FormAction::Remove(_) => format!("{here}#other_visitors"),
        FormAction::WaitingList(_) => here,
    };
    // New answers make a new request: a key sent with the old ones must not answer for them.
    let answers = |d: &Draft| Draft { server_errors: Vec::new(), idempotency_key: None, ..d.clone() };
    if answers(&draft) != answers(&before) {
        draft.idempotency_key = None;
    }
    let cookie = write(&state, &req, &address, &held, &draft).await?;
    Ok(see_other(&location, cookie))
}

/// `POST /feedback`: the feedback form, posted without the app. Sent as `POST /api/v1/feedback` sends it (the same
/// rules and limit), then 303 to `/feedback?sent=yes`. Refused answers are kept in the browser's draft, with what to
/// fix, and the page shows them (303 to `/feedback`); a limit or a fault, `?problem=limited|unavailable`.
async fn post_feedback(
    state: web::Data<AppState>,
    req: HttpRequest,
    address: ClientAddress,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form = posted_form(&req, &body)?;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let typed = FeedbackDraft {
        satisfaction: field("satisfaction"),
        improvement: field("improvement"),
        email: field("email"),
        errors: Vec::new(),
    };
    let held = read(&state, &req).await?;
    let mut draft = held.draft.clone().unwrap_or_default();
    let sent = crate::feedback::service::send(&state, &typed.request(locale(&req)), None, address.key()).await;
    let location = match sent {
        Ok(_) => {
            draft.feedback = FeedbackDraft::default();
            "/feedback?sent=yes"
        }
        Err(ApiError::Validation(errors)) => {
            draft.feedback = FeedbackDraft { errors, ..typed };
            "/feedback"
        }
        Err(ApiError::RateLimited { .. }) => {
            draft.feedback = typed;
            "/feedback?problem=limited"
        }
        Err(error) => {
            if let ApiError::Internal(cause) = &error {
                tracing::error!(error = %cause, "sending feedback from its form");
            }
            draft.feedback = typed;
            "/feedback?problem=unavailable"
        }
    };
    let cookie = write(&state, &req, &address, &held, &draft).await?;
    Ok(see_other(location, cookie))
}

/// `POST /book/check`: sends the request, as `POST /api/v1/visits` does, with the page's idempotency key.
async fn submit(
    state: &AppState,
    req: &HttpRequest,
    address: &ClientAddress,
    held: Held,
) -> Result<HttpResponse, ApiError> {
    let Some(mut draft) = held.draft.clone() else { return Ok(see_other("/book/check", None)) };
    // Sent already (a second press after the first was answered): its confirmation.
    if draft.created.is_some() {
        return Ok(see_other("/book/done", None));
    }
    if draft.prison.is_none() {
        return Ok(see_other("/book/check", None));
    }
    // The draft's own key, whichever page or tab sends it: one draft, one visit. A draft without one (the app's
    // copy, saved before its "Send") gets one here, and of two requests at once the first to store it wins.
    let key = match draft.idempotency_key.clone() {
        Some(key) => key,
        None => {
            let key = uuid::Uuid::new_v4().to_string();
            draft.idempotency_key = Some(key.clone());
            let (Some(id), Some(stored)) = (&held.id, &held.stored) else { return Ok(see_other("/book/check", None)) };
            let json = serde_json::to_string(&draft).map_err(anyhow::Error::from)?;
            if !store::replace_if(&state.db, id, stored, json, state.clock.now()).await? {
                // Another request stored a key first (or changed the answers): the page shows the draft as it is.
                return Ok(see_other("/book/check", None));
            }
            key
        }
    };
    let request = draft.request(locale(req));
    let sent = crate::visits::service::create(state, request, Some(key), &Requester::visitor(), address.key()).await;
    let location = match sent {
        Ok(created) => {
            // Everything typed is forgotten; only what the confirmation page shows is kept (with how the visitor
            // is told, which it words its promises by).
            draft = Draft { created: Some(created.visit), contact: draft.contact, ..Draft::default() };
            "/book/done"
        }
        Err(ApiError::Validation(errors)) => {
            // The answers must change, so the next attempt is a new request with a new key.
            draft.idempotency_key = None;
            draft.server_errors = errors;
            "/book/check"
        }
        Err(ApiError::IdempotencyKeyReused) => {
            draft.idempotency_key = None;
            "/book/check?problem=changed"
        }
        // A limit on requests (per address, prisoner or email): the page says so; the same answers may be sent later.
        Err(ApiError::RateLimited { .. }) => "/book/check?problem=limited",
        Err(error) => {
            if let ApiError::Internal(cause) = &error {
                tracing::error!(error = %cause, "sending a visit request from its form");
            }
            "/book/check?problem=unavailable"
        }
    };
    let cookie = write(state, req, address, &held, &draft).await?;
    Ok(see_other(location, cookie))
}

/// Whether a sent request's status link (in `created`) opens that visit: the app hands its confirmation to the
/// server, which shows it again only if it is real.
async fn opens(state: &AppState, created: &domain::api::VisitCreated) -> bool {
    let token = created.status_token.as_str();
    tokens::looks_valid(token)
        && created.status_path == format!("/visit/{}?token={token}", created.reference)
        && crate::visits::service::status(state, &created.reference, Some(token)).await.is_ok()
}

/// Whether a draft holds nothing the visitor typed: a new start (a prison at most).
fn starts_afresh(draft: &Draft) -> bool {
    // Nor a choice kept from the request before, nor feedback typed since: neither is an answer to send again.
    let answers = Draft {
        prison: None,
        server_errors: Vec::new(),
        idempotency_key: None,
        contact: String::new(),
        feedback: Default::default(),
        ..draft.clone()
    };
    answers == Draft::default()
}
