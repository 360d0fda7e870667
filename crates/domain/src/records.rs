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
    /// Visits they may still have in the current period.
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
        dates.push((format!("contacts[{i}].date_of_birth"), contact.date_of_birth, "the contact's date of birth"));
        if let Some(d) = contact.banned_until {
            dates.push((format!("contacts[{i}].banned_until"), d, "the last day of the ban"));
        }
    }
    dates
}

/// A record as an integrator or an import gives it, checked: a valid prison number (stored upper case), names, a
/// prison code (`types::PrisonCode`, upper case), dates the engines store alike (`RECORD_DATES`), a sensible date
/// range for each absence. Every problem is reported, under its field.
pub fn check_record(record: &PrisonerRecord) -> Result<PrisonerRecord, Vec<crate::error::FieldError>> {
    use crate::error::{FieldError, FieldErrorCode};
    use crate::types::{PersonName, PrisonCode, PrisonNumber};
    let mut errors = Vec::new();
    let number = PrisonNumber::parse(&record.number).map_err(|e| errors.push(e.under("number"))).ok();
    let mut name = |value: &str, field: &str| {
        PersonName::parse(value).map_err(|e| errors.push(e.under(field))).ok().map(|n| n.as_str().to_owned())
    };
    let first_name = name(&record.first_name, "first_name");
    let last_name = name(&record.last_name, "last_name");
    let mut contacts = Vec::new();
    for (i, contact) in record.contacts.iter().enumerate() {
        let first = name(&contact.first_name, &format!("contacts[{i}].first_name"));
        let last = name(&contact.last_name, &format!("contacts[{i}].last_name"));
        if let (Some(first_name), Some(last_name)) = (first, last) {
            contacts.push(Contact { first_name, last_name, ..contact.clone() });
        }
    }
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
    if errors.is_empty() { check_record(record) } else { Err(errors) }
}

/// Splits one CSV line (RFC 4180: commas, fields in double quotes may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields.into_iter().map(|f| f.trim().to_owned()).collect()
}

/// Reads CSV text with a header row into maps from column name to value, with each row's line number.
fn csv_rows(text: &str) -> Vec<(usize, std::collections::HashMap<String, String>)> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else { return Vec::new() };
    let names: Vec<String> =
        csv_fields(header.trim_start_matches('\u{feff}')).into_iter().map(|n| n.to_lowercase()).collect();
    lines.map(|(i, line)| (i + 1, names.iter().cloned().zip(csv_fields(line)).collect())).collect()
}

