//! The decision on a request: book one of the chosen times, or reject it with reasons.

use domain::decision::{DecisionRequest, RejectionReasonInput, VisitorOutcomeInput};
use domain::error::{ErrorCode, FieldError};
use domain::i18n::describe_slot;
use domain::slot::Slot;
use domain::staff::StaffVisitView;
use domain::visit::{RejectionReason, VisitorOutcome};
use frontend_shared::api::ApiError;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::labels::rejection_label;
use super::notice::{Notice, announce};
use super::places::{Places, ordinal, places_text};
use super::{Typed, optional, parse_date};
use crate::api;
use crate::session::use_session;
use crate::ui::{ErrorSummary, Issue, field_error, has_issue, problem_text, show_issues};

/// The server's field errors, each on the part of the form it is about.
pub(super) fn decision_issues(errors: &[FieldError]) -> Vec<Issue> {
    errors
        .iter()
        .map(|e| {
            let id = if e.field.starts_with("slot") {
                "slots"
            } else if e.field.starts_with("reasons") {
                "reasons"
            } else if e.field.starts_with("booking_reference") {
                "booking-reference"
            } else if e.field.starts_with("message") {
                "message"
            } else if e.field.starts_with("visitor_outcomes") {
                "visitor-outcomes"
            } else {
                "decision"
            };
            Issue::from_field(id, e)
        })
        .collect()
}

