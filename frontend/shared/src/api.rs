//! How the clients talk HTTP to the API (same origin, `/api/v1`), over the `domain` wire types: through the browser's
//! `fetch` via web-sys rather than an HTTP client crate, to keep the download small. Each app lists its own calls on
//! top of `call` and `send` (frontend/visitor/src/api.rs, frontend/staff/src/api.rs): compiled in the app's crate,
//! the JSON decoders of what they return are shared with the app's own decoding of the same types (the visitor's
//! saved draft holds a PrisonDetails), where in this crate they would be a second copy.

use domain::error::Problem;
use leptos::logging;
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestInit, Response};

/// Why a call failed, as much as the page needs to choose what to tell the visitor. Serialisable: a page rendered
/// on the server hands what it loaded, failures included, to the browser that takes the page over.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ApiError {
    /// No response: offline, DNS, or the request was aborted.
    Network,
    /// The server answered with a status outside 200-299 and a problem+json body (e.g. 422 with `errors`).
    /// Shared rather than boxed: an error is cloned with the resource that holds it, and a deep clone of the problem
    /// cost the visitor's first page 600 bytes of code.
    Problem(Arc<Problem>),
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
/// an `ApiError`, with the problem+json body when there is one.
///
/// `#[inline]` and a plain fn returning the future (not an `async fn`, whose body the attribute does not reach): so
/// the body, with its decoding of error bodies, is compiled in the app's crate beside the app's own JSON decoders,
/// as before the clients shared this crate; compiled here, the visitor's first page was about 600 bytes larger.
#[inline]
pub fn send<'a>(
    method: &'a str,
    path: &str,
    body: Option<String>,
    headers: &'a [(&'a str, &'a str)],
    abort_on_cleanup: bool,
) -> impl Future<Output = Result<String, ApiError>> + 'a {
    let path = path.to_string();
    async move {
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
                Ok(problem) => ApiError::Problem(Arc::new(problem)),
                Err(_) => ApiError::Status(status),
            });
        }
        Ok(text)
    }
}

/// Logs a JavaScript exception from `fetch` and friends; they all mean "no usable response".
fn log_js(path: &str) -> impl FnOnce(JsValue) -> ApiError + '_ {
    move |error| {
        logging::warn!("{path}: {error:?}");
        ApiError::Network
    }
}
