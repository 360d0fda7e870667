//! The journey's form steps as plain data: what a step's form fields put in the draft, and the checks a step runs
//! before the visitor moves on. Shared by the app in the browser (as the visitor types) and by the server (a form
//! posted without JavaScript), so that both refuse the same answers with the same messages.
//!
//! Form fields are named as the inputs' ids (`prisoner-first_name`, `lead_visitor-date_of_birth-day`,
//! `other_visitors-1-last_name`, see `components::anchor`); a time is `slots=slot-2026-12-03-1400` (its date and
//! start, as its checkbox's id). A step's form may also carry `add_visitor` ("Add another visitor"),
//! `remove_visitor={index}` or `remove_choice={slot id}` ("Remove"), and the times step
//! `waiting_list=on|off` ("Join the waiting list instead", and back). The lead visitor's choice of updates is
//! `lead_visitor-contact_by=email|sms|both`; a ticked support need is `support_needs-{need}` (any value), its text
//! `support_needs-interpreter_language` and `support_needs-other_details`. (Not `action` or `remove`: a form's control
//! named so would hide the form element's own `action` and `remove()` from scripts, the app's included.)

use chrono::NaiveDate;
use domain::api::{Availability, Locale, VisitingRules};
use domain::error::{FieldError, FieldErrorCode};
use domain::slot::Slot;
use domain::support::SupportNeedsInput;

use crate::store::{Contact, DateParts, Draft, Person};

/// Most additional visitors a posted form can hold: more than any prison allows, so that the domain's own check
/// (not a silent cut) refuses a party that is too large, while a forged form cannot grow the draft without bound.
const MAX_POSTED_VISITORS: usize = 20;

/// A step of the journey that is a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    Prisoner,
    Times,
    Visitors,
    Support,
}

impl FormStep {
    /// The step at `/book/{name}`.
    pub fn from_name(name: &str) -> Option<FormStep> {
        match name {
            "prisoner" => Some(FormStep::Prisoner),
            "times" => Some(FormStep::Times),
            "visitors" => Some(FormStep::Visitors),
            "support" => Some(FormStep::Support),
            _ => None,
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            FormStep::Prisoner => "/book/prisoner",
            FormStep::Times => "/book/times",
            FormStep::Visitors => "/book/visitors",
            FormStep::Support => "/book/support",
        }
    }

    /// Where "Continue" leads: the next step, or back to "Check your answers" when the visitor came from a
    /// "Change" link there (`?from=check`).
    pub fn next(self, from_check: bool) -> &'static str {
        if from_check {
            return "/book/check";
        }
        match self {
            FormStep::Prisoner => "/book/times",
            FormStep::Times => "/book/visitors",
            FormStep::Visitors => "/book/support",
            FormStep::Support => "/book/check",
        }
    }

    /// The request fields this step answers (prefixes of their paths), whose errors it shows.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            FormStep::Prisoner => &["prisoner."],
            FormStep::Times => &["slots"],
            FormStep::Visitors => &["lead_visitor", "other_visitors"],
            FormStep::Support => &["support_needs"],
        }
    }

    /// Whether an error belongs to this step.
    pub fn owns(self, error: &FieldError) -> bool {
        self.fields().iter().any(|prefix| error.field.starts_with(prefix))
    }
}

/// What a posted step asks for besides its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    /// "Continue": check the step, then move on.
    Continue,
    /// "Add another visitor".
    Add,
    /// "Remove" on a visitor (their index) or a chosen time (its id).
    Remove(String),
    /// "Join the waiting list instead" (true) or "Request times with places instead" (false) on the times step:
    /// the choice of times starts again.
    WaitingList(bool),
}

impl FormAction {
    pub fn of(form: &[(String, String)]) -> FormAction {
        if let Some(value) = value(form, "remove_visitor").or_else(|| value(form, "remove_choice")) {
            return FormAction::Remove(value.to_owned());
        }
        if let Some(on) = value(form, "waiting_list") {
            return FormAction::WaitingList(on == "on");
        }
        if value(form, "add_visitor").is_some() { FormAction::Add } else { FormAction::Continue }
    }
}

