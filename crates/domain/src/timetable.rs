//! A prison's visiting timetable (weekly times, closed dates, one-off replacement days) turned into concrete slots,
//! and what a visitor may choose from them: the availability calendar and the checks on their choices.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{Availability, AvailabilityDay, SlotAvailability, SlotState};
use crate::calendar::{BookingWindow, describe_day, describe_time};
use crate::error::{FieldError, FieldErrorCode};
use crate::slot::{Slot, hhmm};

/// More places than any visits hall has: a capacity above this is a typing mistake.
pub const MAX_SLOT_CAPACITY: u32 = 1000;

/// A visiting time that recurs every week, optionally only between two dates (so a change can be planned ahead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklySlot {
    #[serde(with = "crate::slot::weekday")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Mon", pattern = "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)$"))]
    pub weekday: Weekday,
    #[serde(with = "hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "14:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "16:10", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub end: NaiveTime,
    /// Places for open visits.
    #[cfg_attr(feature = "openapi", schema(example = 20, maximum = 1000))]
    pub capacity: u32,
    /// Places for closed visits (behind a screen).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 2, maximum = 1000))]
    pub closed_capacity: u32,
    /// First date the slot runs; none means it always has.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_from: Option<NaiveDate>,
    /// Last date the slot runs; none means it runs until changed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_to: Option<NaiveDate>,
}

impl WeeklySlot {
    /// Whether the slot runs on `date` (closed dates and replacements aside).
    pub fn runs_on(&self, date: NaiveDate) -> bool {
        date.weekday() == self.weekday
            && self.valid_from.is_none_or(|from| from <= date)
            && self.valid_to.is_none_or(|to| date <= to)
    }

    /// Problems an admin must fix, with fields relative to the slot (`end`, `capacity`, `valid_to`).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = check_times_and_capacity(self.start, self.end, self.capacity, self.closed_capacity);
        if self.weekday == Weekday::Sun {
            errors.extend(check_clock_change_hour(self.start, self.end, "on a Sunday"));
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            errors.push(FieldError::new(
                "valid_to",
                FieldErrorCode::InvalidDate,
                "The last date must be the same as or after the first date",
            ));
        }
        errors
    }

    /// Whether two weekly slots would both produce the same slot on some date.
    fn clashes_with(&self, other: &WeeklySlot) -> bool {
        let starts_before_other_ends = match (self.valid_from, other.valid_to) {
            (Some(from), Some(to)) => from <= to,
            _ => true,
        };
        let other_starts_before_this_ends = match (other.valid_from, self.valid_to) {
            (Some(from), Some(to)) => from <= to,
            _ => true,
        };
        self.weekday == other.weekday
            && self.start == other.start
            && self.end == other.end
            && starts_before_other_ends
            && other_starts_before_this_ends
    }
}

/// A slot for one date only. When a date has any of these, they replace that date's weekly slots (a family day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateSlot {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-19"))]
    pub date: NaiveDate,
    #[serde(with = "hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "15:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub end: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub capacity: u32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub closed_capacity: u32,
}

impl DateSlot {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = check_times_and_capacity(self.start, self.end, self.capacity, self.closed_capacity);
        let moments = [self.start, self.end].map(|t| crate::calendar::is_one_london_moment(self.date, t));
        if moments.contains(&false) {
            errors.extend(check_clock_change_hour(self.start, self.end, "on the day the clocks change"));
        }
        errors
    }
}

/// UK clocks change at 01:00 GMT on the last Sunday of March (01:00-01:59 does not happen) and of October (it happens
/// twice): The Summer Time Order 2002. A visit starting or ending in that hour would be at no moment or at two, so
/// every visit time must be one real moment in Europe/London.
fn check_clock_change_hour(start: NaiveTime, end: NaiveTime, when: &str) -> Vec<FieldError> {
    let one_am = NaiveTime::from_hms_opt(1, 0, 0).unwrap_or(NaiveTime::MIN);
    let two_am = NaiveTime::from_hms_opt(2, 0, 0).unwrap_or(NaiveTime::MIN);
    [("start", start), ("end", end)]
        .into_iter()
        .filter(|(_, time)| one_am <= *time && *time < two_am)
        .map(|(field, _)| {
            FieldError::new(
                field,
                FieldErrorCode::InvalidTime,
                format!(
                    "Visits cannot start or end between 1am and 2am {when}: the clocks change at that time, so it happens twice or not at all"
                ),
            )
        })
        .collect()
}

