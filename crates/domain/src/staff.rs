//! The staff back office as the API speaks it: signing in, staff accounts and their roles, the inbox of requests
//! waiting for a decision, and everything staff see about one visit. The password rule lives here too, so the admin
//! form can explain it before the server refuses a password.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{Locale, PrisonSummary};
use crate::decision::RejectionReasonInput;
use crate::error::{FieldError, FieldErrorCode};
use crate::slot::Slot;
use crate::types::{Email, TextKind, parse_text};
use crate::visit::{Actor, CancellationReason, VisitState, VisitorOutcome};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in characters: long enough for any passphrase, short enough that hashing it is cheap.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// An email's local part shorter than this is not looked for inside the password: a one-letter local part
/// ("a@example.com") would otherwise forbid every password containing that letter.
pub const MIN_LOCAL_PART_CHARS_CHECKED: usize = 3;

/// The code of a password that is long enough but easy to guess. There is no `weak_password` code yet
/// (`error.rs` is shared), so this borrows the nearest one; change it here alone when a dedicated code exists.
pub const WEAK_PASSWORD_CODE: FieldErrorCode = FieldErrorCode::InvalidCharacters;

/// What a member of staff may do.
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
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// Decides requests, cancels visits and prints day lists at their own prisons.
    Staff,
    /// Everything staff do, and also keeps timetables up to date and manages staff accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Staff, Role::Admin];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether this role may manage timetables and staff accounts.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// A member of staff signing in with their email address and password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "sam.jones@rochester.example.gov.uk", min_length = 1, max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple", format = Password, min_length = 1, max_length = 128))]
    pub password: String,
}

/// Tokens issued on sign-in and on refresh. Send the access token as `Authorization: Bearer <access_token>`;
/// exchange the refresh token for a new pair before the access token expires.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    #[cfg_attr(feature = "openapi", schema(example = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl"))]
    pub access_token: String,
    /// Always `Bearer`.
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub expires_in: u32,
    /// Single use: each refresh returns a new one.
    #[cfg_attr(feature = "openapi", schema(example = "rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"))]
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    #[cfg_attr(feature = "openapi", schema(example = 43200))]
    pub refresh_expires_in: u32,
}

impl TokenPair {
    /// The only token type the service issues.
    pub const BEARER: &'static str = "Bearer";

    pub fn bearer(access_token: String, expires_in: u32, refresh_token: String, refresh_expires_in: u32) -> Self {
        TokenPair { access_token, token_type: Self::BEARER.to_string(), expires_in, refresh_token, refresh_expires_in }
    }
}

/// Exchanges a refresh token for a new token pair.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    #[cfg_attr(feature = "openapi", schema(example = "rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"))]
    pub refresh_token: String,
}

// Secrets stay out of logs: these types print with their secrets hidden.
impl fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInRequest").field("email", &self.email).field("password", &"[hidden]").finish()
    }
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_token", &"[hidden]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &"[hidden]")
            .field("refresh_expires_in", &self.refresh_expires_in)
            .finish()
    }
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshRequest").field("refresh_token", &"[hidden]").finish()
    }
}

/// The signed-in member of staff, with the prisons they work at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProfile {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "sam.jones@rochester.example.gov.uk"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "Sam Jones"))]
    pub name: String,
    pub role: Role,
    /// The prisons whose visits this person sees.
    pub prisons: Vec<PrisonSummary>,
}

/// A staff account as an admin creates it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaffAccount {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "sam.jones@rochester.example.gov.uk", min_length = 1, max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "Sam Jones", min_length = 1, max_length = 120))]
    pub name: String,
    /// Required: 12 to 128 characters, not one character repeated, not containing the part of the email before
    /// the `@`. (Optional in the schema only so that a missing password is reported with the other fields.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple", format = Password, min_length = 12, max_length = 128))]
    pub password: Option<String>,
    pub role: Role,
    /// The prisons whose visits this person will see, each once.
    #[serde(default)]
    pub prison_ids: Vec<Uuid>,
}

impl fmt::Debug for NewStaffAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewStaffAccount")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("password", &self.password.as_ref().map(|_| "[hidden]"))
            .field("role", &self.role)
            .field("prison_ids", &self.prison_ids)
            .finish()
    }
}

