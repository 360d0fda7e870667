//! Staff accounts: the list, each with its prisons and whether it is enabled, and the form for a new one.

use domain::staff::{NewStaffAccount, Role, StaffAccountView, UpdateStaffAccount};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{create_account, issues_under, update_account};
use crate::session::use_session;
use crate::ui::{ErrorSummary, Issue, field_error, has_issue, problem_text, show_issues};

#[component]
pub(super) fn Accounts(
    accounts: Vec<StaffAccountView>,
    on_change: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <ul class="govuk-list app-cards" id="accounts">
            {accounts.into_iter().map(|account| view! { <Account account on_change notice /> }).collect_view()}
        </ul>
    }
}

/// Prison checkboxes bound to a list of ids; `id` names the first box (for error links).
#[component]
pub(super) fn PrisonChoice(id: String, chosen: RwSignal<Vec<Uuid>>) -> impl IntoView {
    let session = use_session();
    let prisons = session.profile.with_untracked(|p| p.as_ref().map(|p| p.prisons.clone()).unwrap_or_default());
    view! {
        <div class="govuk-checkboxes govuk-checkboxes--small">
            {prisons.into_iter().enumerate().map(|(i, prison)| {
                let box_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                let pid = prison.id;
                view! {
                    <div class="govuk-checkboxes__item">
                        <input class="govuk-checkboxes__input" id=box_id.clone() type="checkbox"
                            prop:checked=move || chosen.with(|c| c.contains(&pid))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|x| *x != pid); if on { c.push(pid); } });
                            } />
                        <label class="govuk-label govuk-checkboxes__label" for=box_id>{prison.name}</label>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
pub(super) fn Account(
    account: StaffAccountView,
    on_change: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let id = account.id;
    let disabled = account.disabled;
    let chosen = RwSignal::new(account.prison_ids.clone());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let is_me = session.profile.with_untracked(|p| p.as_ref().is_some_and(|p| p.id == id));
    let send = move |update: UpdateStaffAccount, done: (&'static str, &'static str)| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = update_account(session, id, &update).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    notice.set(Some(lang.t(done.0, done.1).to_string()));
                    focus_id("admin-notice".into());
                    on_change.run(());
                }
                Err(error) => failure.set(Some(problem_text(lang, &error))),
            }
        });
    };
    let slug = id.simple().to_string();
    let prisons_id = format!("account-{slug}-prisons");
    let name = account.name.clone();
    view! {
        <li class="app-card app-account">
            <h3 class="govuk-heading-s app-card__title">
                {account.name.clone()} " "
                {(account.role == Role::Admin).then(|| view! { <strong class="govuk-tag govuk-tag--purple">{tx("Admin", "Gweinyddwr")}</strong> })}
                {disabled.then(|| view! { " " <strong class="govuk-tag govuk-tag--grey">{tx("Disabled", "Wedi’i analluogi")}</strong> })}
            </h3>
            <p class="govuk-body-s app-break">{account.email.clone()}</p>
            <details class="govuk-details">
                <summary class="govuk-details__summary">
                    <span class="govuk-details__summary-text">{tx("Prisons", "Carchardai")} <span class="govuk-visually-hidden">" " {name.clone()}</span></span>
                </summary>
                <div class="govuk-details__text">
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Works at", "Yn gweithio yn")}</legend>
                        <PrisonChoice id=prisons_id chosen />
                    </fieldset>
                    <button type="button" class="govuk-button govuk-button--secondary app-small-button govuk-!-margin-top-3"
                        on:click=move |_| send(UpdateStaffAccount { prison_ids: Some(chosen.get_untracked()), ..Default::default() }, ("Prisons saved.", "Carchardai wedi’u cadw."))>
                        {tx("Save prisons", "Cadw carchardai")}
                    </button>
                </div>
            </details>
            {move || failure.get().map(|text| view! { <p class="govuk-error-message" role="alert">{text}</p> })}
            {(!is_me).then(|| view! {
                <button type="button" class="govuk-button govuk-button--secondary app-small-button"
                    class:govuk-button--warning=!disabled
                    on:click=move |_| {
                        let done = if disabled { ("Account enabled.", "Cyfrif wedi’i alluogi.") } else { ("Account disabled: it can no longer sign in.", "Cyfrif wedi’i analluogi: ni all fewngofnodi mwyach.") };
                        send(UpdateStaffAccount { disabled: Some(!disabled), ..Default::default() }, done)
                    }>
                    {if disabled { tx("Enable", "Galluogi").into_any() } else { tx("Disable", "Analluogi").into_any() }}
                    <span class="govuk-visually-hidden">" " {name}</span>
                </button>
            })}
        </li>
    }
}

