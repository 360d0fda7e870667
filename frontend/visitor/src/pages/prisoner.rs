//! Step 2: the prisoner's details, checked with the same rules the server uses.

use domain::api::Availability;
use domain::error::FieldError;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::components::{
    BackLink, DateInput, ErrorSummary, RequirePrison, TextInput, form_action, on_step_load, show_errors,
};
use crate::i18n::{tx, use_lang, use_title};
use crate::journey::{FormStep, check_step};
use crate::store::{today, use_form};

/// What keeps the visitor on a step (`journey::check_step`, as the server checks a posted form).
pub fn step_errors(step: FormStep, availability: Option<&Availability>) -> Vec<FieldError> {
    let form = use_form();
    let locale = use_lang().0.get_untracked();
    form.draft.with_untracked(|d| check_step(d, step, locale, today(), availability))
}

/// The next step: back to "Check your answers" when the visitor came from a "Change" link there.
pub fn next_step(step: FormStep) -> &'static str {
    let search = window().location().search().unwrap_or_default();
    step.next(search.contains("from=check"))
}

/// Forgets the server's errors for a step once the visitor has answered it again.
pub fn clear_server_errors(step: FormStep) {
    let form = use_form();
    form.draft.update(|d| d.server_errors.retain(|e| !step.owns(e)));
}

#[component]
pub fn PrisonerPage() -> impl IntoView {
    view! {
        <BackLink href="/" />
        <RequirePrison>
            <PrisonerForm />
        </RequirePrison>
    }
}

#[component]
fn PrisonerForm() -> impl IntoView {
    let navigate = use_navigate();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    on_step_load(errors, FormStep::Prisoner);
    use_title(
        |lang| lang.t("The prisoner’s details", "Manylion y carcharor").into(),
        move || errors.with(|e| !e.is_empty()),
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = step_errors(FormStep::Prisoner, None);
        if found.is_empty() {
            clear_server_errors(FormStep::Prisoner);
            errors.set(Vec::new());
            navigate(next_step(FormStep::Prisoner), NavigateOptions::default());
        } else {
            show_errors(errors, found);
        }
    };

    view! {
        <ErrorSummary errors />
        <form method="post" action=form_action() novalidate on:submit=submit>
            <span class="govuk-caption-l">{tx("Step 2 of 6", "Cam 2 o 6")}</span>
            <h1 class="govuk-heading-l">{tx("The prisoner’s details", "Manylion y carcharor")}</h1>
            <p class="govuk-body">
                {tx("Enter them as the prison has them, so that staff can find the prisoner.", "Rhowch nhw fel y mae’r carchar yn eu cadw, fel bod staff yn gallu dod o hyd i’r carcharor.")}
            </p>
            <TextInput
                field="prisoner.first_name"
                label=("First name", "Enw cyntaf")
                get=|d| d.prisoner.first_name.clone()
                set=|d, v| d.prisoner.first_name = v
                errors
                spellcheck_off=true
            />
            <TextInput
                field="prisoner.last_name"
                label=("Last name", "Cyfenw")
                get=|d| d.prisoner.last_name.clone()
                set=|d, v| d.prisoner.last_name = v
                errors
                spellcheck_off=true
            />
            <DateInput
                field="prisoner.date_of_birth"
                legend=("Date of birth", "Dyddiad geni")
                get=|d| d.prisoner.dob.clone()
                set=|d, v| d.prisoner.dob = v
                errors
            />
            <TextInput
                field="prisoner.number"
                label=("Prison number", "Rhif carchar")
                hint=(
                    "One letter, four numbers and two letters, for example, A1234BC",
                    "Un llythyren, pedwar rhif a dwy lythyren, er enghraifft, A1234BC",
                )
                get=|d| d.prison_number.clone()
                set=|d, v| d.prison_number = v
                errors
                width="govuk-input--width-10"
                spellcheck_off=true
            />
            <button type="submit" class="govuk-button" id="continue">
                {tx("Continue", "Parhau")}
            </button>
        </form>
    }
}
