//! Prisoner checks against the prison's records: the prisoner exists with that number and date of birth, is at this
//! prison, has visiting allowance left, is not away at the chosen times, and each visitor is an approved contact and
//! not banned. Pure: the records come from an adapter; when they cannot be read every check is "unknown, check
//! manually", never a pass and never a block.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::slot::Slot;
use crate::visit::RejectionReason;

/// A prisoner as the records service describes them (the contract of `openapi/prison-records.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonerRecord {
    /// `A1234BC`.
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub first_name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_of_birth: NaiveDate,
    /// The code of the prison holding them (2 to 16 letters, digits and hyphens); absent when they are no longer in
    /// custody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub prison_code: Option<String>,
    /// Visits they may still have in the current period (0 to 1,000).
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub visiting_allowance: u32,
    /// When the allowance next renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub allowance_renews_on: Option<NaiveDate>,
    /// Days away from the prison (court, hospital), first and last day included.
    #[serde(default)]
    pub unavailable: Vec<Unavailability>,
    /// People the prisoner may receive, with any ban.
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unavailability {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub first_name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_of_birth: NaiveDate,
    /// On the approved visitors list.
    pub approved: bool,
    /// Banned from visiting; `banned_until` is the last day when known.
    #[serde(default)]
    pub banned: bool,
    /// The last day of the ban; only with `banned: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub banned_until: Option<NaiveDate>,
}

/// What one check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    Pass,
    Fail,
    /// The records could not be read: check by hand.
    Unknown,
}

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    PrisonerDetails,
    AtThisPrison,
    VisitingAllowance,
    AvailableAtChosenTimes,
    /// One visitor (see `visitor_index`) is an approved contact and not banned.
    Visitor,
}

/// One check's result, with the rejection reason it implies when it fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResult {
    pub check: CheckKind,
    pub outcome: CheckOutcome,
    /// For a visitor check: their position on the request (0 is the lead visitor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_index: Option<usize>,
    /// What staff should know, in a few words.
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implies: Option<RejectionReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub allowance_renews_on: Option<NaiveDate>,
}

impl CheckResult {
    fn new(check: CheckKind, outcome: CheckOutcome, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            check,
            outcome,
            visitor_index: None,
            detail: detail.into(),
            implies: None,
            allowance_renews_on: None,
        }
    }

    fn implying(mut self, reason: RejectionReason) -> CheckResult {
        self.implies = Some(reason);
        self
    }
}

/// A person as a visitor's request names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub date_of_birth: NaiveDate,
}

/// What the checks look at in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRequest<'a> {
    pub prisoner: Person<'a>,
    pub prisoner_number: &'a str,
    pub prison_code: &'a str,
    pub slots: &'a [Slot],
    /// Lead visitor first.
    pub visitors: &'a [Person<'a>],
    pub today: NaiveDate,
}

/// Every check "unknown": the records could not be read.
pub fn unknown(request: &CheckRequest<'_>) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = [
        CheckKind::PrisonerDetails,
        CheckKind::AtThisPrison,
        CheckKind::VisitingAllowance,
        CheckKind::AvailableAtChosenTimes,
    ]
    .into_iter()
    .map(|kind| CheckResult::new(kind, CheckOutcome::Unknown, "Prison records unavailable: check manually"))
    .collect();
    results.extend((0..request.visitors.len()).map(|i| CheckResult {
        visitor_index: Some(i),
        ..CheckResult::new(CheckKind::Visitor, CheckOutcome::Unknown, "Prison records unavailable: check manually")
    }));
    results
}