/// A staff account as admins see it in the list of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccountView {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "sam.jones@rochester.example.gov.uk"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "Sam Jones"))]
    pub name: String,
    pub role: Role,
    pub prison_ids: Vec<Uuid>,
    /// A disabled account cannot sign in; its history is kept.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// Changes to a staff account. Fields left out stay as they are.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateStaffAccount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "Sam Jones-Smith", min_length = 1, max_length = 120))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Replaces the whole list of prisons (each once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prison_ids: Option<Vec<Uuid>>,
    /// True to stop the account signing in (its history is kept), false to let it sign in again. Disabling ends
    /// every session of the account at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// A new password (a reset by an admin): the same rules as a new account's. Ends every session of the account
    /// at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple", format = Password, min_length = 12, max_length = 128))]
    pub password: Option<String>,
}

impl fmt::Debug for UpdateStaffAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateStaffAccount")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("prison_ids", &self.prison_ids)
            .field("disabled", &self.disabled)
            .field("password", &self.password.as_ref().map(|_| "[hidden]"))
            .finish()
    }
}

/// Checks a new password for a staff account whose email is `email`. Length is counted in characters, not bytes.
/// The error's `field` is empty; the caller files it under its own path (`password`).
pub fn check_password(pw: &str, email: &str) -> Result<(), FieldError> {
    let chars = pw.chars().count();
    if chars == 0 {
        return Err(FieldError::new("", FieldErrorCode::Required, "Enter a password"));
    }
    if chars < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            "",
            FieldErrorCode::OutOfRange,
            format!("The password must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(FieldError::new(
            "",
            FieldErrorCode::TooLong,
            format!("The password must be {MAX_PASSWORD_CHARS} characters or fewer"),
        ));
    }
    let mut it = pw.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(FieldError::new("", WEAK_PASSWORD_CODE, "The password must not be one character repeated"));
    }
    let local = email.trim().rsplit_once('@').map_or(email.trim(), |(local, _)| local).to_lowercase();
    if local.chars().count() >= MIN_LOCAL_PART_CHARS_CHECKED && pw.to_lowercase().contains(&local) {
        return Err(FieldError::new(
            "",
            WEAK_PASSWORD_CODE,
            "The password must not contain the part of the email address before the @",
        ));
    }
    Ok(())
}

/// Longest staff name accepted, in characters.
pub const MAX_STAFF_NAME_CHARS: usize = 120;

/// A member of staff's name as it appears on timelines: trimmed, inner runs of spaces collapsed, NFC, 1 to 120
/// characters, no control, bidi or invisible characters (`types::parse_text`). The error's `field` is empty.
pub fn check_staff_name(name: &str) -> Result<String, FieldError> {
    parse_text(name, "the person’s name", MAX_STAFF_NAME_CHARS, TextKind::SingleLine)
}

/// Checks a sign-in before anything is looked up: the email must be an email address (so a 300-character or
/// NUL-laden one never reaches the database) and the password no longer than any password can be. Returns the
/// email in its canonical form. Says nothing about whether an account exists.
pub fn check_sign_in(request: &SignInRequest) -> Result<Email, Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = Email::parse_as(&request.email, "your email address").map_err(|e| errors.push(e.under("email"))).ok();
    if request.password.is_empty() {
        errors.push(FieldError::new("password", FieldErrorCode::Required, "Enter your password"));
    } else if request.password.chars().count() > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(
            "password",
            FieldErrorCode::TooLong,
            format!("The password must be {MAX_PASSWORD_CHARS} characters or fewer"),
        ));
    }
    match email {
        Some(email) if errors.is_empty() => Ok(email),
        _ => Err(errors),
    }
}

/// The prisons of an account with `role`: a member of staff works at one prison at least (an admin may have none),
/// and no prison is listed twice. Errors are filed under `prison_ids`. Whether the prisons exist is for the caller.
pub fn check_staff_prisons(role: Role, prison_ids: &[Uuid]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if role == Role::Staff && prison_ids.is_empty() {
        errors.push(FieldError::new("prison_ids", FieldErrorCode::Required, "Choose at least one prison"));
    }
    for (i, id) in prison_ids.iter().enumerate() {
        if prison_ids.get(..i).is_some_and(|before| before.contains(id)) {
            errors.push(FieldError::new(
                format!("prison_ids[{i}]"),
                crate::decision::DUPLICATE_CODE,
                "Choose each prison only once",
            ));
        }
    }
    errors
}

