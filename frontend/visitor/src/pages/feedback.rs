//! Feedback on the service from a visitor (issue 14), linked from every page's footer and from the confirmation:
//! how satisfied they are, and if they like what went wrong and an email address to be answered at. Nothing else
//! about them is kept. Without JavaScript the form posts to `/feedback` (the server sends it as the REST endpoint
//! does, and comes back here with `?sent=yes`, or with what to fix); the app calls `POST /api/v1/feedback` itself.

use domain::error::{ErrorCode, FieldError};
use domain::feedback::{FeedbackCreated, MAX_IMPROVEMENT_CHARS, Satisfaction};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, call};
use crate::components::{ErrorSummary, focus_id, show_errors, textarea_content};
use crate::i18n::{api_error, field_message, tx, use_lang, use_title};
use crate::store::{FeedbackDraft, use_form};

const HEADING: (&str, &str) = ("Give feedback on this service", "Rhoi adborth ar y gwasanaeth hwn");

/// Said when too much feedback came from one connection.
const LIMITED: (&str, &str) = (
    "Too much feedback has been sent from this connection. Try again in an hour.",
    "Mae gormod o adborth wedi’i anfon o’r cysylltiad hwn. Rhowch gynnig arall arni ymhen awr.",
);

#[component]
pub fn FeedbackPage() -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    let query = leptos_router::hooks::use_query_map();
    let sent = RwSignal::new(query.with_untracked(|q| q.get("sent").is_some()));
    let failure = RwSignal::new(query.with_untracked(|q| q.get("problem")).map(|problem| match problem.as_str() {
        "limited" => lang.t(LIMITED.0, LIMITED.1),
        _ => api_error(lang, &ApiError::Status(503)),
    }));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let pending = form.draft.with_untracked(|d| d.feedback.errors.clone());
    if !pending.is_empty() {
        show_errors(errors, pending);
    }
    let busy = RwSignal::new(false);
    use_title(
        move |lang| {
            let title = match sent.get() {
                true => lang.t("Thank you for your feedback", "Diolch am eich adborth"),
                false => lang.t(HEADING.0, HEADING.1),
            };
            title.into()
        },
        move || errors.with(|e| !e.is_empty()),
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = form.draft.with_untracked(|d| d.feedback.request(lang.0.get_untracked()));
        // The server's own rules, so the form says what to fix before sending.
        if let Err(found) = domain::feedback::parse_feedback(&request) {
            show_errors(errors, found);
            return;
        }
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let body = serde_json::to_string(&request).ok();
            let result: Result<FeedbackCreated, ApiError> =
                call("POST", "/api/v1/feedback".into(), body, &[], false).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    form.draft.update(|d| d.feedback = FeedbackDraft::default());
                    errors.set(Vec::new());
                    sent.set(true);
                    focus_id("feedback-sent".into());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_errors(errors, problem.errors.clone());
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::RateLimited => {
                    failure.set(Some(lang.t(LIMITED.0, LIMITED.1)));
                }
                Err(error) => failure.set(Some(api_error(lang, &error))),
            }
        });
    };

    let error = move |field: &'static str| {
        move || {
            errors.with(|errors| errors.iter().find(|e| e.field == field).map(|e| field_message(lang.get(), e, None)))
        }
    };
    let error_line = move |field: &'static str, id: &'static str| {
        move || {
            error(field)().map(|message| {
                view! {
                    <p class="govuk-error-message" id=id>
                        <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                        " "
                        {message}
                    </p>
                }
            })
        }
    };
    let typed = form.draft.with_untracked(|d| textarea_content(&d.feedback.improvement));

    view! {
        <Show
            when=move || !sent.get()
            fallback=|| {
                view! {
                    <div class="govuk-panel govuk-panel--confirmation" id="feedback-sent" tabindex="-1">
                        <h1 class="govuk-panel__title">{tx("Thank you for your feedback", "Diolch am eich adborth")}</h1>
                    </div>
                    <p class="govuk-body">
                        {tx("We read every comment to make the service better.", "Rydym yn darllen pob sylw i wella’r gwasanaeth.")}
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/">{tx("Go to the list of prisons", "Mynd i’r rhestr o garchardai")}</a>
                    </p>
                }
            }
        >
            // One type-erased view: the whole form as one type is too deep for the compiler's layout queries.
            {view! {
            <ErrorSummary errors />
            {move || {
                failure
                    .get()
                    .map(|message| {
                        view! {
                            <div class="govuk-error-summary" role="alert" id="feedback-failed" tabindex="-1">
                                <h2 class="govuk-error-summary__title">
                                    {lang.t("Your feedback was not sent", "Ni anfonwyd eich adborth")}
                                </h2>
                                <p class="govuk-body">{message}</p>
                            </div>
                        }
                    })
            }}
            <h1 class="govuk-heading-l">{tx(HEADING.0, HEADING.1)}</h1>
            <p class="govuk-body">
                {tx("Do not include personal details, such as a name or a prison number, unless you want a reply about your own visit.", "Peidiwch â chynnwys manylion personol, fel enw neu rif carchar, oni bai eich bod eisiau ateb am eich ymweliad eich hun.")}
            </p>
            <form method="post" action="/feedback" novalidate on:submit=submit>
                {view! {
                <div class="govuk-form-group" class:govuk-form-group--error=move || error("satisfaction")().is_some()>
                    <fieldset
                        class="govuk-fieldset"
                        aria-describedby=move || error("satisfaction")().map(|_| "satisfaction-error")
                    >
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
                            {tx("Overall, how satisfied are you with this service?", "Ar y cyfan, pa mor fodlon ydych chi gyda’r gwasanaeth hwn?")}
                        </legend>
                        {error_line("satisfaction", "satisfaction-error")}
                        <div class="govuk-radios">
                            {Satisfaction::ALL
                                .into_iter()
                                .enumerate()
                                .map(|(i, answer)| {
                                    // The first radio carries the field's id, for the error summary's link.
                                    let id = if i == 0 {
                                        "satisfaction".to_string()
                                    } else {
                                        format!("satisfaction-{}", answer.as_str())
                                    };
                                    let checked = move || {
                                        form.draft.with(|d| d.feedback.satisfaction == answer.as_str())
                                    };
                                    view! {
                                        <div class="govuk-radios__item">
                                            <input
                                                class="govuk-radios__input"
                                                id=id.clone()
                                                name="satisfaction"
                                                type="radio"
                                                value=answer.as_str()
                                                checked=checked
                                                prop:checked=checked
                                                on:change=move |_| {
                                                    form.draft.update(|d| d.feedback.satisfaction = answer.as_str().to_owned())
                                                }
                                            />
                                            <label class="govuk-label govuk-radios__label" for=id>
                                                {move || answer.label(lang.get())}
                                            </label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    </fieldset>
                </div>
                }.into_any()}
                {view! {
                <div class="govuk-form-group" class:govuk-form-group--error=move || error("improvement")().is_some()>
                    <label class="govuk-label govuk-label--s" for="improvement">
                        {tx("What went wrong, or how could we improve the service? (optional)", "Beth aeth o’i le, neu sut gallem wella’r gwasanaeth? (dewisol)")}
                    </label>
                    <div class="govuk-hint" id="improvement-hint">
                        {move || {
                            if lang.is_cy() {
                                format!("Hyd at {MAX_IMPROVEMENT_CHARS} nod.")
                            } else {
                                format!("Up to {MAX_IMPROVEMENT_CHARS} characters.")
                            }
                        }}
                    </div>
                    {error_line("improvement", "improvement-error")}
                    <textarea
                        class="govuk-textarea"
                        class:govuk-textarea--error=move || error("improvement")().is_some()
                        id="improvement"
                        name="improvement"
                        rows="5"
                        aria-describedby=move || {
                            if error("improvement")().is_some() { "improvement-hint improvement-error" } else { "improvement-hint" }
                        }
                        prop:value=move || form.draft.with(|d| d.feedback.improvement.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            form.draft.update(|d| d.feedback.improvement = value);
                        }
                    >
                        {typed.clone()}
                    </textarea>
                </div>
                }.into_any()}
                {view! {
                <div class="govuk-form-group" class:govuk-form-group--error=move || error("email")().is_some()>
                    <label class="govuk-label govuk-label--s" for="email">
                        {tx("Email address (optional)", "Cyfeiriad e-bost (dewisol)")}
                    </label>
                    <div class="govuk-hint" id="email-hint">
                        {tx("Only if you would like a reply.", "Dim ond os hoffech gael ateb.")}
                    </div>
                    {error_line("email", "email-error")}
                    <input
                        class="govuk-input"
                        class:govuk-input--error=move || error("email")().is_some()
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="email"
                        spellcheck="false"
                        aria-describedby=move || {
                            if error("email")().is_some() { "email-hint email-error" } else { "email-hint" }
                        }
                        value=move || form.draft.with(|d| d.feedback.email.clone())
                        prop:value=move || form.draft.with(|d| d.feedback.email.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            form.draft.update(|d| d.feedback.email = value);
                        }
                    />
                </div>
                }.into_any()}
                <button type="submit" class="govuk-button" id="feedback-send" aria-disabled=move || busy.get().then_some("true")>
                    {tx("Send feedback", "Anfon adborth")}
                </button>
            </form>
            }.into_any()}
        </Show>
    }
}
