//! A visit request as submitted (strings) turned into a valid one (types), reporting every refused field at once,
//! each under its JSON path, the way a form shows its errors.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{CreateVisitRequest, LeadVisitorInput, Locale, PrisonerInput, SlotChoiceInput, VisitingRules};
use crate::email::ContactChoice;
use crate::error::{FieldError, FieldErrorCode};
use crate::party::{VisitDays, check_party_in_progress, too_many_visitors};
use crate::slot::{Slot, parse_hhmm};
use crate::types::{Email, PersonName, PrisonNumber, UkPhone, parse_date_of_birth_as, parse_iso_date};

/// Most slots a visitor can choose, in order of preference.
pub const MAX_SLOT_CHOICES: usize = 3;
/// Most visitors besides the lead under the default rules; a prison allowing more raises it.
pub const MAX_OTHER_VISITORS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prisoner {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub date_of_birth: NaiveDate,
    pub number: PrisonNumber,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadVisitor {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub date_of_birth: NaiveDate,
    pub email: Email,
    pub phone: UkPhone,
    /// How they want to be told; text messages only to a UK mobile number.
    pub contact_by: ContactChoice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub date_of_birth: NaiveDate,
}

/// A request that keeps every visiting rule that can be checked without the database. Whether its slots can
/// still be booked is checked against live availability (`calendar::check_slot_choices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidVisitRequest {
    pub prison_id: Uuid,
    pub prisoner: Prisoner,
    pub lead_visitor: LeadVisitor,
    pub other_visitors: Vec<Visitor>,
    /// In the visitor's order of preference; `slots[i]` is the request's `slots[i]`.
    pub slots: Vec<Slot>,
    pub locale: Locale,
    /// What support the party needs (empty when none).
    pub support_needs: crate::support::SupportNeeds,
}

/// Collects field errors under their paths while parsing carries on.
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, result: Result<T, FieldError>, path: &str) -> Option<T> {
        result.map_err(|e| self.0.push(e.under(path))).ok()
    }
}

/// Parses and checks a submitted request. On failure, every problem is returned, not just the first.
pub fn parse_visit_request(
    req: &CreateVisitRequest,
    rules: &VisitingRules,
    today: NaiveDate,
) -> Result<ValidVisitRequest, Vec<FieldError>> {
    let mut errors = Errors(Vec::new());
    let prisoner = parse_prisoner(&req.prisoner, today, &mut errors);

    let (lead_visitor, lead_dob) = parse_lead_visitor(&req.lead_visitor, today, &mut errors);

    // Past the most anyone could bring, one error says so; checking hundreds of entries would only bury it.
    let cap = MAX_OTHER_VISITORS.max(usize::from(rules.max_visitors).saturating_sub(1));
    if req.other_visitors.len() > cap {
        errors.0.push(too_many_visitors(rules));
    }
    let mut other_dobs = Vec::new();
    let mut other_visitors = Vec::new();
    for (i, input) in req.other_visitors.iter().take(cap).enumerate() {
        let path = format!("other_visitors[{i}]");
        let of = |what: &str| format!("the {what} of additional visitor {}", i + 1);
        let first_name =
            errors.take(PersonName::parse_as(&input.first_name, &of("first name")), &format!("{path}.first_name"));
        let last_name =
            errors.take(PersonName::parse_as(&input.last_name, &of("last name")), &format!("{path}.last_name"));
        let dob = errors.take(
            parse_date_of_birth_as(&input.date_of_birth, today, &of("date of birth")),
            &format!("{path}.date_of_birth"),
        );
        other_dobs.push(dob);
        if let (Some(first_name), Some(last_name), Some(date_of_birth)) = (first_name, last_name, dob) {
            other_visitors.push(Visitor { first_name, last_name, date_of_birth });
        }
    }
    let slots = parse_slots(&req.slots, &mut errors);
    let support_needs = crate::support::parse_support_needs(&req.support_needs)
        .map_err(|found| errors.0.extend(found.into_iter().map(|e| e.under("support_needs"))))
        .unwrap_or_default();
    let days = VisitDays::of(slots.iter().map(|s| s.date), today);
    errors.0.extend(check_party_in_progress(lead_dob, &other_dobs, rules, days));

    let mut errors = errors.0;
    // The party check can repeat what the cap above already said.
    let mut seen = Vec::new();
    errors.retain(|e| {
        let key = (e.field.clone(), e.code);
        let first = !seen.contains(&key);
        seen.push(key);
        first
    });
    match (prisoner, lead_visitor) {
        (Some(prisoner), Some(lead_visitor)) if errors.is_empty() => Ok(ValidVisitRequest {
            prison_id: req.prison_id,
            prisoner,
            lead_visitor,
            other_visitors,
            slots,
            locale: req.locale,
            support_needs,
        }),
        _ => Err(errors),
    }
}

