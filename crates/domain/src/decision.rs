//! What staff decide about a visit request (grant one of the chosen times, or reject with reasons), and a staff
//! cancellation of a booked visit: the wire shapes, every rule they must follow, and what the decision comes to once
//! per-visitor exclusions are applied.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, FieldErrorCode};
use crate::slot::Slot;
use crate::types::{DateWindow, TextKind, parse_optional_text};
use crate::visit::{CancellationReason, RejectionReason, VisitState, VisitorOutcome, outcome_of_visitor_exclusions};

/// Longest booking reference of the prison's own, in characters.
pub const MAX_BOOKING_REFERENCE_CHARS: usize = 30;
/// Longest message to the visitor, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// Longest internal detail of a rejection reason, in characters.
pub const MAX_DETAIL_CHARS: usize = 500;

/// The code of a reason or visitor given twice. There is no `duplicate` code yet (`error.rs` is shared), so this
/// borrows the nearest one; change it here alone when a dedicated code exists.
pub const DUPLICATE_CODE: FieldErrorCode = FieldErrorCode::OutOfRange;

/// The internal detail recorded when a grant becomes a rejection because the lead visitor cannot come.
pub const LEAD_EXCLUDED_DETAIL: &str = "The lead visitor was excluded, so the visit could not go ahead";
/// The internal detail recorded when a grant becomes a rejection because nobody is left to come.
pub const ALL_EXCLUDED_DETAIL: &str = "Every visitor was excluded, so the visit could not go ahead";

/// One reason for a rejection, with what goes beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectionReasonInput {
    pub reason: RejectionReason,
    /// The date the prisoner's visiting allowance renews. Required for `no_allowance`; ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date, example = "2026-12-07"))]
    pub allowance_renews_on: Option<NaiveDate>,
    /// An internal note the visitor never sees, at most 500 characters. Required for `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Prisoner on a closed-visits restriction until review", max_length = 500)
    )]
    pub detail: Option<String>,
}

/// Staff exclude one visitor from the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorOutcomeInput {
    /// The visitor's position in the request: 0 is the lead visitor (a request has at most 10 visitors).
    #[cfg_attr(feature = "openapi", schema(example = 1, maximum = 9))]
    pub visitor_index: usize,
    pub outcome: VisitorOutcome,
}

/// A staff decision on a visit request. If the lead visitor is excluded, or every visitor is, a grant is recorded
/// as a rejection (`visitor_banned` if any exclusion is a ban, else `visitor_not_on_contact_list` if any is that,
/// else `other`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DecisionRequest {
    /// Book one of the times the visitor chose.
    Grant {
        /// Must be one of the visitor's chosen slots.
        slot: Slot,
        /// True for a closed visit (no contact, across a screen).
        #[serde(default)]
        closed_visit: bool,
        /// The prison's own reference for the booking, at most 30 characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(example = "RCI-2026-0412", max_length = 30))]
        booking_reference: Option<String>,
        /// Visitors who cannot come; the others still can.
        #[serde(default)]
        visitor_outcomes: Vec<VisitorOutcomeInput>,
        /// A message to the visitor, at most 1000 characters, sent with the confirmation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(
            feature = "openapi",
            schema(example = "Please bring photo ID for every adult visitor.", max_length = 1000)
        )]
        message: Option<String>,
        /// The `version` staff saw; the decision is refused with `conflict` if the visit changed since.
        #[cfg_attr(feature = "openapi", schema(example = 1))]
        expected_version: i32,
    },
    /// Turn the request down.
    Reject {
        /// At least one, each at most once.
        #[cfg_attr(feature = "openapi", schema(min_items = 1))]
        reasons: Vec<RejectionReasonInput>,
        /// Visitors who could not have come, recorded for the prison's history.
        #[serde(default)]
        visitor_outcomes: Vec<VisitorOutcomeInput>,
        /// A message to the visitor, at most 1000 characters, sent with the rejection.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(
            feature = "openapi",
            schema(example = "You can request a visit again from 7 December.", max_length = 1000)
        )]
        message: Option<String>,
        /// The `version` staff saw; the decision is refused with `conflict` if the visit changed since.
        #[cfg_attr(feature = "openapi", schema(example = 1))]
        expected_version: i32,
    },
}

