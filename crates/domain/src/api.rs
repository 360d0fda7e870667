//! The JSON the visitor API speaks, shared by the server (which documents it in OpenAPI) and the WASM client.
//! Inputs are raw strings on purpose: the server parses them with the rules in this crate and reports every
//! bad field at once, field by field, the way a form shows its errors.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::slot::Slot;
use crate::visit::{Actor, VisitState};

/// A prison in the list visitors choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonSummary {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "HMP Rochester"))]
    pub name: String,
    /// A short code staff and integrators use for the prison.
    #[cfg_attr(feature = "openapi", schema(example = "RCI"))]
    pub code: String,
    /// True for the demonstration prisons seeded on a fresh start; never true in production.
    pub demo: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    #[cfg_attr(feature = "openapi", schema(example = json!(["1 Sir Evelyn Road"])))]
    pub lines: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(example = "Rochester"))]
    pub town: String,
    #[cfg_attr(feature = "openapi", schema(example = "ME1 3QS"))]
    pub postcode: String,
}

/// The rules a prison applies to visit requests. Defaults come from the UK service; each prison sets its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitingRules {
    /// Visitors at or over this age count as adults (the prison's choice, 5 to 18).
    #[cfg_attr(feature = "openapi", schema(example = 18))]
    pub adult_age: u8,
    /// Most visitors in one visit, lead visitor included.
    #[cfg_attr(feature = "openapi", schema(example = 6))]
    pub max_visitors: u8,
    /// Most adults in one visit, lead visitor included.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub max_adults: u8,
    /// How many days ahead (from today) visits can be requested.
    #[cfg_attr(feature = "openapi", schema(example = 28))]
    pub booking_window_days: u16,
    /// How many processing days staff have to decide a request; the first bookable date is the day after.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub processing_days: u8,
    /// True when the prison processes requests at weekends and on bank holidays too.
    pub weekend_processing: bool,
    /// True when a request whose first available choice has room is booked at once.
    pub instant_booking: bool,
}

impl Default for VisitingRules {
    fn default() -> Self {
        VisitingRules {
            adult_age: 18,
            max_visitors: 6,
            max_adults: 3,
            booking_window_days: 28,
            processing_days: 3,
            weekend_processing: false,
            instant_booking: false,
        }
    }
}

/// A prison with its contact details and visiting rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonDetails {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "HMP Rochester"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "RCI"))]
    pub code: String,
    pub demo: bool,
    pub address: Address,
    #[cfg_attr(feature = "openapi", schema(example = "socialvisits.rochester@example.gov.uk"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "0300 060 6603"))]
    pub phone: String,
    pub rules: VisitingRules,
}

/// A prison as an admin adds or changes it (its timetable is set separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonInput {
    #[cfg_attr(feature = "openapi", schema(example = "HMP Rochester"))]
    pub name: String,
    /// Short code, unique: capital letters, digits and hyphens.
    #[cfg_attr(feature = "openapi", schema(example = "RCI"))]
    pub code: String,
    pub address: Address,
    #[cfg_attr(feature = "openapi", schema(example = "socialvisits.rochester@example.gov.uk"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "0300 060 6603"))]
    pub phone: String,
    #[serde(default)]
    pub rules: VisitingRules,
}

/// Every problem with a prison's details, with fields such as `address.postcode`.
pub fn check_prison_input(input: &PrisonInput) -> Vec<crate::error::FieldError> {
    use crate::error::{FieldError, FieldErrorCode};
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, max: usize, what: &str| {
        if value.trim().is_empty() {
            errors.push(FieldError::new(field, FieldErrorCode::Required, format!("Enter the prison's {what}")));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                FieldErrorCode::TooLong,
                format!("The {what} must be {max} characters or fewer"),
            ));
        }
    };
    text("name", &input.name, 120, "name");
    text("address.town", &input.address.town, 80, "town");
    text("address.postcode", &input.address.postcode, 10, "postcode");
    text("phone", &input.phone, 32, "phone number");
    if input.address.lines.is_empty() || input.address.lines.len() > 2 {
        errors.push(FieldError::new("address.lines", FieldErrorCode::Required, "Enter one or two address lines"));
    } else {
        for (i, line) in input.address.lines.iter().enumerate() {
            text(&format!("address.lines[{i}]"), line, 120, "address");
        }
    }
    let code_ok = !input.code.is_empty()
        && input.code.len() <= 16
        && input.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if !code_ok {
        errors.push(FieldError::new(
            "code",
            FieldErrorCode::InvalidCharacters,
            "Enter a code of up to 16 capital letters, digits or hyphens",
        ));
    }
    if let Err(e) = crate::types::Email::parse(&input.email) {
        errors.push(e.under("email"));
    }
    errors.extend(crate::rules::check_visiting_rules(&input.rules).into_iter().map(|e| e.under("rules")));
    errors
}

/// Whether a slot can be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    /// Places are left and the slot is inside the booking window.
    Available,
    /// Every place is taken.
    FullyBooked,
    /// The prison is closed on this date (the slot would normally run).
    Closed,
    /// Before the first bookable date or after the last one.
    OutsideWindow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotAvailability {
    #[serde(flatten)]
    pub slot: Slot,
    pub state: SlotState,
    /// Places left for open visits (0 unless `available`).
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub places_left: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvailabilityDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-01"))]
    pub date: NaiveDate,
    /// True when the whole date is closed (a closed date), whatever slots it would have had.
    pub closed: bool,
    pub slots: Vec<SlotAvailability>,
}