fn parse_prisoner(input: &PrisonerInput, today: NaiveDate, errors: &mut Errors) -> Option<Prisoner> {
    let first_name =
        errors.take(PersonName::parse_as(&input.first_name, "the prisoner’s first name"), "prisoner.first_name");
    let last_name =
        errors.take(PersonName::parse_as(&input.last_name, "the prisoner’s last name"), "prisoner.last_name");
    let date_of_birth = errors.take(
        parse_date_of_birth_as(&input.date_of_birth, today, "the prisoner’s date of birth"),
        "prisoner.date_of_birth",
    );
    let number = errors.take(PrisonNumber::parse_as(&input.number, "the prison number"), "prisoner.number");
    Some(Prisoner { first_name: first_name?, last_name: last_name?, date_of_birth: date_of_birth?, number: number? })
}

/// Also returns the date of birth on its own: the party rules need it even when another field is wrong.
fn parse_lead_visitor(
    input: &LeadVisitorInput,
    today: NaiveDate,
    errors: &mut Errors,
) -> (Option<LeadVisitor>, Option<NaiveDate>) {
    let first_name = errors
        .take(PersonName::parse_as(&input.first_name, "the lead visitor’s first name"), "lead_visitor.first_name");
    let last_name =
        errors.take(PersonName::parse_as(&input.last_name, "the lead visitor’s last name"), "lead_visitor.last_name");
    let dob = errors.take(
        parse_date_of_birth_as(&input.date_of_birth, today, "the lead visitor’s date of birth"),
        "lead_visitor.date_of_birth",
    );
    let email = errors.take(Email::parse_as(&input.email, "the lead visitor’s email address"), "lead_visitor.email");
    let contact_by = match &input.contact_by {
        None => Some(ContactChoice::default()),
        Some(channels) => ContactChoice::from_channels(channels).or_else(|| {
            errors.0.push(FieldError::new(
                "lead_visitor.contact_by",
                FieldErrorCode::Required,
                "Choose how to be told about the visit: by email, by text message, or both",
            ));
            None
        }),
    };
    let phone = errors
        .take(UkPhone::parse_as(&input.phone, "the lead visitor’s phone number"), "lead_visitor.phone")
        .and_then(|phone| {
            if contact_by.is_some_and(|c| c.sms) && !phone.is_mobile() {
                errors.0.push(FieldError::new(
                    "lead_visitor.phone",
                    FieldErrorCode::NotAMobileNumber,
                    "Enter a UK mobile number, like 07700 900 982, to get text messages",
                ));
                return None;
            }
            Some(phone)
        });
    let lead = match (first_name, last_name, dob, email, phone, contact_by) {
        (Some(first_name), Some(last_name), Some(date_of_birth), Some(email), Some(phone), Some(contact_by)) => {
            Some(LeadVisitor { first_name, last_name, date_of_birth, email, phone, contact_by })
        }
        _ => None,
    };
    (lead, dob)
}