#[component]
pub(super) fn DecisionForm(
    visit: StoredValue<StaffVisitView>,
    places: Vec<Option<Places>>,
    typed: Typed,
    notice: RwSignal<Option<Notice>>,
    issues: RwSignal<Vec<Issue>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let choices = StoredValue::new(visit.with_value(|v| v.slot_choices.clone()));
    let places = StoredValue::new(places);
    let place_of = move |slot: Slot| {
        let index = choices.with_value(|c| c.iter().position(|s| *s == slot));
        places.with_value(|p| index.and_then(|i| p.get(i).copied().flatten()))
    };
    let visitors = visit.with_value(|v| v.visitors.clone());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let expected_version = visit.with_value(|v| v.version);
        let mut outcomes = Vec::new();
        for (index, (kind, until)) in typed.outcomes.get_untracked().into_iter().enumerate() {
            let outcome = match kind.as_str() {
                "banned" => {
                    let date = parse_date(&until);
                    if !until.trim().is_empty() && date.is_none() {
                        found.push(Issue::new(
                            format!("visitor-{index}-until"),
                            "Enter the last day of the ban as a real date",
                            "Rhowch ddiwrnod olaf y gwaharddiad fel dyddiad go iawn",
                        ));
                    }
                    Some(VisitorOutcome::Banned { until: date })
                }
                "not_on_contact_list" => Some(VisitorOutcome::NotOnContactList),
                "other" => Some(VisitorOutcome::Other),
                _ => None,
            };
            if let Some(outcome) = outcome {
                outcomes.push(VisitorOutcomeInput { visitor_index: index, outcome });
            }
        }
        let message = optional(typed.message.get_untracked());
        let decision = match typed.decision.get_untracked() {
            Some("grant") => match typed.slot.get_untracked() {
                Some(slot) => {
                    let closed_visit = typed.closed_visit.get_untracked();
                    if place_of(slot).is_some_and(|p| p.left(closed_visit) == 0) {
                        found.push(Issue::new(
                            "slots",
                            "That time is full. Choose another time or reject the request",
                            "Mae’r amser hwnnw’n llawn. Dewiswch amser arall neu gwrthodwch y cais",
                        ));
                    }
                    Some(DecisionRequest::Grant {
                        slot,
                        closed_visit,
                        booking_reference: optional(typed.booking_reference.get_untracked()),
                        visitor_outcomes: outcomes,
                        message,
                        expected_version,
                    })
                }
                None => {
                    found.push(Issue::new("slots", "Choose the time to book", "Dewiswch yr amser i’w drefnu"));
                    None
                }
            },
            Some(_) => {
                let mut reasons = Vec::new();
                for reason in typed.reasons.get_untracked() {
                    let mut input = RejectionReasonInput { reason, allowance_renews_on: None, detail: None };
                    if reason == RejectionReason::NoAllowance {
                        input.allowance_renews_on = parse_date(&typed.renews_on.get_untracked());
                        if input.allowance_renews_on.is_none() {
                            found.push(Issue::new(
                                "renews-on",
                                "Enter the date the visiting allowance renews",
                                "Rhowch y dyddiad y bydd y lwfans ymweld yn adnewyddu",
                            ));
                        }
                    }
                    if reason == RejectionReason::Other {
                        input.detail = optional(typed.other_detail.get_untracked());
                        if input.detail.is_none() {
                            found.push(Issue::new(
                                "other-detail",
                                "Say why the request is rejected (the visitor will not see this)",
                                "Dywedwch pam y gwrthodir y cais (ni fydd yr ymwelydd yn gweld hyn)",
                            ));
                        }
                    }
                    reasons.push(input);
                }
                if reasons.is_empty() {
                    found.push(Issue::new("reasons", "Choose at least one reason", "Dewiswch o leiaf un rheswm"));
                }
                Some(DecisionRequest::Reject { reasons, visitor_outcomes: outcomes, message, expected_version })
            }
            None => {
                found.push(Issue::new(
                    "decision",
                    "Choose whether to book the visit or reject the request",
                    "Dewiswch a ydych am drefnu’r ymweliad neu wrthod y cais",
                ));
                None
            }
        };
        let Some(decision) = decision.filter(|_| found.is_empty()) else {
            show_issues(issues, found);
            return;
        };
        busy.set(true);
        let id = visit.with_value(|v| v.id);
        spawn_local(async move {
            let result = api::decide(session, id, &decision).await;
            busy.set(false);
            match result {
                Ok(view) => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Decided(view.state));
                    reload.run(());
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::Conflict => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Conflict(problem.current_state));
                    reload.run(());
                }
                Err(ApiError::Problem(problem))
                    if matches!(
                        problem.code,
                        ErrorCode::SlotFull
                            | ErrorCode::SlotClosed
                            | ErrorCode::SlotNotOffered
                            | ErrorCode::VisitAlreadyStarted
                    ) =>
                {
                    issues.set(vec![Issue::new(
                        "slots",
                        "That time can no longer be booked. Choose another time or reject the request",
                        "Nid oes modd trefnu’r amser hwnnw mwyach. Dewiswch amser arall neu gwrthodwch y cais",
                    )]);
                    announce(notice, Notice::SlotUnavailable(problem.code));
                    reload.run(());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(issues, decision_issues(&problem.errors));
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("decision", text.clone(), text)]);
                }
            }
        });
    };

    let slot_error = field_error(issues, "slots");
    let reasons_error = field_error(issues, "reasons");
    let decision_error = field_error(issues, "decision");
    view! {
        <h2 class="govuk-heading-m" id="decide">{tx("Decide", "Penderfynu")}</h2>
        <ErrorSummary issues />
        <form novalidate on:submit=submit id="decision-form" class="app-no-print">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "decision")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("What is your decision?", "Beth yw eich penderfyniad?")}</legend>
                    {decision_error}
                    <div class="govuk-radios govuk-radios--small">
                        <div class="govuk-radios__item">
                            <input class="govuk-radios__input" id="decision" name="decision" type="radio" value="grant"
                                prop:checked=move || typed.decision.get() == Some("grant")
                                on:change=move |_| typed.decision.set(Some("grant")) />
                            <label class="govuk-label govuk-radios__label" for="decision">{tx("Book one of the chosen times", "Trefnu un o’r amseroedd a ddewiswyd")}</label>
                        </div>
                        <div class="govuk-radios__item">
                            <input class="govuk-radios__input" id="decision-reject" name="decision" type="radio" value="reject"
                                prop:checked=move || typed.decision.get() == Some("reject")
                                on:change=move |_| typed.decision.set(Some("reject")) />
                            <label class="govuk-label govuk-radios__label" for="decision-reject">{tx("Reject the request", "Gwrthod y cais")}</label>
                        </div>
                    </div>
                </fieldset>
            </div>

            <Show when=move || typed.decision.get() == Some("grant")>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "slots")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Which time?", "Pa amser?")}</legend>
                        <div class="govuk-hint">{tx("Places left now, for open visits and for closed visits. Full times cannot be chosen.", "Lleoedd ar ôl nawr, ar gyfer ymweliadau agored ac ymweliadau caeedig. Ni ellir dewis amseroedd llawn.")}</div>
                        {slot_error}
                        <div class="govuk-radios govuk-radios--small" id="slot-choices">
                            {choices.get_value().iter().enumerate().map(|(i, slot)| {
                                let slot = *slot;
                                let id = if i == 0 { "slots".to_string() } else { format!("slots-{i}") };
                                let place = place_of(slot);
                                let full = move || place.is_some_and(|p| p.left(typed.closed_visit.get()) == 0);
                                let hint_id = format!("{id}-hint");
                                view! {
                                    <div class="govuk-radios__item app-slot-choice" class:app-slot-choice--full=full>
                                        <input class="govuk-radios__input" id=id.clone() name="slot" type="radio"
                                            aria-describedby=hint_id.clone()
                                            prop:disabled=full
                                            prop:checked=move || typed.slot.get() == Some(slot)
                                            on:change=move |_| typed.slot.set(Some(slot)) />
                                        <label class="govuk-label govuk-radios__label" for=id>
                                            {move || format!("{}: {}", ordinal(lang, i), describe_slot(&slot, lang.get()))}
                                        </label>
                                        <div class="govuk-hint govuk-radios__hint app-places" id=hint_id>
                                            {move || places_text(lang, place, typed.closed_visit.get())}
                                        </div>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <div class="govuk-form-group">
                    <div class="govuk-checkboxes govuk-checkboxes--small">
                        <div class="govuk-checkboxes__item">
                            <input class="govuk-checkboxes__input" id="closed-visit" type="checkbox"
                                prop:checked=typed.closed_visit on:change=move |ev| typed.closed_visit.set(event_target_checked(&ev)) />
                            <label class="govuk-label govuk-checkboxes__label" for="closed-visit">{tx("Closed visit (no contact, across a screen)", "Ymweliad caeedig (dim cyswllt, ar draws sgrin)")}</label>
                        </div>
                    </div>
                </div>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "booking-reference")>
                    <label class="govuk-label" for="booking-reference">{tx("The prison’s booking reference (optional)", "Cyfeirnod archebu’r carchar (dewisol)")}</label>
                    {field_error(issues, "booking-reference")}
                    <input class="govuk-input govuk-input--width-20" id="booking-reference" type="text" maxlength="30" spellcheck="false"
                        prop:value=typed.booking_reference on:input=move |ev| typed.booking_reference.set(event_target_value(&ev)) />
                </div>
            </Show>

            <Show when=move || typed.decision.get() == Some("reject")>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "reasons")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Why is it rejected?", "Pam y caiff ei wrthod?")}</legend>
                        <div class="govuk-hint">{tx("Choose all that apply. The visitor is told in plain words.", "Dewiswch bob un sy’n berthnasol. Caiff yr ymwelydd wybod mewn geiriau syml.")}</div>
                        {reasons_error}
                        <div class="govuk-checkboxes govuk-checkboxes--small">
                            {RejectionReason::ALL.into_iter().enumerate().map(|(i, reason)| {
                                let id = if i == 0 { "reasons".to_string() } else { format!("reason-{}", reason.as_str()) };
                                let checked = move || typed.reasons.with(|r| r.contains(&reason));
                                view! {
                                    <div class="govuk-checkboxes__item">
                                        <input class="govuk-checkboxes__input" id=id.clone() type="checkbox" value=reason.as_str()
                                            prop:checked=checked
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                typed.reasons.update(|r| {
                                                    r.retain(|x| *x != reason);
                                                    if on { r.push(reason); }
                                                });
                                            } />
                                        <label class="govuk-label govuk-checkboxes__label" for=id>{move || rejection_label(lang, reason)}</label>
                                    </div>
                                    {(reason == RejectionReason::NoAllowance).then(|| view! {
                                        <Show when=checked>
                                            <div class="govuk-checkboxes__conditional" class:govuk-form-group--error=has_issue(issues, "renews-on")>
                                                <label class="govuk-label" for="renews-on">{tx("Date the allowance renews", "Dyddiad adnewyddu’r lwfans")}</label>
                                                {field_error(issues, "renews-on")}
                                                <input class="govuk-input govuk-input--width-10" id="renews-on" type="date"
                                                    prop:value=typed.renews_on on:input=move |ev| typed.renews_on.set(event_target_value(&ev)) />
                                            </div>
                                        </Show>
                                    })}
                                    {(reason == RejectionReason::Other).then(|| view! {
                                        <Show when=checked>
                                            <div class="govuk-checkboxes__conditional" class:govuk-form-group--error=has_issue(issues, "other-detail")>
                                                <label class="govuk-label" for="other-detail">{tx("Why (only staff see this)", "Pam (dim ond staff sy’n gweld hyn)")}</label>
                                                {field_error(issues, "other-detail")}
                                                <textarea class="govuk-textarea" id="other-detail" rows="2" maxlength="500"
                                                    prop:value=typed.other_detail on:input=move |ev| typed.other_detail.set(event_target_value(&ev))></textarea>
                                            </div>
                                        </Show>
                                    })}
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
            </Show>

            <Show when=move || typed.decision.get().is_some()>
                <div class="govuk-form-group" id="visitor-outcomes" tabindex="-1">
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Can each visitor come?", "A all pob ymwelydd ddod?")}</legend>
                        <div class="govuk-hint">{tx("If the lead visitor, or every visitor, cannot come, the request is rejected.", "Os na all y prif ymwelydd, neu bob ymwelydd, ddod, caiff y cais ei wrthod.")}</div>
                        {visitors.iter().map(|person| {
                            let index = person.index;
                            let name = format!("{} {}", person.first_name, person.last_name);
                            let select_id = format!("visitor-{index}-outcome");
                            let until_id = format!("visitor-{index}-until");
                            view! {
                                <div class="govuk-form-group app-visitor-outcome">
                                    <label class="govuk-label" for=select_id.clone()>{name}</label>
                                    <select class="govuk-select" id=select_id
                                        on:change=move |ev| typed.set_outcome(index, Some(event_target_value(&ev)), None)>
                                        {[("", ("Can come", "Yn gallu dod")), ("banned", ("Banned", "Wedi’i wahardd")), ("not_on_contact_list", ("Not on the approved contact list", "Ddim ar y rhestr gysylltiadau gymeradwy")), ("other", ("Cannot come for another reason", "Methu dod am reswm arall"))]
                                            .into_iter()
                                            .map(|(value, label)| view! {
                                                <option value=value selected=move || typed.outcome(index).0 == value>{move || lang.t(label.0, label.1)}</option>
                                            })
                                            .collect_view()}
                                    </select>
                                    <Show when=move || typed.outcome(index).0 == "banned">
                                        <label class="govuk-label govuk-!-margin-top-2" for=until_id.clone()>{tx("Last day of the ban (optional)", "Diwrnod olaf y gwaharddiad (dewisol)")}</label>
                                        <input class="govuk-input govuk-input--width-10" id=until_id.clone() type="date"
                                            prop:value=move || typed.outcome(index).1
                                            on:input=move |ev| typed.set_outcome(index, None, Some(event_target_value(&ev))) />
                                    </Show>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                </div>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "message")>
                    <label class="govuk-label govuk-label--s" for="message">{tx("Message to the visitor (optional)", "Neges i’r ymwelydd (dewisol)")}</label>
                    <div class="govuk-hint" id="message-hint">{tx("Sent with the email telling them your decision.", "Caiff ei hanfon gyda’r e-bost yn rhoi gwybod iddynt am eich penderfyniad.")}</div>
                    {field_error(issues, "message")}
                    <textarea class="govuk-textarea" id="message" rows="3" maxlength="1000" aria-describedby="message-hint"
                        prop:value=typed.message on:input=move |ev| typed.message.set(event_target_value(&ev))></textarea>
                </div>
            </Show>
            <button type="submit" class="govuk-button" id="send-decision" aria-disabled=move || busy.get().then_some("true")>
                {move || if busy.get() { lang.t("Sending…", "Wrthi’n anfon…") } else { lang.t("Send decision", "Anfon y penderfyniad") }}
            </button>
        </form>
    }
}
