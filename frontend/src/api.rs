//! The one place the client talks HTTP to the API (same origin, `/api/v1`). Calls go through the browser's
//! `fetch` via web-sys rather than an HTTP client crate, to keep the download small.

use domain::api::PrisonSummary;
use leptos::logging;
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestInit, Response};

/// Why a call failed, as much as the page needs to choose what to tell the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// No response: offline, DNS, CORS, or the request was aborted.
    Network,
    /// The server answered with a status outside 200-299.
    Status(u16),
    /// The body was not the JSON we expected.
    Decode,
}

/// `GET /api/v1/prisons`: the prisons a visitor can choose from.
pub async fn list_prisons() -> Result<Vec<PrisonSummary>, ApiError> {
    get_json("/api/v1/prisons").await
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;

    // Abort the request if whatever asked for it goes away first (e.g. the visitor leaves the page).
    let controller = AbortController::new().map_err(log_js(path))?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&controller.signal()));
    let controller = SendWrapper::new(controller);
    on_cleanup(move || controller.abort());

    let request = Request::new_with_str_and_init(path, &init).map_err(log_js(path))?;
    request.headers().set("Accept", "application/json").map_err(log_js(path))?;

    let response: Response =
        JsFuture::from(window.fetch_with_request(&request)).await.map_err(log_js(path))?.unchecked_into();
    if !response.ok() {
        logging::error!("GET {path}: HTTP {}", response.status());
        return Err(ApiError::Status(response.status()));
    }
    let body = JsFuture::from(response.text().map_err(log_js(path))?).await.map_err(log_js(path))?;
    let body = body.as_string().ok_or(ApiError::Decode)?;
    serde_json::from_str(&body).map_err(|error| {
        logging::error!("GET {path}: unexpected body: {error}");
        ApiError::Decode
    })
}

/// Logs a JavaScript exception from `fetch` and friends; they all mean "no usable response".
fn log_js(path: &str) -> impl FnOnce(JsValue) -> ApiError + '_ {
    move |error| {
        logging::error!("GET {path}: {error:?}");
        ApiError::Network
    }
}
