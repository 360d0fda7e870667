//! The visitor's web pages, rendered here at their URLs (Leptos server-side rendering of the visitor app in
//! frontend/visitor, through leptos_actix) and taken over in the browser by the same app compiled to WebAssembly.
//! A page is whole without JavaScript: links work, the status of a visit shows, and an unknown address is a 404.
//!
//! Every page's data comes from the same services as the REST endpoints the browser calls afterwards
//! ([`ServiceData`]), so the two always agree. Each page is rendered in the visitor's language (`?lang=en|cy`, kept
//! in the `pvb_lang` cookie; on a visit's page without a choice, the visit's) under a Content-Security-Policy whose
//! nonce admits the page's own inline scripts and no other.
//!
//! The status link in emails is `/visit/{reference}?token={token}`: answered with a 303 to `/visit/{reference}`
//! that puts the token in an HttpOnly cookie (a day, `SameSite=Lax`) when it opens that visit, so the token leaves
//! the address bar, the history and any later `Referer` at once; the request log never sees it. A POST that the
//! cookie authorises must come from this site's own pages (`visits::routes`).

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use domain::api::{Availability, Locale, PrisonDetails, PrisonSummary, VisitStatus};
use frontend::api::ApiError as PageError;
use frontend::server::{Answer, ServerPage, VisitorData};
use frontend_shared::browser::{LOCALE_COOKIE, ServerNow};
use leptos::prelude::*;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// The cookie holding a visit's status token, named for its reference (a device may follow several links).
pub fn visit_cookie_name(reference: &str) -> String {
    format!("pvb_visit_{reference}")
}

/// How long a status link opened on a device keeps working there without opening it again.
const VISIT_COOKIE_HOURS: i64 = 24;

/// The visitor app's pages, on every path the app routes (`/`, `/prison/{id}`, `/visit/{reference}` and, as a
/// "Page not found" with status 404, any other path that does not name a file and is not the staff app's or a step
/// of the journey still drawn in the browser).
pub fn route() -> impl actix_web::dev::HttpServiceFactory {
    // Leptos loads a page's data on tokio; set once per process (a second call only says it already is).
    let _ = any_spawner::Executor::init_tokio();
    let render = leptos_actix::render_app_async_with_context(
        provide_page_context,
        frontend::server::shell,
        leptos_router::Method::Get,
    );
    web::resource("/{tail:.*}")
        .guard(actix_web::guard::fn_guard(|ctx| is_server_rendered(ctx.head().uri.path())))
        .wrap(actix_web::middleware::from_fn(prepare_page))
        .route(render)
}

/// The status page's forms, for a visitor without JavaScript (the app calls the REST API instead): `POST
/// /visit/{reference}/withdraw` (also `/leave`, the same from the waiting list) and `/cancel`, authorised by the visit's cookie and only from this origin's own
/// pages (as the REST API checks it). Done, they send the browser back to the visit's page saying so
/// (`?done=withdraw`); refused because the visit changed meanwhile (decided, booked from the waiting list, started),
/// back to the page saying so (`?problem=changed`) with the visit as it is; the cookie gone, back to the page, which
/// says the link no longer opens it. From another origin: 403.
pub fn actions() -> impl actix_web::dev::HttpServiceFactory {
    // Guarded, not only routed: any other method falls through to the rest (a file-like path is a 404, not a 405).
    web::resource("/visit/{reference}/{action}").guard(actix_web::guard::Post()).route(web::post().to(visit_action))
}

async fn visit_action(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (reference, action) = path.into_inner();
    let Some(reference) = written_reference(&reference) else { return Err(ApiError::NotFound) };
    let token = crate::visits::routes::visit_token(&req, &reference)?;
    let done = match action.as_str() {
        // "leave": a withdrawal from the waiting list, which the page then says as leaving it.
        "withdraw" | "leave" => crate::visits::service::withdraw(&state, &reference, token.as_deref()).await,
        "cancel" => crate::visits::service::cancel(&state, &reference, token.as_deref()).await,
        _ => return Err(ApiError::NotFound),
    };
    let location = match done {
        Ok(_) => format!("/visit/{reference}?done={action}"),
        Err(ApiError::Internal(cause)) => return Err(ApiError::Internal(cause)),
        // Changed meanwhile (decided, booked from the waiting list, started): the page says so, and shows it as it is.
        Err(ApiError::InvalidTransition { .. } | ApiError::VisitAlreadyStarted { .. }) => {
            format!("/visit/{reference}?problem=changed")
        }
        // The page then shows that the link no longer opens the visit.
        Err(_) => format!("/visit/{reference}"),
    };
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish())
}

