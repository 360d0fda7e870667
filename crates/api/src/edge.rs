//! Middleware at the edge of every request: the client address as this service believes it, the request's id, and
//! a deadline.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::Method;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use tracing_actix_web::RequestId;

use crate::client_address::ClientAddress;
use crate::config::DEFAULT_REQUEST_TIMEOUT;
use crate::error::ApiError;
use crate::state::AppState;

/// Headers by which a client names another address than its own.
const FORWARDING_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

/// Rewrites the forwarding headers so that everything reading them (the request log's `http.client_ip`, the rate
/// limits) sees the address this service believes: from a peer that is not in `TRUSTED_PROXIES` every forwarding
/// header is dropped (the client could write anything there); from a trusted proxy, `X-Forwarded-For` is replaced by
/// the one address [`ClientAddress`] resolves, and the other forwarding headers are dropped.
pub async fn believed_client_address(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let proxies = req.app_data::<web::Data<AppState>>().map(|state| state.trusted_proxies.clone());
    let client = ClientAddress::of(req.request(), proxies.as_deref().unwrap_or(&[]));
    let peer = req.peer_addr().map(|peer| peer.ip().to_canonical());
    // The extractor reads it from here rather than working it out again.
    req.extensions_mut().insert(client);
    let headers = req.headers_mut();
    for name in FORWARDING_HEADERS {
        headers.remove(name);
    }
    if let Some(ip) = client.0.filter(|ip| Some(*ip) != peer)
        && let Ok(value) = HeaderValue::from_str(&ip.to_string())
    {
        headers.insert(HeaderName::from_static("x-forwarded-for"), value);
    }
    next.call(req).await
}

tokio::task_local! {
    /// The id of the request whose handlers and middleware are running (see [`request_id`]).
    static REQUEST_ID: Option<String>;
}

/// The header that carries the request's id in every answer.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being answered (a UUID, as text), or `None` outside a request (a command-line task, a
/// background job, a unit test).
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok().flatten()
}

/// Gives every answer the request's id: the one [`tracing_actix_web::TracingLogger`] (which must wrap this) made
/// and put on the request's log span, so the id a user reports from an error leads to that request's log lines. It
/// is sent as `X-Request-Id` and, through [`current_request_id`], as `request_id` in every problem+json body.
///
/// An error a middleware inside this one returns (the deadline's 503, the lost database's 503, a failed sign-in
/// check) would otherwise become its answer only in the server, where the id is no longer known: it is answered
/// here instead, and handed on as an error already holding that answer, so the request log still sees it failed.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let header = id.as_deref().and_then(|id| HeaderValue::from_str(id).ok());
    REQUEST_ID
        .scope(id, async move {
            match next.call(req).await {
                Ok(mut response) => {
                    if let Some(header) = header {
                        response.headers_mut().insert(X_REQUEST_ID, header);
                    }
                    Ok(response)
                }
                Err(err) => {
                    let mut answer = err.error_response();
                    if let Some(header) = header {
                        answer.headers_mut().insert(X_REQUEST_ID, header);
                    }
                    Err(InternalError::from_response(err, answer).into())
                }
            }
        })
        .await
}

/// Answers 503 `service_unavailable` with `Retry-After` when a request has no answer after `request_timeout`
/// (`REQUEST_TIMEOUT_MS`): a database that has gone silent (a network partition, a firewall dropping packets) would
/// otherwise hold a request on a connection it already has for many minutes. The handler is dropped, and with it any
/// transaction it had open, which the database rolls back.
pub async fn request_deadline(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let deadline = req.app_data::<web::Data<AppState>>().map_or(DEFAULT_REQUEST_TIMEOUT, |state| state.request_timeout);
    // No clone of the request may be held here: routing needs it unshared. The error becomes the response (its
    // problem+json and Retry-After) when it reaches the server.
    let path = req.path().to_owned();
    tokio::time::timeout(deadline, next.call(req)).await.unwrap_or_else(|_| {
        tracing::warn!(path, "request abandoned after its deadline");
        Err(ApiError::Unavailable.into())
    })
}

/// Refuses every write (503 `service_unavailable`) once the SQLite file the service opened has been deleted or
/// replaced: the writes would go to a file nobody will open again, and a visitor would be told "received" for a
/// request that is gone at the next start. Reads go on; readiness already says 503 so a balancer stops sending work.
pub async fn refuse_writes_to_a_lost_database(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if write
        && let Some(file) = req.app_data::<web::Data<AppState>>().and_then(|state| state.db_file.as_ref())
        && !file.unchanged()
    {
        tracing::error!("the SQLite file was deleted or replaced under the service; refusing writes until a restart");
        return Err(ApiError::Unavailable.into());
    }
    next.call(req).await
}