/// Every concrete slot of a prison over a date range, with its state and the places left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: NaiveDate,
    /// Today's date in the UK.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub today: NaiveDate,
    /// A request made now is decided by the end of this date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub confirm_by: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub first_bookable: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last_bookable: NaiveDate,
    /// One entry per date in `from..=to` that has slots (dates without any slot are left out).
    pub days: Vec<AvailabilityDay>,
}

/// The prisoner as the visitor knows them. Strings are checked by the server, all fields at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonerInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "John"))]
    pub first_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Smith"))]
    pub last_name: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "1985-04-12"))]
    pub date_of_birth: String,
    /// One letter, four digits, two letters; case and spaces do not matter.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "A1234BC"))]
    pub number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadVisitorInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Mary"))]
    pub first_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Smith"))]
    pub last_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "1980-07-01"))]
    pub date_of_birth: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "mary.smith@example.com"))]
    pub email: String,
    /// A UK phone number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "07700 900123"))]
    pub phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Amy"))]
    pub first_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Smith"))]
    pub last_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2015-03-09"))]
    pub date_of_birth: String,
}

/// One chosen time, as shown in the availability.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotChoiceInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-01"))]
    pub date: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "14:00"))]
    pub start: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "16:00"))]
    pub end: String,
}

/// A visit request as a visitor (or a contact centre on their behalf) submits it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateVisitRequest {
    pub prison_id: Uuid,
    #[serde(default)]
    pub prisoner: PrisonerInput,
    #[serde(default)]
    pub lead_visitor: LeadVisitorInput,
    /// Up to five more visitors (the prison's limits apply).
    #[serde(default)]
    pub other_visitors: Vec<VisitorInput>,
    /// One to three slots, most wanted first.
    #[serde(default)]
    pub slots: Vec<SlotChoiceInput>,
    /// The language for messages to the visitor.
    #[serde(default)]
    pub locale: Locale,
}

/// The languages the service speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    #[default]
    En,
    Cy,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Cy => "cy",
        }
    }

    pub fn parse(s: &str) -> Option<Locale> {
        match s {
            "en" => Some(Locale::En),
            "cy" => Some(Locale::Cy),
            _ => None,
        }
    }
}

/// What the visitor gets back after submitting: keep `status_token` secret, it is the key to the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitCreated {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    /// Send it as the `X-Visit-Token` header to read, withdraw or cancel this visit. Shown only here.
    #[cfg_attr(feature = "openapi", schema(example = "vt_3q2A8pWc0r1ZbN6yJf5XkLmT9sHd4uVe7gRi2oQa"))]
    pub status_token: String,
    /// The path of the visitor's private status page in the web app.
    #[cfg_attr(feature = "openapi", schema(example = "/visit/7KQ2M9XD#vt_3q2A8pWc0r1ZbN6yJf5XkLmT9sHd4uVe7gRi2oQa"))]
    pub status_path: String,
    pub state: VisitState,
    /// Staff decide the request by the end of this date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub confirm_by: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// What the prison's records say of the prisoner's details: `false` when they do not match (tell the visitor to
    /// check them), `true` when they do; absent when the records were not or could not be consulted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prisoner_details_match: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorView {
    pub first_name: String,
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_of_birth: NaiveDate,
    pub lead: bool,
}

/// One recorded change of a visit's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateChangeView {
    pub from: Option<VisitState>,
    pub to: VisitState,
    pub actor: Actor,
    pub at: DateTime<Utc>,
}

/// A visit as its visitor sees it through the private link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitStatus {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    pub state: VisitState,
    pub prison: PrisonSummary,
    pub prisoner_first_name: String,
    pub prisoner_last_name: String,
    pub visitors: Vec<VisitorView>,
    /// The times asked for, most wanted first.
    pub slot_choices: Vec<Slot>,
    /// The time booked, once staff have granted one.
    pub booked_slot: Option<Slot>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub confirm_by: NaiveDate,
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    /// True while the visitor can still withdraw the request.
    pub can_withdraw: bool,
    /// True while the visitor can still cancel the booked visit (it has not started).
    pub can_cancel: bool,
    pub timeline: Vec<StateChangeView>,
    /// Why the request was rejected, in words for the visitor (never staff's internal notes).
    #[serde(default)]
    pub rejection_reasons: Vec<VisitorReason>,
    /// Why the visit was cancelled, in words for the visitor.
    #[serde(default)]
    pub cancellation_reason: Option<VisitorReason>,
    /// Visitors the prison said cannot attend, and why.
    #[serde(default)]
    pub excluded_visitors: Vec<ExcludedVisitor>,
    /// Messages from the prison.
    #[serde(default)]
    pub messages: Vec<MessageView>,
}

/// A reason given to the visitor: its stable code and its wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorReason {
    #[cfg_attr(feature = "openapi", schema(example = "no_allowance"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "The prisoner has no visiting allowance left"))]
    pub message: String,
    /// For `no_allowance`: when the allowance renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub renews_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExcludedVisitor {
    pub first_name: String,
    pub last_name: String,
    /// The end of a sentence starting with the visitor's name, e.g. "is not on the prisoner's approved contact list".
    pub message: String,
    /// Why, as a stable code (and a ban's end date), for wording it in the visitor's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::visit::VisitorOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub at: DateTime<Utc>,
    pub text: String,
}

/// Liveness and readiness answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    #[cfg_attr(feature = "openapi", schema(example = "ok"))]
    pub status: String,
    #[cfg_attr(feature = "openapi", schema(example = "0.1.0"))]
    pub version: String,
}
