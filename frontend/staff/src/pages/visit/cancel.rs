//! Cancelling a booked visit, with a reason.

use domain::decision::StaffCancelRequest;
use domain::staff::StaffVisitView;
use domain::visit::CancellationReason;
use frontend_shared::api::ApiError;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::labels::cancellation_label;
use super::notice::{Notice, announce};
use super::{Typed, optional};
use crate::api;
use crate::session::use_session;
use crate::ui::{ErrorSummary, Issue, field_error, has_issue, problem_text, show_issues};

#[component]
pub(super) fn CancelForm(
    visit: StoredValue<StaffVisitView>,
    typed: Typed,
    notice: RwSignal<Option<Notice>>,
    issues: RwSignal<Vec<Issue>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(reason) = typed.cancel_reason.get_untracked() else {
            show_issues(
                issues,
                vec![Issue::new(
                    "cancel-reason",
                    "Choose why the visit is cancelled",
                    "Dewiswch pam y caiff yr ymweliad ei ganslo",
                )],
            );
            return;
        };
        let request = StaffCancelRequest {
            reason,
            message: optional(typed.cancel_message.get_untracked()),
            expected_version: visit.with_value(|v| v.version),
        };
        let id = visit.with_value(|v| v.id);
        busy.set(true);
        spawn_local(async move {
            let result = api::cancel(session, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Cancelled);
                    reload.run(());
                }
                Err(ApiError::Problem(problem)) if problem.status == 409 => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Conflict(problem.current_state));
                    reload.run(());
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("cancel-reason", text.clone(), text)]);
                }
            }
        });
    };
    view! {
        <details class="govuk-details app-no-print" id="cancel-details">
            <summary class="govuk-details__summary">
                <span class="govuk-details__summary-text">{tx("Cancel this visit", "Canslo’r ymweliad hwn")}</span>
            </summary>
            <div class="govuk-details__text">
                <ErrorSummary issues />
                <form novalidate on:submit=submit id="cancel-form">
                    <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "cancel-reason")>
                        <fieldset class="govuk-fieldset">
                            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Why is it cancelled?", "Pam y caiff ei ganslo?")}</legend>
                            {field_error(issues, "cancel-reason")}
                            <div class="govuk-radios govuk-radios--small">
                                {CancellationReason::STAFF.into_iter().enumerate().map(|(i, reason)| {
                                    let id = if i == 0 { "cancel-reason".to_string() } else { format!("cancel-{}", reason.as_str()) };
                                    view! {
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id=id.clone() name="cancel-reason" type="radio" value=reason.as_str()
                                                prop:checked=move || typed.cancel_reason.get() == Some(reason)
                                                on:change=move |_| typed.cancel_reason.set(Some(reason)) />
                                            <label class="govuk-label govuk-radios__label" for=id>{move || cancellation_label(lang, reason)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="cancel-message">{tx("Message to the visitor (optional)", "Neges i’r ymwelydd (dewisol)")}</label>
                        <textarea class="govuk-textarea" id="cancel-message" rows="3" maxlength="1000"
                            prop:value=typed.cancel_message on:input=move |ev| typed.cancel_message.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit" class="govuk-button govuk-button--warning" id="cancel-visit" aria-disabled=move || busy.get().then_some("true")>
                        {tx("Cancel the visit", "Canslo’r ymweliad")}
                    </button>
                </form>
            </div>
        </details>
    }
}