/// The checks for a request against the prisoner's record (`None`: no prisoner with that number).
pub fn evaluate(request: &CheckRequest<'_>, record: Option<&PrisonerRecord>) -> Vec<CheckResult> {
    use CheckOutcome::{Fail, Pass};
    let Some(record) = record else {
        let mut results = vec![
            CheckResult::new(CheckKind::PrisonerDetails, Fail, "No prisoner with that prison number")
                .implying(RejectionReason::PrisonerDetailsIncorrect),
        ];
        // Nothing else can be known about a prisoner who is not there.
        results.extend(unknown(request).into_iter().skip(1));
        return results;
    };
    let mut results = Vec::new();
    let same_dob = record.date_of_birth == request.prisoner.date_of_birth;
    let same_name = names_match(&record.first_name, request.prisoner.first_name)
        && names_match(&record.last_name, request.prisoner.last_name);
    results.push(match (same_dob, same_name) {
        (true, true) => CheckResult::new(CheckKind::PrisonerDetails, Pass, "Number, name and date of birth match"),
        (false, _) => CheckResult::new(CheckKind::PrisonerDetails, Fail, "The date of birth does not match")
            .implying(RejectionReason::PrisonerDetailsIncorrect),
        (true, false) => CheckResult::new(CheckKind::PrisonerDetails, Fail, "The name does not match")
            .implying(RejectionReason::PrisonerDetailsIncorrect),
    });
    results.push(match record.prison_code.as_deref() {
        Some(code) if code.eq_ignore_ascii_case(request.prison_code) => {
            CheckResult::new(CheckKind::AtThisPrison, Pass, "Held at this prison")
        }
        Some(code) => CheckResult::new(CheckKind::AtThisPrison, Fail, format!("Held at another prison ({code})"))
            .implying(RejectionReason::PrisonerMoved),
        None => CheckResult::new(CheckKind::AtThisPrison, Fail, "No longer in custody")
            .implying(RejectionReason::PrisonerReleased),
    });
    // Every rule about a person is judged at the visit's date: an allowance that renews before a chosen time
    // does not stand in the way of that time.
    let before_renewal = |slot: &&Slot| record.allowance_renews_on.is_none_or(|renews| slot.date < renews);
    let without_allowance: Vec<&Slot> =
        if record.visiting_allowance > 0 { Vec::new() } else { request.slots.iter().filter(before_renewal).collect() };
    results.push(if record.visiting_allowance > 0 {
        CheckResult::new(
            CheckKind::VisitingAllowance,
            Pass,
            format!("{} visit(s) left in this period", record.visiting_allowance),
        )
    } else if without_allowance.len() == request.slots.len() {
        CheckResult {
            allowance_renews_on: record.allowance_renews_on,
            ..CheckResult::new(CheckKind::VisitingAllowance, Fail, "No visiting allowance left")
                .implying(RejectionReason::NoAllowance)
        }
    } else {
        let renews = record.allowance_renews_on.map(|d| d.to_string()).unwrap_or_default();
        CheckResult {
            allowance_renews_on: record.allowance_renews_on,
            ..CheckResult::new(
                CheckKind::VisitingAllowance,
                Pass,
                format!("No visits left until the allowance renews on {renews}: choose a time from then"),
            )
        }
    });
    let away: Vec<&Slot> = request
        .slots
        .iter()
        .filter(|slot| record.unavailable.iter().any(|u| u.from <= slot.date && slot.date <= u.to))
        .collect();
    results.push(if away.is_empty() {
        CheckResult::new(CheckKind::AvailableAtChosenTimes, Pass, "Not away at any chosen time")
    } else if away.len() == request.slots.len() {
        CheckResult::new(CheckKind::AvailableAtChosenTimes, Fail, "Away from the prison at every chosen time")
            .implying(RejectionReason::PrisonerOutOfPrison)
    } else {
        let dates: Vec<String> = away.iter().map(|s| s.date.to_string()).collect();
        CheckResult::new(
            CheckKind::AvailableAtChosenTimes,
            Pass,
            format!("Away on {}: choose another time", dates.join(", ")),
        )
    });
    for (index, visitor) in request.visitors.iter().enumerate() {
        let contact = record.contacts.iter().find(|c| {
            c.date_of_birth == visitor.date_of_birth
                && names_match(&c.first_name, visitor.first_name)
                && names_match(&c.last_name, visitor.last_name)
        });
        let result = match contact {
            None => CheckResult::new(CheckKind::Visitor, Fail, "Not on the contact list")
                .implying(RejectionReason::VisitorNotOnContactList),
            // A ban is judged at each chosen time: one that ends before a time does not keep them from it.
            Some(c) if c.banned && banned_at(c, request.slots).len() == request.slots.len() => {
                let detail = match c.banned_until {
                    Some(until) => format!("Banned until {until}"),
                    None => "Banned".to_owned(),
                };
                CheckResult::new(CheckKind::Visitor, Fail, detail).implying(RejectionReason::VisitorBanned)
            }
            Some(c) if c.banned && !banned_at(c, request.slots).is_empty() => {
                let until = c.banned_until.map(|d| d.to_string()).unwrap_or_default();
                CheckResult::new(CheckKind::Visitor, Pass, format!("Banned until {until}: only times after it"))
            }
            Some(c) if !c.approved => {
                CheckResult::new(CheckKind::Visitor, Fail, "A contact, but not approved to visit")
                    .implying(RejectionReason::VisitorNotOnContactList)
            }
            Some(_) => CheckResult::new(CheckKind::Visitor, Pass, "Approved contact"),
        };
        results.push(CheckResult { visitor_index: Some(index), ..result });
    }
    results
}

