//! Visiting days and times in Europe/London: today's date in the UK, processing days, the booking window, and the
//! words for dates and times that visitors read. Callers pass the current instant in; nothing here reads a clock.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Europe::London;
use serde::{Deserialize, Serialize};

use crate::api::VisitingRules;
use crate::slot::Slot;

pub use crate::bank_holidays::{BankHoliday, BankHolidays, BankHolidaysError};
pub use crate::timetable::{
    DateSlot, MAX_SLOT_CAPACITY, Timetable, TimetabledSlot, WeeklySlot, all_fully_booked, availability,
    availability_for, check_slot_choices, check_waiting_list_choices, first_available_choice, slot_state,
};

/// The date in the UK at `now`.
pub fn london_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&London).date_naive()
}

/// The instant a UK wall-clock time happens. A time the clocks skip in March is taken as the moment they land
/// (01:30 on the last Sunday of March is 02:00 BST); a time that happens twice in October is taken the first time
/// (BST), so nobody arrives an hour late.
pub fn london_to_utc(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match London.from_local_datetime(&local).earliest() {
        Some(instant) => instant.with_timezone(&Utc),
        None => end_of_gap(local),
    }
}

/// Whether a UK wall-clock time on `date` is exactly one instant (not skipped or repeated by a clock change).
pub fn is_one_london_moment(date: NaiveDate, time: NaiveTime) -> bool {
    matches!(London.from_local_datetime(&date.and_time(time)), chrono::LocalResult::Single(_))
}

/// The first instant after a spring-forward gap that `local` falls in.
fn end_of_gap(local: NaiveDateTime) -> DateTime<Utc> {
    // UK gaps start and end on the hour, so walking whole minutes from the start of `local`'s minute finds the end
    // exactly; a day's walk bounds it should the zone data ever hold something stranger.
    let mut t = local.date().and_time(NaiveTime::from_hms_opt(local.hour(), local.minute(), 0).unwrap_or(local.time()));
    for _ in 0..(24 * 60) {
        let Some(next) = t.checked_add_signed(TimeDelta::minutes(1)) else { break };
        t = next;
        if let Some(instant) = London.from_local_datetime(&t).earliest() {
            return instant.with_timezone(&Utc);
        }
    }
    Utc.from_utc_datetime(&local)
}

pub fn slot_starts_at(slot: &Slot) -> DateTime<Utc> {
    london_to_utc(slot.date, slot.start)
}

pub fn slot_ends_at(slot: &Slot) -> DateTime<Utc> {
    london_to_utc(slot.date, slot.end)
}

/// A day on which staff work on requests: Monday to Friday except bank holidays, or every day at a prison that
/// processes at weekends (and on bank holidays).
pub fn is_processing_day(date: NaiveDate, weekend_processing: bool, holidays: &BankHolidays) -> bool {
    weekend_processing || (date.weekday().number_from_monday() <= 5 && !holidays.is_holiday(date))
}

/// The `n`-th processing day strictly after `from` (`from` itself when `n` is 0).
pub fn add_processing_days(from: NaiveDate, n: u32, weekend_processing: bool, holidays: &BankHolidays) -> NaiveDate {
    let mut date = from;
    let mut counted = 0;
    while counted < n {
        let Some(next) = date.succ_opt() else { return date };
        date = next;
        if is_processing_day(date, weekend_processing, holidays) {
            counted += 1;
        }
    }
    date
}

/// The date by which staff must decide a request made on `requested_on` (a UK date).
pub fn confirm_by(requested_on: NaiveDate, rules: &VisitingRules, holidays: &BankHolidays) -> NaiveDate {
    add_processing_days(requested_on, u32::from(rules.processing_days), rules.weekend_processing, holidays)
}

/// A request made on `requested_on` (a UK date) and still undecided is overdue once its confirm-by date has passed.
pub fn is_overdue(requested_on: NaiveDate, today: NaiveDate, rules: &VisitingRules, holidays: &BankHolidays) -> bool {
    today > confirm_by(requested_on, rules, holidays)
}

