//! Pieces every step uses: GOV.UK form fields bound to the draft, the error summary, and focus helpers.

use domain::api::VisitingRules;
use domain::error::FieldError;
use std::sync::Arc;

use leptos::prelude::*;

pub use frontend_shared::focus::focus_id;

use crate::i18n::{Lang, field_message, tx, use_lang};
use crate::journey::FormStep;
use crate::store::{DateParts, Draft, use_form};

/// The id of the element a field's error links to: `other_visitors[1].date_of_birth` -> `other_visitors-1-date_of_birth-day`.
pub fn anchor(field: &str) -> String {
    if field.starts_with("slots") {
        return "slots".into();
    }
    let mut id: String = field.replace(['.', '['], "-").replace(']', "");
    if id.ends_with("date_of_birth") {
        id.push_str("-day");
    }
    id
}

/// The step where a field is answered.
pub fn step_of(field: &str) -> &'static str {
    if field.starts_with("prisoner") {
        "/book/prisoner"
    } else if field.starts_with("slots") {
        "/book/times"
    } else if field.starts_with("lead_visitor") || field.starts_with("other_visitors") {
        "/book/visitors"
    } else if field.starts_with("support_needs") {
        "/book/support"
    } else {
        "/"
    }
}

/// The first error for a field, in the visitor's language.
fn error_for(
    errors: RwSignal<Vec<FieldError>>,
    field: StoredValue<String>,
    lang: Lang,
    rules: Option<VisitingRules>,
) -> Option<String> {
    errors.with(|errors| {
        field
            .with_value(|field| errors.iter().find(|e| e.field == *field))
            .map(|e| field_message(lang.get(), e, rules.as_ref()))
    })
}

