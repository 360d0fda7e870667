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
    /// One or two lines of at most 120 characters each.
    #[cfg_attr(feature = "openapi", schema(example = json!(["1 Sir Evelyn Road"]), min_items = 1, max_items = 2))]
    pub lines: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(example = "Rochester", min_length = 1, max_length = 80))]
    pub town: String,
    #[cfg_attr(feature = "openapi", schema(example = "ME1 3QS", min_length = 1, max_length = 10))]
    pub postcode: String,
}

/// The rules a prison applies to visit requests. Defaults come from the UK service; each prison sets its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitingRules {
    /// Visitors at or over this age count as adults (the prison's choice, 5 to 18).
    #[cfg_attr(feature = "openapi", schema(example = 18, minimum = 5, maximum = 18))]
    pub adult_age: u8,
    /// Most visitors in one visit, lead visitor included.
    #[cfg_attr(feature = "openapi", schema(example = 6, minimum = 1, maximum = 10))]
    pub max_visitors: u8,
    /// Most adults in one visit, lead visitor included (at most `max_visitors`).
    #[cfg_attr(feature = "openapi", schema(example = 3, minimum = 1, maximum = 10))]
    pub max_adults: u8,
    /// How many days ahead (from today) visits can be requested.
    #[cfg_attr(feature = "openapi", schema(example = 28, minimum = 1, maximum = 365))]
    pub booking_window_days: u16,
    /// How many processing days staff have to decide a request; the first bookable date is the day after. Fewer
    /// than `booking_window_days`.
    #[cfg_attr(feature = "openapi", schema(example = 3, minimum = 0, maximum = 10))]
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
    /// How many days before a booked visit its visitor is sent a reminder (the same UK time that many days
    /// before; at once if the visit is booked later than that); 0 when the prison has turned reminders off.
    /// Defaults to 2 (issue 14); at most 14.
    #[cfg_attr(feature = "openapi", schema(example = 2, minimum = 0, maximum = 14))]
    pub reminder_days: u8,
}

/// A prison as an admin adds or changes it (its timetable is set separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonInput {
    #[cfg_attr(feature = "openapi", schema(example = "HMP Rochester", min_length = 1, max_length = 120))]
    pub name: String,
    /// Short code, unique: 2 to 16 capital letters, digits and hyphens, starting and ending with a letter or digit
    /// (lower case is read as upper case).
    #[cfg_attr(feature = "openapi", schema(example = "RCI", min_length = 2, max_length = 16))]
    pub code: String,
    pub address: Address,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "socialvisits.rochester@example.gov.uk", min_length = 3, max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "0300 060 6603", min_length = 1, max_length = 32))]
    pub phone: String,
    /// The visiting rules. Creating a prison without them gives the defaults; changing one without them (absent or
    /// null, `PUT /admin/prisons/{id}`) keeps its current rules, so an update that is only about the address never resets
    /// them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<VisitingRules>,
    /// Days before a booked visit to remind its visitor: 1 to 14, or 0 to turn reminders off. Absent (or null), a
    /// new prison gets 2 and a changed one keeps its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = 2, minimum = 0, maximum = 14))]
    pub reminder_days: Option<u8>,
}

/// Longest prison name, town, address line, postcode and phone number, in characters: the prisons table's columns.
pub const MAX_PRISON_NAME_CHARS: usize = 120;
pub const MAX_TOWN_CHARS: usize = 80;
pub const MAX_ADDRESS_LINE_CHARS: usize = 120;
pub const MAX_POSTCODE_CHARS: usize = 10;
pub const MAX_PRISON_PHONE_CHARS: usize = 32;

/// Every problem with a prison's details, with fields such as `address.postcode`.
pub fn check_prison_input(input: &PrisonInput) -> Vec<crate::error::FieldError> {
    parse_prison_input(input).err().unwrap_or_default()
}

