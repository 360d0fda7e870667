//! Visit reminders: when a booked visit's reminder falls due, from the prison's lead time in days (issue 14).

use chrono::{DateTime, Duration, Utc};

use crate::calendar::{london_to_utc, slot_starts_at};
use crate::slot::Slot;

/// The lead time a prison starts with: a reminder 2 days before the visit (issue 14).
pub const DEFAULT_REMINDER_DAYS: u8 = 2;
/// The longest lead time a prison may choose, in days. Longer than the usual gap between booking and visit would
/// make every reminder go out with the booking.
pub const MAX_REMINDER_DAYS: u8 = 14;

/// Whether `days` is a lead time a prison may choose: 0 (reminders off) or 1 to [`MAX_REMINDER_DAYS`].
pub fn is_valid_reminder_days(days: u8) -> bool {
    days <= MAX_REMINDER_DAYS
}

/// When the reminder of a visit at `slot` falls due with a lead time of `days` days: the same UK wall-clock time
/// `days` calendar days before the visit starts (so 14:00 two days before a 14:00 visit, whatever the clocks did in
/// between). `None` when reminders are off (`days` is 0).
pub fn reminder_due_at(slot: &Slot, days: u8) -> Option<DateTime<Utc>> {
    if days == 0 {
        return None;
    }
    let date = slot.date - Duration::days(i64::from(days));
    Some(london_to_utc(date, slot.start))
}

/// Whether the reminder of a visit at `slot` is to be sent at `now`: reminders are on, the due time has come, and the
/// visit has not started. A visit booked after its due time (booked tomorrow with a 2-day lead) is reminded at once.
pub fn reminder_is_due(slot: &Slot, days: u8, now: DateTime<Utc>) -> bool {
    reminder_due_at(slot, days).is_some_and(|due| now >= due) && now < slot_starts_at(slot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime, TimeZone};

    fn slot(y: i32, m: u32, d: u32, h: u32) -> Slot {
        Slot::new(
            NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(h + 2, 0, 0).unwrap(),
        )
    }

    #[test]
    fn due_the_same_uk_time_days_before_even_across_the_clock_change() {
        // Tuesday 30 March 2027 at 14:00 BST; two days before is Sunday 28 March, the day the clocks go forward.
        let visit = slot(2027, 3, 30, 14);
        assert_eq!(reminder_due_at(&visit, 2), Some(Utc.with_ymd_and_hms(2027, 3, 28, 13, 0, 0).unwrap()));
        // Three days before is still GMT: 14:00 is 14:00 UTC.
        assert_eq!(reminder_due_at(&visit, 3), Some(Utc.with_ymd_and_hms(2027, 3, 27, 14, 0, 0).unwrap()));
    }

    #[test]
    fn off_is_never_due() {
        let visit = slot(2026, 12, 4, 14);
        assert_eq!(reminder_due_at(&visit, 0), None);
        assert!(!reminder_is_due(&visit, 0, Utc.with_ymd_and_hms(2026, 12, 4, 13, 0, 0).unwrap()));
    }

    #[test]
    fn due_from_the_lead_time_until_the_visit_starts() {
        let visit = slot(2026, 12, 4, 14);
        let at = |d, h, min| Utc.with_ymd_and_hms(2026, 12, d, h, min, 0).unwrap();
        assert!(!reminder_is_due(&visit, 2, at(2, 13, 59)));
        assert!(reminder_is_due(&visit, 2, at(2, 14, 0)));
        // Booked late, inside the lead time: due at once.
        assert!(reminder_is_due(&visit, 2, at(3, 9, 0)));
        assert!(reminder_is_due(&visit, 2, at(4, 13, 59)));
        assert!(!reminder_is_due(&visit, 2, at(4, 14, 0)), "the visit has started");
    }

    #[test]
    fn lead_times_from_off_to_two_weeks_are_valid() {
        assert!((0..=14).all(is_valid_reminder_days));
        assert!(!is_valid_reminder_days(15));
    }
}