/// The id of a time's checkbox, and the value its form sends: `slot-2026-12-03-1400`.
pub fn slot_id(slot: &Slot) -> String {
    format!("slot-{}-{}", slot.date, slot.start.format("%H%M"))
}

/// Puts a posted step's answers in the draft, then does what its action asks (adds or removes a visitor or a time).
/// Times are read against `availability` (a time that is not offered there is ignored): those already chosen keep
/// their order of preference, and newly ticked ones follow in the order the page lists them.
pub fn apply_form(
    draft: &mut Draft,
    step: FormStep,
    form: &[(String, String)],
    availability: Option<&Availability>,
) -> FormAction {
    let action = FormAction::of(form);
    let text = |name: &str| value(form, name).unwrap_or_default().to_owned();
    let person = |prefix: &str| Person {
        first_name: text(&format!("{prefix}-first_name")),
        last_name: text(&format!("{prefix}-last_name")),
        dob: DateParts {
            day: text(&format!("{prefix}-date_of_birth-day")),
            month: text(&format!("{prefix}-date_of_birth-month")),
            year: text(&format!("{prefix}-date_of_birth-year")),
        },
    };
    match step {
        FormStep::Prisoner => {
            draft.prisoner = person("prisoner");
            draft.prison_number = text("prisoner-number");
        }
        FormStep::Visitors => {
            draft.lead = person("lead_visitor");
            draft.email = text("lead_visitor-email");
            draft.email_confirm = text("lead_visitor-email_confirm");
            draft.phone = text("lead_visitor-phone");
            draft.contact = Contact::of(&text("lead_visitor-contact_by")).as_str().to_owned();
            let count = form
                .iter()
                .filter_map(|(name, _)| name.strip_prefix("other_visitors-")?.split('-').next()?.parse::<usize>().ok())
                .map(|i| i + 1)
                .max()
                .unwrap_or(0)
                .min(MAX_POSTED_VISITORS);
            draft.others = (0..count).map(|i| person(&format!("other_visitors-{i}"))).collect();
            match &action {
                FormAction::Add if draft.others.len() < MAX_POSTED_VISITORS => draft.others.push(Person::default()),
                FormAction::Remove(index) => {
                    if let Some(i) = index.parse::<usize>().ok().filter(|i| *i < draft.others.len()) {
                        draft.others.remove(i);
                    }
                }
                _ => {}
            }
        }
        FormStep::Support => {
            let ticked = |name: &str| value(form, &format!("support_needs-{name}")).is_some();
            draft.support = SupportNeedsInput {
                wheelchair_access: ticked("wheelchair_access"),
                hearing_loop: ticked("hearing_loop"),
                interpreter: ticked("interpreter"),
                interpreter_language: text("support_needs-interpreter_language"),
                other: ticked("other"),
                other_details: text("support_needs-other_details"),
            };
        }
        FormStep::Times if matches!(action, FormAction::WaitingList(_)) => {
            draft.waiting_list = action == FormAction::WaitingList(true);
            draft.slots.clear();
        }
        FormStep::Times => {
            let offered = availability.map(|a| a.days.iter().flat_map(|d| d.slots.iter().map(|s| s.slot)).collect());
            let offered: Vec<Slot> = offered.unwrap_or_default();
            let ticked: Vec<Slot> = form
                .iter()
                .filter(|(name, _)| name == "slots")
                .filter_map(|(_, id)| offered.iter().find(|slot| slot_id(slot) == *id).copied())
                .collect();
            let mut chosen: Vec<Slot> = draft.slots.iter().filter(|s| ticked.contains(s)).copied().collect();
            for slot in ticked {
                if !chosen.contains(&slot) {
                    chosen.push(slot);
                }
            }
            if let FormAction::Remove(id) = &action {
                chosen.retain(|slot| slot_id(slot) != *id);
            }
            draft.slots = chosen;
        }
    }
    action
}

