//! Step 5: any support the party needs at the visit (issue 14): wheelchair access, a hearing loop, an interpreter
//! and the language, or anything else in the visitor's words. Optional: with nothing ticked, the visitor goes on.
//! The GOV.UK checkboxes with conditionally revealed questions: without JavaScript every question shows (as GOV.UK's
//! own pattern does); with it, a question shows while its box is ticked.

use domain::error::FieldError;
use domain::support::SupportNeedsInput;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::prisoner::{clear_server_errors, next_step, step_errors};
use crate::components::{
    BackLink, ErrorSummary, RequirePrison, TextInput, form_action, on_step_load, show_errors, textarea_content,
};
use crate::i18n::{field_message, tx, use_lang, use_title};
use crate::journey::FormStep;
use crate::store::use_form;

#[component]
pub fn SupportPage() -> impl IntoView {
    view! {
        <BackLink href="/book/visitors" />
        <RequirePrison>
            <SupportForm />
        </RequirePrison>
    }
}

#[component]
fn SupportForm() -> impl IntoView {
    let navigate = use_navigate();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    on_step_load(errors, FormStep::Support);
    const HEADING: (&str, &str) =
        ("Does anyone visiting need extra support?", "A oes angen cymorth ychwanegol ar unrhyw un sy’n ymweld?");
    use_title(|lang| lang.t(HEADING.0, HEADING.1).into(), move || errors.with(|e| !e.is_empty()));
    // Questions under unticked boxes hide only once the app runs: without it, all show.
    let running = RwSignal::new(false);
    Effect::new(move || running.set(true));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = step_errors(FormStep::Support, None);
        if found.is_empty() {
            clear_server_errors(FormStep::Support);
            errors.set(Vec::new());
            navigate(next_step(FormStep::Support), NavigateOptions::default());
        } else {
            show_errors(errors, found);
        }
    };

    view! {
        <ErrorSummary errors />
        <form method="post" action=form_action() novalidate on:submit=submit>
            <span class="govuk-caption-l">{tx("Step 5 of 6", "Cam 5 o 6")}</span>
            <div class="govuk-form-group">
                <fieldset class="govuk-fieldset" aria-describedby="support_needs-hint">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
                        <h1 class="govuk-fieldset__heading">{tx(HEADING.0, HEADING.1)}</h1>
                    </legend>
                    <div class="govuk-hint" id="support_needs-hint">
                        {tx("Select all that apply. If no one needs support, leave them all unticked and continue. The prison uses this to prepare for your visit.", "Dewiswch bob un sy’n berthnasol. Os nad oes angen cymorth ar neb, gadewch nhw i gyd heb eu ticio a pharhau. Mae’r carchar yn defnyddio hyn i baratoi ar gyfer eich ymweliad.")}
                    </div>
                    <div class="govuk-checkboxes" id="support_needs">
                        <Need
                            name="wheelchair_access"
                            label=("Wheelchair access or step-free access", "Mynediad i gadair olwyn neu fynediad heb risiau")
                            get=|s| s.wheelchair_access
                            set=|s, on| s.wheelchair_access = on
                        />
                        <Need
                            name="hearing_loop"
                            label=("A hearing loop", "Dolen sain")
                            get=|s| s.hearing_loop
                            set=|s, on| s.hearing_loop = on
                        />
                        <Need
                            name="interpreter"
                            label=("An interpreter", "Cyfieithydd")
                            get=|s| s.interpreter
                            set=|s, on| s.interpreter = on
                            reveals=running
                        />
                        <Reveal name="interpreter" running>
                            <TextInput
                                field="support_needs.interpreter_language"
                                label=("Which language should the interpreter speak?", "Pa iaith ddylai’r cyfieithydd ei siarad?")
                                hint=("For example, Polish or British Sign Language", "Er enghraifft, Pwyleg neu Iaith Arwyddion Prydain")
                                get=|d| d.support.interpreter_language.clone()
                                set=|d, v| d.support.interpreter_language = v
                                errors
                                width="govuk-!-width-two-thirds"
                            />
                        </Reveal>
                        <Need
                            name="other"
                            label=("Something else", "Rhywbeth arall")
                            get=|s| s.other
                            set=|s, on| s.other = on
                            reveals=running
                        />
                        <Reveal name="other" running>
                            <OtherDetails errors />
                        </Reveal>
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button" id="continue">
                {tx("Continue", "Parhau")}
            </button>
        </form>
    }
}

