//! The CSV edge of `prison-visits import-roll`, as `records::routes` is the HTTP edge of the same records: two files of
//! standard CSV (RFC 4180, read by the `csv` crate) parsed into `PrisonerRecord`s as strictly as the API parses
//! `PUT /api/v1/records/prisoners/{number}`, with every problem reported against its file and line.
//!
//! Prisoners file, one line per prisoner, header required (columns in any order, names case-insensitive):
//!
//! | column | | value |
//! |---|---|---|
//! | `number` | required | prison number, `A1234BC` (any case); each prisoner once |
//! | `first_name`, `last_name` | required | 1 to 30 characters |
//! | `date_of_birth` | required | `YYYY-MM-DD` |
//! | `prison_code` | required column | the prison holding them (`RCI`); **empty means released** |
//! | `visiting_allowance` | required | visits left in this period, a whole number 0 or more |
//! | `allowance_renews_on` | optional column | `YYYY-MM-DD`, or empty when not known |
//! | `away_from`, `away_to` | optional columns | first and last day away (court, hospital); `away_from` alone is one day; both empty: not away |
//!
//! Contacts file, one line per contact of a prisoner in the prisoners file:
//!
//! | column | | value |
//! |---|---|---|
//! | `number` | required | the prisoner's number |
//! | `first_name`, `last_name`, `date_of_birth` | required | as above; each person once per prisoner |
//! | `approved` | required | on the approved visitors list: a yes/no value (below) |
//! | `banned` | required | banned from visiting: a yes/no value |
//! | `banned_until` | optional column | last day of the ban, `YYYY-MM-DD`; only with `banned` yes; empty: no end known |
//!
//! A yes/no value is one of `true`, `yes`, `1` or `false`, `no`, `0`, in any case; anything else, empty included, is
//! refused. Every line must have as many fields as the header. The records are then judged by
//! `domain::records::check_record_on` with the import day as today, as the API judges a pushed record, and its
//! errors are reported against the line they came from.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use domain::error::FieldError;
use domain::records::{Contact, PrisonerRecord, Unavailability, check_record_on};
use domain::types::{PrisonNumber, parse_iso_date};
use serde::Deserialize;

/// One CSV file: a name for messages (its path) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct CsvFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// One problem found in the files: the file, the line the CSV record starts on (1 is the header), the column when
/// one is to blame, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for LineProblem {
    /// `prisoners.csv:3: date_of_birth: ...`, the form compilers use, so editors can jump to the line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "{}:{}: {}: {}", self.file, self.line, column, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// The roll read from both files: each prisoner checked and normalised as the API stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roll {
    pub prisoners: Vec<PrisonerRecord>,
    pub contacts: usize,
}

const PRISONER_REQUIRED: &[&str] =
    &["number", "first_name", "last_name", "date_of_birth", "prison_code", "visiting_allowance"];
const PRISONER_OPTIONAL: &[&str] = &["allowance_renews_on", "away_from", "away_to"];
const CONTACT_REQUIRED: &[&str] = &["number", "first_name", "last_name", "date_of_birth", "approved", "banned"];
const CONTACT_OPTIONAL: &[&str] = &["banned_until"];

/// A prisoners line as the header names its fields (optional columns absent from the header read as empty).
#[derive(Deserialize)]
struct PrisonerRow {
    number: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    prison_code: String,
    visiting_allowance: String,
    #[serde(default)]
    allowance_renews_on: String,
    #[serde(default)]
    away_from: String,
    #[serde(default)]
    away_to: String,
}

#[derive(Deserialize)]
struct ContactRow {
    number: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    approved: String,
    banned: String,
    #[serde(default)]
    banned_until: String,
}

/// Collects the problems of one file.
struct Problems<'a> {
    file: &'a str,
    found: Vec<LineProblem>,
}

impl Problems<'_> {
    fn add(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        self.found.push(LineProblem {
            file: self.file.to_owned(),
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        });
    }
}