/// The GOV.UK error summary: a list of links to each field in error. Same-page links move focus to the field;
/// links to another step (`link_to_steps`) go to that step.
#[component]
pub fn ErrorSummary(
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] link_to_steps: bool,
    #[prop(optional)] rules: Option<VisitingRules>,
) -> impl IntoView {
    let lang = use_lang();
    let rules = StoredValue::new(rules);
    view! {
        <Show when=move || errors.with(|e| !e.is_empty())>
            <div class="govuk-error-summary" id="error-summary" tabindex="-1" aria-labelledby="error-summary-title">
                <div role="alert">
                    <h2 class="govuk-error-summary__title" id="error-summary-title">
                        {tx("There is a problem", "Mae problem wedi codi")}
                    </h2>
                    <div class="govuk-error-summary__body">
                        <ul class="govuk-list govuk-error-summary__list">
                            {move || {
                                let rules = rules.get_value();
                                errors
                                    .get()
                                    .into_iter()
                                    .map(|error| {
                                        let id = anchor(&error.field);
                                        let href = if link_to_steps {
                                            format!("{}#{id}", step_of(&error.field))
                                        } else {
                                            format!("#{id}")
                                        };
                                        let message = field_message(lang.get(), &error, rules.as_ref());
                                        view! {
                                            <li>
                                                <a
                                                    href=href
                                                    on:click=move |ev| {
                                                        if !link_to_steps {
                                                            ev.prevent_default();
                                                            focus_id(id.clone());
                                                        }
                                                    }
                                                >
                                                    {message}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// Shows the summary and moves focus to it, as GOV.UK forms do when they refuse answers.
pub fn show_errors(errors: RwSignal<Vec<FieldError>>, found: Vec<FieldError>) {
    let any = !found.is_empty();
    errors.set(found);
    if any {
        focus_id("error-summary".into());
    }
}

/// A text input bound to one field of the draft.
#[component]
pub fn TextInput<G, S>(
    /// The JSON path of the field in the API request, which also names its errors.
    #[prop(into)]
    field: String,
    label: (&'static str, &'static str),
    #[prop(optional)] hint: Option<(&'static str, &'static str)>,
    get: G,
    set: S,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] width: Option<&'static str>,
    #[prop(optional)] spellcheck_off: bool,
) -> impl IntoView
where
    G: Fn(&Draft) -> String + Copy + Send + Sync + 'static,
    S: Fn(&mut Draft, String) + Copy + Send + Sync + 'static,
{
    let props = TextProps { field, label, hint, errors, input_type, autocomplete, width, spellcheck_off };
    text_input(props, Arc::new(get), Arc::new(set))
}

struct TextProps {
    field: String,
    label: (&'static str, &'static str),
    hint: Option<(&'static str, &'static str)>,
    errors: RwSignal<Vec<FieldError>>,
    input_type: &'static str,
    autocomplete: &'static str,
    width: Option<&'static str>,
    spellcheck_off: bool,
}

type Getter<T> = Arc<dyn Fn(&Draft) -> T + Send + Sync>;
type Setter<T> = Arc<dyn Fn(&mut Draft, T) + Send + Sync>;

/// Not generic, so its code is compiled once rather than once per field.
fn text_input(props: TextProps, get: Getter<String>, set: Setter<String>) -> AnyView {
    let TextProps { field, label, hint, errors, input_type, autocomplete, width, spellcheck_off } = props;
    let lang = use_lang();
    let form = use_form();
    let id = anchor(&field);
    let field = StoredValue::new(field);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = move || error_for(errors, field, lang, form.draft.with(|d| d.prison.as_ref().map(|p| p.rules.clone())));
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let input_class = match width {
        Some(width) => format!("govuk-input {width}"),
        None => "govuk-input".to_string(),
    };
    view! {
        <div class="govuk-form-group" class:govuk-form-group--error=move || error().is_some()>
            <label class="govuk-label" for=id.clone()>
                {tx(label.0, label.1)}
            </label>
            {hint.map(|hint| view! { <div class="govuk-hint" id=hint_id.clone()>{tx(hint.0, hint.1)}</div> })}
            {
                let error_id = error_id.clone();
                move || {
                    error()
                        .map(|message| {
                            view! {
                                <p class="govuk-error-message" id=error_id.clone()>
                                    <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                                    " "
                                    {message}
                                </p>
                            }
                        })
                }
            }
            <input
                class=input_class
                class:govuk-input--error=move || error().is_some()
                id=id.clone()
                name=id.clone()
                type=input_type
                autocomplete=autocomplete
                spellcheck=if spellcheck_off { "false" } else { "true" }
                aria-describedby=described
                value={
                    let get = get.clone();
                    move || form.draft.with(|d| get(d))
                }
                prop:value=move || form.draft.with(|d| get(d))
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    form.draft.update(|d| set(d, value));
                }
            />
        </div>
    }
    .into_any()
}

/// A date of birth as three boxes (day, month, year), the GOV.UK date input.
#[component]
pub fn DateInput<G, S>(
    #[prop(into)] field: String,
    legend: (&'static str, &'static str),
    #[prop(optional)] hint: Option<(&'static str, &'static str)>,
    get: G,
    set: S,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] birthday: bool,
) -> impl IntoView
where
    G: Fn(&Draft) -> DateParts + Copy + Send + Sync + 'static,
    S: Fn(&mut Draft, DateParts) + Copy + Send + Sync + 'static,
{
    date_input(field, legend, hint, errors, birthday, Arc::new(get), Arc::new(set))
}

fn date_input(
    field: String,
    legend: (&'static str, &'static str),
    hint: Option<(&'static str, &'static str)>,
    errors: RwSignal<Vec<FieldError>>,
    birthday: bool,
    get: Getter<DateParts>,
    set: Setter<DateParts>,
) -> AnyView {
    let lang = use_lang();
    let form = use_form();
    let base = anchor(&field).trim_end_matches("-day").to_string();
    let field = StoredValue::new(field);
    let hint_id = format!("{base}-hint");
    let error_id = format!("{base}-error");
    let error = move || error_for(errors, field, lang, form.draft.with(|d| d.prison.as_ref().map(|p| p.rules.clone())));
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || if error().is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() }
    };
    let part = move |which: usize, label: (&'static str, &'static str), width: &'static str, auto: &'static str| {
        let (get, set, get2) = (get.clone(), set.clone(), get.clone());
        let id = format!("{base}-{}", ["day", "month", "year"][which]);
        view! {
            <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-date-input__label" for=id.clone()>
                        {tx(label.0, label.1)}
                    </label>
                    <input
                        class=format!("govuk-input govuk-date-input__input {width}")
                        class:govuk-input--error=move || error().is_some()
                        id=id.clone()
                        name=id
                        type="text"
                        inputmode="numeric"
                        autocomplete=if birthday { auto } else { "off" }
                        // The attribute for a page rendered on the server, the property as the visitor types.
                        value={
                            let get = get2.clone();
                            move || {
                                form.draft.with(|d| {
                                    let parts = get(d);
                                    [parts.day, parts.month, parts.year][which].clone()
                                })
                            }
                        }
                        prop:value=move || {
                            form.draft.with(|d| {
                                let parts = get2(d);
                                [parts.day, parts.month, parts.year][which].clone()
                            })
                        }
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            form.draft.update(|d| {
                                let mut parts = get(d);
                                match which {
                                    0 => parts.day = value,
                                    1 => parts.month = value,
                                    _ => parts.year = value,
                                }
                                set(d, parts);
                            });
                        }
                    />
                </div>
            </div>
        }
    };
    let hint = hint.unwrap_or(("For example, 27 3 1985", "Er enghraifft, 27 3 1985"));
    view! {
        <div class="govuk-form-group" class:govuk-form-group--error=move || error().is_some()>
            <fieldset class="govuk-fieldset" role="group" aria-describedby=described>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                    {tx(legend.0, legend.1)}
                </legend>
                <div class="govuk-hint" id=hint_id>
                    {tx(hint.0, hint.1)}
                </div>
                {
                    let error_id = error_id.clone();
                    move || {
                        error()
                            .map(|message| {
                                view! {
                                    <p class="govuk-error-message" id=error_id.clone()>
                                        <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                                        " "
                                        {message}
                                    </p>
                                }
                            })
                    }
                }
                <div class="govuk-date-input">
                    {part(0, ("Day", "Diwrnod"), "govuk-input--width-2", "bday-day")}
                    {part(1, ("Month", "Mis"), "govuk-input--width-2", "bday-month")}
                    {part(2, ("Year", "Blwyddyn"), "govuk-input--width-4", "bday-year")}
                </div>
            </fieldset>
        </div>
    }
    .into_any()
}

/// What a `<textarea>` holds, as its content in the page: escaped, since Leptos writes a text area's children
/// unescaped (`</textarea>` typed in one must not end it). In the browser the box's value is its property.
pub fn textarea_content(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// A GOV.UK back link to the previous step.
#[component]
pub fn BackLink(href: &'static str) -> impl IntoView {
    view! { <a href=href class="govuk-back-link">{tx("Back", "Yn ôl")}</a> }
}

/// Shows the step only while a prison is chosen; otherwise (a new tab, or the draft was wiped after 20 minutes)
/// explains and links to the start.
#[component]
pub fn RequirePrison(children: ChildrenFn) -> impl IntoView {
    let form = use_form();
    view! {
        <Show
            when=move || form.draft.with(|d| d.prison.is_some())
            fallback=move || {
                // Sent already (Back after "Send"): say so, rather than that the answers are lost.
                if form.draft.with_untracked(|d| d.created.is_some()) {
                    return view! { <AlreadySent /> }.into_any();
                }
                crate::i18n::use_title(|lang| lang.t("Start again", "Dechrau eto").into(), || false);
                view! {
                    <h1 class="govuk-heading-l">{tx("Start again", "Dechrau eto")}</h1>
                    <p class="govuk-body">
                        {tx("We do not have your answers. For your privacy we delete them after 20 minutes without activity, or when you close the tab.", "Nid oes gennym eich atebion. Er mwyn diogelu eich preifatrwydd, rydym yn eu dileu ar ôl 20 munud heb weithgarwch, neu pan fyddwch yn cau’r tab.")}
                    </p>
                    <a href="/" class="govuk-button" role="button">
                        {tx("Choose a prison", "Dewis carchar")}
                    </a>
                }
                    .into_any()
            }
        >
            {children()}
        </Show>
    }
}

/// A step opened after the request was sent: where to see it, and how to start another.
#[component]
fn AlreadySent() -> impl IntoView {
    crate::i18n::use_title(|lang| lang.t("Request already sent", "Cais wedi’i anfon yn barod").into(), || false);
    view! {
        <h1 class="govuk-heading-l">{tx("Request already sent", "Cais wedi’i anfon yn barod")}</h1>
        <p class="govuk-body">
            {tx("You have sent this request. You cannot change it here.", "Rydych chi wedi anfon y cais hwn. Ni allwch ei newid yma.")}
        </p>
        <p class="govuk-body">
            <a class="govuk-link" href="/book/done">{tx("See your confirmation", "Gweld eich cadarnhad")}</a>
        </p>
        <p class="govuk-body">
            <a class="govuk-link" href="/">{tx("Request another visit", "Gofyn am ymweliad arall")}</a>
        </p>
    }
}

/// The errors the server sent back for the fields of one step (after a refused submission, or a form posted
/// without the app).
pub fn server_errors_for(step: FormStep) -> Vec<FieldError> {
    let form = use_form();
    form.draft.with_untracked(|d| d.server_errors.iter().filter(|e| step.owns(e)).cloned().collect())
}

/// On a step's first render: shows errors handed over from the server and focuses them, or focuses the field
/// named in the URL fragment (a link from an error summary or a "Change" link).
pub fn on_step_load(errors: RwSignal<Vec<FieldError>>, step: FormStep) {
    let pending = server_errors_for(step);
    if pending.is_empty() {
        focus_named_field();
    } else {
        show_errors(errors, pending);
    }
}

/// Focuses the field the URL's fragment names. From the router, not window.location: after an in-app link the
/// router knows the new URL first. Nothing on the server, which never sees the fragment.
fn focus_named_field() {
    #[cfg(not(feature = "ssr"))]
    {
        let hash = leptos_router::hooks::use_location().hash.get_untracked();
        if let Some(id) = hash.strip_prefix('#').filter(|id| !id.is_empty()) {
            focus_id(id.to_string());
        }
    }
}

/// A form's first submit button, so that Enter in a field means "Continue" (a browser submits a form with its
/// first submit button) and not a "Remove" or "Add" button that comes before the real one. Out of sight, out of
/// the tab order and hidden from screen readers, which have the visible "Continue".
#[component]
pub fn DefaultSubmit() -> impl IntoView {
    view! {
        <button type="submit" class="govuk-visually-hidden" tabindex="-1" aria-hidden="true">
            {tx("Continue", "Parhau")}
        </button>
    }
}

/// Where a step's form posts: the step's own address with its query (`?from=check`), and without the fragment a
/// browser would otherwise carry over to the page it is sent on to.
pub fn form_action() -> String {
    let location = leptos_router::hooks::use_location();
    let (path, query) = (location.pathname.get_untracked(), location.search.get_untracked());
    if query.is_empty() { path } else { format!("{path}?{}", query.trim_start_matches('?')) }
}