/// One need's checkbox: `support_needs-{name}`. One that reveals a question (`reveals`, the app's running flag)
/// says so to assistive technology as GOV.UK's checkboxes do: `aria-controls` names the question, and
/// `aria-expanded` says whether it shows (only once the app runs: before, every question shows).
#[component]
fn Need(
    name: &'static str,
    label: (&'static str, &'static str),
    get: fn(&SupportNeedsInput) -> bool,
    set: fn(&mut SupportNeedsInput, bool),
    #[prop(optional)] reveals: Option<RwSignal<bool>>,
) -> impl IntoView {
    let form = use_form();
    let id = format!("support_needs-{name}");
    let checked = move || form.draft.with(|d| get(&d.support));
    let controls = reveals.map(|_| format!("support_needs-{name}-conditional"));
    let expanded = move || reveals.filter(|running| running.get()).map(|_| if checked() { "true" } else { "false" });
    view! {
        <div class="govuk-checkboxes__item">
            <input
                class="govuk-checkboxes__input"
                id=id.clone()
                name=id.clone()
                type="checkbox"
                value="yes"
                aria-controls=controls
                aria-expanded=expanded
                checked=checked
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    form.draft.update(|d| set(&mut d.support, on));
                }
            />
            <label class="govuk-label govuk-checkboxes__label" for=id>
                {tx(label.0, label.1)}
            </label>
        </div>
    }
}

/// The question a ticked need reveals (`support_needs-{name}-conditional`): always there without the app, hidden
/// by it while the box is unticked.
#[component]
fn Reveal(name: &'static str, running: RwSignal<bool>, children: Children) -> impl IntoView {
    let form = use_form();
    let ticked = move || {
        form.draft.with(|d| match name {
            "interpreter" => d.support.interpreter,
            _ => d.support.other,
        })
    };
    view! {
        <div
            class="govuk-checkboxes__conditional"
            class:govuk-checkboxes__conditional--hidden=move || running.get() && !ticked()
            id=format!("support_needs-{name}-conditional")
        >
            {children()}
        </div>
    }
}

/// "Tell us what support is needed": a text area of up to 300 characters.
#[component]
fn OtherDetails(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    const FIELD: &str = "support_needs.other_details";
    let id = "support_needs-other_details";
    let error = move || {
        errors.with(|errors| errors.iter().find(|e| e.field == FIELD).map(|e| field_message(lang.get(), e, None)))
    };
    let described = move || {
        if error().is_some() { format!("{id}-hint {id}-error") } else { format!("{id}-hint") }
    };
    // The text the server rendered, as the box's content; the app keeps the box's value after that.
    let typed = form.draft.with_untracked(|d| textarea_content(&d.support.other_details));
    view! {
        <div class="govuk-form-group" class:govuk-form-group--error=move || error().is_some()>
            <label class="govuk-label" for=id>
                {tx("Tell us what support is needed", "Dywedwch wrthym pa gymorth sydd ei angen")}
            </label>
            <div class="govuk-hint" id=format!("{id}-hint")>
                {tx("For example, a quiet place to wait, or help for someone with autism", "Er enghraifft, lle tawel i aros, neu help i rywun ag awtistiaeth")}
            </div>
            {move || {
                error()
                    .map(|message| {
                        view! {
                            <p class="govuk-error-message" id=format!("{id}-error")>
                                <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                                " "
                                {message}
                            </p>
                        }
                    })
            }}
            <textarea
                class="govuk-textarea"
                class:govuk-textarea--error=move || error().is_some()
                id=id
                name=id
                rows="4"
                aria-describedby=described
                prop:value=move || form.draft.with(|d| d.support.other_details.clone())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    form.draft.update(|d| d.support.other_details = value);
                }
            >
                {typed}
            </textarea>
        </div>
    }
}