/// Whether a path is one of the visitor app's server-rendered pages.
pub fn is_server_rendered(path: &str) -> bool {
    !(path == "/staff"
        || path.starts_with("/staff/")
        || path.starts_with("/api/")
        || crate::startup::names_a_file(path))
}

/// Runs before a page is rendered: swaps a status link's token for a cookie, settles the language, and leaves the
/// page's [`ServerPage`] in the request for [`provide_page_context`].
async fn prepare_page(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    let query = web::Query::<PageQuery>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_default();
    let reference = visit_reference(req.path());

    let link_token = req.extensions().get::<StatusLinkToken>().map(|t| t.0.clone());
    if let Some(token) = link_token {
        // Only a token that opens this very visit becomes its cookie: a mistyped, empty or planted one must not
        // replace a good one, nor carry cookie attributes of its own.
        let opens = match &reference {
            Some(reference) if crate::visits::tokens::looks_valid(&token) => {
                crate::visits::service::status(&state, reference, Some(&token)).await.is_ok()
            }
            _ => false,
        };
        let secure = req.connection_info().scheme() == "https";
        let cookie = reference.as_deref().filter(|_| opens).map(|r| visit_cookie(r, &token, secure));
        let response = see_other(req.path(), req.query_string(), query.lang, cookie);
        return Ok(req.into_response(response).map_into_right_body());
    }
    if query.lang.is_some() {
        // How the language switch works without JavaScript: remember the choice, then show the same address
        // without it (a reload or a shared link must not undo a later choice).
        let response = see_other(req.path(), req.query_string(), query.lang, None);
        return Ok(req.into_response(response).map_into_right_body());
    }

    let visit_token = reference.as_ref().and_then(|r| req.cookie(&visit_cookie_name(r))).map(|c| c.value().to_owned());
    // A visit's page reads the visit once, here: for its language, and for the render (`ServiceData::visit`).
    let visit = match (&reference, &visit_token) {
        (Some(reference), Some(token)) => Some(crate::visits::service::status(&state, reference, Some(token)).await),
        _ => None,
    };
    // The visitor's draft, for a step of the journey to show and for the app to start from on any page.
    let held = crate::journey::read(&state, req.request()).await?;
    if req.path().starts_with("/book/") {
        if let Some(response) = start_journey(&state, &req, &held, &query).await? {
            return Ok(req.into_response(response).map_into_right_body());
        }
        crate::journey::touch(&state, &held).await?;
    }
    let mut draft = held.draft.clone();
    if req.path() == "/book/check"
        && let Some(draft) = draft.as_mut().filter(|d| d.prison.is_some() && d.created.is_none())
        && draft.idempotency_key.is_none()
    {
        // The key "Send" will carry, made before the page is shown: the form and the app send the same one.
        draft.idempotency_key = Some(Uuid::new_v4().to_string());
        let address = crate::client_address::ClientAddress::for_request(req.request());
        crate::journey::write(&state, req.request(), &address, &held, draft).await?;
    }
    let chosen = req.cookie(LOCALE_COOKIE).and_then(|c| c.value().parse().ok());
    // Opened from an email on a device that has never chosen: the language the visit was asked for in.
    let locale = chosen.or_else(|| visit.as_ref()?.as_ref().ok().map(|v| v.locale)).unwrap_or_default();
    let visit = visit.zip(reference).zip(visit_token.clone()).map(|((answer, reference), token)| ReadVisit {
        reference,
        token,
        answer,
    });
    let data: Arc<dyn VisitorData> =
        Arc::new(ServiceData { state: state.clone(), visit: std::sync::Mutex::new(visit) });
    let info = req.connection_info().clone();
    let origin = format!("{}://{}", info.scheme(), info.host());
    let page = ServerPage { data, locale, visit_token, draft, origin };
    req.extensions_mut().insert(PageInput { page, now: state.clock.now() });

    let mut response = next.call(req).await?;
    // leptos_actix says `text/html`; the page is UTF-8, and says so (a client must not guess).
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Ok(response.map_into_left_body())
}

#[derive(Debug, Default, serde::Deserialize)]
struct PageQuery {
    lang: Option<Locale>,
    /// "Start now" on a prison's page: `/book/prisoner?prison={id}`.
    prison: Option<Uuid>,
}

