//! Error codes shared by the server and its clients: the stable `code` of every problem+json response,
//! and the per-field codes of a rejected form. Wire names are snake_case and never change once published.

use serde::{Deserialize, Serialize};

/// The stable code of an API problem (`code` in an `application/problem+json` body).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// The request body is not valid JSON or does not have the expected shape.
    MalformedRequest,
    /// One or more fields break a visiting rule; see `errors`.
    ValidationFailed,
    /// Nothing exists at this address (or the caller may not know that it does).
    NotFound,
    /// The visit is not in a state that allows this change; see `current_state`.
    InvalidStateTransition,
    /// The visit's time has started or passed: nothing changes it any more (it can no longer be booked or
    /// cancelled).
    VisitAlreadyStarted,
    /// The `Idempotency-Key` was already used for a different request.
    IdempotencyKeyReused,
    /// The `Idempotency-Key` header is malformed.
    InvalidIdempotencyKey,
    /// The chosen time has no places left.
    SlotFull,
    /// The prison is closed for visits on the chosen date (a closed date added to the timetable).
    SlotClosed,
    /// The timetable no longer has visiting at the chosen time.
    SlotNotOffered,
    /// A timetable change would touch booked visits; see `affected_visits`, and confirm to apply it anyway.
    AffectsBookedVisits,
    /// Someone else changed this record first; reload and try again.
    Conflict,
    /// Authentication is missing or invalid.
    Unauthorized,
    /// The caller is authenticated but not allowed to do this.
    Forbidden,
    /// The API key used does not hold the scope this needs; `detail` names it.
    MissingScope,
    /// Too many requests; try again later.
    RateLimited,
    /// The request body is larger than the service accepts.
    PayloadTooLarge,
    /// The HTTP method is not supported on this resource.
    MethodNotAllowed,
    /// The change feed no longer holds the events after this cursor: events are kept `EVENTS_RETENTION_DAYS`
    /// days. Read the current state again, then follow the feed from its oldest event (no `after`).
    CursorExpired,
    /// The service cannot serve requests right now (for example the database is unreachable).
    ServiceUnavailable,
    /// An unexpected error; it has been logged with the request id.
    InternalError,
}

impl ErrorCode {
    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Why one field was refused. The client translates these codes; `message` is the English wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooLong,
    InvalidCharacters,
    InvalidDate,
    DateInFuture,
    DateTooFarInPast,
    InvalidPrisonNumber,
    InvalidEmail,
    InvalidPhone,
    /// Text messages asked for with a phone number that is not a UK mobile number (a landline, 070, 076...).
    NotAMobileNumber,
    InvalidReference,
    InvalidTime,
    #[serde(rename = "lead_visitor_under_18")]
    LeadVisitorUnder18,
    TooManyVisitors,
    TooManyAdults,
    NoSlotsChosen,
    TooManySlots,
    DuplicateSlot,
    SlotNotOffered,
    SlotClosed,
    SlotOutsideWindow,
    SlotFullyBooked,
    /// Joining the waiting list for a time that still has places: request it instead.
    SlotHasPlaces,
    /// Joining the waiting list for a time the same prisoner is already waiting for, or already has a visit at.
    AlreadyWaiting,
    UnknownPrison,
    InvalidLocale,
    /// A number (a capacity, an age, a count of days) outside the range the service allows.
    OutOfRange,
    /// A value of the right JSON type that the field does not take: not one of its choices, not in its format
    /// (a date that does not exist, a time not written HH:MM), or a number too large for it.
    InvalidValue,
    /// A value that must be unique (a prison's code, a staff email address) and is already used by another.
    AlreadyTaken,
    /// A webhook address that is not `https://` or does not resolve only to public internet addresses.
    UrlNotAllowed,
}

/// One refused field: `field` is a JSON path into the request (`lead_visitor.email`, `other_visitors[1].date_of_birth`,
/// `slots[0]`), `message` is written for the visitor to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    #[cfg_attr(feature = "openapi", schema(example = "lead_visitor.email"))]
    pub field: String,
    pub code: FieldErrorCode,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Enter an email address in the correct format, like name@example.com")
    )]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldErrorCode, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), code, message: message.into() }
    }

    /// The same error reported under a parent path, e.g. `email` -> `lead_visitor.email`.
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_string()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.field, self.message) }
    }
}

impl std::error::Error for FieldError {}

/// A problem+json body (RFC 9457) as every error response of the API carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` or a documentation link).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(example = "https://prison-visits.example/problems/validation_failed"))]
    pub type_uri: String,
    #[cfg_attr(feature = "openapi", schema(example = "Some answers need correcting"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = 422))]
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: ErrorCode,
    /// The request id, also present in the server's logs and the `x-request-id` response header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Field-by-field reasons, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `invalid_state_transition` and `conflict`: the state the visit is in now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_state: Option<crate::visit::VisitState>,
    /// For `conflict`: the version of the visit (or of a prison's timetable) now; send it as `expected_version`
    /// after reloading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For `affects_booked_visits`: the booked visits the change would touch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected_visits: Vec<crate::timetable_change::AffectedVisit>,
}
