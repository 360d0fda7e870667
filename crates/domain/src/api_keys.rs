//! API keys for integrators: the scopes a key can hold (their wire names are the shared design of issue 12) and
//! the shapes an admin sends and reads. The rules of what a key's fields accept live here, for the server and the
//! staff app alike.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{FieldError, FieldErrorCode};

/// What a key may do. A key holds a set of these; a member of staff is not scoped (staff rights are by role).
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
pub enum Scope {
    /// Staff visit reads: one visit, search, the inbox, the day list, availability, the change feed.
    #[serde(rename = "visits:read")]
    #[strum(serialize = "visits:read")]
    VisitsRead,
    /// Request a visit on a visitor's behalf.
    #[serde(rename = "visits:write")]
    #[strum(serialize = "visits:write")]
    VisitsWrite,
    /// Book or reject a request, cancel a visit, message the visitor, acknowledge a cancellation.
    #[serde(rename = "visits:decide")]
    #[strum(serialize = "visits:decide")]
    VisitsDecide,
    /// Prisoner records and roll sync.
    #[serde(rename = "records:write")]
    #[strum(serialize = "records:write")]
    RecordsWrite,
    /// Metrics and the day list as CSV.
    #[serde(rename = "reports:read")]
    #[strum(serialize = "reports:read")]
    ReportsRead,
    /// Webhook subscriptions.
    #[serde(rename = "webhooks:manage")]
    #[strum(serialize = "webhooks:manage")]
    WebhooksManage,
}

impl Scope {
    /// The stable wire and database name (`visits:read`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Requests per minute a key may make when its creator does not say.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 600;
/// The most requests per minute a key may be given.
pub const MAX_RATE_LIMIT_PER_MINUTE: u32 = 100_000;
/// How long the old secret keeps working after a rotation when the admin does not say: 24 hours.
pub const DEFAULT_OVERLAP_MINUTES: u32 = 24 * 60;
/// The longest overlap a rotation may give the old secret: 30 days.
pub const MAX_OVERLAP_MINUTES: u32 = 30 * 24 * 60;
/// The longest key name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A key as an admin creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// Shown in lists and as the actor of every change made with the key: 1 to 100 characters, no control
    /// characters.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "HMP Testbridge records system", min_length = 1, max_length = 100)
    )]
    pub name: String,
    /// The prisons the key reaches (at least one, each an existing prison). Another prison's visit answers the
    /// key 404, exactly like one that does not exist.
    pub prison_ids: Vec<Uuid>,
    /// What the key may do (at least one).
    #[cfg_attr(feature = "openapi", schema(example = json!(["visits:read", "visits:decide"])))]
    pub scopes: Vec<Scope>,
    /// When the key stops working (RFC 3339, in the future); none for a key that does not expire.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests per minute, counted across every instance (1 to 100000; default 600). 0 is refused.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 600, minimum = 1, maximum = 100000))]
    pub rate_limit_per_minute: Option<u32>,
}

/// A change to a key: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateApiKey {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "HMP Testbridge records system", min_length = 1, max_length = 100)
    )]
    pub name: Option<String>,
    #[serde(default)]
    pub prison_ids: Option<Vec<Uuid>>,
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
    /// A new expiry (in the future). To remove an expiry, send `clear_expiry: true`.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub clear_expiry: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 1200, minimum = 1, maximum = 100000))]
    pub rate_limit_per_minute: Option<u32>,
}

/// A rotation: the key gets a new secret; the old one keeps working for `overlap_minutes` (default 1440, 24 h;
/// 0 ends it at once; at most 43200, 30 days).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotateApiKey {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 1440, minimum = 0, maximum = 43200))]
    pub overlap_minutes: Option<u32>,
}

/// A key as admins see it. The secret is never shown again after it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the current secret, to recognise it (`pvb_` + the key's id fragment + `_` + 4).
    #[cfg_attr(feature = "openapi", schema(example = "pvb_1a2b3c4d_Xy3k"))]
    pub prefix: String,
    pub prison_ids: Vec<Uuid>,
    pub scopes: Vec<Scope>,
    pub rate_limit_per_minute: u32,
    pub created_at: DateTime<Utc>,
    /// The admin who made the key.
    #[cfg_attr(feature = "openapi", schema(example = "Sam Jones"))]
    pub created_by: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The last request made with the key, to the minute (it is written at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// After a rotation with an overlap: until when the previous secret still works.
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
}

