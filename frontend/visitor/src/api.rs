//! The visitor app's calls to the API. In the browser, over frontend_shared::api's `call` (the documented REST
//! endpoints); on the server (feature `ssr`), the server's own services through crate::server, with the same
//! answers. The reads are plain functions returning a `Send` future, as a `Resource` takes.

use domain::api::{Availability, CreateVisitRequest, PrisonDetails, PrisonSummary, VisitCreated, VisitStatus};
pub use frontend_shared::api::{ApiError, call};
// The browser's calls are not `Send` (they hold JavaScript values), but a Leptos `Resource` (whose answer the server
// hands to the browser) needs its future to be: the browser runs one thread, where the wrapper is sound.
#[cfg(not(feature = "ssr"))]
use send_wrapper::SendWrapper;
use uuid::Uuid;

/// The header that carries a visit's secret token.
const VISIT_TOKEN: &str = "X-Visit-Token";

/// `GET /api/v1/prisons`: the prisons a visitor can choose from.
#[cfg(not(feature = "ssr"))]
pub fn list_prisons() -> impl Future<Output = Result<Vec<PrisonSummary>, ApiError>> + Send {
    SendWrapper::new(call("GET", "/api/v1/prisons".into(), None, &[], true))
}

#[cfg(feature = "ssr")]
pub fn list_prisons() -> crate::server::Answer<Vec<PrisonSummary>> {
    crate::server::load(|data| data.prisons())
}

/// `GET /api/v1/prisons/{id}`: a prison's address and visiting rules.
#[cfg(not(feature = "ssr"))]
pub fn prison(id: Uuid) -> impl Future<Output = Result<PrisonDetails, ApiError>> + Send {
    SendWrapper::new(call("GET", format!("/api/v1/prisons/{id}"), None, &[], true))
}

#[cfg(feature = "ssr")]
pub fn prison(id: Uuid) -> crate::server::Answer<PrisonDetails> {
    crate::server::load(|data| data.prison(id))
}

/// `GET /api/v1/prisons/{id}/availability`: every slot from today to the end of the booking window, with its state.
#[cfg(not(feature = "ssr"))]
pub fn availability(id: Uuid) -> impl Future<Output = Result<Availability, ApiError>> + Send {
    SendWrapper::new(call("GET", format!("/api/v1/prisons/{id}/availability"), None, &[], true))
}

#[cfg(feature = "ssr")]
pub fn availability(id: Uuid) -> crate::server::Answer<Availability> {
    crate::server::load(|data| data.availability(id))
}

/// `GET /api/v1/visits/{reference}`. The token is the one from an old-style link (`#token`), or empty: then the
/// browser's cookie for the visit (set when the visitor opened their link) is the credential.
#[cfg(not(feature = "ssr"))]
pub fn visit_status(reference: String, token: String) -> impl Future<Output = Result<VisitStatus, ApiError>> + Send {
    SendWrapper::new(async move {
        call("GET", format!("/api/v1/visits/{}", encode(&reference)), None, &token_header(&token), true).await
    })
}

/// On the server, the token is the visit's cookie the browser sent.
#[cfg(feature = "ssr")]
pub fn visit_status(reference: String, token: String) -> crate::server::Answer<VisitStatus> {
    let token = match token.is_empty() {
        true => crate::server::server_page().and_then(|page| page.visit_token).unwrap_or_default(),
        false => token,
    };
    crate::server::load(move |data| data.visit_status(reference, token))
}

/// `POST /api/v1/visits`. `idempotency_key` is made once per attempt and sent again on a retry, so a double tap or
/// a retry after a lost answer never makes two requests.
pub async fn create_visit(request: &CreateVisitRequest, idempotency_key: &str) -> Result<VisitCreated, ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Decode)?;
    // Not aborted when the page goes away: the visitor pressed "Send", so the request must go.
    call("POST", "/api/v1/visits".into(), Some(body), &[("Idempotency-Key", idempotency_key)], false).await
}

/// `POST /api/v1/visits/{reference}/withdraw`: the visitor no longer wants the visit they asked for.
pub async fn withdraw(reference: String, token: String) -> Result<VisitStatus, ApiError> {
    let path = format!("/api/v1/visits/{}/withdraw", encode(&reference));
    call("POST", path, None, &token_header(&token), false).await
}

/// `POST /api/v1/visits/{reference}/cancel`: the visitor cancels a booked visit.
pub async fn cancel(reference: String, token: String) -> Result<VisitStatus, ApiError> {
    let path = format!("/api/v1/visits/{}/cancel", encode(&reference));
    call("POST", path, None, &token_header(&token), false).await
}

/// The token header, when there is a token; without one the visit's cookie is sent instead.
fn token_header(token: &str) -> Vec<(&'static str, &str)> {
    if token.is_empty() { Vec::new() } else { vec![(VISIT_TOKEN, token)] }
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}