/// Reads both files into the roll, judging each record on `today` (the import day, in London). All or nothing:
/// the roll only when every line of both files is good, else every problem, in file and line order.
pub fn parse_roll(prisoners: CsvFile<'_>, contacts: CsvFile<'_>, today: NaiveDate) -> Result<Roll, Vec<LineProblem>> {
    let mut prisoner_problems = Problems { file: prisoners.name, found: Vec::new() };
    let mut contact_problems = Problems { file: contacts.name, found: Vec::new() };

    // The records being built, each with the line it came from and the lines of its contacts, by number.
    let mut records: Vec<(u64, PrisonerRecord, Vec<u64>)> = Vec::new();
    let mut by_number: HashMap<String, Option<usize>> = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (line, row) in rows::<PrisonerRow>(prisoners, PRISONER_REQUIRED, PRISONER_OPTIONAL, &mut prisoner_problems) {
        let record = prisoner_record(line, &row, &mut prisoner_problems);
        let Ok(number) = PrisonNumber::parse(&row.number) else { continue };
        let number = number.as_str().to_owned();
        if let Some(first) = first_line.get(&number) {
            prisoner_problems.add(
                line,
                Some("number"),
                format!("{number} is already on line {first}: give each prisoner once"),
            );
            continue;
        }
        first_line.insert(number.clone(), line);
        // A prisoner whose line is bad is still known, so their contacts are not also reported as orphans.
        by_number.insert(
            number,
            record.map(|r| {
                records.push((line, r, Vec::new()));
                records.len() - 1
            }),
        );
    }

    let mut contact_count = 0;
    for (line, row) in rows::<ContactRow>(contacts, CONTACT_REQUIRED, CONTACT_OPTIONAL, &mut contact_problems) {
        let contact = contact(line, &row, &mut contact_problems);
        let owner = match PrisonNumber::parse(&row.number) {
            Ok(number) => match by_number.get(number.as_str()) {
                Some(owner) => *owner,
                None => {
                    contact_problems.add(
                        line,
                        Some("number"),
                        format!("no prisoner {} in {}", number.as_str(), prisoners.name),
                    );
                    None
                }
            },
            Err(e) => {
                contact_problems.add(line, Some("number"), e.message);
                None
            }
        };
        if let (Some(owner), Some(contact)) = (owner, contact) {
            let (_, record, lines) = &mut records[owner];
            record.contacts.push(contact);
            lines.push(line);
            contact_count += 1;
        }
    }

    // The rules the API applies to a pushed record, each error traced back to the line it came from.
    let mut checked = Vec::with_capacity(records.len());
    for (line, record, contact_lines) in records {
        match check_record_on(&record, today) {
            Ok(record) => checked.push(record),
            Err(errors) => {
                for error in errors {
                    trace(&error, line, &contact_lines, &mut prisoner_problems, &mut contact_problems);
                }
            }
        }
    }

    let mut problems = prisoner_problems.found;
    problems.sort_by_key(|p| p.line);
    contact_problems.found.sort_by_key(|p| p.line);
    problems.extend(contact_problems.found);
    if problems.is_empty() { Ok(Roll { prisoners: checked, contacts: contact_count }) } else { Err(problems) }
}

/// Reports an error of `check_record_on` (a JSON path such as `contacts[1].banned_until` or `unavailable[0].from`)
/// against the CSV line and column it came from.
fn trace(
    error: &FieldError,
    prisoner_line: u64,
    contact_lines: &[u64],
    prisoners: &mut Problems<'_>,
    contacts: &mut Problems<'_>,
) {
    let field = error.field.as_str();
    if let Some(rest) = field.strip_prefix("contacts[")
        && let Some((index, column)) = rest.split_once(']')
        && let Some(line) = index.parse::<usize>().ok().and_then(|i| contact_lines.get(i))
    {
        let column = column.strip_prefix('.').filter(|c| !c.is_empty());
        // "The same person as contacts[0]" means a line of the contacts file.
        let message = match error.message.split_once("contacts[") {
            Some((before, after)) => match after.split_once(']') {
                Some((j, after)) => match j.parse::<usize>().ok().and_then(|j| contact_lines.get(j)) {
                    Some(other) => format!("{before}line {other}{after}"),
                    None => error.message.clone(),
                },
                None => error.message.clone(),
            },
            None => error.message.clone(),
        };
        contacts.add(*line, column, message);
        return;
    }
    let column = match field {
        f if f.starts_with("unavailable[") && f.ends_with(".from") => "away_from",
        f if f.starts_with("unavailable[") && f.ends_with(".to") => "away_to",
        f => f,
    };
    prisoners.add(prisoner_line, Some(column).filter(|c| !c.is_empty()), error.message.clone());
}

/// The lines of one file after its header, deserialised by column name, each with the line it starts on. A missing
/// or wrong header, a line with the wrong number of fields or bytes that are not UTF-8 are reported, and the
/// line skipped; reading goes on, so every bad line is found in one run.
fn rows<T: for<'de> Deserialize<'de>>(
    file: CsvFile<'_>,
    required: &[&str],
    optional: &[&str],
    problems: &mut Problems<'_>,
) -> Vec<(u64, T)> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(false).trim(csv::Trim::All).from_reader(file.bytes);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(e) => {
            problems.add(line_of(&e).unwrap_or(1), None, format!("cannot read the header: {}", describe(&e)));
            return Vec::new();
        }
    };
    let names: Vec<String> =
        header.iter().map(|name| name.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect();
    if !header_is_good(&names, required, optional, problems) {
        return Vec::new();
    }
    let header = csv::StringRecord::from(names);
    reader.set_headers(header.clone());

    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                match record.deserialize::<T>(Some(&header)) {
                    Ok(row) => rows.push((line, row)),
                    Err(e) => problems.add(line, None, describe(&e)),
                }
            }
            Err(e) => match line_of(&e) {
                Some(line) => problems.add(line, None, describe(&e)),
                None => {
                    // Not tied to a line (an I/O error): nothing after it can be read.
                    problems.add(0, None, describe(&e));
                    break;
                }
            },
        }
    }
    rows
}