/// A prison's details as they are stored: text trimmed and in canonical form (`types::parse_text`), the code upper
/// case, the email canonical. Every problem is reported, under fields such as `address.postcode`.
pub fn parse_prison_input(input: &PrisonInput) -> Result<PrisonInput, Vec<crate::error::FieldError>> {
    use crate::error::{FieldError, FieldErrorCode};
    use crate::types::{Email, PrisonCode, TextKind, parse_text};
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, max: usize, what: &str| {
        parse_text(value, &format!("the prison’s {what}"), max, TextKind::SingleLine)
            .map_err(|e| errors.push(e.under(field)))
            .unwrap_or_default()
    };
    let name = text("name", &input.name, MAX_PRISON_NAME_CHARS, "name");
    let town = text("address.town", &input.address.town, MAX_TOWN_CHARS, "town");
    let postcode = text("address.postcode", &input.address.postcode, MAX_POSTCODE_CHARS, "postcode").to_uppercase();
    let phone = text("phone", &input.phone, MAX_PRISON_PHONE_CHARS, "phone number");
    let mut lines = Vec::new();
    if input.address.lines.is_empty() || input.address.lines.len() > 2 {
        errors.push(FieldError::new("address.lines", FieldErrorCode::Required, "Enter one or two address lines"));
    } else {
        for (i, line) in input.address.lines.iter().enumerate() {
            lines.push(text(&format!("address.lines[{i}]"), line, MAX_ADDRESS_LINE_CHARS, "address"));
        }
    }
    let code = PrisonCode::parse_as(&input.code, "the prison’s code").map_err(|e| errors.push(e.under("code"))).ok();
    let email =
        Email::parse_as(&input.email, "the prison’s email address").map_err(|e| errors.push(e.under("email"))).ok();
    if let Some(rules) = &input.rules {
        errors.extend(crate::rules::check_visiting_rules(rules).into_iter().map(|e| e.under("rules")));
    }
    if input.reminder_days.is_some_and(|days| !crate::reminder::is_valid_reminder_days(days)) {
        errors.push(FieldError::new(
            "reminder_days",
            FieldErrorCode::OutOfRange,
            "Choose reminders from 1 to 14 days before the visit, or 0 to turn them off",
        ));
    }
    match (code, email) {
        (Some(code), Some(email)) if errors.is_empty() => Ok(PrisonInput {
            name,
            code: code.into(),
            address: Address { lines, town, postcode },
            email: email.into(),
            phone,
            rules: input.rules.clone(),
            reminder_days: input.reminder_days,
        }),
        _ => Err(errors),
    }
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
    #[cfg_attr(feature = "openapi", schema(example = "John", max_length = 30))]
    pub first_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Smith", max_length = 30))]
    pub last_name: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "1985-04-12", format = Date))]
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
    #[cfg_attr(feature = "openapi", schema(example = "Mary", max_length = 30))]
    pub first_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Smith", max_length = 30))]
    pub last_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "1980-07-01", format = Date))]
    pub date_of_birth: String,
    /// An address the part before the `@` of which is ASCII; a domain with other letters is stored in its ASCII
    /// (IDNA) form.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "mary.smith@example.com", max_length = 254))]
    pub email: String,
    /// A UK phone number; a UK mobile number (07…, or +44 7…) when `contact_by` includes `sms`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "07700 900123"))]
    pub phone: String,
    /// How the visitor wants to be told about the request (received, booked, rejected, cancelled, a reminder, a
    /// place from the waiting list...): `email`, `sms` (a text message to `phone`, in the request's `locale`), or
    /// both. Absent or null: email only. An empty list is refused (`required`); `sms` with a phone number that is
    /// not a UK mobile is refused under `lead_visitor.phone` (`not_a_mobile_number`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = json!(["email", "sms"]), max_items = 2))]
    pub contact_by: Option<Vec<crate::email::MessageChannel>>,
}

/// `["email"]`: the choice of a visitor who made none.
pub fn email_only() -> Vec<crate::email::MessageChannel> {
    vec![crate::email::MessageChannel::Email]
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Amy", max_length = 30))]
    pub first_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Smith", max_length = 30))]
    pub last_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2015-03-09", format = Date))]
    pub date_of_birth: String,
}