/// A new staff account that passed every rule this crate knows (the caller still checks that the email is not
/// taken and the prisons exist).
#[derive(Clone, PartialEq, Eq)]
pub struct ValidNewStaffAccount {
    pub email: Email,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub prison_ids: Vec<Uuid>,
}

impl fmt::Debug for ValidNewStaffAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidNewStaffAccount")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("password", &"[hidden]")
            .field("role", &self.role)
            .field("prison_ids", &self.prison_ids)
            .finish()
    }
}

/// Checks a new staff account, reporting every problem at once under the request's field names.
pub fn check_new_staff_account(new: &NewStaffAccount) -> Result<ValidNewStaffAccount, Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = Email::parse(&new.email).map_err(|e| errors.push(e.under("email"))).ok();
    let name = check_staff_name(&new.name).map_err(|e| errors.push(e.under("name"))).ok();
    let password = new.password.clone().unwrap_or_default();
    if let Err(e) = check_password(&password, &new.email) {
        errors.push(e.under("password"));
    }
    errors.extend(check_staff_prisons(new.role, &new.prison_ids));
    match (email, name) {
        (Some(email), Some(name)) if errors.is_empty() => {
            Ok(ValidNewStaffAccount { email, name, password, role: new.role, prison_ids: new.prison_ids.clone() })
        }
        _ => Err(errors),
    }
}

/// One request waiting for a staff decision, as a row of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub visit_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "HMP Rochester"))]
    pub prison_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "John Smith"))]
    pub prisoner_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "A1234BC"))]
    pub prisoner_number: String,
    #[cfg_attr(feature = "openapi", schema(example = "Mary Smith"))]
    pub lead_visitor_name: String,
    /// Everyone who wants to come, lead visitor included.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub visitor_count: u32,
    /// The times asked for, most wanted first.
    pub slot_choices: Vec<Slot>,
    pub created_at: DateTime<Utc>,
    /// Staff decide the request by the end of this date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-11-30"))]
    pub confirm_by: NaiveDate,
    /// True once `confirm_by` has passed.
    pub overdue: bool,
    /// Send it back as `expected_version` with the decision.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub version: i32,
    /// How the request came in: `website`, `phone`, `in_person` or `integrator`.
    #[serde(default)]
    pub channel: crate::visit::Channel,
}

/// How much work is waiting at one prison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonCount {
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "HMP Rochester"))]
    pub prison_name: String,
    /// Requests waiting for a decision.
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub requested: u32,
    /// Of those, the ones past their confirm-by date.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub overdue: u32,
    /// Visits the visitor cancelled that staff have not yet seen.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub cancellations_to_acknowledge: u32,
}

/// A booked visit the visitor cancelled, for staff to acknowledge (and free the slot in their own records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancellationNotice {
    pub visit_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "John Smith"))]
    pub prisoner_name: String,
    /// The time that was booked.
    pub slot: Slot,
    pub cancelled_at: DateTime<Utc>,
}

/// The staff inbox across the prisons the signed-in person works at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    /// Requests waiting for a decision.
    pub items: Vec<InboxItem>,
    /// One entry per prison the person works at, including prisons with nothing waiting.
    pub counts: Vec<PrisonCount>,
    /// Visitor cancellations not yet acknowledged.
    pub cancellations: Vec<CancellationNotice>,
}

/// The prisoner as the visitor gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffPrisonerView {
    #[cfg_attr(feature = "openapi", schema(example = "John"))]
    pub first_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "Smith"))]
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "1985-04-12"))]
    pub date_of_birth: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = "A1234BC"))]
    pub number: String,
}

/// How to reach the lead visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadVisitorContact {
    #[cfg_attr(feature = "openapi", schema(example = "mary.smith@example.com"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "07700900123"))]
    pub phone: String,
    /// How the visitor chose to be told: `email`, `sms` (text messages to `phone`), or both.
    #[serde(default = "crate::api::email_only")]
    #[cfg_attr(feature = "openapi", schema(example = json!(["email", "sms"])))]
    pub contact_by: Vec<crate::email::MessageChannel>,
}