#[component]
pub(super) fn NewAccount(on_change: Callback<()>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let issues = RwSignal::new(Vec::<Issue>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let account = NewStaffAccount {
            email: email.get_untracked().trim().to_string(),
            name: name.get_untracked(),
            password: Some(password.get_untracked()),
            role: if admin.get_untracked() { Role::Admin } else { Role::Staff },
            prison_ids: chosen.get_untracked(),
        };
        // The same rules as the server, so every problem shows at once before anything is sent.
        if let Err(errors) = domain::staff::check_new_staff_account(&account) {
            show_issues(issues, issues_under("new", &errors));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = create_account(session, &account).await;
            busy.set(false);
            match result {
                Ok(created) => {
                    issues.set(Vec::new());
                    name.set(String::new());
                    email.set(String::new());
                    password.set(String::new());
                    chosen.set(Vec::new());
                    notice.set(Some(format!(
                        "{} {}",
                        lang.t("Account created for", "Cyfrif wedi’i greu ar gyfer"),
                        created.email
                    )));
                    focus_id("admin-notice".into());
                    on_change.run(());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(issues, issues_under("new", &problem.errors))
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("new-email", text.clone(), text)]);
                }
            }
        });
    };
    let text = move |id: &'static str,
                     label: (&'static str, &'static str),
                     kind: &'static str,
                     auto: &'static str,
                     value: RwSignal<String>| {
        view! {
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, id)>
                <label class="govuk-label" for=id>{tx(label.0, label.1)}</label>
                {field_error(issues, id)}
                <input class="govuk-input" id=id type=kind autocomplete=auto spellcheck="false"
                    class:govuk-input--error=has_issue(issues, id)
                    aria-describedby=move || has_issue(issues, id)().then(|| format!("{id}-error"))
                    prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <h2 class="govuk-heading-m">{tx("Add a staff account", "Ychwanegu cyfrif staff")}</h2>
        <ErrorSummary issues />
        <form novalidate on:submit=submit id="new-account">
            {text("new-name", ("Full name", "Enw llawn"), "text", "off", name)}
            {text("new-email", ("Email address", "Cyfeiriad e-bost"), "email", "off", email)}
            {text("new-password", ("First password (12 characters or more; give it to them in person)", "Cyfrinair cyntaf (12 nod neu fwy; rhowch ef iddynt wyneb yn wyneb)"), "password", "new-password", password)}
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "new-prison_ids")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Prisons they work at", "Carchardai lle maent yn gweithio")}</legend>
                    {field_error(issues, "new-prison_ids")}
                    <PrisonChoice id="new-prison_ids".to_string() chosen />
                </fieldset>
            </div>
            <div class="govuk-form-group">
                <div class="govuk-checkboxes govuk-checkboxes--small">
                    <div class="govuk-checkboxes__item">
                        <input class="govuk-checkboxes__input" id="new-admin" type="checkbox" prop:checked=admin on:change=move |ev| admin.set(event_target_checked(&ev)) />
                        <label class="govuk-label govuk-checkboxes__label" for="new-admin">{tx("Admin: manages staff accounts and prisons, sees every prison", "Gweinyddwr: yn rheoli cyfrifon staff a charchardai, yn gweld pob carchar")}</label>
                    </div>
                </div>
            </div>
            <button type="submit" class="govuk-button" id="create-account">{tx("Create account", "Creu cyfrif")}</button>
        </form>
    }
}