fn check_times_and_capacity(start: NaiveTime, end: NaiveTime, capacity: u32, closed_capacity: u32) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if end <= start {
        errors.push(FieldError::new("end", FieldErrorCode::InvalidTime, "The end time must be after the start time"));
    }
    for (field, places) in [("capacity", capacity), ("closed_capacity", closed_capacity)] {
        if places > MAX_SLOT_CAPACITY {
            errors.push(FieldError::new(
                field,
                FieldErrorCode::OutOfRange,
                format!("Enter {MAX_SLOT_CAPACITY} places or fewer"),
            ));
        }
    }
    if capacity == 0 && closed_capacity == 0 {
        errors.push(FieldError::new(
            "capacity",
            FieldErrorCode::OutOfRange,
            "A visiting time needs at least 1 place for open or closed visits",
        ));
    }
    errors
}

/// Everything a prison sets about when visits happen. Staff edit it themselves, so `validate` explains every
/// mistake rather than refusing with the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timetable {
    #[serde(default)]
    pub weekly: Vec<WeeklySlot>,
    /// Dates with no visits (Christmas Day, staff training). Their slots still show, as closed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["2026-12-25"])))]
    pub closed_dates: BTreeSet<NaiveDate>,
    #[serde(default)]
    pub replacements: Vec<DateSlot>,
}

/// A concrete slot from the timetable, before bookings are taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimetabledSlot {
    pub slot: Slot,
    pub capacity: u32,
    pub closed_capacity: u32,
    /// The date is closed: the slot would run but takes no visits.
    pub closed: bool,
}

impl Timetable {
    pub fn is_closed(&self, date: NaiveDate) -> bool {
        self.closed_dates.contains(&date)
    }

    /// The slots on `date`, by start time.
    pub fn slots_on(&self, date: NaiveDate) -> Vec<TimetabledSlot> {
        let closed = self.is_closed(date);
        let mut slots: Vec<TimetabledSlot> = if self.replacements.iter().any(|r| r.date == date) {
            self.replacements
                .iter()
                .filter(|r| r.date == date)
                .map(|r| TimetabledSlot {
                    slot: Slot::new(date, r.start, r.end),
                    capacity: r.capacity,
                    closed_capacity: r.closed_capacity,
                    closed,
                })
                .collect()
        } else {
            self.weekly
                .iter()
                .filter(|w| w.runs_on(date))
                .map(|w| TimetabledSlot {
                    slot: Slot::new(date, w.start, w.end),
                    capacity: w.capacity,
                    closed_capacity: w.closed_capacity,
                    closed,
                })
                .collect()
        };
        // A slot is known by its date and times, so two entries giving the same one would make its bookings
        // ambiguous: the first listed wins (and `validate` reports the other).
        slots.sort_by_key(|s| (s.slot.start, s.slot.end));
        slots.dedup_by_key(|s| s.slot);
        slots
    }

    /// The slots from `from` to `to` inclusive, by date and start time.
    pub fn slots_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<TimetabledSlot> {
        from.iter_days().take_while(|date| *date <= to).flat_map(|date| self.slots_on(date)).collect()
    }

