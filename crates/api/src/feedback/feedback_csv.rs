//! Feedback as a CSV file for a spreadsheet, written as the day list's is (the `csv` crate, RFC 4180, CRLF, and no
//! value a spreadsheet would run as a formula).

use anyhow::Context;
use domain::api::Locale;
use domain::feedback::FeedbackView;

use crate::reports::day_list_csv::neutralised;

/// The CSV columns, in order: when it was sent (UK time, `YYYY-MM-DD HH:MM`), `visitor` or `staff`, the answer in
/// English words, what went wrong or could be better, the email address given (empty when none), and the language
/// of the form (`en` or `cy`).
pub const CSV_HEADER: [&str; 6] =
    ["sent at", "from", "satisfaction", "what went wrong or could be better", "email", "language"];

/// The feedback as CSV, one row per piece under a header row, in the order given.
pub fn to_csv(items: &[FeedbackView]) -> anyhow::Result<String> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    out.write_record(CSV_HEADER).context("writing the feedback CSV header")?;
    for item in items {
        let sent_at = item.created_at.with_timezone(&chrono_tz::Europe::London).format("%Y-%m-%d %H:%M").to_string();
        let row = [
            sent_at,
            item.source.as_str().to_owned(),
            item.satisfaction.label(Locale::En).to_owned(),
            item.improvement.clone().unwrap_or_default(),
            item.email.clone().unwrap_or_default(),
            item.locale.as_str().to_owned(),
        ];
        out.write_record(row.iter().map(|f| neutralised(f))).context("writing a feedback CSV row")?;
    }
    let bytes = out.into_inner().context("finishing the feedback CSV")?;
    String::from_utf8(bytes).context("the feedback CSV is not UTF-8")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use domain::feedback::{FeedbackSource, Satisfaction};
    use uuid::Uuid;

    use super::*;

    #[test]
    fn each_piece_is_a_row_in_uk_time_with_formulas_neutralised() {
        let item = FeedbackView {
            id: Uuid::nil(),
            // 13:05 UTC in summer is 14:05 in the UK.
            created_at: Utc.with_ymd_and_hms(2026, 7, 1, 13, 5, 0).unwrap(),
            source: FeedbackSource::Staff,
            satisfaction: Satisfaction::VeryDissatisfied,
            improvement: Some("=HYPERLINK(\"x\")\nand, commas".into()),
            email: None,
            locale: Locale::Cy,
        };
        let csv = to_csv(&[item]).unwrap();
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows[0], CSV_HEADER);
        assert_eq!(
            rows[1],
            ["2026-07-01 14:05", "staff", "Very dissatisfied", "'=HYPERLINK(\"x\")\nand, commas", "", "cy"]
        );
    }
}