/// Which dates a visitor can ask for today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BookingWindow {
    pub today: NaiveDate,
    /// Staff decide a request made today by the end of this date.
    pub confirm_by: NaiveDate,
    pub first_bookable: NaiveDate,
    pub last_bookable: NaiveDate,
}

impl BookingWindow {
    pub fn new(today: NaiveDate, rules: &VisitingRules, holidays: &BankHolidays) -> BookingWindow {
        let confirm_by = confirm_by(today, rules, holidays);
        BookingWindow {
            today,
            confirm_by,
            first_bookable: confirm_by.succ_opt().unwrap_or(confirm_by),
            last_bookable: today
                .checked_add_days(Days::new(u64::from(rules.booking_window_days)))
                .unwrap_or(NaiveDate::MAX),
        }
    }

    /// The window at the instant `now`.
    pub fn at(now: DateTime<Utc>, rules: &VisitingRules, holidays: &BankHolidays) -> BookingWindow {
        BookingWindow::new(london_today(now), rules, holidays)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_bookable <= date && date <= self.last_bookable
    }

    /// False when the prison's processing time reaches past its booking window, so nothing can be booked.
    pub fn is_open(&self) -> bool {
        self.first_bookable <= self.last_bookable
    }
}

/// "Tuesday 1 December 2026", for emails and pages.
pub fn describe_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "Tuesday 1 December": enough when the date is within the next few weeks.
pub fn describe_day(date: NaiveDate) -> String {
    date.format("%A %-d %B").to_string()
}

/// GOV.UK style times: "2pm", "2:30pm", "midday", "midnight".
pub fn describe_time(time: NaiveTime) -> String {
    let (pm, hour12) = time.hour12();
    match (time.hour(), time.minute()) {
        (0, 0) => "midnight".to_string(),
        (12, 0) => "midday".to_string(),
        (_, 0) => format!("{hour12}{}", if pm { "pm" } else { "am" }),
        (_, minute) => format!("{hour12}:{minute:02}{}", if pm { "pm" } else { "am" }),
    }
}

