//! Step 4: the lead visitor and up to five more, with the prison's own limits explained before they are hit.

use domain::error::{FieldError, FieldErrorCode};
use domain::party::{VisitDays, check_party_in_progress};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::prisoner::{clear_server_errors, next_step, step_errors};
use crate::components::{
    BackLink, DateInput, DefaultSubmit, ErrorSummary, RequirePrison, TextInput, focus_id, form_action, on_step_load,
    show_errors,
};
use crate::i18n::{field_message, tx, use_lang, use_title};
use crate::journey::FormStep;
use crate::store::{Contact, Person, today, use_form};

#[component]
pub fn VisitorsPage() -> impl IntoView {
    view! {
        <BackLink href="/book/times" />
        <RequirePrison>
            <VisitorsForm />
        </RequirePrison>
    }
}

#[component]
fn VisitorsForm() -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    let navigate = use_navigate();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    on_step_load(errors, FormStep::Visitors);
    use_title(|lang| lang.t("Who is visiting", "Pwy sy’n ymweld").into(), move || errors.with(|e| !e.is_empty()));
    let rules = move || form.draft.with(|d| d.prison.as_ref().map(|p| p.rules.clone()).unwrap_or_default());
    let count = Memo::new(move |_| form.draft.with(|d| d.others.len()));
    let max_others = move || usize::from(rules().max_visitors).saturating_sub(1);

    // The party rules, run as the visitor types, so they see a limit before they press Continue.
    let party_warnings = Memo::new(move |_| {
        let rules = rules();
        form.draft.with(|d| {
            let others: Vec<_> = d.others.iter().map(|p| p.dob.date()).collect();
            // Ages on the days of the chosen visit times, as the server counts them.
            let days = VisitDays::of(d.slots.iter().map(|s| s.date), today());
            check_party_in_progress(d.lead.dob.date(), &others, &rules, days)
                .into_iter()
                .filter(|e| e.code != FieldErrorCode::LeadVisitorUnder18)
                .collect::<Vec<_>>()
        })
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = step_errors(FormStep::Visitors, None);
        if found.is_empty() {
            clear_server_errors(FormStep::Visitors);
            errors.set(Vec::new());
            navigate(next_step(FormStep::Visitors), NavigateOptions::default());
        } else {
            show_errors(errors, found);
        }
    };

    let add = move |ev: leptos::ev::MouseEvent| {
        // Without the app, the button posts the form, and the server adds the visitor.
        ev.prevent_default();
        let n = form.draft.with_untracked(|d| d.others.len());
        if n < max_others() {
            form.draft.update(|d| d.others.push(Person::default()));
            focus_id(format!("other_visitors-{n}-first_name"));
        }
    };

    view! {
        <ErrorSummary errors rules=rules() />
        <form method="post" action=form_action() novalidate on:submit=submit>
            <DefaultSubmit />
            <span class="govuk-caption-l">{tx("Step 4 of 6", "Cam 4 o 6")}</span>
            <h1 class="govuk-heading-l">{tx("Who is visiting", "Pwy sy’n ymweld")}</h1>
            <div class="govuk-inset-text" id="visitor-limits">
                {move || domain::i18n::describe_limits(&rules(), lang.get())}
            </div>
            <h2 class="govuk-heading-m">{tx("Lead visitor", "Prif ymwelydd")}</h2>
            <p class="govuk-body">
                {tx("The lead visitor is the person we contact about the visit. They must be 18 or over.", "Y prif ymwelydd yw’r person y byddwn yn cysylltu ag ef neu hi am yr ymweliad. Rhaid iddo neu iddi fod yn 18 oed neu’n hŷn.")}
            </p>
            <TextInput
                field="lead_visitor.first_name"
                label=("First name", "Enw cyntaf")
                get=|d| d.lead.first_name.clone()
                set=|d, v| d.lead.first_name = v
                errors
                autocomplete="given-name"
                spellcheck_off=true
            />
            <TextInput
                field="lead_visitor.last_name"
                label=("Last name", "Cyfenw")
                get=|d| d.lead.last_name.clone()
                set=|d, v| d.lead.last_name = v
                errors
                autocomplete="family-name"
                spellcheck_off=true
            />
            <DateInput
                field="lead_visitor.date_of_birth"
                legend=("Date of birth", "Dyddiad geni")
                hint=("You must be 18 or over. For example, 27 3 1985", "Rhaid i chi fod yn 18 oed neu’n hŷn. Er enghraifft, 27 3 1985")
                get=|d| d.lead.dob.clone()
                set=|d, v| d.lead.dob = v
                errors
                birthday=true
            />
            <TextInput
                field="lead_visitor.email"
                label=("Email address", "Cyfeiriad e-bost")
                hint=("We will email you about the visit here, unless you choose text messages only below. We need it either way.", "Byddwn yn anfon e-bost atoch am yr ymweliad yma, oni bai eich bod yn dewis negeseuon testun yn unig isod. Mae ei angen arnom y naill ffordd neu’r llall.")
                get=|d| d.email.clone()
                set=|d, v| d.email = v
                errors
                input_type="email"
                autocomplete="email"
                spellcheck_off=true
            />
            <TextInput
                field="lead_visitor.email_confirm"
                label=("Confirm email address", "Cadarnhau’r cyfeiriad e-bost")
                get=|d| d.email_confirm.clone()
                set=|d, v| d.email_confirm = v
                errors
                input_type="email"
                autocomplete="email"
                spellcheck_off=true
            />
            <TextInput
                field="lead_visitor.phone"
                label=("UK phone number", "Rhif ffôn yn y DU")
                hint=("For example, 07700 900 982", "Er enghraifft, 07700 900 982")
                get=|d| d.phone.clone()
                set=|d, v| d.phone = v
                errors
                input_type="tel"
                autocomplete="tel"
                width="govuk-input--width-20"
                spellcheck_off=true
            />
            <ContactChoice />

            <h2 class="govuk-heading-m" id="other_visitors" tabindex="-1">
                {tx("Other visitors", "Ymwelwyr eraill")}
            </h2>
            <p class="govuk-body">
                {tx("Add anyone else coming with you, including children.", "Ychwanegwch unrhyw un arall sy’n dod gyda chi, gan gynnwys plant.")}
            </p>
            <For each=move || 0..count.get() key=|i| *i let:i>
                <OtherVisitor i errors />
            </For>
            {move || {
                party_warnings
                    .get()
                    .into_iter()
                    .map(|warning| {
                        let rules = rules();
                        view! {
                            <div class="govuk-warning-text">
                                <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                                <strong class="govuk-warning-text__text">
                                    <span class="govuk-visually-hidden">{lang.t("Warning", "Rhybudd")}</span>
                                    {field_message(lang.get(), &warning, Some(&rules))}
                                </strong>
                            </div>
                        }
                    })
                    .collect_view()
            }}
            <Show
                when=move || { count.get() < max_others() }
                fallback=move || {
                    view! {
                        <p class="govuk-body" id="no-more-visitors">
                            {lang.t(
                                "You have added as many visitors as this prison allows.",
                                "Rydych chi wedi ychwanegu cymaint o ymwelwyr ag y mae’r carchar hwn yn ei ganiatáu.",
                            )}
                        </p>
                    }
                }
            >
                <button
                    type="submit"
                    name="add_visitor"
                    class="govuk-button govuk-button--secondary"
                    id="add-visitor"
                    on:click=add
                >
                    {tx("Add another visitor", "Ychwanegu ymwelydd arall")}
                </button>
            </Show>
            <div>
                <button type="submit" class="govuk-button" id="continue">
                    {tx("Continue", "Parhau")}
                </button>
            </div>
        </form>
    }
}