/// The answer to creating or rotating a key: the key and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyCreated {
    pub key: ApiKeyView,
    /// Send as `Authorization: Bearer <secret>`. Shown only now; the service keeps only its hash.
    #[cfg_attr(feature = "openapi", schema(example = "pvb_1a2b3c4d_Xy3kQ0dJ6h2m9t4VwZp8rA1sE5uB7nC3fG0hK2jL4oM"))]
    pub secret: String,
}

/// A valid key name: the one rule for free text (`crate::types::parse_text`: trimmed, inner whitespace collapsed,
/// NFC, no control, bidi or invisible character), 1 to [`MAX_NAME_CHARS`] characters. The name is the actor shown in
/// visits' timelines, so nothing in it may disguise what it reads as.
pub fn check_name(raw: &str) -> Result<String, FieldError> {
    crate::types::parse_text(raw, "a name for the key", MAX_NAME_CHARS, crate::types::TextKind::SingleLine).map_err(
        |mut e| {
            e.field = "name".into();
            e
        },
    )
}

/// At least one scope; duplicates collapse.
pub fn check_scopes(scopes: &[Scope]) -> Result<Vec<Scope>, FieldError> {
    let set: BTreeSet<Scope> = scopes.iter().copied().collect();
    if set.is_empty() {
        return Err(FieldError::new("scopes", FieldErrorCode::Required, "Choose at least one thing the key may do"));
    }
    Ok(set.into_iter().collect())
}

/// At least one prison; duplicates collapse. Whether each exists is the server's check.
pub fn check_prison_ids(prisons: &[Uuid]) -> Result<Vec<Uuid>, FieldError> {
    let set: BTreeSet<Uuid> = prisons.iter().copied().collect();
    if set.is_empty() {
        return Err(FieldError::new("prison_ids", FieldErrorCode::Required, "Choose at least one prison"));
    }
    Ok(set.into_iter().collect())
}

/// 1 to [`MAX_RATE_LIMIT_PER_MINUTE`]; none means [`DEFAULT_RATE_LIMIT_PER_MINUTE`]. 0 is refused rather than
/// read as "no limit" or "default", so that a typo cannot lift a key's limit.
pub fn check_rate_limit(limit: Option<u32>) -> Result<u32, FieldError> {
    match limit {
        None => Ok(DEFAULT_RATE_LIMIT_PER_MINUTE),
        Some(n) if (1..=MAX_RATE_LIMIT_PER_MINUTE).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new(
            "rate_limit_per_minute",
            FieldErrorCode::OutOfRange,
            format!("Rate limit must be between 1 and {MAX_RATE_LIMIT_PER_MINUTE} requests a minute"),
        )),
    }
}

/// An expiry must be in the future.
pub fn check_expiry(
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    match expires_at {
        Some(at) if at <= now => {
            Err(FieldError::new("expires_at", FieldErrorCode::OutOfRange, "Expiry must be in the future"))
        }
        other => Ok(other),
    }
}

/// 0 to [`MAX_OVERLAP_MINUTES`]; none means [`DEFAULT_OVERLAP_MINUTES`].
pub fn check_overlap(minutes: Option<u32>) -> Result<u32, FieldError> {
    match minutes {
        None => Ok(DEFAULT_OVERLAP_MINUTES),
        Some(n) if n <= MAX_OVERLAP_MINUTES => Ok(n),
        Some(_) => Err(FieldError::new(
            "overlap_minutes",
            FieldErrorCode::OutOfRange,
            format!("Overlap must be between 0 and {MAX_OVERLAP_MINUTES} minutes (30 days)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn scopes_have_their_shared_wire_names() {
        let names: Vec<&str> = Scope::iter().map(Scope::as_str).collect();
        assert_eq!(
            names,
            ["visits:read", "visits:write", "visits:decide", "records:write", "reports:read", "webhooks:manage"]
        );
        for scope in Scope::iter() {
            assert_eq!(serde_json::to_value(scope).unwrap(), serde_json::json!(scope.as_str()));
            assert_eq!(scope.as_str().parse::<Scope>().unwrap(), scope);
        }
    }

    #[test]
    fn a_rate_limit_of_zero_is_refused_and_none_is_the_default() {
        assert_eq!(check_rate_limit(None).unwrap(), DEFAULT_RATE_LIMIT_PER_MINUTE);
        assert!(check_rate_limit(Some(0)).is_err());
        assert!(check_rate_limit(Some(MAX_RATE_LIMIT_PER_MINUTE + 1)).is_err());
        assert_eq!(check_rate_limit(Some(1)).unwrap(), 1);
    }
}
