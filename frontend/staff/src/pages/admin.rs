//! For admins: staff accounts (create one with a first password, assign prisons, disable or enable) and prisons
//! (add one; its timetable and rules are then set on the timetable page).

use domain::api::{Address, PrisonDetails, PrisonInput};
use domain::error::FieldError;
use domain::staff::{NewStaffAccount, Role, StaffAccountView, UpdateStaffAccount};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::session::{Session, call, get, use_session};
use crate::ui::{ErrorSummary, Failure, Issue, Loading, field_error, has_issue, problem_text, show_issues, use_title};

async fn accounts(session: Session) -> Result<Vec<StaffAccountView>, ApiError> {
    get(session, "/api/v1/admin/staff".into()).await
}

async fn create_account(session: Session, account: &NewStaffAccount) -> Result<StaffAccountView, ApiError> {
    let body = serde_json::to_string(account).map_err(|_| ApiError::Decode)?;
    call(session, "POST", "/api/v1/admin/staff".into(), Some(body)).await
}

async fn update_account(session: Session, id: Uuid, update: &UpdateStaffAccount) -> Result<StaffAccountView, ApiError> {
    let body = serde_json::to_string(update).map_err(|_| ApiError::Decode)?;
    call(session, "PATCH", format!("/api/v1/admin/staff/{id}"), Some(body)).await
}

async fn create_prison(session: Session, prison: &PrisonInput) -> Result<PrisonDetails, ApiError> {
    let body = serde_json::to_string(prison).map_err(|_| ApiError::Decode)?;
    call(session, "POST", "/api/v1/admin/prisons".into(), Some(body)).await
}

/// A server's field errors on this page's fields (`address.lines[0]` -> `prison-address-lines-0`).
fn issues_under(prefix: &str, errors: &[FieldError]) -> Vec<Issue> {
    errors
        .iter()
        .map(|e| {
            let id = e.field.replace(['.', '['], "-").replace(']', "");
            let id = if id.starts_with("prison_ids") { "prison_ids".to_string() } else { id };
            let id = if id == "address-lines" { "address-lines-0".to_string() } else { id };
            Issue::from_field(format!("{prefix}-{id}"), e)
        })
        .collect()
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let session = use_session();
    use_title(("Staff and prisons", "Staff a charchardai"), || false);
    let list = LocalResource::new(move || async move { accounts(session).await });
    let retry = Callback::new(move |_| list.refetch());
    let notice = RwSignal::new(None::<String>);
    view! {
        {move || notice.get().map(|text| view! {
            <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="admin-notice-title" id="admin-notice" tabindex="-1">
                <div class="govuk-notification-banner__header">
                    <h2 class="govuk-notification-banner__title" id="admin-notice-title">{tx("Success", "Llwyddiant")}</h2>
                </div>
                <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">{text}</p></div>
            </div>
        })}
        <h1 class="govuk-heading-l">{tx("Staff and prisons", "Staff a charchardai")}</h1>
        <Show when=move || session.is_admin() fallback=|| view! {
            <p class="govuk-body">{tx("Only admins can manage staff accounts and prisons.", "Dim ond gweinyddwyr sy’n gallu rheoli cyfrifon staff a charchardai.")}</p>
        }>
            <h2 class="govuk-heading-m">{tx("Staff accounts", "Cyfrifon staff")}</h2>
            <Transition fallback=Loading>
                {move || list.get().map(|result| match result {
                    Ok(accounts) => view! { <Accounts accounts on_change=retry notice /> }.into_any(),
                    Err(error) => view! { <Failure error retry /> }.into_any(),
                })}
            </Transition>
            <NewAccount on_change=retry notice />
            <Prisons notice />
        </Show>
    }
}

#[component]
fn Accounts(
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
fn PrisonChoice(id: String, chosen: RwSignal<Vec<Uuid>>) -> impl IntoView {
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
fn Account(account: StaffAccountView, on_change: Callback<()>, notice: RwSignal<Option<String>>) -> impl IntoView {
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
fn NewAccount(on_change: Callback<()>, notice: RwSignal<Option<String>>) -> impl IntoView {
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

#[component]
fn Prisons(notice: RwSignal<Option<String>>) -> impl IntoView {
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
fn EditPrison(id: Uuid, notice: RwSignal<Option<String>>, editing: RwSignal<Option<Uuid>>) -> impl IntoView {
    let details = LocalResource::new(move || frontend_shared::api::prison(id));
    view! {
        <Transition fallback=Loading>
            {move || details.get().map(|result| match result {
                Ok(prison) => view! { <PrisonForm existing=Some(prison) notice editing /> }.into_any(),
                Err(error) => view! { <Failure error /> }.into_any(),
            })}
        </Transition>
    }
}

async fn update_prison(session: Session, id: Uuid, prison: &PrisonInput) -> Result<PrisonDetails, ApiError> {
    let body = serde_json::to_string(prison).map_err(|_| ApiError::Decode)?;
    call(session, "PUT", format!("/api/v1/admin/prisons/{id}"), Some(body)).await
}

/// Adds a prison (`existing` is None) or changes one; ids are prefixed `prison-` or `edit-` accordingly.
#[component]
fn PrisonForm(
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