/// How the lead visitor wants updates (`lead_visitor-contact_by`): email, text messages, or both. Email stays
/// required either way (the status link and calendar file come by email).
#[component]
fn ContactChoice() -> AnyView {
    let lang = use_lang();
    let form = use_form();
    view! {
        <div class="govuk-form-group">
            <fieldset class="govuk-fieldset" aria-describedby="lead_visitor-contact_by-hint">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                    {tx("How should we send you updates about the visit?", "Sut dylem anfon diweddariadau atoch am yr ymweliad?")}
                </legend>
                <div class="govuk-hint" id="lead_visitor-contact_by-hint">
                    {tx("Text messages go to the phone number above, which must then be a UK mobile number.", "Mae negeseuon testun yn mynd i’r rhif ffôn uchod, a rhaid iddo felly fod yn rhif ffôn symudol yn y DU.")}
                </div>
                <div class="govuk-radios govuk-radios--small">
                    {Contact::ALL
                        .into_iter()
                        .map(|choice| {
                            let label = choice.words();
                            // The first radio carries the field's id, for a "Change" link to land on.
                            let id = match choice {
                                Contact::Email => "lead_visitor-contact_by".to_string(),
                                other => format!("lead_visitor-contact_by-{}", other.as_str()),
                            };
                            let checked = move || form.draft.with(|d| Contact::of(&d.contact) == choice);
                            view! {
                                <div class="govuk-radios__item">
                                    <input
                                        class="govuk-radios__input"
                                        id=id.clone()
                                        name="lead_visitor-contact_by"
                                        type="radio"
                                        value=choice.as_str()
                                        checked=checked
                                        prop:checked=checked
                                        on:change=move |_| form.draft.update(|d| d.contact = choice.as_str().to_owned())
                                    />
                                    <label class="govuk-label govuk-radios__label" for=id>
                                        {move || lang.t(label.0, label.1)}
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
    .into_any()
}

/// Additional visitor `i` (0-based): name and date of birth, and a button to remove them.
#[component]
fn OtherVisitor(i: usize, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    let path = |leaf: &str| format!("other_visitors[{i}].{leaf}");
    let get = move |d: &crate::store::Draft| d.others.get(i).cloned().unwrap_or_default();
    view! {
        <fieldset class="govuk-fieldset app-visitor">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                {move || format!("{} {}", lang.t("Additional visitor", "Ymwelydd ychwanegol"), i + 1)}
            </legend>
            <TextInput
                field=path("first_name")
                label=("First name", "Enw cyntaf")
                get=move |d| get(d).first_name
                set=move |d, v| {
                    if let Some(p) = d.others.get_mut(i) {
                        p.first_name = v;
                    }
                }
                errors
                spellcheck_off=true
            />
            <TextInput
                field=path("last_name")
                label=("Last name", "Cyfenw")
                get=move |d| get(d).last_name
                set=move |d, v| {
                    if let Some(p) = d.others.get_mut(i) {
                        p.last_name = v;
                    }
                }
                errors
                spellcheck_off=true
            />
            <DateInput
                field=path("date_of_birth")
                legend=("Date of birth", "Dyddiad geni")
                get=move |d| get(d).dob
                set=move |d, v| {
                    if let Some(p) = d.others.get_mut(i) {
                        p.dob = v;
                    }
                }
                errors
            />
            <button
                type="submit"
                name="remove_visitor"
                value=i.to_string()
                class="govuk-button govuk-button--secondary"
                on:click=move |ev| {
                    ev.prevent_default();
                    form.draft.update(|d| {
                        if i < d.others.len() {
                            d.others.remove(i);
                        }
                    });
                    errors.update(|e| e.retain(|e| !e.field.starts_with("other_visitors[")));
                    focus_id("other_visitors".into());
                }
            >
                {tx("Remove", "Tynnu")}
                <span class="govuk-visually-hidden">{move || format!(" {} {}", lang.t("additional visitor", "ymwelydd ychwanegol"), i + 1)}</span>
            </button>
        </fieldset>
    }
}
