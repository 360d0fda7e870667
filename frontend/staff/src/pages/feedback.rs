//! Feedback on the service from a member of staff (issue 14): how satisfied they are, and if they like what went
//! wrong and an email address to be answered at. The API records it as staff's without saying whose.

use domain::api::Locale;
use domain::feedback::{FeedbackRequest, MAX_IMPROVEMENT_CHARS, Satisfaction};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::session::use_session;
use crate::ui::{ErrorSummary, Issue, field_error, has_issue, problem_text, show_issues, use_title};

/// The field a server error names, as the id of its input on this page.
fn input_id(field: &str) -> &'static str {
    match field {
        "improvement" => "feedback-improvement",
        "email" => "feedback-email",
        _ => "feedback-satisfaction",
    }
}

#[component]
pub fn FeedbackPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let issues = RwSignal::new(Vec::<Issue>::new());
    use_title(("Give feedback", "Rhoi adborth"), move || issues.with(|i| !i.is_empty()));
    let satisfaction = RwSignal::new(None::<Satisfaction>);
    let improvement = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = FeedbackRequest {
            satisfaction: satisfaction.get_untracked(),
            improvement: improvement.get_untracked(),
            email: email.get_untracked(),
            locale: if lang.is_cy() { Locale::Cy } else { Locale::En },
        };
        // The same rules as the server's, so the form says what to fix before sending.
        if let Err(errors) = domain::feedback::parse_feedback(&request) {
            show_issues(issues, errors.iter().map(|e| Issue::from_field(input_id(&e.field), e)).collect());
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let body = serde_json::to_string(&request).ok();
            let result: Result<domain::feedback::FeedbackCreated, ApiError> =
                crate::session::call(session, "POST", "/api/v1/feedback".into(), body).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    issues.set(Vec::new());
                    sent.set(true);
                    focus_id("feedback-sent".into());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(
                        issues,
                        problem.errors.iter().map(|e| Issue::from_field(input_id(&e.field), e)).collect(),
                    );
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("feedback-satisfaction", text.clone(), text)]);
                }
            }
        });
    };
    view! {
        <Show when=move || !sent.get() fallback=|| view! {
            <div class="govuk-panel govuk-panel--confirmation" id="feedback-sent" tabindex="-1">
                <h1 class="govuk-panel__title">{tx("Thank you for your feedback", "Diolch am eich adborth")}</h1>
            </div>
            <p class="govuk-body">
                {tx("We read every comment to make the service better.", "Rydym yn darllen pob sylw i wella’r gwasanaeth.")}
            </p>
            <p class="govuk-body"><a class="govuk-link" href="/staff/inbox">{tx("Go to the inbox", "Mynd i’r mewnflwch")}</a></p>
        }>
            <ErrorSummary issues />
            <h1 class="govuk-heading-l">{tx("Give feedback on Manage prison visits", "Rhoi adborth ar Rheoli ymweliadau carchar")}</h1>
            <p class="govuk-body">
                {tx(
                    "Your feedback is recorded as coming from staff, without your name.",
                    "Caiff eich adborth ei gofnodi fel adborth gan staff, heb eich enw.",
                )}
            </p>
            <form novalidate on:submit=submit id="feedback-form">
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "feedback-satisfaction")>
                    <fieldset class="govuk-fieldset" aria-describedby=move || has_issue(issues, "feedback-satisfaction")().then_some("feedback-satisfaction-error")>
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
                            {tx("Overall, how satisfied are you with this service?", "Ar y cyfan, pa mor fodlon ydych chi gyda’r gwasanaeth hwn?")}
                        </legend>
                        {field_error(issues, "feedback-satisfaction")}
                        <div class="govuk-radios">
                            {Satisfaction::ALL.into_iter().enumerate().map(|(i, answer)| {
                                let id = if i == 0 { "feedback-satisfaction".to_string() } else { format!("feedback-{}", answer.as_str()) };
                                view! {
                                    <div class="govuk-radios__item">
                                        <input class="govuk-radios__input" id=id.clone() name="satisfaction" type="radio" value=answer.as_str()
                                            prop:checked=move || satisfaction.get() == Some(answer)
                                            on:change=move |_| satisfaction.set(Some(answer)) />
                                        <label class="govuk-label govuk-radios__label" for=id>{move || answer.label(lang.get())}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "feedback-improvement")>
                    <label class="govuk-label govuk-label--s" for="feedback-improvement">
                        {tx("What went wrong, or how could we improve the service? (optional)", "Beth aeth o’i le, neu sut gallem wella’r gwasanaeth? (dewisol)")}
                    </label>
                    <div class="govuk-hint" id="feedback-improvement-hint">
                        {tx("Do not include personal details of visitors or prisoners.", "Peidiwch â chynnwys manylion personol ymwelwyr neu garcharorion.")}
                        " " {move || if lang.is_cy() { format!("Hyd at {MAX_IMPROVEMENT_CHARS} nod.") } else { format!("Up to {MAX_IMPROVEMENT_CHARS} characters.") }}
                    </div>
                    {field_error(issues, "feedback-improvement")}
                    <textarea class="govuk-textarea" id="feedback-improvement" name="improvement" rows="5"
                        aria-describedby="feedback-improvement-hint"
                        class:govuk-textarea--error=has_issue(issues, "feedback-improvement")
                        prop:value=improvement on:input=move |ev| improvement.set(event_target_value(&ev))></textarea>
                </div>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "feedback-email")>
                    <label class="govuk-label govuk-label--s" for="feedback-email">
                        {tx("Email address (optional)", "Cyfeiriad e-bost (dewisol)")}
                    </label>
                    <div class="govuk-hint" id="feedback-email-hint">
                        {tx("Only if you would like a reply.", "Dim ond os hoffech gael ateb.")}
                    </div>
                    {field_error(issues, "feedback-email")}
                    <input class="govuk-input" id="feedback-email" name="email" type="email" autocomplete="email" spellcheck="false"
                        aria-describedby="feedback-email-hint"
                        class:govuk-input--error=has_issue(issues, "feedback-email")
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="govuk-button" id="feedback-send" aria-disabled=move || busy.get().then_some("true")>
                    {tx("Send feedback", "Anfon adborth")}
                </button>
            </form>
        </Show>
    }
}