/// The chosen times at which a contact is banned (a ban without an end covers them all).
fn banned_at<'a>(contact: &Contact, slots: &'a [Slot]) -> Vec<&'a Slot> {
    if !contact.banned {
        return Vec::new();
    }
    slots.iter().filter(|slot| contact.banned_until.is_none_or(|until| slot.date <= until)).collect()
}

/// The rejection reasons the failed checks imply, each once, in the order of the checks.
pub fn implied_reasons(results: &[CheckResult]) -> Vec<RejectionReason> {
    let mut reasons = Vec::new();
    for reason in results.iter().filter(|r| r.outcome == CheckOutcome::Fail).filter_map(|r| r.implies) {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    reasons
}

/// Letters only, lower case: "O'Brien-Smith" and "obrien smith" are the same name.
fn normalise(name: &str) -> Vec<char> {
    name.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect()
}

/// Names that differ by small spelling slips: one edit (a letter wrong, missing, extra or two swapped) in names of up
/// to 6 letters, two in longer ones.
pub fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let allowed = if a.len().max(b.len()) <= 6 { 1 } else { 2 };
    edit_distance(&a, &b) <= allowed
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        d[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        d[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[at(i - 1, j)] + 1).min(d[at(i, j - 1)] + 1).min(d[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    d[at(a.len(), b.len())]
}

/// Any date in a record outside this range is refused whatever the day: dates the two database engines store alike
/// (PostgreSQL refuses years before 4713 BC, SQLite stores any text). `check_record_on` narrows it for each field.
pub const RECORD_DATES: (NaiveDate, NaiveDate) = (
    match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    },
    match NaiveDate::from_ymd_opt(2199, 12, 31) {
        Some(d) => d,
        None => NaiveDate::MAX,
    },
);

/// Every date of a record with its JSON path and how a message names it.
fn record_dates(record: &PrisonerRecord) -> Vec<(String, NaiveDate, &'static str)> {
    let mut dates = vec![("date_of_birth".to_owned(), record.date_of_birth, "the date of birth")];
    if let Some(d) = record.allowance_renews_on {
        dates.push(("allowance_renews_on".to_owned(), d, "the date the allowance renews"));
    }
    for (i, away) in record.unavailable.iter().enumerate() {
        dates.push((format!("unavailable[{i}].from"), away.from, "the first day away"));
        dates.push((format!("unavailable[{i}].to"), away.to, "the last day away"));
    }
    for (i, contact) in record.contacts.iter().enumerate() {
        dates.push((format!("contacts[{i}].date_of_birth"), contact.date_of_birth, "the contact’s date of birth"));
        if let Some(d) = contact.banned_until {
            dates.push((format!("contacts[{i}].banned_until"), d, "the last day of the ban"));
        }
    }
    dates
}

/// A record as an integrator or an import gives it, checked: a valid prison number (stored upper case), names, a
/// prison code (`types::PrisonCode`, upper case), dates the engines store alike (`RECORD_DATES`), a sensible date
/// range for each absence, each contact once (same names, case aside, and date of birth), and `banned_until` only on
/// a banned contact. Every problem is reported, under its field (`contacts[1].banned_until`).
/// The most visits a record may say a prisoner has left: far above any real allowance (a few a month, saved up for
/// some months), and within every engine's integer column.
pub const MAX_VISITING_ALLOWANCE: u32 = 1000;

pub fn check_record(record: &PrisonerRecord) -> Result<PrisonerRecord, Vec<crate::error::FieldError>> {
    use crate::error::{FieldError, FieldErrorCode};
    use crate::types::{PersonName, PrisonCode, PrisonNumber};
    let mut errors = Vec::new();
    let number = PrisonNumber::parse(&record.number).map_err(|e| errors.push(e.under("number"))).ok();
    if record.visiting_allowance > MAX_VISITING_ALLOWANCE {
        errors.push(FieldError::new(
            "visiting_allowance",
            FieldErrorCode::OutOfRange,
            format!("The visiting allowance must be {MAX_VISITING_ALLOWANCE} or fewer"),
        ));
    }
    let mut name = |value: &str, field: &str| {
        PersonName::parse(value).map_err(|e| errors.push(e.under(field))).ok().map(|n| n.as_str().to_owned())
    };
    let first_name = name(&record.first_name, "first_name");
    let last_name = name(&record.last_name, "last_name");
    let mut contacts = Vec::new();
    let mut contact_errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, contact) in record.contacts.iter().enumerate() {
        let first = name(&contact.first_name, &format!("contacts[{i}].first_name"));
        let last = name(&contact.last_name, &format!("contacts[{i}].last_name"));
        if contact.banned_until.is_some() && !contact.banned {
            contact_errors.push(FieldError::new(
                format!("contacts[{i}].banned_until"),
                FieldErrorCode::InvalidValue,
                "The last day of a ban is only given for a banned contact (banned: true)",
            ));
        }
        if let (Some(first_name), Some(last_name)) = (first, last) {
            // Two entries for one person would contradict each other (approved in one, banned in the other), and
            // the check would read whichever comes first.
            let person = (first_name.to_lowercase(), last_name.to_lowercase(), contact.date_of_birth);
            if let Some(j) = seen.insert(person, i) {
                contact_errors.push(FieldError::new(
                    format!("contacts[{i}]"),
                    FieldErrorCode::InvalidValue,
                    format!("The same person as contacts[{j}]: give each contact once"),
                ));
            }
            contacts.push(Contact { first_name, last_name, ..contact.clone() });
        }
    }
    errors.extend(contact_errors);
    // Blank means released, as in the CSV import.
    let prison_code = match record.prison_code.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(code) => PrisonCode::parse_as(code, "the prison code")
            .map(|c| Some(String::from(c)))
            .map_err(|e| errors.push(e.under("prison_code")))
            .unwrap_or_default(),
        None => None,
    };
    let (earliest, latest) = RECORD_DATES;
    for (field, date, _) in record_dates(record) {
        if date < earliest || date > latest {
            errors.push(FieldError::new(
                field,
                FieldErrorCode::InvalidDate,
                format!("Enter a date between {earliest} and {latest}"),
            ));
        }
    }
    for (i, away) in record.unavailable.iter().enumerate() {
        if away.to < away.from {
            errors.push(FieldError::new(
                format!("unavailable[{i}].to"),
                FieldErrorCode::OutOfRange,
                "The last day away must not be before the first",
            ));
        }
    }
    match (number, first_name, last_name) {
        (Some(number), Some(first_name), Some(last_name)) if errors.is_empty() => Ok(PrisonerRecord {
            number: number.as_str().to_owned(),
            first_name,
            last_name,
            prison_code,
            contacts,
            ..record.clone()
        }),
        _ => Err(errors),
    }
}

