//! Limits on the visiting rules an admin can set for a prison, so that a typing mistake cannot close the booking
//! window or let a child lead a visit.

use std::ops::RangeInclusive;

use crate::api::VisitingRules;
use crate::error::{FieldError, FieldErrorCode};

/// The ages prisons count adults from.
pub const ADULT_AGES: RangeInclusive<u8> = 5..=18;
pub const MAX_VISITORS: RangeInclusive<u8> = 1..=10;
pub const BOOKING_WINDOW_DAYS: RangeInclusive<u16> = 1..=365;
pub const PROCESSING_DAYS: RangeInclusive<u8> = 0..=10;

/// Every problem with a prison's rules, with fields such as `adult_age`.
pub fn check_visiting_rules(rules: &VisitingRules) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut out_of_range = |field: &str, what: &str, low: String, high: String| {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::OutOfRange,
            format!("{what} must be between {low} and {high}"),
        ));
    };
    if !ADULT_AGES.contains(&rules.adult_age) {
        let (low, high) = (ADULT_AGES.start().to_string(), ADULT_AGES.end().to_string());
        out_of_range("adult_age", "The age adults count from", low, high);
    }
    if !MAX_VISITORS.contains(&rules.max_visitors) {
        let (low, high) = (MAX_VISITORS.start().to_string(), MAX_VISITORS.end().to_string());
        out_of_range("max_visitors", "The number of visitors", low, high);
    }
    if !(1..=rules.max_visitors.max(1)).contains(&rules.max_adults) {
        out_of_range("max_adults", "The number of adults", "1".into(), "the number of visitors".into());
    }
    if !BOOKING_WINDOW_DAYS.contains(&rules.booking_window_days) {
        let (low, high) = (BOOKING_WINDOW_DAYS.start().to_string(), BOOKING_WINDOW_DAYS.end().to_string());
        out_of_range("booking_window_days", "The number of days ahead visits can be requested", low, high);
    }
    if !PROCESSING_DAYS.contains(&rules.processing_days) {
        let (low, high) = (PROCESSING_DAYS.start().to_string(), PROCESSING_DAYS.end().to_string());
        out_of_range("processing_days", "The number of days staff have to decide a request", low, high);
    } else if u16::from(rules.processing_days) >= rules.booking_window_days {
        errors.push(FieldError::new(
            "booking_window_days",
            FieldErrorCode::OutOfRange,
            "Visits must be bookable further ahead than the days staff have to decide a request",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rules_are_acceptable() {
        assert!(check_visiting_rules(&VisitingRules::default()).is_empty());
    }

    #[test]
    fn rules_outside_the_service_limits_are_all_reported() {
        let rules = VisitingRules {
            adult_age: 4,
            max_visitors: 0,
            max_adults: 2,
            booking_window_days: 3,
            processing_days: 3,
            ..VisitingRules::default()
        };
        let fields: Vec<_> = check_visiting_rules(&rules).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["adult_age", "max_visitors", "max_adults", "booking_window_days"]);
        let more_adults_than_visitors = VisitingRules { max_visitors: 2, max_adults: 3, ..VisitingRules::default() };
        let errors = check_visiting_rules(&more_adults_than_visitors);
        assert_eq!(errors[0].message, "The number of adults must be between 1 and the number of visitors");
    }
}