    /// Every problem in the timetable, with fields such as `weekly[2].end` or `replacements[0].capacity`.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (i, slot) in self.weekly.iter().enumerate() {
            let path = format!("weekly[{i}]");
            errors.extend(slot.validate().into_iter().map(|e| e.under(&path)));
            if self.weekly[..i].iter().any(|earlier| earlier.clashes_with(slot)) {
                errors.push(FieldError::new(
                    path,
                    FieldErrorCode::DuplicateSlot,
                    format!(
                        "There is already a visiting time on {}s from {} to {} on some of the same dates",
                        weekday_name(slot.weekday),
                        describe_time(slot.start),
                        describe_time(slot.end)
                    ),
                ));
            }
        }
        for (i, slot) in self.replacements.iter().enumerate() {
            let path = format!("replacements[{i}]");
            errors.extend(slot.validate().into_iter().map(|e| e.under(&path)));
            let same = |other: &DateSlot| other.date == slot.date && other.start == slot.start && other.end == slot.end;
            if self.replacements[..i].iter().any(same) {
                errors.push(FieldError::new(
                    path,
                    FieldErrorCode::DuplicateSlot,
                    format!(
                        "There is already a visiting time on {} from {} to {}",
                        describe_day(slot.date),
                        describe_time(slot.start),
                        describe_time(slot.end)
                    ),
                ));
            }
        }
        errors
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// A slot's state for a visitor, and the places left (0 unless available). A closed date wins over everything,
/// then the booking window, then the places taken.
pub fn slot_state(slot: &TimetabledSlot, window: &BookingWindow, booked: u32) -> (SlotState, u32) {
    if slot.closed {
        (SlotState::Closed, 0)
    } else if !window.contains(slot.slot.date) {
        (SlotState::OutsideWindow, 0)
    } else if booked >= slot.capacity {
        (SlotState::FullyBooked, 0)
    } else {
        (SlotState::Available, slot.capacity - booked)
    }
}

/// Every date from `from` to `to` that has slots, with each slot's state. `booked` holds the visits already
/// booked in each slot; a slot missing from it has none.
pub fn availability(
    window: &BookingWindow,
    timetable: &Timetable,
    from: NaiveDate,
    to: NaiveDate,
    booked: &HashMap<Slot, u32>,
) -> Vec<AvailabilityDay> {
    from.iter_days()
        .take_while(|date| *date <= to)
        .filter_map(|date| {
            let slots = timetable.slots_on(date);
            if slots.is_empty() {
                return None;
            }
            let slots = slots
                .iter()
                .map(|ts| {
                    let (state, places_left) = slot_state(ts, window, booked.get(&ts.slot).copied().unwrap_or(0));
                    SlotAvailability { slot: ts.slot, state, places_left }
                })
                .collect();
            Some(AvailabilityDay { date, closed: timetable.is_closed(date), slots })
        })
        .collect()
}

/// The whole availability answer for one prison.
pub fn availability_for(
    prison_id: Uuid,
    window: &BookingWindow,
    timetable: &Timetable,
    from: NaiveDate,
    to: NaiveDate,
    booked: &HashMap<Slot, u32>,
) -> Availability {
    Availability {
        prison_id,
        from,
        to,
        today: window.today,
        confirm_by: window.confirm_by,
        first_bookable: window.first_bookable,
        last_bookable: window.last_bookable,
        days: availability(window, timetable, from, to, booked),
    }
}

fn find<'a>(days: &'a [AvailabilityDay], slot: &Slot) -> Option<&'a SlotAvailability> {
    days.iter().find(|day| day.date == slot.date)?.slots.iter().find(|s| s.slot == *slot)
}

/// Checks a visitor's choices against the availability (which must cover their dates). One error per choice
/// that cannot be requested, under `slots[i]`.
pub fn check_slot_choices(choices: &[Slot], days: &[AvailabilityDay]) -> Vec<FieldError> {
    choices
        .iter()
        .enumerate()
        .filter_map(|(i, choice)| match find(days, choice).map(|s| s.state) {
            Some(SlotState::Available) => None,
            state => Some(choice_error(i, choice, state)),
        })
        .collect()
}

