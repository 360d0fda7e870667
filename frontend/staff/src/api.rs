//! The staff API as the back office calls it: one function per endpoint, over the `domain` wire types, through
//! the session (which adds the access token and renews it).

use domain::api::{Availability, BehalfVisitRequest, PrisonDetails};
use domain::daylist::DayList;
use domain::decision::{DecisionRequest, StaffCancelRequest};
use domain::metrics::PrisonMetrics;
use domain::staff::{Inbox, InboxItem, SignInRequest, StaffVisitView, TokenPair};
use frontend_shared::api::{self as shared, ApiError};
use serde::Serialize;
use uuid::Uuid;

use crate::session::{Session, call, get, send, send_with};

fn json(value: &impl Serialize) -> Result<Option<String>, ApiError> {
    serde_json::to_string(value).map(Some).map_err(|_| ApiError::Decode)
}

pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// `GET /api/v1/prisons/{id}` (public): a prison's address and rules, for the admin's prison form.
pub async fn prison(id: Uuid) -> Result<PrisonDetails, ApiError> {
    shared::call("GET", format!("/api/v1/prisons/{id}"), None, &[], true).await
}

/// `GET /api/v1/prisons/{id}/availability` (public): every time in the booking window with its places left.
pub async fn availability(id: Uuid) -> Result<Availability, ApiError> {
    shared::call("GET", format!("/api/v1/prisons/{id}/availability"), None, &[], true).await
}

/// `POST /api/v1/staff/visits`: a visit requested on a visitor's behalf; `key` makes a retry safe.
pub async fn book_on_behalf(
    session: Session,
    request: &BehalfVisitRequest,
    key: &str,
) -> Result<StaffVisitView, ApiError> {
    let path = "/api/v1/staff/visits";
    let text = send_with(session, "POST", path, json(request)?, &[("Idempotency-Key", key)]).await?;
    serde_json::from_str(&text).map_err(|_| ApiError::Decode)
}

pub async fn sign_in(request: &SignInRequest) -> Result<TokenPair, ApiError> {
    shared::call("POST", "/api/v1/staff/sign-in".into(), json(request)?, &[], false).await
}

/// One prison's inbox, or (None) the inbox of every prison the caller works at.
pub async fn inbox(session: Session, prison: Option<Uuid>) -> Result<Inbox, ApiError> {
    match prison {
        Some(prison) => get(session, format!("/api/v1/staff/inbox?prison_id={prison}")).await,
        None => get(session, "/api/v1/staff/inbox".into()).await,
    }
}

pub async fn visit(session: Session, id: Uuid) -> Result<StaffVisitView, ApiError> {
    get(session, format!("/api/v1/staff/visits/{id}")).await
}

pub async fn decide(session: Session, id: Uuid, decision: &DecisionRequest) -> Result<StaffVisitView, ApiError> {
    call(session, "POST", format!("/api/v1/staff/visits/{id}/decision"), json(decision)?).await
}

pub async fn cancel(session: Session, id: Uuid, request: &StaffCancelRequest) -> Result<StaffVisitView, ApiError> {
    call(session, "POST", format!("/api/v1/staff/visits/{id}/cancel"), json(request)?).await
}

pub async fn acknowledge(session: Session, id: Uuid) -> Result<StaffVisitView, ApiError> {
    call(session, "POST", format!("/api/v1/staff/visits/{id}/acknowledge-cancellation"), None).await
}

pub async fn search(session: Session, query: &str) -> Result<Vec<InboxItem>, ApiError> {
    get(session, format!("/api/v1/staff/visits?q={}", encode(query))).await
}

pub async fn day_list(session: Session, prison: Uuid, date: &str) -> Result<DayList, ApiError> {
    get(session, format!("/api/v1/staff/prisons/{prison}/day-list?date={}", encode(date))).await
}

/// The prison's waiting list on a date, per slot, first in line first.
pub async fn waiting_list(
    session: Session,
    prison: Uuid,
    date: &str,
) -> Result<domain::waiting_list::WaitingList, ApiError> {
    get(session, format!("/api/v1/staff/prisons/{prison}/waiting-list?date={}", encode(date))).await
}

pub async fn day_list_csv(session: Session, prison: Uuid, date: &str) -> Result<String, ApiError> {
    send(session, "GET", &format!("/api/v1/staff/prisons/{prison}/day-list.csv?date={}", encode(date)), None).await
}

pub async fn metrics(session: Session, prison: Uuid, from: &str, to: &str) -> Result<PrisonMetrics, ApiError> {
    get(session, format!("/api/v1/staff/prisons/{prison}/metrics?from={}&to={}", encode(from), encode(to))).await
}
