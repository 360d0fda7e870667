//! Who can go on a visit together: a lead visitor of 18 or over, and no more people or adults than the prison allows.
//! The client runs the same checks as the visitor fills in the form; the server runs them again on submission.

use chrono::NaiveDate;

use crate::api::VisitingRules;
use crate::error::{FieldError, FieldErrorCode};
use crate::types::age_on;

/// The lead visitor signs for the visit, so must be an adult in law whatever age the prison counts adults from.
pub const LEAD_VISITOR_MIN_AGE: u32 = 18;

/// The days a party's ages are counted on: the earliest and the latest of the chosen visit times (today, while none
/// is chosen). People only grow older, so the lead visitor is checked on the first day and adults are counted on the
/// last: a party that passes on those two days passes at every chosen time (issue 10: every rule about a person is
/// judged at the visit's date, so someone who turns 18 before the visit counts as an adult).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitDays {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl VisitDays {
    /// One day (today's date while no time is chosen).
    pub fn on(day: NaiveDate) -> VisitDays {
        VisitDays { first: day, last: day }
    }

    /// The first and last of `dates`, or `fallback` when there are none.
    pub fn of(dates: impl IntoIterator<Item = NaiveDate>, fallback: NaiveDate) -> VisitDays {
        dates
            .into_iter()
            .fold(None, |days: Option<VisitDays>, date| {
                Some(match days {
                    None => VisitDays::on(date),
                    Some(d) => VisitDays { first: d.first.min(date), last: d.last.max(date) },
                })
            })
            .unwrap_or(VisitDays::on(fallback))
    }
}

/// Checks a party whose dates of birth are all known, with ages counted on the visit's days.
pub fn check_party(
    lead_dob: NaiveDate,
    other_dobs: &[NaiveDate],
    rules: &VisitingRules,
    days: VisitDays,
) -> Vec<FieldError> {
    let others: Vec<Option<NaiveDate>> = other_dobs.iter().copied().map(Some).collect();
    check_party_in_progress(Some(lead_dob), &others, rules, days)
}

/// Checks what can be checked of a party still being filled in (or with some dates of birth refused):
/// `None` is a visitor whose date of birth is not known. Everyone counts towards the number of visitors;
/// only known dates of birth count towards adults. Ages are counted on the visit's days (see [`VisitDays`]).
pub fn check_party_in_progress(
    lead_dob: Option<NaiveDate>,
    other_dobs: &[Option<NaiveDate>],
    rules: &VisitingRules,
    days: VisitDays,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if lead_dob.is_some_and(|dob| age_on(dob, days.first) < LEAD_VISITOR_MIN_AGE) {
        errors.push(FieldError::new(
            "lead_visitor.date_of_birth",
            FieldErrorCode::LeadVisitorUnder18,
            format!("The lead visitor must be {LEAD_VISITOR_MIN_AGE} or over"),
        ));
    }
    let total = 1 + other_dobs.len();
    if total > usize::from(rules.max_visitors) {
        errors.push(too_many_visitors(rules));
    }
    let adults =
        std::iter::once(&lead_dob).chain(other_dobs).flatten().filter(|dob| is_adult(**dob, rules, days.last)).count();
    if adults > usize::from(rules.max_adults) {
        errors.push(FieldError::new("other_visitors", FieldErrorCode::TooManyAdults, adults_limit_sentence(rules)));
    }
    errors
}

/// Whether someone counts as an adult at this prison on `today`.
pub fn is_adult(dob: NaiveDate, rules: &VisitingRules, today: NaiveDate) -> bool {
    age_on(dob, today) >= u32::from(rules.adult_age)
}

/// The error for a party larger than the prison allows, filed under `other_visitors`.
pub fn too_many_visitors(rules: &VisitingRules) -> FieldError {
    FieldError::new("other_visitors", FieldErrorCode::TooManyVisitors, visitors_limit_sentence(rules))
}

fn adults_phrase(rules: &VisitingRules) -> String {
    format!("people aged {} or over", rules.adult_age)
}

fn visitors_limit_sentence(rules: &VisitingRules) -> String {
    match rules.max_visitors {
        0 | 1 => "You cannot bring anyone else on a visit to this prison".to_string(),
        n => format!("Up to {n} people can visit at one time, including you"),
    }
}

fn adults_limit_sentence(rules: &VisitingRules) -> String {
    match rules.max_adults {
        0 | 1 => format!("You cannot bring another adult ({}) on a visit to this prison", adults_phrase(rules)),
        n => format!("Up to {n} adults ({}) can visit at one time, including you", adults_phrase(rules)),
    }
}