impl DecisionRequest {
    pub fn expected_version(&self) -> i32 {
        match self {
            DecisionRequest::Grant { expected_version, .. } | DecisionRequest::Reject { expected_version, .. } => {
                *expected_version
            }
        }
    }
}

/// What a valid decision comes to. Text is trimmed and blank text is `None`; `excluded` is sorted by visitor index.
/// A `Grant` that exclusions turned into a rejection comes back as `Reject`: callers that need to tell staff so
/// compare it with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedDecision {
    Book {
        slot: Slot,
        closed_visit: bool,
        booking_reference: Option<String>,
        excluded: Vec<(usize, VisitorOutcome)>,
        message: Option<String>,
    },
    Reject {
        reasons: Vec<RejectionReasonInput>,
        excluded: Vec<(usize, VisitorOutcome)>,
        message: Option<String>,
    },
}

impl ResolvedDecision {
    /// The state the visit moves to.
    pub fn state(&self) -> VisitState {
        match self {
            ResolvedDecision::Book { .. } => VisitState::Booked,
            ResolvedDecision::Reject { .. } => VisitState::Rejected,
        }
    }
}

/// Checks a decision on a request whose visitor chose `chosen` and which has `visitor_count` visitors (lead
/// included), reporting every problem at once under JSON paths into the request. A request with no visitors at
/// all (`visitor_count` 0) has nobody to come, so a grant of it resolves to a rejection.
pub fn check_decision(
    d: &DecisionRequest,
    chosen: &[Slot],
    visitor_count: usize,
) -> Result<ResolvedDecision, Vec<FieldError>> {
    let mut errors = Vec::new();
    match d {
        DecisionRequest::Grant { slot, closed_visit, booking_reference, visitor_outcomes, message, .. } => {
            if !chosen.contains(slot) {
                errors.push(FieldError::new(
                    "slot",
                    FieldErrorCode::SlotNotOffered,
                    "Choose one of the times the visitor asked for",
                ));
            }
            let booking_reference = optional_text(
                booking_reference.as_deref(),
                "booking_reference",
                "The booking reference",
                MAX_BOOKING_REFERENCE_CHARS,
                &mut errors,
            );
            let excluded = check_visitor_outcomes(visitor_outcomes, visitor_count, &mut errors);
            let message = check_message(message.as_deref(), &mut errors);
            if !errors.is_empty() {
                return Err(errors);
            }
            let lead_excluded = excluded.iter().any(|(index, _)| *index == 0);
            match outcome_of_visitor_exclusions(lead_excluded, excluded.len(), visitor_count) {
                VisitState::Booked => Ok(ResolvedDecision::Book {
                    slot: *slot,
                    closed_visit: *closed_visit,
                    booking_reference,
                    excluded,
                    message,
                }),
                _ => {
                    let reasons = vec![reason_for_exclusions(&excluded, lead_excluded)];
                    Ok(ResolvedDecision::Reject { reasons, excluded, message })
                }
            }
        }
        DecisionRequest::Reject { reasons, visitor_outcomes, message, .. } => {
            let reasons = check_reasons(reasons, &mut errors);
            let excluded = check_visitor_outcomes(visitor_outcomes, visitor_count, &mut errors);
            let message = check_message(message.as_deref(), &mut errors);
            if errors.is_empty() { Ok(ResolvedDecision::Reject { reasons, excluded, message }) } else { Err(errors) }
        }
    }
}

/// The single reason recorded when exclusions turn a grant into a rejection.
fn reason_for_exclusions(excluded: &[(usize, VisitorOutcome)], lead_excluded: bool) -> RejectionReasonInput {
    let reason = if excluded.iter().any(|(_, o)| matches!(o, VisitorOutcome::Banned { .. })) {
        RejectionReason::VisitorBanned
    } else if excluded.iter().any(|(_, o)| *o == VisitorOutcome::NotOnContactList) {
        RejectionReason::VisitorNotOnContactList
    } else {
        RejectionReason::Other
    };
    let detail = if lead_excluded { LEAD_EXCLUDED_DETAIL } else { ALL_EXCLUDED_DETAIL };
    RejectionReasonInput { reason, allowance_renews_on: None, detail: Some(detail.to_string()) }
}