/// As `check_record`, with each date also within what makes sense for it on `today`: dates of birth as a visitor's
/// (`types::check_date_of_birth`), the others within `types::DateWindow::Record`. The API's edge uses this.
pub fn check_record_on(
    record: &PrisonerRecord,
    today: NaiveDate,
) -> Result<PrisonerRecord, Vec<crate::error::FieldError>> {
    use crate::types::{DateWindow, check_date_of_birth};
    let mut errors = match check_record(record) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    };
    for (field, date, what) in record_dates(record) {
        if errors.iter().any(|e| e.field == field) {
            continue;
        }
        let checked = if field.ends_with("date_of_birth") {
            check_date_of_birth(date, today, what)
        } else {
            DateWindow::Record.check(date, today, what)
        };
        if let Err(e) = checked {
            errors.push(e.under(&field));
        }
    }
    if errors.is_empty() { check_record(record).map(PrisonerRecord::canonical) } else { Err(errors) }
}

impl PrisonerRecord {
    /// The record with its lists in one order (days away by date, contacts by name, date of birth, then the rest), so
    /// that the same record sent with its lists in another order is the same record: a records system that sends
    /// contacts in no fixed order does not rewrite every prisoner on each sync.
    #[must_use]
    pub fn canonical(mut self) -> PrisonerRecord {
        self.unavailable.sort_by_key(|u| (u.from, u.to));
        self.contacts.sort_by(|a, b| {
            (&a.last_name, &a.first_name, a.date_of_birth, a.approved, a.banned, a.banned_until).cmp(&(
                &b.last_name,
                &b.first_name,
                b.date_of_birth,
                b.approved,
                b.banned,
                b.banned_until,
            ))
        });
        self
    }
}