/// The prison's limits in plain words, for the page where visitors add the people coming with them.
pub fn describe_limits(rules: &VisitingRules) -> String {
    format!(
        "{}. {}. The lead visitor must be {LEAD_VISITOR_MIN_AGE} or over.",
        visitors_limit_sentence(rules),
        adults_limit_sentence(rules)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    const ADULT: NaiveDate = NaiveDate::from_ymd_opt(1980, 7, 1).unwrap();
    const CHILD: NaiveDate = NaiveDate::from_ymd_opt(2015, 3, 9).unwrap();
    const TEENAGER: NaiveDate = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap();

    fn codes(errors: &[FieldError]) -> Vec<(&str, FieldErrorCode)> {
        errors.iter().map(|e| (e.field.as_str(), e.code)).collect()
    }

    #[test]
    fn an_adult_with_five_children_is_a_valid_party() {
        assert!(check_party(ADULT, &[CHILD; 5], &VisitingRules::default(), VisitDays::on(TODAY)).is_empty());
    }

    #[test]
    fn the_lead_visitor_must_be_eighteen_even_where_adults_count_from_ten() {
        let rules = VisitingRules { adult_age: 10, ..VisitingRules::default() };
        let seventeen = date(2008, 11, 27);
        let errors = check_party(seventeen, &[], &rules, VisitDays::on(TODAY));
        assert_eq!(codes(&errors), vec![("lead_visitor.date_of_birth", FieldErrorCode::LeadVisitorUnder18)]);
        assert!(
            check_party(date(2008, 11, 26), &[], &rules, VisitDays::on(TODAY)).is_empty(),
            "18 today is old enough"
        );
    }

    #[test]
    fn seven_visitors_are_too_many_for_the_default_rules() {
        let errors = check_party(ADULT, &[CHILD; 6], &VisitingRules::default(), VisitDays::on(TODAY));
        assert_eq!(codes(&errors), vec![("other_visitors", FieldErrorCode::TooManyVisitors)]);
        assert_eq!(errors[0].message, "Up to 6 people can visit at one time, including you");
    }

    #[test]
    fn four_adults_are_too_many_and_the_lead_visitor_counts_as_one() {
        let errors = check_party(ADULT, &[ADULT; 3], &VisitingRules::default(), VisitDays::on(TODAY));
        assert_eq!(codes(&errors), vec![("other_visitors", FieldErrorCode::TooManyAdults)]);
        assert_eq!(errors[0].message, "Up to 3 adults (people aged 18 or over) can visit at one time, including you");
        assert!(check_party(ADULT, &[ADULT; 2], &VisitingRules::default(), VisitDays::on(TODAY)).is_empty());
    }

    #[test]
    fn the_prisons_adult_age_decides_who_counts_as_an_adult() {
        let rules = VisitingRules { adult_age: 10, ..VisitingRules::default() };
        assert!(check_party(ADULT, &[ADULT, TEENAGER], &VisitingRules::default(), VisitDays::on(TODAY)).is_empty());
        let errors = check_party(ADULT, &[ADULT, TEENAGER, TEENAGER], &rules, VisitDays::on(TODAY));
        assert_eq!(codes(&errors), vec![("other_visitors", FieldErrorCode::TooManyAdults)]);
        assert!(errors[0].message.contains("people aged 10 or over"));
    }

    #[test]
    fn ages_are_counted_on_the_days_of_the_visit_not_today() {
        let rules = VisitingRules::default();
        // Turns 18 on 10 December: a child today, an adult at a visit on the 11th.
        let turning_18 = date(2008, 12, 10);
        let visit = date(2026, 12, 11);
        assert!(check_party(ADULT, &[ADULT, ADULT, turning_18], &rules, VisitDays::on(TODAY)).is_empty());
        let errors = check_party(ADULT, &[ADULT, ADULT, turning_18], &rules, VisitDays::on(visit));
        assert_eq!(codes(&errors), vec![("other_visitors", FieldErrorCode::TooManyAdults)], "4 adults would arrive");
        // Adults are counted on the last chosen day, the lead visitor's age on the first.
        let days = VisitDays::of([date(2026, 12, 4), visit], TODAY);
        assert_eq!(days, VisitDays { first: date(2026, 12, 4), last: visit });
        assert_eq!(codes(&check_party(ADULT, &[ADULT, ADULT, turning_18], &rules, days)).len(), 1);
        assert_eq!(
            codes(&check_party(turning_18, &[], &rules, days)),
            vec![("lead_visitor.date_of_birth", FieldErrorCode::LeadVisitorUnder18)],
            "still 17 at the first chosen time"
        );
        assert!(check_party(turning_18, &[], &rules, VisitDays::on(visit)).is_empty());
    }

    #[test]
    fn visitors_whose_age_is_unknown_still_count_towards_the_total() {
        let errors = check_party_in_progress(None, &[None; 6], &VisitingRules::default(), VisitDays::on(TODAY));
        assert_eq!(codes(&errors), vec![("other_visitors", FieldErrorCode::TooManyVisitors)]);
        let errors = check_party_in_progress(
            Some(ADULT),
            &[Some(ADULT), None, Some(ADULT)],
            &VisitingRules::default(),
            VisitDays::on(TODAY),
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn the_limits_are_described_with_the_prisons_own_numbers() {
        let rules = VisitingRules { max_visitors: 4, max_adults: 2, adult_age: 16, ..VisitingRules::default() };
        assert_eq!(
            describe_limits(&rules),
            "Up to 4 people can visit at one time, including you. Up to 2 adults (people aged 16 or over) can visit at \
             one time, including you. The lead visitor must be 18 or over."
        );
        let solo = VisitingRules { max_visitors: 1, max_adults: 1, ..VisitingRules::default() };
        assert!(describe_limits(&solo).starts_with("You cannot bring anyone else"));
    }
}