/// One visitor, with the staff decision about them if they were excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffVisitorView {
    /// The visitor's position in the request (0 is the lead visitor), as `visitor_index` in a decision.
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub index: usize,
    #[cfg_attr(feature = "openapi", schema(example = "Mary"))]
    pub first_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "Smith"))]
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "1980-07-01"))]
    pub date_of_birth: NaiveDate,
    pub lead: bool,
    /// Set when staff excluded this visitor; absent when they may come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<VisitorOutcome>,
}

/// A message sent to the visitor (or a note recorded) on a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitMessage {
    pub at: DateTime<Utc>,
    pub author: Actor,
    /// Who wrote it, for staff: the member of staff's name, or the API key's name. Never shown to the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "Please bring photo ID for every adult visitor."))]
    pub text: String,
}

/// One recorded change of a visit's state, with the name of the person who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffTimelineEntry {
    /// Absent for the creation of the request.
    pub from: Option<VisitState>,
    pub to: VisitState,
    pub actor: Actor,
    /// The member of staff's name when `actor` is `staff`; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "Sam Jones"))]
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
    /// The wire name of the rejection or cancellation reason given with this change, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "prisoner_moved"))]
    pub reason: Option<String>,
}

/// Everything staff see about one visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffVisitView {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    pub prison: PrisonSummary,
    pub state: VisitState,
    /// Send it back as `expected_version` with a decision or cancellation.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub version: i32,
    pub prisoner: StaffPrisonerView,
    pub lead_visitor: LeadVisitorContact,
    /// Lead visitor first.
    pub visitors: Vec<StaffVisitorView>,
    /// The times asked for, most wanted first.
    pub slot_choices: Vec<Slot>,
    /// The time granted, once booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_slot: Option<Slot>,
    /// For a request offered a place from the waiting list while it holds it: the time of that place. Granting
    /// that time takes no other place; granting another, or rejecting, gives it to the next in that time's line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_slot: Option<Slot>,
    /// True when the visit is a closed visit (no contact, across a screen).
    pub closed_visit: bool,
    /// The prison's own reference for the booking, when staff gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "RCI-2026-0412"))]
    pub booking_reference: Option<String>,
    /// Why the request was rejected, with the internal detail the visitor does not see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejection_reasons: Vec<RejectionReasonInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<CancellationReason>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-11-30"))]
    pub confirm_by: NaiveDate,
    /// True while the request is undecided and its confirm-by date has passed.
    pub overdue: bool,
    /// The visitor's language, for anything staff write to them.
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    /// How the request came in: `website`, `phone`, `in_person` or `integrator`.
    #[serde(default)]
    pub channel: crate::visit::Channel,
    /// Oldest first.
    pub messages: Vec<VisitMessage>,
    /// Oldest first.
    pub timeline: Vec<StaffTimelineEntry>,
    /// The emails and text messages (`channel`) about this visit and where each is on its way out, oldest first.
    #[serde(default)]
    pub emails: Vec<EmailDelivery>,
    /// The prisoner checks made against the prison's records when the request arrived (empty when none were made).
    #[serde(default)]
    pub checks: Vec<crate::records::CheckResult>,
    /// The rejection reasons the failed checks imply: pre-select them when rejecting.
    #[serde(default)]
    pub suggested_rejection_reasons: Vec<crate::visit::RejectionReason>,
    /// The support the visitor said the party needs (all false and absent when none, or once anonymised).
    #[serde(default)]
    pub support_needs: crate::support::SupportNeeds,
}