/// The fields of a record, a contact and a day away, as this service takes them from an integrator.
const RECORD_FIELDS: [&str; 9] = [
    "number",
    "first_name",
    "last_name",
    "date_of_birth",
    "prison_code",
    "visiting_allowance",
    "allowance_renews_on",
    "unavailable",
    "contacts",
];
const CONTACT_FIELDS: [&str; 6] = ["first_name", "last_name", "date_of_birth", "approved", "banned", "banned_until"];
const UNAVAILABLE_FIELDS: [&str; 2] = ["from", "to"];

/// Every field of a record sent to this service (`PUT /api/v1/records/...`, as JSON) that a record does not have,
/// each as its path (`contact`, `contacts[1].nickname`), in the order of the body. Such a record is refused: a
/// misspelt `contacts` would otherwise read as none, and take every approved visitor off the record. (What the
/// service reads from a records service stays lenient: `records::http`.)
pub fn unknown_record_fields(record: &serde_json::Value) -> Vec<String> {
    fn extra(value: &serde_json::Value, known: &[&str], at: &str, found: &mut Vec<String>) {
        if let Some(object) = value.as_object() {
            for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
                found.push(if at.is_empty() { key.clone() } else { format!("{at}.{key}") });
            }
        }
    }
    let mut found = Vec::new();
    extra(record, &RECORD_FIELDS, "", &mut found);
    for (list, known) in [("contacts", &CONTACT_FIELDS[..]), ("unavailable", &UNAVAILABLE_FIELDS[..])] {
        if let Some(items) = record.get(list).and_then(serde_json::Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                extra(item, known, &format!("{list}[{i}]"), &mut found);
            }
        }
    }
    found
}

/// Most prisoners one roll may hold: above the largest prison in England and Wales (about 3,000) with room to spare,
/// and small enough that a sync is one bounded transaction of seconds.
pub const MAX_ROLL_PRISONERS: usize = 10_000;

/// A prison's whole roll, as an integrator sends it (`PUT /api/v1/records/prisons/{prison}/roll`): every prisoner
/// held there now, each with their approved contacts, allowance and days away.
/// A field the service does not know, here or in a prisoner's record, is refused (422, at its path) rather than
/// ignored: a misspelt or paged export must not be read as a roll missing those prisoners or their contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrisonRoll {
    /// At most 10,000 (`MAX_ROLL_PRISONERS`); each prison number once. A prisoner's `prison_code` may be left out
    /// (it is the prison's); given, it must be the prison's. Empty only with `allow_empty`.
    #[cfg_attr(feature = "openapi", schema(max_items = 10000))]
    pub prisoners: Vec<PrisonerRecord>,
    /// `true` to send an empty roll (the prison holds nobody now). Without it an empty `prisoners` is refused (422,
    /// `required`), so that a failed export cannot take every prisoner off the roll.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_empty: bool,
}

/// What a roll sync changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollSyncOutcome {
    #[cfg_attr(feature = "openapi", schema(example = "RCI"))]
    pub prison_code: String,
    /// Prisoners on the roll now.
    #[cfg_attr(feature = "openapi", schema(example = 712))]
    pub prisoners: u32,
    /// Not on any roll before (or only at another prison's: `updated`).
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub added: u32,
    /// On a roll before with a different record (moved here from another prison counts here).
    #[cfg_attr(feature = "openapi", schema(example = 15))]
    pub updated: u32,
    /// On this prison's roll before and not in this one: their records are removed.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub removed: u32,
    /// Exactly as before (not written).
    #[cfg_attr(feature = "openapi", schema(example = 693))]
    pub unchanged: u32,
    /// False when nothing changed (the same roll sent again).
    pub changed: bool,
}

