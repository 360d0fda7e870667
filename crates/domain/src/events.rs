//! Integration events: what integrators hear about through the change feed and webhooks, with their wire names and
//! payloads, and the webhook subscriptions' wire types. Payloads are versioned: `{"type": "visit.booked",
//! "version": 1, "timestamp": "...", "data": {...}}`; a new field may be added within a version, never removed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::slot::Slot;
use crate::visit::{Actor, VisitState};

/// The version of every payload this build writes.
pub const PAYLOAD_VERSION: u32 = 1;

/// What happened. The wire name (`visit.booked`) is stored with the event and chosen by subscriptions.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventType {
    /// A visitor (or someone for them) asked for a visit; it waits for a decision.
    #[serde(rename = "visit.requested")]
    #[strum(serialize = "visit.requested")]
    VisitRequested,
    /// A visit was booked: by staff, or at once by instant booking (then no `visit.requested` comes before it).
    #[serde(rename = "visit.booked")]
    #[strum(serialize = "visit.booked")]
    VisitBooked,
    /// Staff rejected a request.
    #[serde(rename = "visit.rejected")]
    #[strum(serialize = "visit.rejected")]
    VisitRejected,
    /// The visitor withdrew a request before it was decided.
    #[serde(rename = "visit.withdrawn")]
    #[strum(serialize = "visit.withdrawn")]
    VisitWithdrawn,
    /// A booked visit was cancelled, by the visitor or by staff (`data.actor` says which).
    #[serde(rename = "visit.cancelled")]
    #[strum(serialize = "visit.cancelled")]
    VisitCancelled,
    /// Staff sent the visitor a one-off message (its text is not in the event).
    #[serde(rename = "visit.messaged")]
    #[strum(serialize = "visit.messaged")]
    VisitMessaged,
    /// A visitor joined the waiting list for times that were all full (`data.state` is `waiting`). A place offered
    /// later is a `visit.booked` (instant-booking prisons) or `visit.requested` (held for staff) with `actor`
    /// `system`; leaving the list is `visit.withdrawn`.
    #[serde(rename = "visit.waiting")]
    #[strum(serialize = "visit.waiting")]
    VisitWaiting,
    /// A waiting-list visit left the list unserved: every time it wanted has passed.
    #[serde(rename = "visit.expired")]
    #[strum(serialize = "visit.expired")]
    VisitExpired,
    /// The prison's visiting rules or timetable changed.
    #[serde(rename = "timetable.changed")]
    #[strum(serialize = "timetable.changed")]
    TimetableChanged,
    /// Prisoner records of the prison's roll were added or replaced.
    #[serde(rename = "roll.updated")]
    #[strum(serialize = "roll.updated")]
    RollUpdated,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::VisitRequested,
        EventType::VisitBooked,
        EventType::VisitRejected,
        EventType::VisitWithdrawn,
        EventType::VisitCancelled,
        EventType::VisitMessaged,
        EventType::VisitWaiting,
        EventType::VisitExpired,
        EventType::TimetableChanged,
        EventType::RollUpdated,
    ];

    /// The stable wire and database name, e.g. `visit.booked`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// True for the events about one visit (they carry its id and are delivered in order per visit).
    pub fn is_about_a_visit(self) -> bool {
        !matches!(self, EventType::TimetableChanged | EventType::RollUpdated)
    }
}

/// The `data` of a `visit.*` event: the visit as the change left it. No personal data: read the visit with the
/// API for its people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitEventData {
    pub visit_id: Uuid,
    /// The visit's reference, as the visitor knows it.
    #[cfg_attr(feature = "openapi", schema(example = "ABCD2345"))]
    pub reference: String,
    pub prison_id: Uuid,
    /// The state after the change.
    pub state: VisitState,
    /// The visit's version after the change (the `expected_version` of a next decision).
    pub version: i32,
    /// The booked time, once booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_slot: Option<Slot>,
    /// Who made the change.
    pub actor: Actor,
    /// The staff message sent with the change (`visit.messaged`, or a decision or cancellation with a message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Uuid>,
}

