//! A booked visit as an iCalendar file (RFC 5545), so a visitor can put it in their phone's calendar.
//! Pure text in, text out: the web client builds the file itself, and emails can attach the same file.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::slot::Slot;

/// The longest a content line may be, in octets, before it must be folded (RFC 5545 section 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// Europe/London since 1996: BST from 01:00 GMT on the last Sunday of March to 01:00 GMT on the last Sunday of
/// October. Written out so calendars that do not know the zone by name still place the visit at the right time.
const EUROPE_LONDON: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "X-LIC-LOCATION:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// What goes into the calendar entry of a booked visit.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarVisit<'a> {
    /// The visit's id: the entry's UID, so downloading the file twice updates one entry instead of adding two.
    pub visit_id: Uuid,
    pub slot: &'a Slot,
    /// The entry's title, e.g. "Visit to HMP Leeds".
    pub summary: &'a str,
    /// Where, e.g. the prison's name and address on one line.
    pub location: &'a str,
    /// Anything else worth knowing (reference, who is going); may contain new lines.
    pub description: &'a str,
    /// When the file was made (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

/// The UID of a visit's calendar entry: stable for the visit, unique across visits.
pub fn uid(visit_id: Uuid) -> String {
    format!("{visit_id}@prison-visits")
}

/// The whole `.ics` file: CRLF line endings, long lines folded at 75 octets, text values escaped.
pub fn visit_ics(visit: &CalendarVisit<'_>) -> String {
    calendar_file(visit, "PUBLISH", &[])
}

/// How an emailed calendar file asks the visitor's calendar to change (RFC 5546 iTIP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invitation {
    /// Add (or update) the visit: sent with the booking.
    Request,
    /// Remove the visit: sent with the cancellation, same UID, a higher SEQUENCE, STATUS:CANCELLED.
    Cancel,
}

impl Invitation {
    /// The `METHOD` value, also the `method` parameter of the attachment's `text/calendar` content type.
    pub fn method(self) -> &'static str {
        match self {
            Invitation::Request => "REQUEST",
            Invitation::Cancel => "CANCEL",
        }
    }

    /// Each revision of the entry has a higher sequence; a calendar ignores a message older than what it holds.
    pub fn sequence(self) -> u32 {
        match self {
            Invitation::Request => 0,
            Invitation::Cancel => 1,
        }
    }
}

/// The people on an emailed invitation: the prison organises it, the lead visitor attends.
#[derive(Debug, Clone, PartialEq)]
pub struct Parties<'a> {
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
}

/// The calendar file attached to the booking or cancellation email. The UID is the visit's, so the cancellation
/// removes the very entry the booking added.
pub fn invitation_ics(visit: &CalendarVisit<'_>, invitation: Invitation, parties: &Parties<'_>) -> String {
    let status = match invitation {
        Invitation::Request => "STATUS:CONFIRMED",
        Invitation::Cancel => "STATUS:CANCELLED",
    };
    let extra = [
        format!("SEQUENCE:{}", invitation.sequence()),
        status.to_owned(),
        format!("ORGANIZER;CN={}:mailto:{}", quote_param(parties.organizer_name), parties.organizer_email),
        format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:{}",
            quote_param(parties.attendee_name),
            parties.attendee_email
        ),
    ];
    calendar_file(visit, invitation.method(), &extra)
}

