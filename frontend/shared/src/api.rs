//! The one place the clients talk HTTP to the API (same origin, `/api/v1`), over the `domain` wire types. Calls go
//! through the browser's `fetch` via web-sys rather than an HTTP client crate, to keep the download small. The staff
//! app adds its signed-in calls on top of `send` (frontend/staff/src/api.rs).

use domain::api::{Availability, CreateVisitRequest, PrisonDetails, PrisonSummary, VisitCreated, VisitStatus};
use domain::error::Problem;
use leptos::logging;
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestInit, Response};

/// The header that carries a visit's secret token.
const VISIT_TOKEN: &str = "X-Visit-Token";

/// Why a call failed, as much as the page needs to choose what to tell the visitor.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No response: offline, DNS, or the request was aborted.
    Network,
    /// The server answered with a status outside 200-299 and a problem+json body (e.g. 422 with `errors`).
    Problem(Box<Problem>),
    /// The server answered with a status outside 200-299 and no readable problem.
    Status(u16),
    /// The body was not the JSON we expected.
    Decode,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(problem) => Some(problem.status),
            ApiError::Status(status) => Some(*status),
            ApiError::Network | ApiError::Decode => None,
        }
    }
}

/// `GET /api/v1/prisons`: the prisons a visitor can choose from.
pub async fn list_prisons() -> Result<Vec<PrisonSummary>, ApiError> {
    call("GET", "/api/v1/prisons".into(), None, &[], true).await
}

/// `GET /api/v1/prisons/{id}`: a prison's address and visiting rules.
pub async fn prison(id: Uuid) -> Result<PrisonDetails, ApiError> {
    call("GET", format!("/api/v1/prisons/{id}"), None, &[], true).await
}

/// `GET /api/v1/prisons/{id}/availability`: every slot from today to the end of the booking window, with its state.
pub async fn availability(id: Uuid) -> Result<Availability, ApiError> {
    call("GET", format!("/api/v1/prisons/{id}/availability"), None, &[], true).await
}

/// `POST /api/v1/visits`. `idempotency_key` is made once per attempt and sent again on a retry, so a double tap or
/// a retry after a lost answer never makes two requests.
pub async fn create_visit(request: &CreateVisitRequest, idempotency_key: &str) -> Result<VisitCreated, ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Decode)?;
    // Not aborted when the page goes away: the visitor pressed "Send", so the request must go.
    call("POST", "/api/v1/visits".into(), Some(body), &[("Idempotency-Key", idempotency_key)], false).await
}

/// `GET /api/v1/visits/{reference}` with the visit's secret token.
pub async fn visit_status(reference: String, token: String) -> Result<VisitStatus, ApiError> {
    call("GET", format!("/api/v1/visits/{}", encode(&reference)), None, &[(VISIT_TOKEN, &token)], true).await
}

/// `POST /api/v1/visits/{reference}/withdraw`: the visitor no longer wants the visit they asked for.
pub async fn withdraw(reference: String, token: String) -> Result<VisitStatus, ApiError> {
    let path = format!("/api/v1/visits/{}/withdraw", encode(&reference));
    call("POST", path, None, &[(VISIT_TOKEN, &token)], false).await
}

/// `POST /api/v1/visits/{reference}/cancel`: the visitor cancels a booked visit.
pub async fn cancel(reference: String, token: String) -> Result<VisitStatus, ApiError> {
    let path = format!("/api/v1/visits/{}/cancel", encode(&reference));
    call("POST", path, None, &[(VISIT_TOKEN, &token)], false).await
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// A JSON call: `send`, then the body read as `T`.
pub async fn call<T: DeserializeOwned>(
    method: &str,
    path: String,
    body: Option<String>,
    headers: &[(&str, &str)],
    abort_on_cleanup: bool,
) -> Result<T, ApiError> {
    let text = send(method, &path, body, headers, abort_on_cleanup).await?;
    serde_json::from_str(&text).map_err(|error| {
        logging::error!("{method} {path}: unexpected body: {error}");
        ApiError::Decode
    })
}

/// Sends a request (a JSON body if any) and returns the body of a 2xx answer as text; any other status becomes
/// an `ApiError`, with the problem+json body when there is one. Shared with the staff client.
pub async fn send(
    method: &str,
    path: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
    abort_on_cleanup: bool,
) -> Result<String, ApiError> {
    let path = path.to_string();
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    if abort_on_cleanup {
        // Abort the request if whatever asked for it goes away first (e.g. the visitor leaves the page).
        let controller = AbortController::new().map_err(log_js(&path))?;
        init.set_signal(Some(&controller.signal()));
        let controller = SendWrapper::new(controller);
        on_cleanup(move || controller.abort());
    }
    if let Some(body) = &body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(&path, &init).map_err(log_js(&path))?;
    let request_headers = request.headers();
    request_headers.set("Accept", "application/json").map_err(log_js(&path))?;
    if body.is_some() {
        request_headers.set("Content-Type", "application/json").map_err(log_js(&path))?;
    }
    for (name, value) in headers {
        request_headers.set(name, value).map_err(log_js(&path))?;
    }

    let response: Response =
        JsFuture::from(window.fetch_with_request(&request)).await.map_err(log_js(&path))?.unchecked_into();
    let text = JsFuture::from(response.text().map_err(log_js(&path))?).await.map_err(log_js(&path))?;
    let text = text.as_string().ok_or(ApiError::Decode)?;
    if !response.ok() {
        let status = response.status();
        logging::warn!("{method} {path}: HTTP {status}");
        return Err(match serde_json::from_str::<Problem>(&text) {
            Ok(problem) => ApiError::Problem(Box::new(problem)),
            Err(_) => ApiError::Status(status),
        });
    }
    Ok(text)
}

/// Logs a JavaScript exception from `fetch` and friends; they all mean "no usable response".
fn log_js(path: &str) -> impl FnOnce(JsValue) -> ApiError + '_ {
    move |error| {
        logging::warn!("{path}: {error:?}");
        ApiError::Network
    }
}