fn check_reasons(reasons: &[RejectionReasonInput], errors: &mut Vec<FieldError>) -> Vec<RejectionReasonInput> {
    if reasons.is_empty() {
        errors.push(FieldError::new("reasons", FieldErrorCode::Required, "Choose at least one reason"));
    }
    let mut seen = Vec::with_capacity(reasons.len());
    let mut resolved = Vec::with_capacity(reasons.len());
    for (i, input) in reasons.iter().enumerate() {
        let path = format!("reasons[{i}]");
        if seen.contains(&input.reason) {
            errors.push(FieldError::new(format!("{path}.reason"), DUPLICATE_CODE, "Give each reason only once"));
        }
        seen.push(input.reason);
        let allowance_renews_on = if input.reason == RejectionReason::NoAllowance {
            if input.allowance_renews_on.is_none() {
                errors.push(FieldError::new(
                    format!("{path}.allowance_renews_on"),
                    FieldErrorCode::Required,
                    "Enter the date the prisoner’s visiting allowance renews",
                ));
            }
            input.allowance_renews_on
        } else {
            None
        };
        let detail = optional_text(
            input.detail.as_deref(),
            &format!("{path}.detail"),
            "The internal note",
            MAX_DETAIL_CHARS,
            errors,
        );
        if input.reason == RejectionReason::Other && detail.is_none() && is_blank(input.detail.as_deref()) {
            errors.push(FieldError::new(
                format!("{path}.detail"),
                FieldErrorCode::Required,
                "Explain the reason in an internal note",
            ));
        }
        resolved.push(RejectionReasonInput { reason: input.reason, allowance_renews_on, detail });
    }
    resolved
}

fn check_visitor_outcomes(
    outcomes: &[VisitorOutcomeInput],
    visitor_count: usize,
    errors: &mut Vec<FieldError>,
) -> Vec<(usize, VisitorOutcome)> {
    let mut excluded: Vec<(usize, VisitorOutcome)> = Vec::with_capacity(outcomes.len());
    for (i, input) in outcomes.iter().enumerate() {
        let path = format!("visitor_outcomes[{i}].visitor_index");
        if input.visitor_index >= visitor_count {
            errors.push(FieldError::new(
                path,
                FieldErrorCode::OutOfRange,
                format!("Choose a visitor of this request (0 to {})", visitor_count.saturating_sub(1)),
            ));
        } else if excluded.iter().any(|(index, _)| *index == input.visitor_index) {
            errors.push(FieldError::new(path, DUPLICATE_CODE, "Give each visitor only one outcome"));
        } else {
            excluded.push((input.visitor_index, input.outcome));
        }
    }
    excluded.sort_by_key(|(index, _)| *index);
    excluded
}

fn check_message(message: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    optional_text(message, "message", "The message", MAX_MESSAGE_CHARS, errors)
}

fn is_blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

/// Optional free text (`types::parse_optional_text`): blank is absent; otherwise trimmed, NFC, no control, bidi or
/// invisible character, at most `max_chars` characters. Messages keep their line breaks (they have paragraphs); a
/// booking reference and a note are one line. Everything here reaches emails and the day-list CSV.
fn optional_text(
    s: Option<&str>,
    field: &str,
    what: &str,
    max_chars: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let kind = if field == "message" { TextKind::MultiLine } else { TextKind::SingleLine };
    parse_optional_text(s, what, max_chars, kind).map_err(|e| errors.push(e.under(field))).ok().flatten()
}

/// The dates in a decision, each within what makes sense on `today` (`types::DateWindow`): an allowance renews
/// within a year, a ban ends within 25 years. Errors are under the decision's JSON paths. The rules of the
/// decision itself are `check_decision`'s; this keeps impossible dates (year -100000) away from the database.
pub fn check_decision_dates(d: &DecisionRequest, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let (reasons, outcomes): (&[RejectionReasonInput], &[VisitorOutcomeInput]) = match d {
        DecisionRequest::Grant { visitor_outcomes, .. } => (&[], visitor_outcomes),
        DecisionRequest::Reject { reasons, visitor_outcomes, .. } => (reasons, visitor_outcomes),
    };
    for (i, reason) in reasons.iter().enumerate() {
        if let Some(date) = reason.allowance_renews_on
            && let Err(e) = DateWindow::AllowanceRenewal.check(date, today, "the date the allowance renews")
        {
            errors.push(e.under(&format!("reasons[{i}].allowance_renews_on")));
        }
    }
    for (i, outcome) in outcomes.iter().enumerate() {
        if let Some(until) = outcome.outcome.until()
            && let Err(e) = DateWindow::BanEnd.check(until, today, "the last day of the ban")
        {
            errors.push(e.under(&format!("visitor_outcomes[{i}].outcome.until")));
        }
    }
    errors
}