/// The prison roll from two CSV files: prisoners (`number,first_name,last_name,date_of_birth,prison_code,
/// visiting_allowance,allowance_renews_on,away_from,away_to`) and their contacts (`number,first_name,last_name,
/// date_of_birth,approved,banned,banned_until`). Dates are `YYYY-MM-DD`; empty means none. Every bad line is reported
/// with its file and line number, and nothing is returned unless all lines are good.
pub fn parse_roll_csv(prisoners: &str, contacts: &str) -> Result<Vec<PrisonerRecord>, Vec<String>> {
    let mut problems = Vec::new();
    let date = |row: &std::collections::HashMap<String, String>, column: &str| -> Result<Option<NaiveDate>, String> {
        match row.get(column).map(String::as_str).unwrap_or("") {
            "" => Ok(None),
            value => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("{column} {value:?} is not a date like 2026-12-31")),
        }
    };
    let mut records: Vec<PrisonerRecord> = Vec::new();
    for (line, row) in csv_rows(prisoners) {
        let get = |c: &str| row.get(c).cloned().unwrap_or_default();
        let parsed = (|| -> Result<PrisonerRecord, String> {
            let date_of_birth = date(&row, "date_of_birth")?.ok_or("date_of_birth is missing")?;
            let visiting_allowance = get("visiting_allowance")
                .parse()
                .map_err(|_| format!("visiting_allowance {:?} is not a whole number", get("visiting_allowance")))?;
            let unavailable = match (date(&row, "away_from")?, date(&row, "away_to")?) {
                (Some(from), Some(to)) => vec![Unavailability { from, to }],
                (Some(day), None) | (None, Some(day)) => vec![Unavailability { from: day, to: day }],
                (None, None) => Vec::new(),
            };
            Ok(PrisonerRecord {
                number: get("number"),
                first_name: get("first_name"),
                last_name: get("last_name"),
                date_of_birth,
                prison_code: Some(get("prison_code")).filter(|c| !c.is_empty()),
                visiting_allowance,
                allowance_renews_on: date(&row, "allowance_renews_on")?,
                unavailable,
                contacts: Vec::new(),
            })
        })();
        match parsed {
            Ok(record) => records.push(record),
            Err(problem) => problems.push(format!("prisoners line {line}: {problem}")),
        }
    }
    for (line, row) in csv_rows(contacts) {
        let get = |c: &str| row.get(c).cloned().unwrap_or_default();
        let flag = |c: &str| matches!(get(c).to_lowercase().as_str(), "true" | "yes" | "y" | "1");
        let number = get("number").to_uppercase();
        let Some(record) = records.iter_mut().find(|r| r.number.to_uppercase() == number) else {
            problems.push(format!("contacts line {line}: no prisoner {number:?} in the prisoners file"));
            continue;
        };
        match (date(&row, "date_of_birth"), date(&row, "banned_until")) {
            (Ok(Some(date_of_birth)), Ok(banned_until)) => record.contacts.push(Contact {
                first_name: get("first_name"),
                last_name: get("last_name"),
                date_of_birth,
                approved: flag("approved"),
                banned: flag("banned") || banned_until.is_some(),
                banned_until,
            }),
            (Ok(None), _) => problems.push(format!("contacts line {line}: date_of_birth is missing")),
            (Err(problem), _) | (_, Err(problem)) => problems.push(format!("contacts line {line}: {problem}")),
        }
    }
    let mut checked = Vec::new();
    for record in records {
        match check_record(&record) {
            Ok(record) => checked.push(record),
            Err(errors) => problems.extend(
                errors.into_iter().map(|e| format!("prisoner {:?}: {}: {}", record.number, e.field, e.message)),
            ),
        }
    }
    if problems.is_empty() { Ok(checked) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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
    fn the_roll_reads_from_csv_with_quotes_and_reports_every_bad_line() {
        let prisoners = "number,first_name,last_name,date_of_birth,prison_code,visiting_allowance,allowance_renews_on,away_from,away_to\n\
a1234bc,John,\"O'Brien, Jr\",1985-04-12,tbr,2,2026-12-14,2026-12-04,\n\
B2345CD,Ann,Jones,1990-01-01,,0,,,\n";
        let contacts = "number,first_name,last_name,date_of_birth,approved,banned,banned_until\n\
A1234BC,Mary,Smith,1980-07-01,yes,no,\n\
A1234BC,Amy,Smith,2015-03-09,yes,,2027-01-31\n";
        let roll = parse_roll_csv(prisoners, contacts).unwrap();
        assert_eq!(roll.len(), 2);
        assert_eq!(roll[0].number, "A1234BC");
        assert_eq!(roll[0].last_name, "O'Brien, Jr");
        assert_eq!(roll[0].prison_code.as_deref(), Some("TBR"));
        assert_eq!(roll[0].unavailable, [Unavailability { from: date("2026-12-04"), to: date("2026-12-04") }]);
        assert_eq!(roll[0].contacts.len(), 2);
        assert!(roll[0].contacts[1].banned && roll[0].contacts[1].banned_until == Some(date("2027-01-31")));
        assert_eq!(roll[1].prison_code, None, "released");

        let bad = "number,first_name,last_name,date_of_birth,prison_code,visiting_allowance\n\
X1,John,Smith,1985-04-12,TBR,2\nA1234BC,John,Smith,12/04/1985,TBR,two\n";
        let problems =
            parse_roll_csv(bad, "number,first_name,last_name,date_of_birth\nZ9999ZZ,A,B,2000-01-01\n").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("prisoners line 3: date_of_birth")));
        assert!(problems.iter().any(|p| p.starts_with("contacts line 2: no prisoner")));
        assert!(problems.iter().any(|p| p.contains("\"X1\": number")));
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
