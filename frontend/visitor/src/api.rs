//! The visitor app's calls to the API, over frontend_shared::api's `call`.

use domain::api::{Availability, CreateVisitRequest, PrisonDetails, PrisonSummary, VisitCreated, VisitStatus};
pub use frontend_shared::api::{ApiError, call};
use uuid::Uuid;

/// The header that carries a visit's secret token.
const VISIT_TOKEN: &str = "X-Visit-Token";

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