/// Checks the header names every required column, each column once, and nothing else. A file without a header
/// (its first line is a prisoner) fails here rather than losing its first line.
fn header_is_good(names: &[String], required: &[&str], optional: &[&str], problems: &mut Problems<'_>) -> bool {
    let expected = || {
        let optional: Vec<String> = optional.iter().map(|c| format!("[{c}]")).collect();
        format!("{},{}", required.join(","), optional.join(","))
    };
    let known = |name: &String| required.contains(&name.as_str()) || optional.contains(&name.as_str());
    if names.iter().all(String::is_empty) {
        problems.add(1, None, format!("no header: the first line must name the columns, {}", expected()));
        return false;
    }
    if !names.iter().any(known) {
        problems.add(
            1,
            None,
            format!("no header: the first line must name the columns, {}; it is {}", expected(), names.join(",")),
        );
        return false;
    }
    let mut good = true;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if !known(name) {
            problems.add(
                1,
                None,
                format!("unknown column {name:?} (column {}); the columns are {}", i + 1, expected()),
            );
            good = false;
        } else if let Some(first) = seen.insert(name, i + 1) {
            problems.add(1, None, format!("column {name:?} is named twice (columns {first} and {})", i + 1));
            good = false;
        }
    }
    let missing: Vec<&str> = required.iter().copied().filter(|c| !seen.contains_key(c)).collect();
    if !missing.is_empty() {
        problems.add(1, None, format!("the header lacks {}; the columns are {}", missing.join(", "), expected()));
        good = false;
    }
    good
}

fn line_of(e: &csv::Error) -> Option<u64> {
    e.position().map(csv::Position::line)
}

/// The csv crate's errors in the words of this import.
fn describe(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
            "{len} field(s) where the header has {expected_len}: a missing or extra comma? (a field holding a comma \
             must be in double quotes)"
        ),
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not UTF-8 text", err.field() + 1),
        csv::ErrorKind::Io(_) => "cannot read the file".to_owned(),
        csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
        _ => e.to_string(),
    }
}

/// A required `YYYY-MM-DD` date.
fn required_date(value: &str, column: &str, line: u64, problems: &mut Problems<'_>) -> Option<NaiveDate> {
    if value.is_empty() {
        problems.add(line, Some(column), "is empty: enter a date written YYYY-MM-DD");
        return None;
    }
    optional_date(value, column, line, problems).flatten()
}

/// An optional `YYYY-MM-DD` date: `Some(None)` when empty, `None` when it is not a date (reported).
fn optional_date(value: &str, column: &str, line: u64, problems: &mut Problems<'_>) -> Option<Option<NaiveDate>> {
    if value.is_empty() {
        return Some(None);
    }
    match parse_iso_date(value) {
        Some(date) => Some(Some(date)),
        None => {
            problems.add(line, Some(column), format!("{value:?} is not a real date written YYYY-MM-DD"));
            None
        }
    }
}

/// A yes/no value: `true`/`yes`/`1` or `false`/`no`/`0`, in any case. Empty or anything else is refused: a ban
/// must never be lost to a typing slip.
fn yes_no(value: &str, column: &str, line: u64, problems: &mut Problems<'_>) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        "" => {
            problems.add(line, Some(column), "is empty: enter true, false, yes, no, 1 or 0");
            None
        }
        _ => {
            problems.add(line, Some(column), format!("{value:?} is not one of true, false, yes, no, 1 or 0"));
            None
        }
    }
}