/// The errors that keep the visitor on a step: the domain's own rules for the step's fields (the same
/// `parse_visit_request` the server runs on the whole request), plus, for the times, whether each is still
/// available (when `availability` is known), and for the visitors, whether the email was typed the same twice.
pub fn check_step(
    draft: &Draft,
    step: FormStep,
    locale: Locale,
    today: NaiveDate,
    availability: Option<&Availability>,
) -> Vec<FieldError> {
    let rules = match step {
        FormStep::Visitors => draft.prison.as_ref().map(|p| p.rules.clone()).unwrap_or_default(),
        _ => VisitingRules::default(),
    };
    let request = draft.request(locale);
    let mut found: Vec<FieldError> = match domain::request::parse_visit_request(&request, &rules, today) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().filter(|e| step.owns(e)).collect(),
    };
    match step {
        FormStep::Times if found.is_empty() => {
            if let Some(availability) = availability {
                found = match draft.waiting_list {
                    true => domain::timetable::check_waiting_list_choices(&draft.slots, &availability.days),
                    false => domain::timetable::check_slot_choices(&draft.slots, &availability.days),
                };
            }
        }
        FormStep::Visitors if draft.email.trim() != draft.email_confirm.trim() => found.push(FieldError::new(
            "lead_visitor.email_confirm",
            FieldErrorCode::InvalidEmail,
            "The email addresses do not match",
        )),
        _ => {}
    }
    found
}