/// "Tuesday 1 December 2026, 2pm to 4:10pm".
pub fn describe_slot(slot: &Slot) -> String {
    format!("{}, {} to {}", describe_date(slot.date), describe_time(slot.start), describe_time(slot.end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn holidays() -> &'static BankHolidays {
        BankHolidays::bundled()
    }

    fn weekdays_only() -> VisitingRules {
        VisitingRules::default()
    }

    #[test]
    fn today_in_the_uk_turns_over_at_london_midnight_in_summer_and_winter() {
        assert_eq!(london_today(utc(2026, 6, 30, 22, 59)), date(2026, 6, 30));
        assert_eq!(london_today(utc(2026, 6, 30, 23, 0)), date(2026, 7, 1), "midnight BST is 23:00 UTC");
        assert_eq!(london_today(utc(2026, 12, 31, 23, 59)), date(2026, 12, 31));
        assert_eq!(london_today(utc(2027, 1, 1, 0, 0)), date(2027, 1, 1));
    }

    #[test]
    fn local_times_map_to_utc_either_side_of_a_clock_change() {
        assert_eq!(london_to_utc(date(2026, 12, 1), time(14, 0)), utc(2026, 12, 1, 14, 0));
        assert_eq!(london_to_utc(date(2026, 7, 1), time(14, 0)), utc(2026, 7, 1, 13, 0));
        assert_eq!(london_to_utc(date(2026, 3, 28), time(14, 0)), utc(2026, 3, 28, 14, 0));
        assert_eq!(london_to_utc(date(2026, 3, 29), time(14, 0)), utc(2026, 3, 29, 13, 0));
        assert_eq!(london_to_utc(date(2026, 10, 25), time(14, 0)), utc(2026, 10, 25, 14, 0));
    }

    #[test]
    fn a_time_skipped_when_the_clocks_go_forward_is_taken_as_the_moment_they_land() {
        // 29 March 2026: at 01:00 GMT the clocks go to 02:00 BST, so 01:30 never happens.
        assert_eq!(london_to_utc(date(2026, 3, 29), time(1, 30)), utc(2026, 3, 29, 1, 0));
        assert_eq!(london_to_utc(date(2026, 3, 29), time(1, 0)), utc(2026, 3, 29, 1, 0));
        assert_eq!(london_to_utc(date(2026, 3, 29), time(0, 59)), utc(2026, 3, 29, 0, 59));
        assert_eq!(london_to_utc(date(2026, 3, 29), time(2, 0)), utc(2026, 3, 29, 1, 0));
    }

    #[test]
    fn a_time_that_happens_twice_when_the_clocks_go_back_is_taken_the_first_time() {
        // 25 October 2026: 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
        assert_eq!(london_to_utc(date(2026, 10, 25), time(1, 30)), utc(2026, 10, 25, 0, 30));
        assert_eq!(london_to_utc(date(2026, 10, 25), time(2, 0)), utc(2026, 10, 25, 2, 0));
        let slot = Slot::new(date(2026, 10, 25), time(1, 30), time(2, 30));
        assert_eq!(slot_starts_at(&slot), utc(2026, 10, 25, 0, 30));
        assert_eq!(slot_ends_at(&slot), utc(2026, 10, 25, 2, 30));
        let spring = Slot::new(date(2026, 3, 29), time(1, 30), time(3, 0));
        assert_eq!(slot_starts_at(&spring), utc(2026, 3, 29, 1, 0));
        assert_eq!(slot_ends_at(&spring), utc(2026, 3, 29, 2, 0));
    }

    #[test]
    fn weekends_and_bank_holidays_are_not_processing_days_unless_the_prison_works_them() {
        let h = holidays();
        assert!(is_processing_day(date(2026, 12, 1), false, h), "a Tuesday");
        assert!(!is_processing_day(date(2026, 12, 5), false, h), "a Saturday");
        assert!(!is_processing_day(date(2026, 12, 6), false, h), "a Sunday");
        assert!(!is_processing_day(date(2026, 12, 28), false, h), "the Boxing Day substitute");
        assert!(is_processing_day(date(2026, 12, 5), true, h));
        assert!(is_processing_day(date(2026, 12, 25), true, h));
    }

    #[test]
    fn a_request_made_on_a_monday_can_be_for_friday() {
        let window = BookingWindow::new(date(2026, 11, 30), &weekdays_only(), holidays());
        assert_eq!(window.confirm_by, date(2026, 12, 3), "Thursday");
        assert_eq!(window.first_bookable, date(2026, 12, 4), "Friday");
        assert_eq!(window.last_bookable, date(2026, 12, 28));
        assert!(!window.contains(date(2026, 12, 3)));
        assert!(window.contains(date(2026, 12, 4)));
        assert!(window.contains(date(2026, 12, 28)));
        assert!(!window.contains(date(2026, 12, 29)));
    }

    #[test]
    fn a_request_made_on_a_friday_waits_for_the_weekend_to_pass() {
        let window = BookingWindow::new(date(2026, 12, 4), &weekdays_only(), holidays());
        assert_eq!(window.confirm_by, date(2026, 12, 9), "Wednesday");
        assert_eq!(window.first_bookable, date(2026, 12, 10));
    }

    #[test]
    fn a_prison_that_works_weekends_counts_every_day() {
        let rules = VisitingRules { weekend_processing: true, ..VisitingRules::default() };
        let window = BookingWindow::new(date(2026, 12, 4), &rules, holidays());
        assert_eq!(window.confirm_by, date(2026, 12, 7));
        assert_eq!(window.first_bookable, date(2026, 12, 8));
        let christmas = BookingWindow::new(date(2026, 12, 24), &rules, holidays());
        assert_eq!(christmas.confirm_by, date(2026, 12, 27));
    }

    #[test]
    fn easter_holds_requests_up_by_four_days() {
        // Good Friday 3 April and Easter Monday 6 April 2026.
        let window = BookingWindow::new(date(2026, 4, 2), &weekdays_only(), holidays());
        assert_eq!(window.confirm_by, date(2026, 4, 9));
        assert_eq!(window.first_bookable, date(2026, 4, 10));
    }

    #[test]
    fn christmas_and_its_substitute_days_are_skipped() {
        let h = holidays();
        // 2026: Christmas Day Friday 25, Boxing Day substitute Monday 28.
        assert_eq!(add_processing_days(date(2026, 12, 23), 3, false, h), date(2026, 12, 30));
        // 2027: Christmas and Boxing Day fall at the weekend; Monday 27 and Tuesday 28 are the substitutes.
        assert_eq!(add_processing_days(date(2027, 12, 23), 3, false, h), date(2027, 12, 30));
        // 2028: New Year's Day is a Saturday; Monday 3 January is its substitute.
        assert_eq!(add_processing_days(date(2027, 12, 30), 3, false, h), date(2028, 1, 5));
    }

    #[test]
    fn zero_processing_days_means_today_is_the_confirm_by_date() {
        let rules = VisitingRules { processing_days: 0, ..VisitingRules::default() };
        let window = BookingWindow::new(date(2026, 12, 5), &rules, holidays());
        assert_eq!(window.confirm_by, date(2026, 12, 5));
        assert_eq!(window.first_bookable, date(2026, 12, 6));
    }

    #[test]
    fn a_request_is_overdue_the_day_after_its_confirm_by_date() {
        let made = date(2026, 11, 30);
        assert!(!is_overdue(made, date(2026, 12, 3), &weekdays_only(), holidays()));
        assert!(is_overdue(made, date(2026, 12, 4), &weekdays_only(), holidays()));
    }

    #[test]
    fn a_window_shorter_than_the_processing_time_lets_nothing_be_booked() {
        let rules = VisitingRules { booking_window_days: 2, ..VisitingRules::default() };
        let window = BookingWindow::new(date(2026, 11, 30), &rules, holidays());
        assert!(!window.is_open());
        assert!(!window.contains(date(2026, 12, 1)) && !window.contains(date(2026, 12, 4)));
    }

    #[test]
    fn dates_and_times_are_written_the_way_gov_uk_writes_them() {
        assert_eq!(describe_date(date(2026, 12, 1)), "Tuesday 1 December 2026");
        assert_eq!(describe_day(date(2026, 12, 1)), "Tuesday 1 December");
        assert_eq!(describe_time(time(14, 0)), "2pm");
        assert_eq!(describe_time(time(9, 30)), "9:30am");
        assert_eq!(describe_time(time(12, 0)), "midday");
        assert_eq!(describe_time(time(12, 15)), "12:15pm");
        assert_eq!(describe_time(time(0, 0)), "midnight");
        let slot = Slot::new(date(2026, 12, 1), time(14, 0), time(16, 10));
        assert_eq!(describe_slot(&slot), "Tuesday 1 December 2026, 2pm to 4:10pm");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0u64..(365 * 6)).prop_map(|n| date(2024, 1, 1) + Days::new(n))
    }

    proptest! {
        #[test]
        fn confirm_by_is_a_processing_day_strictly_after_today(
            today in any_date(),
            processing_days in 1u8..=10,
            weekend_processing in any::<bool>(),
        ) {
            let rules = VisitingRules { processing_days, weekend_processing, ..VisitingRules::default() };
            let window = BookingWindow::new(today, &rules, holidays());
            prop_assert!(window.confirm_by > today);
            prop_assert!(is_processing_day(window.confirm_by, weekend_processing, holidays()));
            prop_assert_eq!(window.first_bookable, window.confirm_by + Days::new(1));
            let counted = today.iter_days().skip(1).take_while(|d| *d <= window.confirm_by)
                .filter(|d| is_processing_day(*d, weekend_processing, holidays())).count();
            prop_assert_eq!(counted, usize::from(processing_days));
        }

        #[test]
        fn london_today_is_the_date_of_the_instant_in_london(seconds in 1_704_067_200i64..1_893_456_000i64) {
            let now = DateTime::from_timestamp(seconds, 0).unwrap();
            let today = london_today(now);
            let start_of_day = london_to_utc(today, NaiveTime::MIN);
            prop_assert!(start_of_day <= now);
            prop_assert!(now < london_to_utc(today + Days::new(1), NaiveTime::MIN));
        }
    }
}