/// One chosen time, as shown in the availability.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotChoiceInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-01", format = Date))]
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
    /// Up to five more visitors (the prison's limits apply: never more than 9).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 9))]
    pub other_visitors: Vec<VisitorInput>,
    /// One to three slots, most wanted first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub slots: Vec<SlotChoiceInput>,
    /// The language for messages to the visitor.
    #[serde(default)]
    pub locale: Locale,
    /// Join the waiting list for these times instead of requesting them: allowed only when every chosen time is
    /// full (a time with places left is refused with `slot_has_places`; request it instead). Every other rule
    /// applies as to a request. The visit starts in the `waiting` state; when a place comes up in one of its times
    /// it is offered to the first in line (booked at an instant-booking prison, a request held for staff
    /// elsewhere) and the visitor is emailed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waiting_list: bool,
    /// What support anyone in the party needs at the visit (issue 14): leave it out for none. Staff see it on the
    /// visit, the day list and its CSV; it is anonymised with the rest of the visit's personal data.
    #[serde(default, skip_serializing_if = "crate::support::SupportNeedsInput::is_empty")]
    pub support_needs: crate::support::SupportNeedsInput,
}

/// A visit request taken on a visitor's behalf (`POST /api/v1/staff/visits`): the same fields as
/// [`CreateVisitRequest`], judged by the same rules, plus how the request came in. The lead visitor's email gets the
/// same emails, with the private link to the request, as if they had made it themselves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BehalfVisitRequest {
    /// How the request came in. Staff: `phone` or `in_person` (required); an API key with the `visits:write`
    /// scope: `integrator` (the default for a key).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "phone"))]
    pub channel: Option<crate::visit::Channel>,
    pub prison_id: Uuid,
    #[serde(default)]
    pub prisoner: PrisonerInput,
    #[serde(default)]
    pub lead_visitor: LeadVisitorInput,
    /// Up to five more visitors (the prison's limits apply: never more than 9).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 9))]
    pub other_visitors: Vec<VisitorInput>,
    /// One to three slots, most wanted first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub slots: Vec<SlotChoiceInput>,
    /// The language for messages to the visitor.
    #[serde(default)]
    pub locale: Locale,
    /// What support anyone in the party needs at the visit, as in a visitor's own request.
    #[serde(default, skip_serializing_if = "crate::support::SupportNeedsInput::is_empty")]
    pub support_needs: crate::support::SupportNeedsInput,
}

impl BehalfVisitRequest {
    /// The request as a visitor would have made it, and the channel given.
    pub fn into_parts(self) -> (CreateVisitRequest, Option<crate::visit::Channel>) {
        let BehalfVisitRequest {
            channel,
            prison_id,
            prisoner,
            lead_visitor,
            other_visitors,
            slots,
            locale,
            support_needs,
        } = self;
        // Staff and contact centres book on a visitor's behalf; the waiting list is joined through `POST /visits`.
        let request = CreateVisitRequest {
            prison_id,
            prisoner,
            lead_visitor,
            other_visitors,
            slots,
            locale,
            waiting_list: false,
            support_needs,
        };
        (request, channel)
    }
}

/// The languages the service speaks.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
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
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum Locale {
    #[default]
    En,
    Cy,
}

impl Locale {
    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
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
    /// The visitor's private link to the visit's page in the web app. Opening it swaps the token for a cookie and
    /// redirects to `/visit/{reference}`. Links of the earlier form, with the token after `#`, still work in a browser
    /// with JavaScript.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "/visit/7KQ2M9XD?token=vt_3q2A8pWc0r1ZbN6yJf5XkLmT9sHd4uVe7gRi2oQa")
    )]
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
    /// For a visit that was on the waiting list: the time a place came up at and was offered to it (booked there at
    /// an instant-booking prison, or held there while staff decide the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_slot: Option<Slot>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub confirm_by: NaiveDate,
    pub locale: Locale,
    /// How the visitor chose to be told: `email`, `sms` (text messages to the lead visitor's mobile), or both.
    #[serde(default = "email_only")]
    #[cfg_attr(feature = "openapi", schema(example = json!(["email", "sms"])))]
    pub contact_by: Vec<crate::email::MessageChannel>,
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
    /// The support the visitor said the party needs (all false and absent when none, or once anonymised).
    #[serde(default)]
    pub support_needs: crate::support::SupportNeeds,
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