/// Checks the choices of a visitor joining the waiting list: every one must be fully booked. A choice that still has
/// places is refused with `slot_has_places` (request it instead); one closed, not offered or outside the booking
/// window is refused as for a request. One error per choice that cannot be waited for, under `slots[i]`.
pub fn check_waiting_list_choices(choices: &[Slot], days: &[AvailabilityDay]) -> Vec<FieldError> {
    choices
        .iter()
        .enumerate()
        .filter_map(|(i, choice)| match find(days, choice).map(|s| s.state) {
            Some(SlotState::FullyBooked) => None,
            Some(SlotState::Available) => Some(FieldError::new(
                format!("slots[{i}]"),
                FieldErrorCode::SlotHasPlaces,
                format!(
                    "The visit on {} at {} still has places. Request it instead of joining the waiting list",
                    describe_day(choice.date),
                    describe_time(choice.start)
                ),
            )),
            state => Some(choice_error(i, choice, state)),
        })
        .collect()
}

/// Every choice refused as fully booked: the answer when a prison books instantly and other visitors took the last
/// places between the check and the booking, the same answer a visitor gets when the places were gone before.
pub fn all_fully_booked(choices: &[Slot]) -> Vec<FieldError> {
    choices.iter().enumerate().map(|(i, choice)| choice_error(i, choice, Some(SlotState::FullyBooked))).collect()
}

/// Why the choice at `slots[i]` cannot be requested, given its state in the availability (`None`: not offered).
fn choice_error(i: usize, choice: &Slot, state: Option<SlotState>) -> FieldError {
    let when = format!("{} at {}", describe_day(choice.date), describe_time(choice.start));
    let (code, message) = match state {
        None | Some(SlotState::Available) => {
            (FieldErrorCode::SlotNotOffered, format!("There is no visit on {when}. Choose a time from the calendar"))
        }
        Some(SlotState::Closed) => (
            FieldErrorCode::SlotClosed,
            format!("The prison is closed for visits on {}. Choose another time", describe_day(choice.date)),
        ),
        Some(SlotState::OutsideWindow) => (
            FieldErrorCode::SlotOutsideWindow,
            format!("The visit on {when} cannot be requested now. Choose a time from the calendar"),
        ),
        Some(SlotState::FullyBooked) => (
            FieldErrorCode::SlotFullyBooked,
            format!("The visit time you chose on {when} is now fully booked. Choose another time"),
        ),
    };
    FieldError::new(format!("slots[{i}]"), code, message)
}