/// A parameter value in double quotes (RFC 5545 section 3.2), which may not itself contain a quote or control.
fn quote_param(value: &str) -> String {
    let clean: String = value.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

fn calendar_file(visit: &CalendarVisit<'_>, method: &str, extra: &[String]) -> String {
    let local = |time: chrono::NaiveTime| format!("{}T{}", visit.slot.date.format("%Y%m%d"), time.format("%H%M%S"));
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Prison Visit Booking//Visit//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{method}"),
    ];
    lines.extend(EUROPE_LONDON.iter().map(|line| line.to_string()));
    lines.extend([
        "BEGIN:VEVENT".into(),
        format!("UID:{}", uid(visit.visit_id)),
        format!("DTSTAMP:{}", visit.stamp.format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART;TZID=Europe/London:{}", local(visit.slot.start)),
        format!("DTEND;TZID=Europe/London:{}", local(visit.slot.end)),
        format!("SUMMARY:{}", escape_text(visit.summary)),
        format!("LOCATION:{}", escape_text(visit.location)),
        format!("DESCRIPTION:{}", escape_text(visit.description)),
    ]);
    lines.extend(extra.iter().cloned());
    lines.extend(["END:VEVENT".into(), "END:VCALENDAR".into()]);
    lines.iter().map(|line| fold_line(line) + "\r\n").collect()
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11): backslash, semicolon, comma and new lines.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF is one new line.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line so that no line is longer than 75 octets: a CRLF and a space before each continuation.
/// Never splits a UTF-8 character.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / MAX_LINE_OCTETS * 3);
    // The first line has 75 octets of room; continuation lines lose one to the leading space.
    let mut room = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > room {
            out.push_str("\r\n ");
            room = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime, TimeZone};

    fn slot() -> Slot {
        Slot::new(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            NaiveTime::from_hms_opt(14, 15, 0).unwrap(),
            NaiveTime::from_hms_opt(16, 15, 0).unwrap(),
        )
    }

    fn ics(description: &str) -> String {
        let slot = slot();
        visit_ics(&CalendarVisit {
            visit_id: Uuid::from_u128(0x1234),
            slot: &slot,
            summary: "Visit to HMP Leeds (demo)",
            location: "HMP Leeds, 2 Gloucester Terrace, Leeds, LS12 2TJ",
            description,
            stamp: Utc.with_ymd_and_hms(2026, 11, 26, 9, 30, 0).unwrap(),
        })
    }

    /// Undoes the folding, as a calendar program reading the file does.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn every_line_ends_with_crlf_and_no_line_feed_is_alone() {
        let text = ics("Reference 7KQ2M9XD\nBring photo ID");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "every LF is part of a CRLF");
    }

    #[test]
    fn the_uid_is_the_visit_id_so_a_second_download_updates_the_same_entry() {
        assert_eq!(ics("a"), ics("a"));
        assert!(ics("a").contains("\r\nUID:00000000-0000-0000-0000-000000001234@prison-visits\r\n"));
    }

    #[test]
    fn start_and_end_are_london_wall_clock_times_with_the_zone_described() {
        let text = ics("a");
        assert!(text.contains("\r\nDTSTART;TZID=Europe/London:20261201T141500\r\n"));
        assert!(text.contains("\r\nDTEND;TZID=Europe/London:20261201T161500\r\n"));
        assert!(text.contains("\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"));
        assert!(text.contains("TZNAME:BST") && text.contains("TZNAME:GMT"));
        assert!(text.contains("\r\nDTSTAMP:20261126T093000Z\r\n"));
    }

    #[test]
    fn commas_semicolons_backslashes_and_new_lines_are_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        assert!(unfold(&ics("x")).contains("LOCATION:HMP Leeds\\, 2 Gloucester Terrace\\, Leeds\\, LS12 2TJ\r\n"));
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_without_splitting_a_character() {
        let description = "Ymweliad â’r carchar: dewch â cherdyn adnabod gyda llun. ".repeat(6);
        let text = ics(&description);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
        }
        let expected = format!("DESCRIPTION:{}\r\n", escape_text(&description));
        assert!(unfold(&text).contains(&expected), "unfolding gives the original line back");
    }

    #[test]
    fn a_cancellation_removes_the_entry_the_booking_added() {
        let slot = slot();
        let visit = CalendarVisit {
            visit_id: Uuid::from_u128(0x1234),
            slot: &slot,
            summary: "Visit",
            location: "HMP Leeds",
            description: "",
            stamp: Utc.with_ymd_and_hms(2026, 11, 26, 9, 30, 0).unwrap(),
        };
        let parties = Parties {
            organizer_name: "HMP Leeds",
            organizer_email: "visits@leeds.example",
            attendee_name: "Mary \"M\" Smith",
            attendee_email: "mary@example.com",
        };
        let booked = unfold(&invitation_ics(&visit, Invitation::Request, &parties));
        let cancelled = unfold(&invitation_ics(&visit, Invitation::Cancel, &parties));
        assert!(booked.contains("\r\nMETHOD:REQUEST\r\n") && booked.contains("\r\nSEQUENCE:0\r\n"));
        assert!(cancelled.contains("\r\nMETHOD:CANCEL\r\n") && cancelled.contains("\r\nSEQUENCE:1\r\n"));
        assert!(cancelled.contains("\r\nSTATUS:CANCELLED\r\n"));
        let uid = "\r\nUID:00000000-0000-0000-0000-000000001234@prison-visits\r\n";
        assert!(booked.contains(uid) && cancelled.contains(uid));
        assert!(booked.contains("ORGANIZER;CN=\"HMP Leeds\":mailto:visits@leeds.example\r\n"));
        assert!(booked.contains("ATTENDEE;CN=\"Mary M Smith\";"), "quotes cannot break the parameter");
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let line = "X".repeat(75);
        assert_eq!(fold_line(&line), line);
        assert_eq!(fold_line(&"X".repeat(76)), format!("{}\r\n X", "X".repeat(75)));
    }
}