/// Judges a prison's whole roll on `today`: each record as `check_record_on` judges a pushed record, its
/// `prison_code` the prison's (`prison_code`, filled in when absent), each number once. `records` pairs each record
/// with its index in the body; errors are paths from the body's root (`prisoners[3].contacts[0].date_of_birth`).
/// All or nothing: the normalised records, or every error.
pub fn check_roll(
    records: &[(usize, PrisonerRecord)],
    prison_code: &str,
    today: NaiveDate,
) -> Result<Vec<PrisonerRecord>, Vec<crate::error::FieldError>> {
    use crate::error::{FieldError, FieldErrorCode};
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(records.len());
    let mut first_index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, record) in records {
        let at = format!("prisoners[{i}]");
        let mut record = record.clone();
        match record.prison_code.as_deref().map(str::trim) {
            None | Some("") => record.prison_code = Some(prison_code.to_owned()),
            Some(code) if code.eq_ignore_ascii_case(prison_code) => {}
            Some(code) => {
                errors.push(FieldError::new(
                    format!("{at}.prison_code"),
                    FieldErrorCode::InvalidValue,
                    format!("{code} is not this prison: this roll is {prison_code}'s (leave prison_code out)"),
                ));
                continue;
            }
        }
        match check_record_on(&record, today) {
            Ok(record) => {
                if let Some(first) = first_index.get(&record.number) {
                    errors.push(FieldError::new(
                        format!("{at}.number"),
                        FieldErrorCode::InvalidValue,
                        format!("{} is already prisoners[{first}]: give each prisoner once", record.number),
                    ));
                    continue;
                }
                first_index.insert(record.number.clone(), *i);
                checked.push(record);
            }
            Err(found) => errors.extend(found.into_iter().map(|e| e.under(&at))),
        }
    }
    if errors.is_empty() { Ok(checked) } else { Err(errors) }
}

#[cfg(test)]
mod tests {