/// A prisoners line as a record (names and codes are checked later, by `check_record_on`); `None` when a field
/// cannot be read (reported).
fn prisoner_record(line: u64, row: &PrisonerRow, problems: &mut Problems<'_>) -> Option<PrisonerRecord> {
    let number = PrisonNumber::parse(&row.number).map_err(|e| problems.add(line, Some("number"), e.message)).ok();
    let date_of_birth = required_date(&row.date_of_birth, "date_of_birth", line, problems);
    let visiting_allowance = match row.visiting_allowance.as_str() {
        "" => {
            problems.add(line, Some("visiting_allowance"), "is empty: enter the visits left, 0 or more");
            None
        }
        v if v.bytes().all(|b| b.is_ascii_digit()) => match v.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.add(line, Some("visiting_allowance"), format!("{v:?} is too large"));
                None
            }
        },
        v => {
            problems.add(line, Some("visiting_allowance"), format!("{v:?} is not a whole number, 0 or more"));
            None
        }
    };
    let allowance_renews_on = optional_date(&row.allowance_renews_on, "allowance_renews_on", line, problems);
    let away_from = optional_date(&row.away_from, "away_from", line, problems);
    let away_to = optional_date(&row.away_to, "away_to", line, problems);
    let unavailable = match (away_from?, away_to?) {
        (Some(from), Some(to)) => vec![Unavailability { from, to }],
        (Some(day), None) => vec![Unavailability { from: day, to: day }],
        (None, Some(_)) => {
            problems.add(line, Some("away_to"), "is given without away_from: enter the first day away too");
            return None;
        }
        (None, None) => Vec::new(),
    };
    Some(PrisonerRecord {
        number: number?.as_str().to_owned(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        date_of_birth: date_of_birth?,
        prison_code: Some(row.prison_code.clone()).filter(|c| !c.is_empty()),
        visiting_allowance: visiting_allowance?,
        allowance_renews_on: allowance_renews_on?,
        unavailable,
        contacts: Vec::new(),
    })
}

/// A contacts line as a contact (names are checked later, by `check_record_on`); `None` when a field cannot be
/// read (reported).
fn contact(line: u64, row: &ContactRow, problems: &mut Problems<'_>) -> Option<Contact> {
    let date_of_birth = required_date(&row.date_of_birth, "date_of_birth", line, problems);
    let approved = yes_no(&row.approved, "approved", line, problems);
    let banned = yes_no(&row.banned, "banned", line, problems);
    let banned_until = optional_date(&row.banned_until, "banned_until", line, problems);
    Some(Contact {
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        date_of_birth: date_of_birth?,
        approved: approved?,
        banned: banned?,
        banned_until: banned_until?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRISONERS: &str = "number,first_name,last_name,date_of_birth,prison_code,visiting_allowance,allowance_renews_on,away_from,away_to\n";
    const CONTACTS: &str = "number,first_name,last_name,date_of_birth,approved,banned,banned_until\n";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn parse(prisoners: &str, contacts: &str) -> Result<Roll, Vec<String>> {
        parse_roll(
            CsvFile { name: "prisoners.csv", bytes: prisoners.as_bytes() },
            CsvFile { name: "contacts.csv", bytes: contacts.as_bytes() },
            today(),
        )
        .map_err(|problems| problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn quoted_fields_with_commas_quotes_and_line_breaks_are_one_field_and_lines_keep_their_numbers() {
        let prisoners = format!(
            "{PRISONERS}a1234bc,John,\"O'Brien, \"\"Jr\"\"\",1985-04-12,tbr,2,2026-12-14,2026-12-04,\n\
             B2345CD,Ann,Jones,1990-01-01,,0,,,\n"
        );
        let contacts = format!(
            "{CONTACTS}A1234BC,Mary,Smith,1980-07-01,YES,No,\nA1234BC,Amy,Smith,2015-03-09,1,true,2027-01-31\n"
        );
        let roll = parse(&prisoners, &contacts).unwrap();
        assert_eq!(roll.prisoners.len(), 2);
        assert_eq!(roll.contacts, 2);
        let john = &roll.prisoners[0];
        assert_eq!((john.number.as_str(), john.last_name.as_str()), ("A1234BC", "O'Brien, \"Jr\""));
        assert_eq!(john.prison_code.as_deref(), Some("TBR"));
        assert_eq!(john.unavailable, [Unavailability { from: date("2026-12-04"), to: date("2026-12-04") }]);
        assert_eq!(
            john.contacts.iter().map(|c| (c.approved, c.banned, c.banned_until)).collect::<Vec<_>>(),
            // Kept in one order, by name (Amy before Mary): `PrisonerRecord::canonical`.
            [(true, true, Some(date("2027-01-31"))), (true, false, None)]
        );
        assert_eq!(roll.prisoners[1].prison_code, None, "released");

        // A quoted line break is one field of the record on line 2 (a space in a name, as the API reads it); the
        // next record starts on line 4 and its error says so.
        let prisoners = format!(
            "{PRISONERS}A1234BC,\"Ann\nMarie\",Jones,1990-01-01,TBR,0,,,\nB2345CD,Bob,Jones,1990-13-01,TBR,0,,,\n"
        );
        let problems = parse(&prisoners, CONTACTS).unwrap_err();
        assert_eq!(problems, ["prisoners.csv:4: date_of_birth: \"1990-13-01\" is not a real date written YYYY-MM-DD"]);
        let roll = parse(&prisoners.replace("1990-13-01", "1990-12-01"), CONTACTS).unwrap();
        assert_eq!(roll.prisoners[0].first_name, "Ann Marie");
    }

    fn date(s: &str) -> NaiveDate {
        parse_iso_date(s).unwrap()
    }
}