fn parse_slots(inputs: &[SlotChoiceInput], errors: &mut Errors) -> Vec<Slot> {
    if inputs.is_empty() {
        errors.0.push(FieldError::new("slots", FieldErrorCode::NoSlotsChosen, "Choose at least one visit time"));
    } else if inputs.len() > MAX_SLOT_CHOICES {
        errors.0.push(FieldError::new(
            "slots",
            FieldErrorCode::TooManySlots,
            format!("Choose no more than {MAX_SLOT_CHOICES} visit times"),
        ));
    }
    let mut slots: Vec<Slot> = Vec::new();
    for (i, input) in inputs.iter().take(MAX_SLOT_CHOICES).enumerate() {
        let path = format!("slots[{i}]");
        let nth = i + 1;
        let Some(date) = parse_iso_date(&input.date) else {
            errors.0.push(FieldError::new(
                path,
                FieldErrorCode::InvalidDate,
                format!("The date of visit time {nth} is not a real date. Choose a time from the calendar"),
            ));
            continue;
        };
        let (Some(start), Some(end)) = (parse_hhmm(&input.start), parse_hhmm(&input.end)) else {
            errors.0.push(FieldError::new(
                path,
                FieldErrorCode::InvalidTime,
                format!("Visit time {nth} is not a real time. Choose a time from the calendar"),
            ));
            continue;
        };
        if end <= start {
            errors.0.push(FieldError::new(
                path,
                FieldErrorCode::InvalidTime,
                format!("Visit time {nth} ends before it starts. Choose a time from the calendar"),
            ));
            continue;
        }
        let slot = Slot::new(date, start, end);
        if slots.contains(&slot) {
            errors.0.push(FieldError::new(
                path,
                FieldErrorCode::DuplicateSlot,
                "You have already chosen this visit time. Choose a different time or remove it",
            ));
            continue;
        }
        slots.push(slot);
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VisitorInput;
    use chrono::NaiveTime;

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();

    fn good_request() -> CreateVisitRequest {
        CreateVisitRequest {
            prison_id: Uuid::from_u128(1),
            prisoner: PrisonerInput {
                first_name: "John".into(),
                last_name: "Smith".into(),
                date_of_birth: "1985-04-12".into(),
                number: "a1234bc".into(),
            },
            lead_visitor: LeadVisitorInput {
                first_name: " Mary ".into(),
                last_name: "Smith".into(),
                date_of_birth: "1980-07-01".into(),
                email: "mary.smith@Example.com".into(),
                phone: "07700 900123".into(),
                contact_by: None,
            },
            other_visitors: vec![VisitorInput {
                first_name: "Amy".into(),
                last_name: "Smith".into(),
                date_of_birth: "2015-03-09".into(),
            }],
            slots: vec![
                SlotChoiceInput { date: "2026-12-04".into(), start: "14:00".into(), end: "16:10".into() },
                SlotChoiceInput { date: "2026-12-08".into(), start: "9:30".into(), end: "11:00".into() },
            ],
            locale: Locale::Cy,
            waiting_list: false,
            support_needs: Default::default(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, FieldErrorCode)> {
        errors.iter().map(|e| (e.field.as_str(), e.code)).collect()
    }

    fn errors_of(req: &CreateVisitRequest) -> Vec<FieldError> {
        parse_visit_request(req, &VisitingRules::default(), TODAY).unwrap_err()
    }

    #[test]
    fn a_complete_request_becomes_a_valid_one_with_its_values_tidied() {
        let valid = parse_visit_request(&good_request(), &VisitingRules::default(), TODAY).unwrap();
        assert_eq!(valid.prisoner.number.as_str(), "A1234BC");
        assert_eq!(valid.lead_visitor.first_name.as_str(), "Mary");
        assert_eq!(valid.lead_visitor.email.as_str(), "mary.smith@example.com");
        assert_eq!(valid.lead_visitor.phone.as_str(), "07700900123");
        assert_eq!(valid.other_visitors.len(), 1);
        assert_eq!(valid.slots[1].start, NaiveTime::from_hms_opt(9, 30, 0).unwrap());
        assert_eq!(valid.locale, Locale::Cy);
        assert_eq!(valid.prison_id, Uuid::from_u128(1));
    }

    #[test]
    fn a_visitor_says_nothing_and_gets_emails_or_chooses_texts_for_a_mobile_number() {
        use crate::email::MessageChannel::{Email, Sms};
        let valid = parse_visit_request(&good_request(), &VisitingRules::default(), TODAY).unwrap();
        assert_eq!(valid.lead_visitor.contact_by, ContactChoice { email: true, sms: false });
        let mut req = good_request();
        req.lead_visitor.contact_by = Some(vec![Sms]);
        let valid = parse_visit_request(&req, &VisitingRules::default(), TODAY).unwrap();
        assert_eq!(valid.lead_visitor.contact_by, ContactChoice { email: false, sms: true });
        req.lead_visitor.contact_by = Some(vec![Email, Sms]);
        req.lead_visitor.phone = "+44 7911 123456".into();
        let valid = parse_visit_request(&req, &VisitingRules::default(), TODAY).unwrap();
        assert_eq!(valid.lead_visitor.contact_by, ContactChoice { email: true, sms: true });
    }

    #[test]
    fn texts_to_a_landline_or_no_way_of_being_told_are_refused() {
        let mut req = good_request();
        req.lead_visitor.contact_by = Some(vec![crate::email::MessageChannel::Sms]);
        req.lead_visitor.phone = "01632 960 001".into();
        let errors = errors_of(&req);
        assert_eq!(fields(&errors), vec![("lead_visitor.phone", FieldErrorCode::NotAMobileNumber)]);
        assert_eq!(errors[0].message, "Enter a UK mobile number, like 07700 900 982, to get text messages");
        assert_eq!(
            crate::i18n::field_message(Locale::Cy, &errors[0], None),
            "Rhowch rif ffôn symudol yn y DU, fel 07700 900 982, i gael negeseuon testun"
        );
        // A landline is fine for a visitor who wants emails only.
        req.lead_visitor.contact_by = None;
        assert!(parse_visit_request(&req, &VisitingRules::default(), TODAY).is_ok());
        req.lead_visitor.contact_by = Some(vec![]);
        let errors = errors_of(&req);
        assert_eq!(fields(&errors), vec![("lead_visitor.contact_by", FieldErrorCode::Required)]);
        assert!(crate::i18n::field_message(Locale::Cy, &errors[0], None).starts_with("Dewiswch sut i gael gwybod"));
    }

    #[test]
    fn an_empty_request_reports_every_missing_field_at_once() {
        let errors = errors_of(&CreateVisitRequest::default());
        assert_eq!(
            fields(&errors),
            vec![
                ("prisoner.first_name", FieldErrorCode::Required),
                ("prisoner.last_name", FieldErrorCode::Required),
                ("prisoner.date_of_birth", FieldErrorCode::Required),
                ("prisoner.number", FieldErrorCode::Required),
                ("lead_visitor.first_name", FieldErrorCode::Required),
                ("lead_visitor.last_name", FieldErrorCode::Required),
                ("lead_visitor.date_of_birth", FieldErrorCode::Required),
                ("lead_visitor.email", FieldErrorCode::Required),
                ("lead_visitor.phone", FieldErrorCode::Required),
                ("slots", FieldErrorCode::NoSlotsChosen),
            ]
        );
        assert_eq!(errors[0].message, "Enter the prisoner’s first name");
        assert_eq!(errors[7].message, "Enter the lead visitor’s email address");
    }

    #[test]
    fn each_bad_field_is_reported_under_its_json_path() {
        let mut req = good_request();
        req.prisoner.number = "12345".into();
        req.lead_visitor.email = "mary@".into();
        req.other_visitors.push(VisitorInput {
            first_name: "Ben".into(),
            last_name: "".into(),
            date_of_birth: "2030-01-01".into(),
        });
        let errors = errors_of(&req);
        assert_eq!(
            fields(&errors),
            vec![
                ("prisoner.number", FieldErrorCode::InvalidPrisonNumber),
                ("lead_visitor.email", FieldErrorCode::InvalidEmail),
                ("other_visitors[1].last_name", FieldErrorCode::Required),
                ("other_visitors[1].date_of_birth", FieldErrorCode::DateInFuture),
            ]
        );
        assert_eq!(errors[2].message, "Enter the last name of additional visitor 2");
    }

    #[test]
    fn a_lead_visitor_under_eighteen_and_too_many_adults_are_reported() {
        let mut req = good_request();
        req.lead_visitor.date_of_birth = "2010-01-01".into();
        let adult =
            VisitorInput { first_name: "Al".into(), last_name: "Smith".into(), date_of_birth: "1970-01-01".into() };
        req.other_visitors = vec![adult.clone(), adult.clone(), adult.clone(), adult];
        let errors = errors_of(&req);
        assert_eq!(
            fields(&errors),
            vec![
                ("lead_visitor.date_of_birth", FieldErrorCode::LeadVisitorUnder18),
                ("other_visitors", FieldErrorCode::TooManyAdults),
            ]
        );
    }

    #[test]
    fn hundreds_of_visitors_get_one_error_not_hundreds() {
        let mut req = good_request();
        req.other_visitors = vec![VisitorInput::default(); 500];
        let errors = errors_of(&req);
        assert_eq!(errors.iter().filter(|e| e.code == FieldErrorCode::TooManyVisitors).count(), 1);
        assert!(errors.iter().all(|e| !e.field.starts_with("other_visitors[5]")));
        assert!(errors.len() <= 1 + 5 * 3);
        let mut six = good_request();
        six.other_visitors = vec![six.other_visitors[0].clone(); 6];
        assert_eq!(fields(&errors_of(&six)), vec![("other_visitors", FieldErrorCode::TooManyVisitors)]);
    }

    #[test]
    fn slot_choices_must_be_one_to_three_real_and_different_times() {
        let choice = |date: &str, start: &str, end: &str| SlotChoiceInput {
            date: date.into(),
            start: start.into(),
            end: end.into(),
        };
        let mut req = good_request();
        req.slots = vec![
            choice("2026-12-04", "14:00", "16:10"),
            choice("2026-12-04", "14:00", "16:10"),
            choice("2026-13-04", "14:00", "16:10"),
        ];
        assert_eq!(
            fields(&errors_of(&req)),
            vec![("slots[1]", FieldErrorCode::DuplicateSlot), ("slots[2]", FieldErrorCode::InvalidDate)]
        );
        req.slots = vec![choice("2026-12-04", "2pm", "16:10"), choice("2026-12-05", "16:00", "14:00")];
        assert_eq!(
            fields(&errors_of(&req)),
            vec![("slots[0]", FieldErrorCode::InvalidTime), ("slots[1]", FieldErrorCode::InvalidTime)]
        );
        req.slots = (1..=4).map(|d| choice(&format!("2026-12-0{d}"), "14:00", "16:00")).collect();
        assert_eq!(fields(&errors_of(&req)), vec![("slots", FieldErrorCode::TooManySlots)]);
    }

    #[test]
    fn support_needs_are_kept_and_their_errors_reported_beside_the_others() {
        use crate::support::SupportNeedsInput;
        let mut req = good_request();
        req.support_needs = SupportNeedsInput {
            hearing_loop: true,
            interpreter: true,
            interpreter_language: " Polish ".into(),
            ..SupportNeedsInput::default()
        };
        let valid = parse_visit_request(&req, &VisitingRules::default(), TODAY).unwrap();
        assert!(valid.support_needs.hearing_loop);
        assert_eq!(valid.support_needs.interpreter_language.as_deref(), Some("Polish"));
        req.prisoner.number = "12345".into();
        req.support_needs.other = true;
        assert_eq!(
            fields(&errors_of(&req)),
            vec![
                ("prisoner.number", FieldErrorCode::InvalidPrisonNumber),
                ("support_needs.other_details", FieldErrorCode::Required),
            ]
        );
    }
}