    /// The lists of fields an integrator may send are every field a record, contact and day away serialise to.
    #[test]
    fn the_known_field_lists_are_the_records_own() {
        use chrono::NaiveDate;
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let record = PrisonerRecord {
            number: "A1234BC".into(),
            first_name: "A".into(),
            last_name: "B".into(),
            date_of_birth: day,
            prison_code: Some("CFI".into()),
            visiting_allowance: 1,
            allowance_renews_on: Some(day),
            unavailable: vec![Unavailability { from: day, to: day }],
            contacts: vec![Contact {
                first_name: "C".into(),
                last_name: "D".into(),
                date_of_birth: day,
                approved: true,
                banned: true,
                banned_until: Some(day),
            }],
        };
        let value = serde_json::to_value(&record).unwrap();
        assert_eq!(unknown_record_fields(&value), Vec::<String>::new());
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&value).len(), RECORD_FIELDS.len());
        assert_eq!(keys(&value["contacts"][0]).len(), CONTACT_FIELDS.len());
        assert_eq!(keys(&value["unavailable"][0]).len(), UNAVAILABLE_FIELDS.len());
        let mut misspelt = value.clone();
        misspelt["contact"] = misspelt["contacts"].take();
        misspelt["contacts"] = serde_json::json!([{"first_name": "C", "nickname": "x"}]);
        assert_eq!(unknown_record_fields(&misspelt), ["contact", "contacts[0].nickname"]);
    }

    use super::*;
    use chrono::NaiveTime;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_roll_reports_every_bad_prisoner_at_its_place_and_fills_in_the_prison() {
        let today = date("2026-11-30");
        let mut moved = record();
        moved.number = "B2345CD".into();
        moved.prison_code = Some("LDS".into());
        let mut bad_contact = record();
        bad_contact.number = "C3456DE".into();
        bad_contact.contacts[0].date_of_birth = date("2030-01-01");
        let mut own = record();
        own.prison_code = None;
        let roll = [(0, own), (1, moved), (2, bad_contact), (3, record())];
        let errors = check_roll(&roll, "tbr", today).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["prisoners[1].prison_code", "prisoners[2].contacts[0].date_of_birth", "prisoners[3].number"]
        );
        let good = check_roll(&roll[..1], "tbr", today).unwrap();
        assert_eq!(good[0].prison_code.as_deref(), Some("TBR"));
    }

    fn record() -> PrisonerRecord {
        PrisonerRecord {
            number: "A1234BC".into(),
            first_name: "John".into(),
            last_name: "Smith".into(),
            date_of_birth: date("1985-04-12"),
            prison_code: Some("TBR".into()),
            visiting_allowance: 2,
            allowance_renews_on: Some(date("2026-12-14")),
            unavailable: vec![Unavailability { from: date("2026-12-04"), to: date("2026-12-04") }],
            contacts: vec![
                Contact {
                    first_name: "Mary".into(),
                    last_name: "Smith".into(),
                    date_of_birth: date("1980-07-01"),
                    approved: true,
                    banned: false,
                    banned_until: None,
                },
                Contact {
                    first_name: "Amy".into(),
                    last_name: "Smith".into(),
                    date_of_birth: date("2015-03-09"),
                    approved: true,
                    banned: true,
                    banned_until: Some(date("2027-01-31")),
                },
            ],
        }
    }

    fn slot(d: &str) -> Slot {
        Slot::new(date(d), NaiveTime::from_hms_opt(14, 0, 0).unwrap(), NaiveTime::from_hms_opt(16, 0, 0).unwrap())
    }

    fn check(
        prisoner_first: &str,
        visitors: &[Person<'_>],
        slots: &[Slot],
        record: Option<&PrisonerRecord>,
    ) -> Vec<CheckResult> {
        let request = CheckRequest {
            prisoner: Person { first_name: prisoner_first, last_name: "Smyth", date_of_birth: date("1985-04-12") },
            prisoner_number: "A1234BC",
            prison_code: "TBR",
            slots,
            visitors,
            today: date("2026-11-30"),
        };
        evaluate(&request, record)
    }

    #[test]
    fn a_record_gives_each_contact_once_and_a_ban_end_only_with_a_ban() {
        let mut twice = record();
        twice.contacts.push(Contact {
            first_name: "MARY".into(),
            last_name: "smith".into(),
            ..twice.contacts[0].clone()
        });
        twice.contacts[0].banned_until = Some(date("2027-01-31"));
        let errors = check_record(&twice).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["contacts[0].banned_until", "contacts[2]"]);
        assert!(errors[1].message.contains("contacts[0]"), "{errors:?}");
        // Another person with the same name, or the same person's ban with its end: fine.
        let mut fine = record();
        fine.contacts.push(Contact { date_of_birth: date("1981-07-01"), ..fine.contacts[0].clone() });
        assert!(check_record(&fine).is_ok());
    }

    #[test]
    fn small_spelling_slips_match_and_other_names_do_not() {
        assert!(names_match("Smith", "smyth"));
        assert!(names_match("O'Brien", "OBrien"));
        assert!(names_match("Catherine", "Kathrine"));
        assert!(names_match("Jon", "John"));
        assert!(!names_match("Mary", "Amy"));
        assert!(!names_match("Smith", "Jones"));
        assert!(!names_match("", ""));
    }

    #[test]
    fn a_matching_request_passes_and_a_banned_visitor_fails_with_the_reason_to_preselect() {
        let visitors = [
            Person { first_name: "Mari", last_name: "Smith", date_of_birth: date("1980-07-01") },
            Person { first_name: "Amy", last_name: "Smith", date_of_birth: date("2015-03-09") },
            Person { first_name: "Bob", last_name: "Stranger", date_of_birth: date("1990-01-01") },
        ];
        let results = check("Jon", &visitors, &[slot("2026-12-04"), slot("2026-12-05")], Some(&record()));
        let outcome = |kind: CheckKind, index: Option<usize>| {
            results.iter().find(|r| r.check == kind && r.visitor_index == index).unwrap().outcome
        };
        assert_eq!(outcome(CheckKind::PrisonerDetails, None), CheckOutcome::Pass);
        assert_eq!(outcome(CheckKind::AtThisPrison, None), CheckOutcome::Pass);
        assert_eq!(outcome(CheckKind::VisitingAllowance, None), CheckOutcome::Pass);
        assert_eq!(
            outcome(CheckKind::AvailableAtChosenTimes, None),
            CheckOutcome::Pass,
            "one choice is still possible"
        );
        assert_eq!(outcome(CheckKind::Visitor, Some(0)), CheckOutcome::Pass);
        assert_eq!(outcome(CheckKind::Visitor, Some(1)), CheckOutcome::Fail);
        assert_eq!(outcome(CheckKind::Visitor, Some(2)), CheckOutcome::Fail);
        assert_eq!(
            implied_reasons(&results),
            [RejectionReason::VisitorBanned, RejectionReason::VisitorNotOnContactList]
        );
    }

    #[test]
    fn wrong_details_moved_no_allowance_and_away_each_imply_their_reason() {
        let mut moved = record();
        moved.prison_code = Some("LDS".into());
        moved.visiting_allowance = 0;
        moved.date_of_birth = date("1985-04-13");
        let results = check("John", &[], &[slot("2026-12-04")], Some(&moved));
        assert_eq!(
            implied_reasons(&results),
            [
                RejectionReason::PrisonerDetailsIncorrect,
                RejectionReason::PrisonerMoved,
                RejectionReason::NoAllowance,
                RejectionReason::PrisonerOutOfPrison
            ]
        );
        let allowance = results.iter().find(|r| r.check == CheckKind::VisitingAllowance).unwrap();
        assert_eq!(allowance.allowance_renews_on, Some(date("2026-12-14")));
    }

    #[test]
    fn a_ban_and_an_empty_allowance_are_judged_at_the_chosen_times_not_today() {
        let mut record = record();
        record.visiting_allowance = 0;
        record.contacts[1].banned_until = Some(date("2026-12-06"));
        record.unavailable.clear();
        let amy = [Person { first_name: "Amy", last_name: "Smith", date_of_birth: date("2015-03-09") }];
        let outcome = |slots: &[Slot], kind: CheckKind| {
            let results = check("John", &amy, slots, Some(&record));
            results.iter().find(|r| r.check == kind).map(|r| (r.outcome, r.detail.clone())).unwrap()
        };
        // The ban ends on the 6th: a visit on the 7th is fine, one on the 6th is not.
        assert_eq!(outcome(&[slot("2026-12-07")], CheckKind::Visitor).0, CheckOutcome::Pass);
        assert_eq!(outcome(&[slot("2026-12-06")], CheckKind::Visitor).0, CheckOutcome::Fail);
        let mixed = outcome(&[slot("2026-12-05"), slot("2026-12-07")], CheckKind::Visitor);
        assert_eq!(mixed, (CheckOutcome::Pass, "Banned until 2026-12-06: only times after it".into()));
        // The allowance renews on the 14th: from then on there are visits again.
        assert_eq!(outcome(&[slot("2026-12-14")], CheckKind::VisitingAllowance).0, CheckOutcome::Pass);
        assert_eq!(outcome(&[slot("2026-12-13")], CheckKind::VisitingAllowance).0, CheckOutcome::Fail);
        let mixed = outcome(&[slot("2026-12-11"), slot("2026-12-18")], CheckKind::VisitingAllowance);
        assert_eq!(mixed.0, CheckOutcome::Pass);
        assert!(mixed.1.contains("renews on 2026-12-14"), "{mixed:?}");
    }

    #[test]
    fn no_record_fails_the_details_and_leaves_the_rest_unknown_and_unreadable_records_are_all_unknown() {
        let visitors = [Person { first_name: "Mary", last_name: "Smith", date_of_birth: date("1980-07-01") }];
        let results = check("John", &visitors, &[slot("2026-12-05")], None);
        assert_eq!(results[0].outcome, CheckOutcome::Fail);
        assert!(results[1..].iter().all(|r| r.outcome == CheckOutcome::Unknown));
        assert_eq!(results.len(), 5);
        let request = CheckRequest {
            prisoner: visitors[0].clone(),
            prisoner_number: "A1234BC",
            prison_code: "TBR",
            slots: &[],
            visitors: &visitors,
            today: date("2026-11-30"),
        };
        assert!(unknown(&request).iter().all(|r| r.outcome == CheckOutcome::Unknown && r.implies.is_none()));
    }
}