/// A one-off message from staff to the visitor, sent by email and shown on the visit's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMessageRequest {
    /// At most 1000 characters; line breaks are kept.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "The car park is closed on Saturday: please use the one on Mill Lane.",
            min_length = 1,
            max_length = 1000
        )
    )]
    pub text: String,
}

/// The message trimmed, or the field errors.
pub fn check_staff_message(m: &StaffMessageRequest) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    match check_message(Some(&m.text), &mut errors) {
        Some(text) if errors.is_empty() => Ok(text),
        _ => {
            if errors.is_empty() {
                errors.push(FieldError::new("text", FieldErrorCode::Required, "Write the message"));
            }
            for e in &mut errors {
                e.field = "text".into();
            }
            Err(errors)
        }
    }
}

/// Staff cancel a booked visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCancelRequest {
    /// One of the staff reasons (every reason except `visitor_cancelled`).
    pub reason: CancellationReason,
    /// A message to the visitor, at most 1000 characters, sent with the cancellation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "We are sorry: the visits hall is closed for repairs that day.", max_length = 1000)
    )]
    pub message: Option<String>,
    /// The `version` staff saw; the cancellation is refused with `conflict` if the visit changed since.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub expected_version: i32,
}

/// A valid staff cancellation: the reason, and the message trimmed (blank is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCancellation {
    pub reason: CancellationReason,
    pub message: Option<String>,
}

