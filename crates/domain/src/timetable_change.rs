//! Changing a prison's timetable safely: which booked visits a new timetable would leave without their slot or
//! over its capacity. Such a change is refused unless the caller confirms it, and even then the visits stay booked
//! for staff to deal with; nothing is silently dropped.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::VisitingRules;
use crate::slot::Slot;
use crate::timetable::Timetable;

/// A prison's rules and timetable, as staff read and change them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableView {
    pub prison_id: Uuid,
    pub rules: VisitingRules,
    pub timetable: Timetable,
    /// The version of these rules and timetable: send it back as `expected_version` with a change, so that a change
    /// made meanwhile by someone else is not silently overwritten.
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub version: i64,
}

/// A new timetable and rules for a prison. Set `confirm_affected` to apply a change that touches booked visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableChange {
    pub rules: VisitingRules,
    pub timetable: Timetable,
    #[serde(default)]
    pub confirm_affected: bool,
    /// The `version` the change was made from. When given and the rules or timetable have changed since, the change
    /// is refused with `conflict` and `current_version`; reload, then make the change again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub expected_version: Option<i64>,
}

/// Every date of a timetable change outside `types::DateWindow::Timetable` on `today`, under its JSON path
/// (`timetable.closed_dates[0]`, `timetable.weekly[1].valid_to`, `timetable.replacements[0].date`). The timetable's
/// own rules are `Timetable::validate`'s.
pub fn check_timetable_dates(change: &TimetableChange, today: NaiveDate) -> Vec<crate::error::FieldError> {
    use crate::types::DateWindow;
    let t = &change.timetable;
    let mut dates: Vec<(String, NaiveDate, &str)> = Vec::new();
    for (i, slot) in t.weekly.iter().enumerate() {
        if let Some(d) = slot.valid_from {
            dates.push((format!("timetable.weekly[{i}].valid_from"), d, "the first date"));
        }
        if let Some(d) = slot.valid_to {
            dates.push((format!("timetable.weekly[{i}].valid_to"), d, "the last date"));
        }
    }
    for (i, d) in t.closed_dates.iter().enumerate() {
        dates.push((format!("timetable.closed_dates[{i}]"), *d, "a closed date"));
    }
    for (i, slot) in t.replacements.iter().enumerate() {
        dates.push((format!("timetable.replacements[{i}].date"), slot.date, "the date"));
    }
    dates
        .into_iter()
        .filter_map(|(field, date, what)| DateWindow::Timetable.check(date, today, what).err().map(|e| e.under(&field)))
        .collect()
}

/// A booked visit that a timetable change touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AffectedVisit {
    pub visit_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    pub slot: Slot,
    /// Why, in words for staff.
    #[cfg_attr(feature = "openapi", schema(example = "The new timetable has no visiting at this time"))]
    pub why: String,
}

/// The result of a change that was applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableChanged {
    pub timetable: TimetableView,
    /// Booked visits the change touched (kept booked: cancel or move them as needed).
    pub affected: Vec<AffectedVisit>,
    /// References of the waiting visits that left the waiting list because the change took away every time they
    /// were waiting for (a date closed, a time removed, its open places set to 0): their visitors were told.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["4HT8W2QN"])))]
    pub waiting_list_ended: Vec<String>,
}

/// One booked visit as the check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedVisit {
    pub visit_id: Uuid,
    pub reference: String,
    pub slot: Slot,
    pub closed_visit: bool,
}

/// The booked visits (on or after `from`) that `new` would leave without their slot, or over its capacity. `booked`
/// also holds the requests holding a place offered from the waiting list, which take a place as a booking does.
pub fn affected_visits(new: &Timetable, booked: &[BookedVisit], from: NaiveDate) -> Vec<AffectedVisit> {
    let mut taken: HashMap<(Slot, bool), u32> = HashMap::new();
    for visit in booked.iter().filter(|v| v.slot.date >= from) {
        *taken.entry((visit.slot, visit.closed_visit)).or_default() += 1;
    }
    booked
        .iter()
        .filter(|v| v.slot.date >= from)
        .filter_map(|visit| {
            let runs = new.slots_on(visit.slot.date).into_iter().find(|s| s.slot == visit.slot);
            let why = match runs {
                None => "The new timetable has no visiting at this time".to_owned(),
                Some(s) if s.closed => "The new timetable closes the prison on this date".to_owned(),
                Some(s) => {
                    let capacity = if visit.closed_visit { s.closed_capacity } else { s.capacity };
                    let count = taken.get(&(visit.slot, visit.closed_visit)).copied().unwrap_or(0);
                    if count <= capacity {
                        return None;
                    }
                    let visits = match count {
                        1 => "1 visit is booked or holds a place".to_owned(),
                        n => format!("{n} visits are booked or hold a place"),
                    };
                    let places = if capacity == 1 { "1 place".to_owned() } else { format!("{capacity} places") };
                    format!("{visits} here but the new timetable has {places}")
                }
            };
            Some(AffectedVisit { visit_id: visit.visit_id, reference: visit.reference.clone(), slot: visit.slot, why })
        })
        .collect()
}