/// The visitor's most wanted choice that can still be booked, for prisons that book instantly.
pub fn first_available_choice(choices: &[Slot], days: &[AvailabilityDay]) -> Option<Slot> {
    choices.iter().copied().find(|choice| find(days, choice).is_some_and(|s| s.state == SlotState::Available))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VisitingRules;
    use crate::calendar::BankHolidays;
    use chrono::Days;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn weekly(weekday: Weekday, start: (u32, u32), end: (u32, u32), capacity: u32) -> WeeklySlot {
        WeeklySlot {
            weekday,
            start: time(start.0, start.1),
            end: time(end.0, end.1),
            capacity,
            closed_capacity: 0,
            valid_from: None,
            valid_to: None,
        }
    }

    /// Tuesday and Saturday afternoons, and a Tuesday morning.
    fn timetable() -> Timetable {
        Timetable {
            weekly: vec![
                weekly(Weekday::Tue, (14, 0), (16, 10), 10),
                weekly(Weekday::Sat, (14, 0), (16, 0), 20),
                weekly(Weekday::Tue, (9, 30), (11, 0), 5),
            ],
            closed_dates: BTreeSet::from([date(2026, 12, 22)]),
            replacements: vec![DateSlot {
                date: date(2026, 12, 19),
                start: time(10, 0),
                end: time(15, 0),
                capacity: 40,
                closed_capacity: 0,
            }],
        }
    }

    fn window(today: NaiveDate) -> BookingWindow {
        BookingWindow::new(today, &VisitingRules::default(), BankHolidays::bundled())
    }

    fn slot(d: NaiveDate, start: (u32, u32), end: (u32, u32)) -> Slot {
        Slot::new(d, time(start.0, start.1), time(end.0, end.1))
    }

    #[test]
    fn visit_times_that_the_clock_change_skips_or_repeats_are_refused() {
        let fields = |errors: Vec<FieldError>| errors.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>();
        // A Sunday starting at 01:30: on the last Sunday of March it never happens, in October twice.
        assert_eq!(
            fields(weekly(Weekday::Sun, (1, 30), (3, 0), 5).validate()),
            [("start".into(), FieldErrorCode::InvalidTime)]
        );
        assert_eq!(
            fields(weekly(Weekday::Sun, (0, 0), (1, 0), 5).validate()),
            [("end".into(), FieldErrorCode::InvalidTime)]
        );
        assert!(weekly(Weekday::Sat, (1, 30), (3, 0), 5).validate().is_empty(), "no clock change on Saturdays");
        assert!(weekly(Weekday::Sun, (0, 0), (2, 0), 5).validate().is_empty(), "02:00 is always one moment");
        let on =
            |date: NaiveDate| DateSlot { date, start: time(1, 15), end: time(4, 0), capacity: 5, closed_capacity: 0 };
        assert_eq!(fields(on(date(2027, 3, 28)).validate()), [("start".into(), FieldErrorCode::InvalidTime)]);
        assert_eq!(fields(on(date(2026, 10, 25)).validate()), [("start".into(), FieldErrorCode::InvalidTime)]);
        assert!(on(date(2026, 11, 1)).validate().is_empty(), "an ordinary Sunday");
        assert!(crate::calendar::is_one_london_moment(date(2026, 10, 25), time(2, 0)));
        assert!(!crate::calendar::is_one_london_moment(date(2026, 10, 25), time(1, 59)));
    }

    #[test]
    fn weekly_slots_run_on_their_weekday_in_start_time_order() {
        let slots = timetable().slots_on(date(2026, 12, 1));
        let times: Vec<_> = slots.iter().map(|s| (s.slot.start, s.capacity, s.closed)).collect();
        assert_eq!(times, vec![(time(9, 30), 5, false), (time(14, 0), 10, false)]);
        assert!(timetable().slots_on(date(2026, 12, 2)).is_empty(), "no visits on Wednesdays");
    }

    #[test]
    fn replacement_slots_take_the_place_of_that_dates_weekly_ones() {
        let slots = timetable().slots_on(date(2026, 12, 19));
        assert_eq!(slots.len(), 1);
        assert_eq!(slots[0].slot, slot(date(2026, 12, 19), (10, 0), (15, 0)));
        assert_eq!(slots[0].capacity, 40);
        assert_eq!(timetable().slots_on(date(2026, 12, 26))[0].slot.start, time(14, 0), "only that one Saturday");
    }

    #[test]
    fn a_closed_date_still_lists_its_slots_marked_closed() {
        let slots = timetable().slots_on(date(2026, 12, 22));
        assert_eq!(slots.len(), 2);
        assert!(slots.iter().all(|s| s.closed));
    }

    #[test]
    fn a_weekly_slot_runs_only_between_its_first_and_last_dates() {
        let mut t = Timetable::default();
        t.weekly.push(WeeklySlot {
            valid_from: Some(date(2026, 12, 8)),
            valid_to: Some(date(2026, 12, 15)),
            ..weekly(Weekday::Tue, (14, 0), (16, 0), 10)
        });
        let dates: Vec<_> = t.slots_between(date(2026, 11, 1), date(2027, 1, 31)).iter().map(|s| s.slot.date).collect();
        assert_eq!(dates, vec![date(2026, 12, 8), date(2026, 12, 15)]);
    }

    #[test]
    fn slots_between_two_dates_are_in_date_and_time_order() {
        let slots = timetable().slots_between(date(2026, 12, 1), date(2026, 12, 8));
        let got: Vec<_> = slots.iter().map(|s| (s.slot.date, s.slot.start)).collect();
        assert_eq!(
            got,
            vec![
                (date(2026, 12, 1), time(9, 30)),
                (date(2026, 12, 1), time(14, 0)),
                (date(2026, 12, 5), time(14, 0)),
                (date(2026, 12, 8), time(9, 30)),
                (date(2026, 12, 8), time(14, 0)),
            ]
        );
        assert!(timetable().slots_between(date(2026, 12, 8), date(2026, 12, 1)).is_empty());
    }

    #[test]
    fn availability_shows_each_slots_state_and_places_left() {
        // Today Monday 30 November: the first bookable date is Friday 4 December, the last 28 December.
        let w = window(date(2026, 11, 30));
        let full = slot(date(2026, 12, 5), (14, 0), (16, 0));
        let half = slot(date(2026, 12, 8), (14, 0), (16, 10));
        let booked = HashMap::from([(full, 20), (half, 4)]);
        let days = availability(&w, &timetable(), date(2026, 12, 1), date(2026, 12, 31), &booked);
        let state = |s: Slot| find(&days, &s).map(|a| (a.state, a.places_left));

        assert_eq!(state(slot(date(2026, 12, 1), (14, 0), (16, 10))), Some((SlotState::OutsideWindow, 0)));
        assert_eq!(state(full), Some((SlotState::FullyBooked, 0)));
        assert_eq!(state(half), Some((SlotState::Available, 6)));
        assert_eq!(state(slot(date(2026, 12, 8), (9, 30), (11, 0))), Some((SlotState::Available, 5)));
        assert_eq!(state(slot(date(2026, 12, 22), (14, 0), (16, 10))), Some((SlotState::Closed, 0)));
        assert_eq!(state(slot(date(2026, 12, 29), (14, 0), (16, 10))), Some((SlotState::OutsideWindow, 0)));
        assert!(days.iter().find(|d| d.date == date(2026, 12, 22)).unwrap().closed);
        assert!(days.iter().all(|d| !d.slots.is_empty()), "dates without slots are left out");
        assert!(days.iter().all(|d| d.date.weekday() == Weekday::Tue || d.date.weekday() == Weekday::Sat));
    }

    #[test]
    fn a_slot_with_no_open_places_is_fully_booked() {
        let mut t = Timetable::default();
        t.weekly.push(WeeklySlot { closed_capacity: 2, ..weekly(Weekday::Fri, (14, 0), (16, 0), 0) });
        let w = window(date(2026, 11, 30));
        let days = availability(&w, &t, date(2026, 12, 4), date(2026, 12, 4), &HashMap::new());
        assert_eq!(days[0].slots[0].state, SlotState::FullyBooked);
    }

    #[test]
    fn choices_that_cannot_be_requested_are_reported_one_by_one_in_plain_words() {
        let w = window(date(2026, 11, 30));
        let full = slot(date(2026, 12, 5), (14, 0), (16, 0));
        let days = availability(&w, &timetable(), date(2026, 11, 30), date(2027, 1, 31), &HashMap::from([(full, 20)]));
        let choices = [
            slot(date(2026, 12, 8), (14, 0), (16, 10)),
            full,
            slot(date(2026, 12, 22), (14, 0), (16, 10)),
            slot(date(2026, 12, 1), (14, 0), (16, 10)),
            slot(date(2026, 12, 9), (14, 0), (16, 10)),
        ];
        let errors = check_slot_choices(&choices, &days);
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("slots[1]", FieldErrorCode::SlotFullyBooked),
                ("slots[2]", FieldErrorCode::SlotClosed),
                ("slots[3]", FieldErrorCode::SlotOutsideWindow),
                ("slots[4]", FieldErrorCode::SlotNotOffered),
            ]
        );
        assert_eq!(
            errors[0].message,
            "The visit time you chose on Saturday 5 December at 2pm is now fully booked. Choose another time"
        );
        assert_eq!(first_available_choice(&choices[1..], &days), None);
        assert_eq!(first_available_choice(&choices, &days), Some(choices[0]));
    }

    #[test]
    fn only_full_times_can_be_waited_for_and_a_time_with_places_is_refused_as_such() {
        let w = window(date(2026, 11, 30));
        let full = slot(date(2026, 12, 5), (14, 0), (16, 0));
        let days = availability(&w, &timetable(), date(2026, 11, 30), date(2027, 1, 31), &HashMap::from([(full, 20)]));
        let choices = [full, slot(date(2026, 12, 8), (14, 0), (16, 10)), slot(date(2026, 12, 22), (14, 0), (16, 10))];
        let errors = check_waiting_list_choices(&choices, &days);
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(got, vec![("slots[1]", FieldErrorCode::SlotHasPlaces), ("slots[2]", FieldErrorCode::SlotClosed)]);
        assert_eq!(
            errors[0].message,
            "The visit on Tuesday 8 December at 2pm still has places. Request it instead of joining the waiting list"
        );
        assert!(check_waiting_list_choices(&[full], &days).is_empty());
    }

    #[test]
    fn timetable_mistakes_are_all_reported_with_their_place() {
        let t = Timetable {
            weekly: vec![
                weekly(Weekday::Mon, (14, 0), (16, 0), 10),
                weekly(Weekday::Mon, (16, 0), (14, 0), 5000),
                WeeklySlot { valid_from: Some(date(2027, 1, 1)), ..weekly(Weekday::Mon, (14, 0), (16, 0), 10) },
                WeeklySlot {
                    valid_from: Some(date(2027, 1, 1)),
                    valid_to: Some(date(2026, 1, 1)),
                    ..weekly(Weekday::Tue, (14, 0), (16, 0), 0)
                },
            ],
            closed_dates: BTreeSet::new(),
            replacements: vec![
                DateSlot {
                    date: date(2026, 12, 19),
                    start: time(10, 0),
                    end: time(15, 0),
                    capacity: 4,
                    closed_capacity: 0,
                },
                DateSlot {
                    date: date(2026, 12, 19),
                    start: time(10, 0),
                    end: time(15, 0),
                    capacity: 4,
                    closed_capacity: 0,
                },
            ],
        };
        let got: Vec<_> = t.validate().into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("weekly[1].end".to_string(), FieldErrorCode::InvalidTime),
                ("weekly[1].capacity".to_string(), FieldErrorCode::OutOfRange),
                ("weekly[2]".to_string(), FieldErrorCode::DuplicateSlot),
                ("weekly[3].capacity".to_string(), FieldErrorCode::OutOfRange),
                ("weekly[3].valid_to".to_string(), FieldErrorCode::InvalidDate),
                ("replacements[1]".to_string(), FieldErrorCode::DuplicateSlot),
            ]
        );
        assert!(timetable().validate().is_empty());
    }

    #[test]
    fn a_weekly_slot_replaced_from_a_date_does_not_clash_with_its_successor() {
        let t = Timetable {
            weekly: vec![
                WeeklySlot { valid_to: Some(date(2026, 12, 31)), ..weekly(Weekday::Mon, (14, 0), (16, 0), 10) },
                WeeklySlot { valid_from: Some(date(2027, 1, 1)), ..weekly(Weekday::Mon, (14, 0), (16, 0), 12) },
            ],
            ..Timetable::default()
        };
        assert!(t.validate().is_empty());
    }

    #[test]
    fn a_timetable_travels_as_json_with_times_written_as_hours_and_minutes() {
        let json = serde_json::to_value(timetable()).unwrap();
        assert_eq!(json["weekly"][0]["weekday"], "Tue");
        assert_eq!(json["weekly"][0]["start"], "14:00");
        assert_eq!(json["closed_dates"][0], "2026-12-22");
        let back: Timetable = serde_json::from_value(json).unwrap();
        assert_eq!(back, timetable());
        let minimal: Timetable =
            serde_json::from_str(r#"{"weekly":[{"weekday":"Mon","start":"14:00","end":"16:00","capacity":3}]}"#)
                .unwrap();
        assert_eq!(minimal.weekly[0], weekly(Weekday::Mon, (14, 0), (16, 0), 3));
    }

    fn any_weekly() -> impl Strategy<Value = WeeklySlot> {
        (0u8..7, 8u32..18, 1u32..4, 0u32..15, 0u32..3, proptest::option::of(0u64..120), proptest::option::of(0u64..120))
            .prop_map(|(day, hour, length, capacity, closed_capacity, from, to)| WeeklySlot {
                weekday: Weekday::try_from(day).unwrap(),
                start: time(hour, 0),
                end: time(hour + length, 0),
                capacity,
                closed_capacity,
                valid_from: from.map(|n| date(2026, 10, 1) + Days::new(n)),
                valid_to: to.map(|n| date(2026, 10, 1) + Days::new(n)),
            })
    }

    fn any_timetable() -> impl Strategy<Value = Timetable> {
        (
            proptest::collection::vec(any_weekly(), 0..6),
            proptest::collection::btree_set(0u64..120, 0..10),
            proptest::collection::vec((0u64..120, 8u32..18, 0u32..10), 0..4),
        )
            .prop_map(|(weekly, closed, replacements)| Timetable {
                weekly,
                closed_dates: closed.into_iter().map(|n| date(2026, 10, 1) + Days::new(n)).collect(),
                replacements: replacements
                    .into_iter()
                    .map(|(n, hour, capacity)| DateSlot {
                        date: date(2026, 10, 1) + Days::new(n),
                        start: time(hour, 0),
                        end: time(hour + 1, 0),
                        capacity,
                        closed_capacity: 0,
                    })
                    .collect(),
            })
    }

    proptest! {
        #[test]
        fn availability_never_offers_what_cannot_be_booked(
            timetable in any_timetable(),
            today_offset in 0u64..90,
            from_offset in 0u64..120,
            length in 0u64..60,
            weekend_processing in any::<bool>(),
            bookings in proptest::collection::vec(0u32..20, 0..200),
        ) {
            let today = date(2026, 10, 1) + Days::new(today_offset);
            let rules = VisitingRules { weekend_processing, ..VisitingRules::default() };
            let window = BookingWindow::new(today, &rules, BankHolidays::bundled());
            let from = date(2026, 10, 1) + Days::new(from_offset);
            let to = from + Days::new(length);
            let slots = timetable.slots_between(from, to);
            let booked: HashMap<Slot, u32> = slots.iter().zip(bookings).map(|(s, n)| (s.slot, n)).collect();
            let capacity: HashMap<Slot, u32> = slots.iter().map(|s| (s.slot, s.capacity)).collect();

            for day in availability(&window, &timetable, from, to, &booked) {
                prop_assert!(!day.slots.is_empty());
                prop_assert_eq!(day.closed, timetable.closed_dates.contains(&day.date));
                for s in day.slots {
                    prop_assert!(s.places_left <= capacity[&s.slot]);
                    if s.state == SlotState::Available {
                        prop_assert!(s.slot.date >= window.first_bookable);
                        prop_assert!(s.slot.date <= window.last_bookable);
                        prop_assert!(!timetable.closed_dates.contains(&s.slot.date));
                        prop_assert!(s.places_left > 0);
                        prop_assert_eq!(s.places_left, capacity[&s.slot] - booked.get(&s.slot).copied().unwrap_or(0));
                    } else {
                        prop_assert_eq!(s.places_left, 0);
                    }
                }
            }
        }

        #[test]
        fn slots_between_stay_within_the_dates_asked_for_and_in_order(
            timetable in any_timetable(),
            from_offset in 0u64..120,
            length in 0u64..60,
        ) {
            let from = date(2026, 10, 1) + Days::new(from_offset);
            let to = from + Days::new(length);
            let slots = timetable.slots_between(from, to);
            prop_assert!(slots.iter().all(|s| from <= s.slot.date && s.slot.date <= to));
            let keys: Vec<_> = slots.iter().map(|s| (s.slot.date, s.slot.start, s.slot.end)).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(keys, sorted, "sorted, and each slot once");
            prop_assert!(slots.iter().all(|s| s.closed == timetable.closed_dates.contains(&s.slot.date)));
        }
    }
}