/// One email or text message about a visit, as staff see its delivery: sent, retrying or failed (then contact the visitor another way).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailDelivery {
    pub kind: crate::email::EmailKind,
    /// `email`, or `sms` for a text message (absent from older clients' copies: email).
    #[serde(default)]
    pub channel: crate::email::MessageChannel,
    pub state: crate::email::DeliveryState,
    /// Tries so far.
    pub attempts: u32,
    /// What went wrong last time, in a few words (never an address or a credential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
    /// When the next try is due, while retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_wire_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().ok(), Some(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
        }
        assert_eq!("Admin".parse::<Role>().ok(), None);
        assert!(Role::Admin.is_admin() && !Role::Staff.is_admin());
    }

    #[test]
    fn a_password_of_twelve_to_128_characters_is_accepted() {
        assert_eq!(check_password("correct horse", "sam.jones@example.gov.uk"), Ok(()));
        assert_eq!(check_password(&"ab".repeat(64), "sam.jones@example.gov.uk"), Ok(()));
    }

    #[test]
    fn an_empty_password_is_required() {
        assert_eq!(check_password("", "sam@example.com").unwrap_err().code, FieldErrorCode::Required);
    }

    #[test]
    fn a_password_shorter_than_twelve_characters_is_refused() {
        let err = check_password("elevenchars", "sam@example.com").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::OutOfRange);
        assert!(err.message.contains("12"));
    }

    #[test]
    fn password_length_is_counted_in_characters_not_bytes() {
        // Twelve two-byte characters: 24 bytes, 12 characters.
        assert_eq!(check_password("éàüöçñßøåæœī", "sam@example.com"), Ok(()));
        assert_eq!(check_password("éàüöçñßøåæœ", "sam@example.com").unwrap_err().code, FieldErrorCode::OutOfRange);
    }

    #[test]
    fn a_password_longer_than_128_characters_is_refused() {
        let err = check_password(&"ab".repeat(65), "sam@example.com").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::TooLong);
    }

    #[test]
    fn a_password_of_one_repeated_character_is_refused() {
        let err = check_password("aaaaaaaaaaaaaaaa", "sam@example.com").unwrap_err();
        assert_eq!(err.code, WEAK_PASSWORD_CODE);
        assert!(err.message.contains("repeated"));
    }

    #[test]
    fn a_password_containing_the_email_local_part_is_refused_whatever_its_case() {
        let err = check_password("my-SAM.JONES-password", "sam.jones@example.gov.uk").unwrap_err();
        assert_eq!(err.code, WEAK_PASSWORD_CODE);
        assert!(check_password("sam.jones2026!", " Sam.Jones@example.gov.uk ").is_err());
    }

    #[test]
    fn a_very_short_email_local_part_does_not_forbid_common_letters() {
        assert_eq!(check_password("a perfectly fine passphrase", "a@example.com"), Ok(()));
        assert_eq!(check_password("a perfectly fine passphrase", "ab@example.com"), Ok(()));
    }

    #[test]
    fn a_token_pair_is_always_of_the_bearer_type() {
        let pair = TokenPair::bearer("access".into(), 900, "refresh".into(), 43_200);
        let json = serde_json::to_value(&pair).unwrap();
        assert_eq!(json["token_type"], "Bearer");
        assert_eq!(json["expires_in"], 900);
        assert_eq!(json["refresh_expires_in"], 43_200);
    }

    #[test]
    fn secrets_are_hidden_when_printed_for_logs() {
        let sign_in = SignInRequest { email: "sam@example.com".into(), password: "hunter2hunter2".into() };
        let pair = TokenPair::bearer("access-secret".into(), 900, "refresh-secret".into(), 43_200);
        let refresh = RefreshRequest { refresh_token: "refresh-secret".into() };
        let account = NewStaffAccount {
            email: "sam@example.com".into(),
            name: "Sam".into(),
            password: Some("hunter2hunter2".into()),
            role: Role::Staff,
            prison_ids: vec![],
        };
        let printed = format!("{sign_in:?} {pair:?} {refresh:?} {account:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("secret"), "{printed}");
        assert!(printed.contains("sam@example.com"));
    }

    #[test]
    fn an_update_that_leaves_fields_out_changes_nothing_else() {
        let update: UpdateStaffAccount = serde_json::from_str(r#"{"disabled":true}"#).unwrap();
        assert_eq!(update, UpdateStaffAccount { disabled: Some(true), ..UpdateStaffAccount::default() });
        assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"disabled":true}"#);
    }

    fn new_account(password: Option<&str>, role: Role, prison_ids: Vec<Uuid>) -> NewStaffAccount {
        NewStaffAccount {
            email: " Sam.Jones@Example.GOV.uk ".into(),
            name: "  Sam \t Jones ".into(),
            password: password.map(str::to_string),
            role,
            prison_ids,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_new_account_without_a_password_is_read_and_then_refused_by_the_check() {
        let account: NewStaffAccount =
            serde_json::from_str(r#"{"email":"sam@example.com","name":"Sam Jones","role":"admin"}"#).unwrap();
        assert_eq!(account.password, None);
        assert_eq!(account.role, Role::Admin);
        assert!(account.prison_ids.is_empty());
        let errors = check_new_staff_account(&account).unwrap_err();
        assert_eq!(fields(&errors), ["password"]);
        assert_eq!(errors[0].code, FieldErrorCode::Required);
    }

    #[test]
    fn a_valid_new_account_comes_back_tidied() {
        let prison = Uuid::from_u128(1);
        let valid =
            check_new_staff_account(&new_account(Some("a long passphrase"), Role::Staff, vec![prison])).unwrap();
        assert_eq!(valid.email.as_str(), "Sam.Jones@example.gov.uk");
        assert_eq!(valid.name, "Sam Jones");
        assert_eq!(valid.password, "a long passphrase");
        assert_eq!(valid.prison_ids, vec![prison]);
        assert!(!format!("{valid:?}").contains("passphrase"));
    }

    #[test]
    fn every_problem_with_a_new_account_is_reported_at_once() {
        let mut account = new_account(Some("short"), Role::Staff, vec![]);
        account.email = "not an email".into();
        account.name = " ".into();
        let errors = check_new_staff_account(&account).unwrap_err();
        assert_eq!(fields(&errors), ["email", "name", "password", "prison_ids"]);
    }

    #[test]
    fn the_password_may_not_contain_the_new_accounts_email_local_part() {
        let account = new_account(Some("sam.jones-is-my-password"), Role::Admin, vec![]);
        assert_eq!(fields(&check_new_staff_account(&account).unwrap_err()), ["password"]);
    }

    #[test]
    fn a_staff_member_works_at_one_prison_at_least_and_an_admin_may_have_none() {
        assert_eq!(fields(&check_staff_prisons(Role::Staff, &[])), ["prison_ids"]);
        assert!(check_staff_prisons(Role::Admin, &[]).is_empty());
        assert!(check_staff_prisons(Role::Staff, &[Uuid::from_u128(1)]).is_empty());
    }

    #[test]
    fn a_prison_listed_twice_is_refused() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(fields(&check_staff_prisons(Role::Staff, &[a, b, a])), ["prison_ids[2]"]);
    }

    #[test]
    fn an_inbox_item_carries_dates_as_iso_dates_and_times_as_hours_and_minutes() {
        use chrono::{NaiveTime, TimeZone};
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let item = InboxItem {
            visit_id: Uuid::nil(),
            reference: "7KQ2M9XD".into(),
            prison_id: Uuid::nil(),
            prison_name: "HMP Rochester".into(),
            prisoner_name: "John Smith".into(),
            prisoner_number: "A1234BC".into(),
            lead_visitor_name: "Mary Smith".into(),
            visitor_count: 2,
            slot_choices: vec![Slot::new(
                day,
                NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
            )],
            created_at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap(),
            confirm_by: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            overdue: false,
            version: 1,
            channel: crate::visit::Channel::Phone,
        };
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["confirm_by"], "2026-11-30");
        assert_eq!(json["created_at"], "2026-11-25T09:30:00Z");
        assert_eq!(json["slot_choices"][0]["start"], "14:00");
        assert_eq!(serde_json::from_value::<InboxItem>(json).unwrap(), item);
    }

    #[test]
    fn a_timeline_entry_leaves_out_the_name_and_reason_it_does_not_have() {
        use chrono::TimeZone;
        let entry = StaffTimelineEntry {
            from: None,
            to: VisitState::Requested,
            actor: Actor::Visitor,
            actor_name: None,
            at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap(),
            reason: None,
        };
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"from":null,"to":"requested","actor":"visitor","at":"2026-11-25T09:30:00Z"}"#
        );
    }

    #[test]
    fn a_staff_name_is_tidied_and_limited_to_120_characters() {
        assert_eq!(check_staff_name("  Sam \n Jones "), Ok("Sam Jones".to_string()));
        assert_eq!(check_staff_name("   ").unwrap_err().code, FieldErrorCode::Required);
        assert_eq!(check_staff_name(&"x".repeat(121)).unwrap_err().code, FieldErrorCode::TooLong);
        assert!(check_staff_name(&"x".repeat(120)).is_ok());
        assert_eq!(check_staff_name("Sam\u{7}Jones").unwrap_err().code, FieldErrorCode::InvalidCharacters);
    }
}