fn value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use domain::api::{AvailabilityDay, SlotAvailability, SlotState};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn slot(day: u32, hour: u32) -> Slot {
        Slot {
            date: NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default(),
            start: NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(hour + 2, 0, 0).unwrap_or_default(),
        }
    }

    fn availability(slots: &[Slot]) -> Availability {
        let day = |s: &Slot| AvailabilityDay {
            date: s.date,
            closed: false,
            slots: vec![SlotAvailability { slot: *s, state: SlotState::Available, places_left: 3 }],
        };
        let (first, last) = (slots[0].date, slots[slots.len() - 1].date);
        Availability {
            prison_id: uuid::Uuid::nil(),
            from: first,
            to: last,
            today: first,
            confirm_by: first,
            first_bookable: first,
            last_bookable: last,
            days: slots.iter().map(day).collect(),
        }
    }

    #[test]
    fn ticked_times_keep_the_order_already_chosen_and_add_new_ones_after() {
        let (a, b, c) = (slot(3, 10), slot(4, 14), slot(5, 9));
        let offered = availability(&[a, b, c]);
        let mut draft = Draft { slots: vec![c], ..Draft::default() };
        let form = pairs(&[("slots", &slot_id(&a)), ("slots", &slot_id(&b)), ("slots", &slot_id(&c))]);
        assert_eq!(apply_form(&mut draft, FormStep::Times, &form, Some(&offered)), FormAction::Continue);
        assert_eq!(draft.slots, vec![c, a, b]);

        // Unticked, or removed with its button: gone. A time the prison does not offer: ignored.
        let form =
            pairs(&[("slots", &slot_id(&a)), ("slots", "slot-2026-12-31-0900"), ("remove_choice", &slot_id(&a))]);
        apply_form(&mut draft, FormStep::Times, &form, Some(&offered));
        assert_eq!(draft.slots, Vec::<Slot>::new());
    }

    #[test]
    fn visitors_are_read_added_and_removed_by_index() {
        let mut draft = Draft::default();
        let form = pairs(&[
            ("lead_visitor-first_name", "Ann"),
            ("other_visitors-0-first_name", "Bo"),
            ("other_visitors-1-first_name", "Cy"),
            ("other_visitors-1-date_of_birth-year", "2015"),
            ("remove_visitor", "0"),
        ]);
        assert_eq!(apply_form(&mut draft, FormStep::Visitors, &form, None), FormAction::Remove("0".into()));
        assert_eq!(draft.lead.first_name, "Ann");
        assert_eq!(draft.others.len(), 1);
        assert_eq!((draft.others[0].first_name.as_str(), draft.others[0].dob.year.as_str()), ("Cy", "2015"));

        apply_form(&mut draft, FormStep::Visitors, &pairs(&[("add_visitor", "on")]), None);
        assert_eq!(draft.others, vec![Person::default()]);

        // A forged form cannot grow the draft without bound.
        let many = pairs(&[("other_visitors-999999-first_name", "X")]);
        apply_form(&mut draft, FormStep::Visitors, &many, None);
        assert_eq!(draft.others.len(), MAX_POSTED_VISITORS);
    }

    #[test]
    fn a_step_is_checked_by_the_domains_rules_for_its_own_fields_only() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let draft = Draft::default();
        let errors = check_step(&draft, FormStep::Prisoner, Locale::En, today, None);
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e.field.starts_with("prisoner.")), "{errors:?}");

        let mut typed = Draft { email: "a@example.com".into(), email_confirm: "b@example.com".into(), ..draft };
        typed.lead.first_name = "Ann".into();
        let errors = check_step(&typed, FormStep::Visitors, Locale::En, today, None);
        assert!(errors.iter().any(|e| e.field == "lead_visitor.email_confirm"), "{errors:?}");
        assert!(errors.iter().all(|e| FormStep::Visitors.owns(e)));
    }

    #[test]
    fn support_needs_and_the_choice_of_texts_reach_the_request() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let mut draft = Draft::default();
        let form = pairs(&[
            ("support_needs-hearing_loop", "yes"),
            ("support_needs-interpreter", "yes"),
            ("support_needs-other_details", "typed, then unticked"),
        ]);
        apply_form(&mut draft, FormStep::Support, &form, None);
        let errors = check_step(&draft, FormStep::Support, Locale::En, today, None);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["support_needs.interpreter_language"], "only the ticked need's question is asked");

        let form = pairs(&[("support_needs-hearing_loop", "yes")]);
        apply_form(&mut draft, FormStep::Support, &form, None);
        assert!(check_step(&draft, FormStep::Support, Locale::En, today, None).is_empty());
        let request = draft.request(Locale::En);
        assert!(request.support_needs.hearing_loop && !request.support_needs.interpreter);

        // Texts: "both" asks for email and SMS; anything else a form might send is email only.
        apply_form(&mut draft, FormStep::Visitors, &pairs(&[("lead_visitor-contact_by", "both")]), None);
        let channels = draft.request(Locale::En).lead_visitor.contact_by;
        assert_eq!(channels, Some(vec![domain::email::MessageChannel::Email, domain::email::MessageChannel::Sms]));
        apply_form(&mut draft, FormStep::Visitors, &pairs(&[("lead_visitor-contact_by", "pigeon")]), None);
        assert_eq!(draft.request(Locale::En).lead_visitor.contact_by, None);
    }

    #[test]
    fn joining_the_waiting_list_starts_the_choice_again_and_takes_full_times_only() {
        let (full, open) = (slot(3, 10), slot(4, 14));
        let mut offered = availability(&[full, open]);
        offered.days[0].slots[0].state = SlotState::FullyBooked;
        let mut draft = Draft { slots: vec![open], ..Draft::default() };
        let form = pairs(&[("slots", &slot_id(&open)), ("waiting_list", "on")]);
        assert_eq!(apply_form(&mut draft, FormStep::Times, &form, Some(&offered)), FormAction::WaitingList(true));
        assert!(draft.waiting_list && draft.slots.is_empty());

        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        apply_form(&mut draft, FormStep::Times, &pairs(&[("slots", &slot_id(&open))]), Some(&offered));
        let errors = check_step(&draft, FormStep::Times, Locale::En, today, Some(&offered));
        let codes: Vec<FieldErrorCode> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [FieldErrorCode::SlotHasPlaces]);
        apply_form(&mut draft, FormStep::Times, &pairs(&[("slots", &slot_id(&full))]), Some(&offered));
        assert!(check_step(&draft, FormStep::Times, Locale::En, today, Some(&offered)).is_empty());
        assert!(draft.request(Locale::En).waiting_list);
    }
}
