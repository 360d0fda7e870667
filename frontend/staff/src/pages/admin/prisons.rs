//! Prisons: the list, and the form that adds one or changes one.

use domain::api::{Address, PrisonDetails, PrisonInput};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{create_prison, issues_under};
use crate::session::{Session, call, use_session};
use crate::ui::{ErrorSummary, Failure, Issue, Loading, problem_text, show_issues};

#[component]
pub(super) fn Prisons(notice: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let editing = RwSignal::new(None::<Uuid>);
    let prisons = move || session.profile.with(|p| p.as_ref().map(|p| p.prisons.clone()).unwrap_or_default());
    view! {
        <h2 class="govuk-heading-m">{tx("Prisons", "Carchardai")}</h2>
        <ul class="govuk-list app-cards" id="prisons">
            {move || prisons().into_iter().map(|p| {
                let id = p.id;
                let name = p.name.clone();
                view! {
                    <li class="app-card app-prison">
                        <h3 class="govuk-heading-s app-card__title">{p.name} " (" {p.code} ")"</h3>
                        {move || if editing.get() == Some(id) {
                            view! { <EditPrison id notice editing /> }.into_any()
                        } else {
                            let name = name.clone();
                            view! {
                                <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=move |_| editing.set(Some(id))>
                                    {tx("Change details", "Newid manylion")} <span class="govuk-visually-hidden">" " {name}</span>
                                </button>
                            }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
        <h3 class="govuk-heading-s">{tx("Add a prison", "Ychwanegu carchar")}</h3>
        <PrisonForm existing=None notice editing />
    }
}

/// Loads a prison's details (from the public API) into the form.
#[component]
pub(super) fn EditPrison(id: Uuid, notice: RwSignal<Option<String>>, editing: RwSignal<Option<Uuid>>) -> impl IntoView {
    let details = LocalResource::new(move || crate::api::prison(id));
    view! {
        <Transition fallback=Loading>
            {move || details.get().map(|result| match result {
                Ok(prison) => view! { <PrisonForm existing=Some(prison) notice editing /> }.into_any(),
                Err(error) => view! { <Failure error /> }.into_any(),
            })}
        </Transition>
    }
}

pub(super) async fn update_prison(session: Session, id: Uuid, prison: &PrisonInput) -> Result<PrisonDetails, ApiError> {
    let body = serde_json::to_string(prison).map_err(|_| ApiError::Decode)?;
    call(session, "PUT", format!("/api/v1/admin/prisons/{id}"), Some(body)).await
}

/// Adds a prison (`existing` is None) or changes one; ids are prefixed `prison-` or `edit-` accordingly.
#[component]
pub(super) fn PrisonForm(
    existing: Option<PrisonDetails>,
    notice: RwSignal<Option<String>>,
    editing: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let prefix: &'static str = if existing.is_some() { "edit" } else { "prison" };
    let id = existing.as_ref().map(|p| p.id);
    let rules = existing.as_ref().map(|p| p.rules.clone()).unwrap_or_default();
    let value = |f: fn(&PrisonDetails) -> String| RwSignal::new(existing.as_ref().map(f).unwrap_or_default());
    let name = value(|p| p.name.clone());
    let code = value(|p| p.code.clone());
    let line1 = value(|p| p.address.lines.first().cloned().unwrap_or_default());
    let line2 = value(|p| p.address.lines.get(1).cloned().unwrap_or_default());
    let town = value(|p| p.address.town.clone());
    let postcode = value(|p| p.address.postcode.clone());
    let email = value(|p| p.email.clone());
    let phone = value(|p| p.phone.clone());
    let fields = [name, code, line1, line2, town, postcode, email, phone];
    let reminder_days =
        RwSignal::new(existing.as_ref().map(|p| p.reminder_days).unwrap_or(domain::reminder::DEFAULT_REMINDER_DAYS));
    let issues = RwSignal::new(Vec::<Issue>::new());
    let busy = RwSignal::new(false);
    let rules = StoredValue::new(rules);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut lines = vec![line1.get_untracked()];
        if !line2.get_untracked().trim().is_empty() {
            lines.push(line2.get_untracked());
        }
        let input = PrisonInput {
            name: name.get_untracked().trim().to_string(),
            code: code.get_untracked().trim().to_uppercase(),
            address: Address {
                lines,
                town: town.get_untracked(),
                postcode: postcode.get_untracked().trim().to_uppercase(),
            },
            email: email.get_untracked().trim().to_string(),
            phone: phone.get_untracked(),
            rules: Some(rules.get_value()),
            reminder_days: Some(reminder_days.get_untracked()),
        };
        let errors = domain::api::check_prison_input(&input);
        if !errors.is_empty() {
            show_issues(issues, issues_under(prefix, &errors));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = match id {
                Some(id) => update_prison(session, id, &input).await,
                None => create_prison(session, &input).await,
            };
            busy.set(false);
            match result {
                Ok(prison) => {
                    issues.set(Vec::new());
                    let text = if id.is_some() {
                        format!("{} {}", prison.name, lang.t("is changed.", "wedi’i newid."))
                    } else {
                        for field in fields {
                            field.set(String::new());
                        }
                        reminder_days.set(domain::reminder::DEFAULT_REMINDER_DAYS);
                        format!(
                            "{} {}. {}",
                            prison.name,
                            lang.t("is added", "wedi’i ychwanegu"),
                            lang.t(
                                "Choose it in the prison switcher to set its timetable.",
                                "Dewiswch ef yn y dewisydd carchar i osod ei amserlen."
                            )
                        )
                    };
                    notice.set(Some(text));
                    editing.set(None);
                    focus_id("admin-notice".into());
                    // The admin's profile lists every prison: reload it so the switcher and the list are current.
                    session.reload_profile().await;
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(issues, issues_under(prefix, &problem.errors))
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new(format!("{prefix}-name"), text.clone(), text)]);
                }
            }
        });
    };
    let text = move |name: &'static str, label: (&'static str, &'static str), value: RwSignal<String>| {
        let id = format!("{prefix}-{name}");
        let key = StoredValue::new(id.clone());
        let error =
            move || issues.with(|all| key.with_value(|id| all.iter().find(|i| i.id == *id).map(|i| i.text(lang))));
        let has_error = move || error().is_some();
        view! {
            <div class="govuk-form-group" class:govuk-form-group--error=has_error>
                <label class="govuk-label" for=id.clone()>{tx(label.0, label.1)}</label>
                {move || error().map(|text| view! { <p class="govuk-error-message"><span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {text}</p> })}
                <input class="govuk-input" id=id type="text" spellcheck="false"
                    class:govuk-input--error=has_error
                    prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let reminders = move || {
        let id = format!("{prefix}-reminder_days");
        let hint = format!("{prefix}-reminder_days-hint");
        let key = StoredValue::new(id.clone());
        let error =
            move || issues.with(|all| key.with_value(|id| all.iter().find(|i| i.id == *id).map(|i| i.text(lang))));
        let has_error = move || error().is_some();
        let choices = std::iter::once(0).chain(1..=domain::reminder::MAX_REMINDER_DAYS);
        view! {
            <div class="govuk-form-group" class:govuk-form-group--error=has_error>
                <label class="govuk-label" for=id.clone()>{tx("Reminder email to visitors", "E-bost atgoffa i ymwelwyr")}</label>
                <div class="govuk-hint" id=hint.clone()>{tx(
                    "Sent to the lead visitor of each booked visit this long before it, with the time, the address, who can come and what to bring. A visit booked later than that is reminded at once.",
                    "Caiff ei anfon at brif ymwelydd pob ymweliad a drefnwyd mor hir â hyn cyn yr ymweliad, gyda’r amser, y cyfeiriad, pwy all ddod a beth i ddod. Caiff ymweliad a drefnir yn hwyrach na hynny nodyn atgoffa ar unwaith.",
                )}</div>
                {move || error().map(|text| view! { <p class="govuk-error-message"><span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {text}</p> })}
                <select class="govuk-select" id=id aria-describedby=hint class:govuk-select--error=has_error
                    on:change=move |ev| if let Ok(days) = event_target_value(&ev).parse() { reminder_days.set(days) }>
                    {choices.map(|days: u8| {
                        let label = move || match days {
                            0 => lang.t("No reminders", "Dim nodiadau atgoffa").to_string(),
                            1 => lang.t("1 day before the visit", "1 diwrnod cyn yr ymweliad").to_string(),
                            n => format!("{n} {}", lang.t("days before the visit", "diwrnod cyn yr ymweliad")),
                        };
                        view! { <option value=days.to_string() selected=move || reminder_days.get() == days>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <ErrorSummary issues />
        <form novalidate on:submit=submit id=format!("{prefix}-form")>
            {text("name", ("Name", "Enw"), name)}
            {text("code", ("Short code (capital letters, digits, hyphens)", "Cod byr (priflythrennau, digidau, cysylltnodau)"), code)}
            {text("address-lines-0", ("Address line 1", "Llinell cyfeiriad 1"), line1)}
            {text("address-lines-1", ("Address line 2 (optional)", "Llinell cyfeiriad 2 (dewisol)"), line2)}
            {text("address-town", ("Town", "Tref"), town)}
            {text("address-postcode", ("Postcode", "Cod post"), postcode)}
            {text("email", ("Visits email address", "Cyfeiriad e-bost ymweliadau"), email)}
            {text("phone", ("Visits phone number", "Rhif ffôn ymweliadau"), phone)}
            {reminders()}
            <div class="govuk-button-group">
                <button type="submit" class="govuk-button" id=format!("{prefix}-save")>
                    {if id.is_some() { tx("Save details", "Cadw manylion").into_any() } else { tx("Add prison", "Ychwanegu carchar").into_any() }}
                </button>
                {id.is_some().then(|| view! {
                    <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| editing.set(None)>{tx("Cancel", "Canslo")}</button>
                })}
            </div>
        </form>
    }
}