/// "Start now" without the app: puts the prison in the browser's draft (making one if need be) and answers 303
/// to the same step without the parameter. Nothing to do: `None`.
async fn start_journey(
    state: &AppState,
    req: &ServiceRequest,
    held: &crate::journey::Held,
    query: &PageQuery,
) -> Result<Option<HttpResponse>, ApiError> {
    let Some(id) = query.prison else { return Ok(None) };
    // Only from this site's own pages (or typed, or bookmarked): a link on another site must not change the
    // visitor's draft (its cookie comes along on a top-level GET). It leads to the prison's page, whose "Start now"
    // does; so does an unknown prison (whose page is a 404).
    let elsewhere = req.headers().get("sec-fetch-site").is_some_and(|site| site != "same-origin" && site != "none");
    let prison = match elsewhere {
        true => None,
        false => crate::prisons::service::details(state, id).await.ok(),
    };
    let Some(prison) = prison else {
        let response = HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/prison/{id}"))).finish();
        return Ok(Some(response));
    };
    let mut draft = held.draft.clone().unwrap_or_default();
    draft.start(prison);
    let address = crate::client_address::ClientAddress::for_request(req.request());
    let cookie = crate::journey::write(state, req.request(), &address, held, &draft).await?;
    let location = address_without(req.path(), req.query_string(), &["prison"]);
    let mut response = HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    Ok(Some(response))
}

/// A status link's token, taken out of the address by [`hide_status_token`].
#[derive(Clone)]
struct StatusLinkToken(String);

/// The outermost middleware: takes a status link's `token` out of the request's address before anything (the
/// request log first) sees it, and keeps it for [`prepare_page`]. Other query parameters stay.
pub async fn hide_status_token(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let query = req.query_string();
    if req.path().starts_with("/visit/") && url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "token") {
        let mut token = None;
        let mut rest = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "token" => token = token.or(Some(value.into_owned())),
                _ => {
                    rest.append_pair(&key, &value);
                }
            }
        }
        let rest = rest.finish();
        let address = if rest.is_empty() { req.path().to_owned() } else { format!("{}?{rest}", req.path()) };
        if let Ok(uri) = address.parse::<actix_web::http::Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
            if let Some(token) = token {
                req.extensions_mut().insert(StatusLinkToken(token));
            }
        }
    }
    next.call(req).await
}

/// Answers `HEAD` as `GET` without the body (RFC 9110 §9.3.2), for link checkers and uptime monitors: the same
/// status and headers. Outermost, with [`hide_status_token`].
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let response = next.call(req).await?;
    Ok(if head { response.map_body(|_, _| actix_web::body::BoxBody::new(())) } else { response.map_into_boxed_body() })
}

/// What [`prepare_page`] leaves for the render.
#[derive(Clone)]
struct PageInput {
    page: ServerPage,
    now: chrono::DateTime<chrono::Utc>,
}

/// The reference in `/visit/{reference}`, if the path is a visit's page (written as references are: 8 Crockford
/// Base32 capitals).
fn visit_reference(path: &str) -> Option<String> {
    written_reference(path.strip_prefix("/visit/")?)
}

/// `text` if it is a reference as the service writes them (not merely one `Reference::parse` would read).
fn written_reference(text: &str) -> Option<String> {
    domain::types::Reference::parse(text).ok().filter(|r| r.as_str() == text).map(|r| r.as_str().to_owned())
}

/// `path` with `query` less the parameters named in `consumed` (which the answer has acted on).
fn address_without(path: &str, query: &str, consumed: &[&str]) -> String {
    let rest = url::form_urlencoded::parse(query.as_bytes()).filter(|(key, _)| !consumed.contains(&key.as_ref()));
    let rest = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(rest).finish();
    if rest.is_empty() { path.to_owned() } else { format!("{path}?{rest}") }
}

/// The visit's status token in a cookie only this site's requests carry (and no script can read), for a day.
fn visit_cookie(reference: &str, token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(visit_cookie_name(reference), token.to_owned())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::hours(VISIT_COOKIE_HOURS))
        .finish()
}