/// Checks a staff cancellation, reporting every problem at once.
pub fn check_staff_cancel(c: &StaffCancelRequest) -> Result<StaffCancellation, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !c.reason.is_staff_reason() {
        errors.push(FieldError::new(
            "reason",
            FieldErrorCode::OutOfRange,
            "Choose one of the staff reasons for cancelling",
        ));
    }
    let message = check_message(c.message.as_deref(), &mut errors);
    if errors.is_empty() { Ok(StaffCancellation { reason: c.reason, message }) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn slot(day: u32) -> Slot {
        Slot::new(
            NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
        )
    }

    fn chosen() -> Vec<Slot> {
        vec![slot(1), slot(2), slot(3)]
    }

    fn grant(slot: Slot, visitor_outcomes: Vec<VisitorOutcomeInput>) -> DecisionRequest {
        DecisionRequest::Grant {
            slot,
            closed_visit: false,
            booking_reference: None,
            visitor_outcomes,
            message: None,
            expected_version: 1,
        }
    }

    fn reject(reasons: Vec<RejectionReasonInput>) -> DecisionRequest {
        DecisionRequest::Reject { reasons, visitor_outcomes: vec![], message: None, expected_version: 1 }
    }

    fn reason(reason: RejectionReason) -> RejectionReasonInput {
        RejectionReasonInput { reason, allowance_renews_on: None, detail: None }
    }

    fn exclude(visitor_index: usize, outcome: VisitorOutcome) -> VisitorOutcomeInput {
        VisitorOutcomeInput { visitor_index, outcome }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    const BANNED: VisitorOutcome = VisitorOutcome::Banned { until: None };

    #[test]
    fn granting_one_of_the_chosen_slots_books_the_visit() {
        let resolved = check_decision(&grant(slot(2), vec![]), &chosen(), 2).unwrap();
        assert_eq!(
            resolved,
            ResolvedDecision::Book {
                slot: slot(2),
                closed_visit: false,
                booking_reference: None,
                excluded: vec![],
                message: None
            }
        );
        assert_eq!(resolved.state(), VisitState::Booked);
    }

    #[test]
    fn granting_a_slot_the_visitor_did_not_choose_is_refused() {
        let errors = check_decision(&grant(slot(4), vec![]), &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["slot"]);
        assert_eq!(errors[0].code, FieldErrorCode::SlotNotOffered);
    }

    #[test]
    fn a_grant_arrives_as_json_tagged_with_its_outcome() {
        let json = r#"{"outcome":"grant","slot":{"date":"2026-12-01","start":"14:00","end":"16:00"},
            "visitor_outcomes":[{"visitor_index":1,"outcome":{"outcome":"banned","until":"2027-01-31"}}],
            "expected_version":3}"#;
        let d: DecisionRequest = serde_json::from_str(json).unwrap();
        assert_eq!(d.expected_version(), 3);
        let resolved = check_decision(&d, &chosen(), 2).unwrap();
        let until = NaiveDate::from_ymd_opt(2027, 1, 31);
        assert!(matches!(resolved, ResolvedDecision::Book { ref excluded, .. }
            if excluded == &vec![(1, VisitorOutcome::Banned { until })]));
        let back: DecisionRequest = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn a_rejection_arrives_as_json_tagged_with_its_outcome() {
        let json = r#"{"outcome":"reject","reasons":[{"reason":"prisoner_moved"}],"expected_version":1}"#;
        let d: DecisionRequest = serde_json::from_str(json).unwrap();
        assert_eq!(d, reject(vec![reason(RejectionReason::PrisonerMoved)]));
    }

    #[test]
    fn a_visit_goes_ahead_without_the_visitors_staff_excluded() {
        let d = grant(slot(1), vec![exclude(2, VisitorOutcome::NotOnContactList), exclude(1, BANNED)]);
        let resolved = check_decision(&d, &chosen(), 3).unwrap();
        let ResolvedDecision::Book { excluded, .. } = resolved else { panic!("expected a booking: {resolved:?}") };
        assert_eq!(excluded, vec![(1, BANNED), (2, VisitorOutcome::NotOnContactList)]);
    }

    #[test]
    fn a_grant_without_its_lead_visitor_becomes_a_rejection() {
        let d = grant(slot(1), vec![exclude(0, VisitorOutcome::NotOnContactList)]);
        let resolved = check_decision(&d, &chosen(), 3).unwrap();
        assert_eq!(resolved.state(), VisitState::Rejected);
        let ResolvedDecision::Reject { reasons, excluded, .. } = resolved else { panic!("expected a rejection") };
        assert_eq!(reasons.len(), 1);
        assert_eq!(reasons[0].reason, RejectionReason::VisitorNotOnContactList);
        assert_eq!(reasons[0].detail.as_deref(), Some(LEAD_EXCLUDED_DETAIL));
        assert_eq!(excluded, vec![(0, VisitorOutcome::NotOnContactList)]);
    }

    #[test]
    fn a_grant_with_every_visitor_excluded_becomes_a_rejection_for_a_ban_if_any() {
        let d = grant(slot(1), vec![exclude(1, VisitorOutcome::NotOnContactList), exclude(0, BANNED)]);
        let ResolvedDecision::Reject { reasons, .. } = check_decision(&d, &chosen(), 2).unwrap() else {
            panic!("expected a rejection")
        };
        assert_eq!(reasons[0].reason, RejectionReason::VisitorBanned);
    }

    #[test]
    fn a_grant_with_every_visitor_excluded_for_other_reasons_is_rejected_as_other_with_a_note() {
        let d = grant(slot(1), vec![exclude(1, VisitorOutcome::Other), exclude(0, VisitorOutcome::Other)]);
        let ResolvedDecision::Reject { reasons, .. } = check_decision(&d, &chosen(), 2).unwrap() else {
            panic!("expected a rejection")
        };
        assert_eq!(reasons[0].reason, RejectionReason::Other);
        assert_eq!(reasons[0].detail.as_deref(), Some(LEAD_EXCLUDED_DETAIL));
    }

    #[test]
    fn the_message_to_the_visitor_is_kept_when_a_grant_becomes_a_rejection() {
        let d = DecisionRequest::Grant {
            slot: slot(1),
            closed_visit: true,
            booking_reference: Some("RCI-1".into()),
            visitor_outcomes: vec![exclude(0, BANNED)],
            message: Some("  Please call us.  ".into()),
            expected_version: 1,
        };
        let ResolvedDecision::Reject { message, .. } = check_decision(&d, &chosen(), 1).unwrap() else {
            panic!("expected a rejection")
        };
        assert_eq!(message.as_deref(), Some("Please call us."));
    }

    #[test]
    fn a_grant_of_a_request_without_visitors_becomes_a_rejection() {
        let resolved = check_decision(&grant(slot(1), vec![]), &chosen(), 0).unwrap();
        assert_eq!(resolved.state(), VisitState::Rejected);
    }

    #[test]
    fn a_visitor_index_outside_the_party_is_refused() {
        let errors = check_decision(&grant(slot(1), vec![exclude(3, BANNED)]), &chosen(), 3).unwrap_err();
        assert_eq!(fields(&errors), ["visitor_outcomes[0].visitor_index"]);
        assert_eq!(errors[0].code, FieldErrorCode::OutOfRange);
    }

    #[test]
    fn a_visitor_given_two_outcomes_is_refused() {
        let d = grant(slot(1), vec![exclude(1, BANNED), exclude(1, VisitorOutcome::Other)]);
        let errors = check_decision(&d, &chosen(), 3).unwrap_err();
        assert_eq!(fields(&errors), ["visitor_outcomes[1].visitor_index"]);
        assert_eq!(errors[0].code, DUPLICATE_CODE);
    }

    #[test]
    fn a_rejection_needs_at_least_one_reason() {
        let errors = check_decision(&reject(vec![]), &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["reasons"]);
        assert_eq!(errors[0].code, FieldErrorCode::Required);
    }

    #[test]
    fn a_reason_given_twice_is_refused() {
        let d = reject(vec![
            reason(RejectionReason::PrisonerMoved),
            reason(RejectionReason::SlotUnavailable),
            reason(RejectionReason::PrisonerMoved),
        ]);
        let errors = check_decision(&d, &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["reasons[2].reason"]);
    }

    #[test]
    fn no_allowance_needs_the_date_the_allowance_renews() {
        let errors = check_decision(&reject(vec![reason(RejectionReason::NoAllowance)]), &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["reasons[0].allowance_renews_on"]);
        assert_eq!(errors[0].code, FieldErrorCode::Required);

        let renews = NaiveDate::from_ymd_opt(2026, 12, 7);
        let with_date = RejectionReasonInput { allowance_renews_on: renews, ..reason(RejectionReason::NoAllowance) };
        let ResolvedDecision::Reject { reasons, .. } = check_decision(&reject(vec![with_date]), &chosen(), 1).unwrap()
        else {
            panic!("expected a rejection")
        };
        assert_eq!(reasons[0].allowance_renews_on, renews);
    }

    #[test]
    fn a_renewal_date_beside_another_reason_is_dropped() {
        let input = RejectionReasonInput {
            allowance_renews_on: NaiveDate::from_ymd_opt(2026, 12, 7),
            ..reason(RejectionReason::PrisonerMoved)
        };
        let ResolvedDecision::Reject { reasons, .. } = check_decision(&reject(vec![input]), &chosen(), 1).unwrap()
        else {
            panic!("expected a rejection")
        };
        assert_eq!(reasons[0].allowance_renews_on, None);
    }

    #[test]
    fn other_needs_an_internal_note() {
        for detail in [None, Some("   ".to_string())] {
            let input = RejectionReasonInput { detail, ..reason(RejectionReason::Other) };
            let errors = check_decision(&reject(vec![input]), &chosen(), 1).unwrap_err();
            assert_eq!(fields(&errors), ["reasons[0].detail"]);
            assert_eq!(errors[0].code, FieldErrorCode::Required);
        }
        let input = RejectionReasonInput { detail: Some(" Security advice ".into()), ..reason(RejectionReason::Other) };
        let ResolvedDecision::Reject { reasons, .. } = check_decision(&reject(vec![input]), &chosen(), 1).unwrap()
        else {
            panic!("expected a rejection")
        };
        assert_eq!(reasons[0].detail.as_deref(), Some("Security advice"));
    }

    #[test]
    fn an_internal_note_longer_than_500_characters_is_refused() {
        let input = RejectionReasonInput { detail: Some("x".repeat(501)), ..reason(RejectionReason::Other) };
        let errors = check_decision(&reject(vec![input]), &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["reasons[0].detail"]);
        assert_eq!(errors[0].code, FieldErrorCode::TooLong);
        let input = RejectionReasonInput { detail: Some("x".repeat(500)), ..reason(RejectionReason::Other) };
        assert!(check_decision(&reject(vec![input]), &chosen(), 1).is_ok());
    }

    #[test]
    fn a_booking_reference_longer_than_30_characters_is_refused() {
        let d = DecisionRequest::Grant {
            slot: slot(1),
            closed_visit: false,
            booking_reference: Some("R".repeat(31)),
            visitor_outcomes: vec![],
            message: None,
            expected_version: 1,
        };
        let errors = check_decision(&d, &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["booking_reference"]);
        assert_eq!(errors[0].code, FieldErrorCode::TooLong);
    }

    #[test]
    fn a_booking_reference_with_hidden_characters_is_refused() {
        let d = DecisionRequest::Grant {
            slot: slot(1),
            closed_visit: false,
            booking_reference: Some("RCI\u{0}1".into()),
            visitor_outcomes: vec![],
            message: None,
            expected_version: 1,
        };
        let errors = check_decision(&d, &chosen(), 1).unwrap_err();
        assert_eq!(errors[0].code, FieldErrorCode::InvalidCharacters);
    }

    #[test]
    fn a_message_longer_than_1000_characters_is_refused_and_a_blank_one_is_no_message() {
        let d = DecisionRequest::Reject {
            reasons: vec![reason(RejectionReason::DuplicateRequest)],
            visitor_outcomes: vec![],
            message: Some("é".repeat(1001)),
            expected_version: 1,
        };
        let errors = check_decision(&d, &chosen(), 1).unwrap_err();
        assert_eq!(fields(&errors), ["message"]);
        assert_eq!(errors[0].code, FieldErrorCode::TooLong);

        let d = DecisionRequest::Reject {
            reasons: vec![reason(RejectionReason::DuplicateRequest)],
            visitor_outcomes: vec![],
            message: Some(" \n ".into()),
            expected_version: 1,
        };
        let ResolvedDecision::Reject { message, .. } = check_decision(&d, &chosen(), 1).unwrap() else {
            panic!("expected a rejection")
        };
        assert_eq!(message, None);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = DecisionRequest::Reject {
            reasons: vec![reason(RejectionReason::NoAllowance), reason(RejectionReason::Other)],
            visitor_outcomes: vec![exclude(9, BANNED)],
            message: Some("m".repeat(1001)),
            expected_version: 1,
        };
        let errors = check_decision(&d, &chosen(), 2).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["reasons[0].allowance_renews_on", "reasons[1].detail", "visitor_outcomes[0].visitor_index", "message"]
        );
    }

    #[test]
    fn staff_cancel_with_a_staff_reason() {
        let c = StaffCancelRequest {
            reason: CancellationReason::CapacityIssues,
            message: Some(" Sorry. ".into()),
            expected_version: 2,
        };
        assert_eq!(
            check_staff_cancel(&c),
            Ok(StaffCancellation { reason: CancellationReason::CapacityIssues, message: Some("Sorry.".into()) })
        );
        let read: StaffCancelRequest =
            serde_json::from_str(r#"{"reason":"booked_in_error","expected_version":4}"#).unwrap();
        assert_eq!(read.reason, CancellationReason::BookedInError);
    }

    #[test]
    fn staff_cannot_cancel_with_the_visitors_own_reason() {
        let c = StaffCancelRequest { reason: CancellationReason::VisitorCancelled, message: None, expected_version: 2 };
        let errors = check_staff_cancel(&c).unwrap_err();
        assert_eq!(fields(&errors), ["reason"]);
        assert_eq!(errors[0].code, FieldErrorCode::OutOfRange);
    }

    #[test]
    fn a_staff_cancellation_message_longer_than_1000_characters_is_refused() {
        let c = StaffCancelRequest {
            reason: CancellationReason::SlotUnavailable,
            message: Some("m".repeat(1001)),
            expected_version: 2,
        };
        assert_eq!(fields(&check_staff_cancel(&c).unwrap_err()), ["message"]);
    }
}