/// The places every slot has under `new`, for each slot a booking could be taking a place in while the change is
/// made: the slots of the old and the new timetable on each date from `from` to `to`, and `existing` slots (those
/// that have a usage row) on or after `from`. A slot `new` does not run, or runs on a closed date, has no places.
/// Sorted by slot, without repeats; each entry is (slot, open places, closed-visit places).
///
/// Stamping these before reading the booked visits is what makes a change see every booking made meanwhile (see
/// the api crate's `storage::places`); `to` must reach the last date anything can be booked for.
pub fn capacities_after_change(
    old: &Timetable,
    new: &Timetable,
    existing: &[Slot],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(Slot, u32, u32)> {
    let mut slots: Vec<Slot> = from
        .iter_days()
        .take_while(|date| *date <= to)
        .flat_map(|date| old.slots_on(date).into_iter().chain(new.slots_on(date)))
        .map(|s| s.slot)
        .chain(existing.iter().copied().filter(|slot| slot.date >= from))
        .collect();
    slots.sort_by_key(|slot| (slot.date, slot.start, slot.end));
    slots.dedup();
    slots
        .into_iter()
        .map(|slot| match new.slots_on(slot.date).into_iter().find(|s| s.slot == slot) {
            Some(s) if !s.closed => (slot, s.capacity, s.closed_capacity),
            _ => (slot, 0, 0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timetable::WeeklySlot;
    use chrono::{NaiveTime, Weekday};

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    fn t(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    fn fridays(capacity: u32) -> Timetable {
        Timetable {
            weekly: vec![WeeklySlot {
                weekday: Weekday::Fri,
                start: t(14),
                end: t(16),
                capacity,
                closed_capacity: 0,
                valid_from: None,
                valid_to: None,
            }],
            ..Timetable::default()
        }
    }

    fn booked(n: u128, day: u32) -> BookedVisit {
        BookedVisit {
            visit_id: Uuid::from_u128(n),
            reference: format!("REF{n}"),
            slot: Slot::new(d(day), t(14), t(16)),
            closed_visit: false,
        }
    }

    #[test]
    fn a_change_that_keeps_every_booked_visit_in_place_touches_nothing() {
        assert!(affected_visits(&fridays(2), &[booked(1, 4), booked(2, 4)], d(1)).is_empty());
    }

    #[test]
    fn shrinking_a_slot_below_its_bookings_or_removing_it_is_reported() {
        let shrunk = affected_visits(&fridays(1), &[booked(1, 4), booked(2, 4)], d(1));
        assert_eq!(shrunk.len(), 2);
        assert!(shrunk[0].why.contains("2 visits"));
        let gone = affected_visits(&Timetable::default(), &[booked(1, 4)], d(1));
        assert_eq!(gone[0].why, "The new timetable has no visiting at this time");
        let mut closed = fridays(5);
        closed.closed_dates.insert(d(4));
        assert!(affected_visits(&closed, &[booked(1, 4)], d(1))[0].why.contains("closes"));
    }

    #[test]
    fn a_change_stamps_the_new_places_on_old_new_and_booked_slots_alike() {
        let old = fridays(5);
        let mut new = Timetable {
            weekly: vec![WeeklySlot { start: t(10), end: t(12), ..fridays(3).weekly[0].clone() }],
            ..Timetable::default()
        };
        new.closed_dates.insert(d(11));
        let gone_saturday = Slot::new(d(5), t(9), t(10));
        let stamped = capacities_after_change(&old, &new, &[gone_saturday], d(1), d(11));
        assert_eq!(
            stamped,
            vec![
                (Slot::new(d(4), t(10), t(12)), 3, 0),
                (Slot::new(d(4), t(14), t(16)), 0, 0),
                (gone_saturday, 0, 0),
                (Slot::new(d(11), t(10), t(12)), 0, 0),
                (Slot::new(d(11), t(14), t(16)), 0, 0),
            ],
            "the new time with its places; the old time, a booked slot gone from both, and a closed date with none"
        );
        assert!(capacities_after_change(&old, &new, &[gone_saturday], d(6), d(10)).is_empty());
    }

    #[test]
    fn visits_before_the_change_takes_effect_are_not_affected() {
        assert!(affected_visits(&Timetable::default(), &[booked(1, 4)], d(5)).is_empty());
    }
}