/// 303 to the same page without `token` and `lang` (which [`hide_status_token`] and this answer consume), keeping
/// the language chosen in its cookie and setting `cookie` if given.
fn see_other(path: &str, query: &str, lang: Option<Locale>, cookie: Option<Cookie<'static>>) -> HttpResponse {
    let location = address_without(path, query, &["lang", "token"]);
    let mut response = HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
    if let Some(lang) = lang {
        let chosen = Cookie::build(LOCALE_COOKIE, lang.as_str())
            .path("/")
            .max_age(CookieDuration::days(365))
            .same_site(SameSite::Lax)
            .finish();
        let _ = response.add_cookie(&chosen);
    }
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// Gives the render what [`prepare_page`] settled, the server's time, and the page's Content-Security-Policy
/// (with the nonce leptos_actix made for this response).
fn provide_page_context() {
    let Some(req) = use_context::<leptos_actix::Request>() else { return };
    let input = req.into_inner().extensions().get::<PageInput>().cloned();
    let Some(options) = use_context::<leptos_actix::ResponseOptions>() else { return };
    // A page depends on the visitor's cookies (language, visit) and carries a nonce: no cache may answer it to
    // anyone else, or again without asking. A page carrying the visitor's draft is not kept at all (a visit's page
    // and the journey's steps are `no-store` on top, see `startup::is_private`).
    let with_draft = input.as_ref().is_some_and(|input| input.page.draft.is_some());
    options.insert_header(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if with_draft { "no-store" } else { "no-cache" }),
    );
    if let Some(input) = input {
        provide_context(input.page);
        provide_context(ServerNow(input.now));
    }
    options.insert_header(header::VARY, HeaderValue::from_static("Cookie"));
    if let Some(nonce) = leptos::nonce::use_nonce()
        && let Ok(policy) = HeaderValue::from_str(&page_csp(&nonce))
    {
        options.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// The web clients' policy ([`crate::startup::APP_CSP`]) plus this response's own inline scripts.
fn page_csp(nonce: &str) -> String {
    crate::startup::APP_CSP.replacen("script-src 'self'", &format!("script-src 'self' 'nonce-{nonce}'"), 1)
}

/// The visitor pages' data, from the services the REST endpoints use.
struct ServiceData {
    state: web::Data<AppState>,
    /// The visit [`prepare_page`] read for this page, given once to the render.
    visit: std::sync::Mutex<Option<ReadVisit>>,
}

/// A visit read with the token its page's cookie holds.
struct ReadVisit {
    reference: String,
    token: String,
    answer: Result<VisitStatus, ApiError>,
}

fn answer<T: Send + 'static>(future: impl Future<Output = Result<T, ApiError>> + Send + 'static) -> Answer<T> {
    Box::pin(async move {
        future.await.map_err(|error| {
            if let ApiError::Internal(cause) = &error {
                tracing::error!(error = %cause, "rendering a visitor page");
            }
            PageError::Problem(Arc::new(error.problem()))
        })
    })
}

impl VisitorData for ServiceData {
    fn prisons(&self) -> Answer<Vec<PrisonSummary>> {
        let state = self.state.clone();
        answer(async move { crate::prisons::service::list(&state).await })
    }

    fn prison(&self, id: Uuid) -> Answer<PrisonDetails> {
        let state = self.state.clone();
        answer(async move { crate::prisons::service::details(&state, id).await })
    }

    fn availability(&self, id: Uuid) -> Answer<Availability> {
        let state = self.state.clone();
        answer(async move { crate::prisons::service::availability(&state, id, None, None).await })
    }

    fn visit_status(&self, reference: String, token: String) -> Answer<VisitStatus> {
        let read = self.visit.lock().ok().and_then(|mut visit| visit.take());
        if let Some(read) = read.filter(|read| read.reference == reference && read.token == token) {
            return answer(async move { read.answer });
        }
        let state = self.state.clone();
        answer(async move { crate::visits::service::status(&state, &reference, Some(&token)).await })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test as actix_test;
    use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, web};

    /// What the request log (inside this middleware) and the handler see.
    async fn echo(req: HttpRequest) -> HttpResponse {
        let token = req.extensions().get::<super::StatusLinkToken>().map(|t| t.0.clone()).unwrap_or_default();
        HttpResponse::Ok().body(format!("{} [{token}]", req.uri()))
    }

    #[actix_web::test]
    async fn a_status_links_token_leaves_the_address_before_anything_inside_sees_it() {
        let app = actix_test::init_service(
            App::new().wrap(actix_web::middleware::from_fn(super::hide_status_token)).default_service(web::to(echo)),
        )
        .await;
        for (uri, seen) in [
            ("/visit/7KQ2M9XD?token=vt_a%2Bb", "/visit/7KQ2M9XD [vt_a+b]"),
            ("/visit/7KQ2M9XD?lang=cy&token=vt_x&token=vt_y", "/visit/7KQ2M9XD?lang=cy [vt_x]"),
            ("/visit/7KQ2M9XD?lang=cy", "/visit/7KQ2M9XD?lang=cy []"),
            // Only a visit's page: elsewhere a `token` parameter is not a status link's.
            ("/api/v1/visits/7KQ2M9XD?token=vt_x", "/api/v1/visits/7KQ2M9XD?token=vt_x []"),
        ] {
            let request = actix_test::TestRequest::get().uri(uri).to_request();
            let body = actix_test::call_and_read_body(&app, request).await;
            assert_eq!(body, seen, "{uri}");
        }
    }

    #[test]
    fn the_page_policy_adds_only_the_nonce_to_the_app_policy() {
        let policy = super::page_csp("abc123");
        assert_eq!(policy, crate::startup::APP_CSP.replace("script-src 'self'", "script-src 'self' 'nonce-abc123'"));
        assert!(!policy.contains("unsafe-inline"));
    }
}