/// The `data` of a `timetable.changed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableEventData {
    pub prison_id: Uuid,
    /// The timetable's version after the change (`GET /staff/prisons/{id}/timetable` answers it).
    pub version: i64,
}

/// The `data` of a `roll.updated` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollEventData {
    pub prison_id: Uuid,
    /// How many of the prison's prisoners changed: records added or replaced, and prisoners gone from its roll (left
    /// out of a whole roll, or moved to another prison's). The prison that a prisoner moved away from gets its own
    /// event.
    pub prisoners: u32,
}

/// One event of the change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEvent {
    /// The event's id: the `webhook-id` of its webhooks.
    pub id: Uuid,
    /// Its place in the prison's feed: strictly increasing, without gaps once committed.
    pub position: i64,
    #[serde(rename = "type")]
    pub event_type: EventType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    /// The payload's `data`: a `VisitEventData`, `TimetableEventData` or `RollEventData` by `type`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePage {
    /// In position order.
    pub events: Vec<ChangeEvent>,
    /// Pass as `after` for the next page (also when `events` is empty: then it is the cursor given).
    #[cfg_attr(feature = "openapi", schema(example = "42"))]
    pub next_cursor: String,
    /// True when more events were already there after this page.
    pub has_more: bool,
}

/// A webhook subscription as admins write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    /// Where to POST events: `https://` (in production), at most 2,000 characters, not resolving to a private,
    /// loopback, link-local or other non-public address.
    #[cfg_attr(feature = "openapi", schema(example = "https://integrator.example/hooks/visits"))]
    pub url: String,
    /// The event types wanted; absent or empty means all, including types added later.
    #[serde(default)]
    pub event_types: Vec<EventType>,
    /// The prisons whose events are wanted: at least one.
    pub prison_ids: Vec<Uuid>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// What it is for (at most 200 characters).
    #[serde(default)]
    pub description: String,
}

fn enabled_by_default() -> bool {
    true
}

/// A webhook subscription as the API shows it (its secret only in `SubscriptionCreated`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: Uuid,
    pub url: String,
    /// Empty: every type.
    pub event_types: Vec<EventType>,
    pub prison_ids: Vec<Uuid>,
    pub enabled: bool,
    /// Why the service disabled it (deliveries kept failing), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    pub description: String,
    /// The API key that made it, and alone manages it besides admins; absent when an admin made it. Its deliveries go
    /// out only while that key is valid (not revoked or expired), holds `webhooks:manage` and reaches the event's
    /// prison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<Uuid>,
    /// While a rotated secret still signs too, until when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A subscription with its signing secret, shown once: when created and when the secret is rotated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionCreated {
    #[serde(flatten)]
    pub subscription: Subscription,
    /// `whsec_` and the base64 of 32 random bytes (Standard Webhooks).
    #[cfg_attr(feature = "openapi", schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))]
    pub secret: String,
}

/// Where a delivery stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum WebhookDeliveryState {
    /// Not tried yet, or waiting behind an earlier event of the same visit.
    Pending,
    /// Failed; tried again at `next_attempt_at`.
    Retrying,
    /// The receiver answered 2xx.
    Delivered,
    /// Every try failed; no more tries unless redelivered.
    Failed,
}

impl WebhookDeliveryState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One line of a subscription's delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// The event's id: its `webhook-id`, and the `delivery_id` to redeliver it.
    pub event_id: Uuid,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub prison_id: Uuid,
    pub state: WebhookDeliveryState,
    pub attempts: u32,
    /// The status of the last answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    /// How long the last try took, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_latency_ms: Option<u32>,
    /// Why the last try failed, in short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The start of the last answer's body (at most 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A page of a delivery log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryPage {
    pub deliveries: Vec<DeliveryView>,
    /// Pass as `after` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_dotted_and_round_trip() {
        for t in EventType::ALL {
            let json = serde_json::to_value(t).unwrap();
            assert_eq!(json, t.as_str());
            assert_eq!(t.as_str().parse::<EventType>().unwrap(), t);
        }
        assert_eq!(EventType::VisitBooked.as_str(), "visit.booked");
        assert!("visit_booked".parse::<EventType>().is_err());
    }
}
