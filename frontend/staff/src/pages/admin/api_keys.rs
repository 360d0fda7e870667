//! Integrators' API keys: the list (name, first characters, prisons, scopes, use, expiry, revocation), one form for a
//! new key or to change one (`PATCH /api/v1/api-keys/{id}`), its secret shown once, rotation and revocation with
//! confirmation.

use chrono::{NaiveDate, NaiveTime};
use domain::api_keys::{ApiKeyCreated, ApiKeyView, NewApiKey, RotateApiKey, Scope, UpdateApiKey};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::accounts::PrisonChoice;
use super::issues_under;
use crate::session::{Session, call, get, use_session};
use crate::ui::{ErrorSummary, Failure, Issue, Loading, field_error, has_issue, problem_text, show_issues, when};

async fn list(session: Session) -> Result<Vec<ApiKeyView>, ApiError> {
    get(session, "/api/v1/api-keys".into()).await
}

async fn create(session: Session, key: &NewApiKey) -> Result<ApiKeyCreated, ApiError> {
    let body = serde_json::to_string(key).map_err(|_| ApiError::Decode)?;
    call(session, "POST", "/api/v1/api-keys".into(), Some(body)).await
}

async fn update(session: Session, id: Uuid, change: &UpdateApiKey) -> Result<ApiKeyView, ApiError> {
    let body = serde_json::to_string(change).map_err(|_| ApiError::Decode)?;
    call(session, "PATCH", format!("/api/v1/api-keys/{id}"), Some(body)).await
}

/// A key's expiry as the form shows it: its day in the UK, `2027-12-01`.
fn expiry_text(key: &ApiKeyView) -> String {
    key.expires_at
        .map(|at| at.with_timezone(&chrono_tz::Europe::London).date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

async fn rotate(session: Session, id: Uuid) -> Result<ApiKeyCreated, ApiError> {
    let body = serde_json::to_string(&RotateApiKey::default()).map_err(|_| ApiError::Decode)?;
    call(session, "POST", format!("/api/v1/api-keys/{id}/rotate"), Some(body)).await
}

async fn revoke(session: Session, id: Uuid) -> Result<ApiKeyView, ApiError> {
    call(session, "POST", format!("/api/v1/api-keys/{id}/revoke"), Some("{}".into())).await
}

/// Each scope in plain words.
fn scope_words(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::VisitsRead => (
            "Read visits: the inbox, search, one visit, the day list",
            "Darllen ymweliadau: y mewnflwch, chwilio, un ymweliad, y rhestr ddyddiol",
        ),
        Scope::VisitsWrite => ("Request visits on a visitor’s behalf", "Gwneud cais am ymweliadau ar ran ymwelydd"),
        Scope::VisitsDecide => (
            "Decide requests, cancel visits and message visitors",
            "Penderfynu ar geisiadau, canslo ymweliadau ac anfon neges at ymwelwyr",
        ),
        Scope::RecordsWrite => ("Update prisoner records (the roll)", "Diweddaru cofnodion carcharorion (y gofrestr)"),
        Scope::ReportsRead => (
            "Read reports: metrics and the day list as CSV",
            "Darllen adroddiadau: metrigau a’r rhestr ddyddiol fel CSV",
        ),
        Scope::WebhooksManage => ("Manage webhook subscriptions", "Rheoli tanysgrifiadau bachyn gwe"),
    }
}

const SCOPES: [Scope; 6] = [
    Scope::VisitsRead,
    Scope::VisitsWrite,
    Scope::VisitsDecide,
    Scope::RecordsWrite,
    Scope::ReportsRead,
    Scope::WebhooksManage,
];

/// The section of the admin page.
#[component]
pub(super) fn ApiKeys(notice: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let keys = LocalResource::new(move || async move { list(session).await });
    let retry = Callback::new(move |_| keys.refetch());
    let secret = RwSignal::new(None::<(String, String)>);
    let editing = RwSignal::new(None::<ApiKeyView>);
    view! {
        <h2 class="govuk-heading-m" id="api-keys">{tx("API keys", "Allweddi API")}</h2>
        <p class="govuk-body">{tx("Keys let other systems use the service’s API, only at the prisons and for the things you choose.", "Mae allweddi’n gadael i systemau eraill ddefnyddio API y gwasanaeth, dim ond yn y carchardai ac ar gyfer y pethau a ddewiswch.")}</p>
        {move || secret.get().map(|(name, value)| view! {
            <div class="govuk-panel govuk-panel--confirmation app-secret" id="api-key-secret-panel" tabindex="-1">
                <h3 class="govuk-panel__title govuk-!-font-size-27">{tx("Secret for", "Cyfrinach ar gyfer")} " " {name}</h3>
            </div>
            <div class="govuk-warning-text">
                <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="govuk-warning-text__text">
                    <span class="govuk-visually-hidden">{tx("Warning", "Rhybudd")}</span>
                    {tx("Copy this secret now and keep it safe. It will not be shown again.", "Copïwch y gyfrinach hon nawr a’i chadw’n ddiogel. Ni fydd yn cael ei dangos eto.")}
                </strong>
            </div>
            <label class="govuk-label" for="api-key-secret">{tx("Secret (select it and copy it)", "Cyfrinach (dewiswch hi a’i chopïo)")}</label>
            <input class="govuk-input app-break" id="api-key-secret" type="text" readonly spellcheck="false" autocomplete="off" prop:value=value />
            <p class="govuk-body govuk-!-margin-top-2">
                <button type="button" class="govuk-button govuk-button--secondary" id="api-key-secret-done" on:click=move |_| secret.set(None)>
                    {tx("I have copied it", "Rwyf wedi’i chopïo")}
                </button>
            </p>
        })}
        <Transition fallback=Loading>
            {move || keys.get().map(|result| match result {
                Ok(keys) if keys.is_empty() => view! { <p class="govuk-body">{tx("There are no API keys yet.", "Nid oes allweddi API eto.")}</p> }.into_any(),
                Ok(keys) => view! {
                    <ul class="govuk-list app-cards" id="api-key-list">
                        {keys.into_iter().map(|key| view! { <KeyCard key on_change=retry notice secret editing /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <Failure error retry /> }.into_any(),
            })}
        </Transition>
        <KeyForm on_change=retry secret notice editing />
    }
}

#[component]
fn KeyCard(
    key: ApiKeyView,
    on_change: Callback<()>,
    notice: RwSignal<Option<String>>,
    secret: RwSignal<Option<(String, String)>>,
    editing: RwSignal<Option<ApiKeyView>>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let id = key.id;
    let edit = {
        let key = key.clone();
        move |_| {
            editing.set(Some(key.clone()));
            focus_id("api-key-form-title".into());
        }
    };
    let confirming = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let revoked = key.revoked_at.is_some();
    let name = key.name.clone();
    let prisons = session.profile.with_untracked(|p| p.as_ref().map(|p| p.prisons.clone()).unwrap_or_default());
    let prison_names: Vec<String> = key
        .prison_ids
        .iter()
        .map(|id| prisons.iter().find(|p| p.id == *id).map(|p| p.name.clone()).unwrap_or_else(|| id.to_string()))
        .collect();
    let slug = id.simple().to_string();
    let card_id = format!("api-key-{slug}");
    let revoke_id = format!("revoke-{slug}");
    let do_rotate = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            spawn_local(async move {
                match rotate(session, id).await {
                    Ok(created) => {
                        secret.set(Some((name, created.secret)));
                        focus_id("api-key-secret".into());
                        on_change.run(());
                    }
                    Err(error) => failure.set(Some(problem_text(lang, &error))),
                }
            });
        }
    };
    let do_revoke = move |_| {
        spawn_local(async move {
            match revoke(session, id).await {
                Ok(_) => {
                    notice.set(Some(
                        lang.t("Key revoked: it no longer works.", "Allwedd wedi’i dirymu: nid yw’n gweithio mwyach.")
                            .to_string(),
                    ));
                    focus_id("admin-notice".into());
                    on_change.run(());
                }
                Err(error) => failure.set(Some(problem_text(lang, &error))),
            }
        });
    };
    let dash = || "–".to_string();
    view! {
        <li class="app-card app-api-key" id=card_id>
            <h3 class="govuk-heading-s app-card__title">
                {key.name.clone()}
                {revoked.then(|| view! { " " <strong class="govuk-tag govuk-tag--grey">{tx("Revoked", "Wedi’i dirymu")}</strong> })}
            </h3>
            <dl class="govuk-summary-list govuk-summary-list--no-border app-break">
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Starts with", "Yn dechrau gyda")}</dt><dd class="govuk-summary-list__value"><code>{key.prefix.clone()}</code></dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Prisons", "Carchardai")}</dt><dd class="govuk-summary-list__value">{prison_names.join(", ")}</dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("May", "Caiff")}</dt><dd class="govuk-summary-list__value">
                    <ul class="govuk-list govuk-list--bullet">{key.scopes.iter().map(|s| { let w = scope_words(*s); view! { <li>{tx(w.0, w.1)}</li> } }).collect_view()}</ul>
                </dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Requests a minute", "Ceisiadau y funud")}</dt><dd class="govuk-summary-list__value">{key.rate_limit_per_minute}</dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Created", "Crëwyd")}</dt><dd class="govuk-summary-list__value">{when(lang, key.created_at)} " – " {key.created_by.clone()}</dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Expires", "Yn dod i ben")}</dt><dd class="govuk-summary-list__value">{key.expires_at.map(|at| when(lang, at)).unwrap_or_else(dash)}</dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Last used", "Defnyddiwyd ddiwethaf")}</dt><dd class="govuk-summary-list__value">{key.last_used_at.map(|at| when(lang, at)).unwrap_or_else(dash)}</dd></div>
                {key.revoked_at.map(|at| view! { <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Revoked", "Wedi’i dirymu")}</dt><dd class="govuk-summary-list__value">{when(lang, at)}</dd></div> })}
                {key.previous_secret_valid_until.map(|at| view! { <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Old secret works until", "Mae’r hen gyfrinach yn gweithio tan")}</dt><dd class="govuk-summary-list__value">{when(lang, at)}</dd></div> })}
            </dl>
            {move || failure.get().map(|text| view! { <p class="govuk-error-message" role="alert">{text}</p> })}
            {(!revoked).then(|| {
                let name = name.clone();
                let name2 = name.clone();
                view! {
                <div class="govuk-button-group">
                    <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=edit>
                        {tx("Change", "Newid")} <span class="govuk-visually-hidden">" " {name.clone()}</span>
                    </button>
                    <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=do_rotate>
                        {tx("Rotate", "Cylchdroi")} <span class="govuk-visually-hidden">" " {name.clone()}</span>
                    </button>
                    <Show when=move || !confirming.get()>
                        <button type="button" class="govuk-button govuk-button--warning app-small-button" on:click=move |_| confirming.set(true)>
                            {tx("Revoke", "Dirymu")} <span class="govuk-visually-hidden">" " {name2.clone()}</span>
                        </button>
                    </Show>
                </div>
                <Show when=move || confirming.get()>
                    <div class="govuk-inset-text" role="alert">
                        <p class="govuk-body">{tx("Revoke this key? Every system using it stops working at once. This cannot be undone.", "Dirymu’r allwedd hon? Bydd pob system sy’n ei defnyddio’n stopio gweithio ar unwaith. Ni ellir dadwneud hyn.")}</p>
                        <div class="govuk-button-group">
                            <button type="button" class="govuk-button govuk-button--warning app-small-button" id=revoke_id.clone() on:click=do_revoke>{tx("Yes, revoke it", "Ydw, ei dirymu")}</button>
                            <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=move |_| confirming.set(false)>{tx("Cancel", "Canslo")}</button>
                        </div>
                    </div>
                </Show>
            }})}
        </li>
    }
}

/// One form to create a key or, after "Change" on one, to change its name, prisons, scopes, expiry and rate limit.
#[component]
fn KeyForm(
    on_change: Callback<()>,
    secret: RwSignal<Option<(String, String)>>,
    notice: RwSignal<Option<String>>,
    editing: RwSignal<Option<ApiKeyView>>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let name = RwSignal::new(String::new());
    let prisons = RwSignal::new(Vec::<Uuid>::new());
    let scopes = RwSignal::new(Vec::<Scope>::new());
    let expiry = RwSignal::new(String::new());
    let rate = RwSignal::new(domain::api_keys::DEFAULT_RATE_LIMIT_PER_MINUTE.to_string());
    let issues = RwSignal::new(Vec::<Issue>::new());
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        editing.with(|key| {
            let key = key.as_ref();
            name.set(key.map(|k| k.name.clone()).unwrap_or_default());
            prisons.set(key.map(|k| k.prison_ids.clone()).unwrap_or_default());
            scopes.set(key.map(|k| k.scopes.clone()).unwrap_or_default());
            expiry.set(key.map(expiry_text).unwrap_or_default());
            let limit = key.map_or(domain::api_keys::DEFAULT_RATE_LIMIT_PER_MINUTE, |k| k.rate_limit_per_minute);
            rate.set(limit.to_string());
            issues.set(Vec::new());
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let expires_at = match expiry.get_untracked().trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                // The end of that day in the UK.
                Ok(day) => NaiveTime::from_hms_opt(23, 59, 59).map(|t| domain::calendar::london_to_utc(day, t)),
                Err(_) => {
                    found.push(Issue::new(
                        "key-expires_at",
                        "Enter a real date, like 2027-12-01",
                        "Rhowch ddyddiad go iawn, fel 2027-12-01",
                    ));
                    None
                }
            },
        };
        let rate_limit = rate.get_untracked().trim().parse::<u32>().ok();
        if rate_limit.is_none() {
            found.push(Issue::new(
                "key-rate_limit_per_minute",
                "Enter a whole number of requests a minute, like 600",
                "Rhowch nifer cyfan o geisiadau y funud, fel 600",
            ));
        }
        let key = NewApiKey {
            name: name.get_untracked(),
            prison_ids: prisons.get_untracked(),
            scopes: scopes.get_untracked(),
            expires_at,
            rate_limit_per_minute: rate_limit,
        };
        let checks = [
            domain::api_keys::check_name(&key.name).err(),
            domain::api_keys::check_prison_ids(&key.prison_ids).err(),
            domain::api_keys::check_scopes(&key.scopes).err(),
            rate_limit.and_then(|r| domain::api_keys::check_rate_limit(Some(r)).err()),
        ];
        let errors: Vec<_> = checks.into_iter().flatten().collect();
        found.extend(issues_under("key", &errors));
        if !found.is_empty() {
            show_issues(issues, found);
            return;
        }
        let changing = editing.get_untracked();
        busy.set(true);
        spawn_local(async move {
            let result = match &changing {
                Some(old) => {
                    // Only a changed expiry is sent (an unchanged one may be in the past by now).
                    let new_expiry = expiry.get_untracked().trim().to_string();
                    let change = UpdateApiKey {
                        name: Some(key.name.clone()),
                        prison_ids: Some(key.prison_ids.clone()),
                        scopes: Some(key.scopes.clone()),
                        expires_at: key.expires_at.filter(|_| new_expiry != expiry_text(old)),
                        clear_expiry: new_expiry.is_empty() && old.expires_at.is_some(),
                        rate_limit_per_minute: key.rate_limit_per_minute,
                    };
                    update(session, old.id, &change).await.map(|_| None)
                }
                None => create(session, &key).await.map(Some),
            };
            busy.set(false);
            match result {
                Ok(None) => {
                    editing.set(None);
                    notice.set(Some(
                        lang.t(
                            "Key saved: the change applies from its next request.",
                            "Allwedd wedi’i chadw: mae’r newid yn berthnasol o’i chais nesaf.",
                        )
                        .to_string(),
                    ));
                    focus_id("admin-notice".into());
                    on_change.run(());
                }
                Ok(Some(created)) => {
                    issues.set(Vec::new());
                    name.set(String::new());
                    prisons.set(Vec::new());
                    scopes.set(Vec::new());
                    expiry.set(String::new());
                    secret.set(Some((created.key.name.clone(), created.secret)));
                    focus_id("api-key-secret".into());
                    on_change.run(());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(issues, issues_under("key", &problem.errors))
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("key-name", text.clone(), text)]);
                }
            }
        });
    };
    let text = move |id: &'static str,
                     label: (&'static str, &'static str),
                     hint: Option<(&'static str, &'static str)>,
                     kind: &'static str,
                     value: RwSignal<String>| {
        let hint_id = format!("{id}-hint");
        let described = move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(format!("{id}-hint"));
            }
            if has_issue(issues, id)() {
                ids.push(format!("{id}-error"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        };
        view! {
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, id)>
                <label class="govuk-label" for=id>{tx(label.0, label.1)}</label>
                {hint.map(|h| view! { <div class="govuk-hint" id=hint_id.clone()>{tx(h.0, h.1)}</div> })}
                {field_error(issues, id)}
                <input class="govuk-input govuk-!-width-two-thirds" id=id type=kind autocomplete="off" spellcheck="false"
                    class:govuk-input--error=has_issue(issues, id)
                    aria-describedby=described
                    prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <h2 class="govuk-heading-m" id="api-key-form-title" tabindex="-1">
            {move || match editing.get() {
                Some(key) => format!("{} {}", lang.t("Change the API key", "Newid yr allwedd API"), key.name),
                None => lang.t("Create an API key", "Creu allwedd API").to_string(),
            }}
        </h2>
        <ErrorSummary issues />
        <form novalidate on:submit=submit id="new-api-key">
            {text("key-name", ("Name", "Enw"), Some(("Say which system uses it. Changes made with the key show this name.", "Nodwch pa system sy’n ei defnyddio. Mae newidiadau a wneir gyda’r allwedd yn dangos yr enw hwn.")), "text", name)}
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "key-prison_ids")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Prisons it can reach", "Carchardai y gall eu cyrraedd")}</legend>
                    {field_error(issues, "key-prison_ids")}
                    <PrisonChoice id="key-prison_ids".to_string() chosen=prisons />
                </fieldset>
            </div>
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "key-scopes")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("What it may do", "Beth y caiff ei wneud")}</legend>
                    {field_error(issues, "key-scopes")}
                    <div class="govuk-checkboxes govuk-checkboxes--small">
                        {SCOPES.into_iter().enumerate().map(|(i, scope)| {
                            let box_id = if i == 0 { "key-scopes".to_string() } else { format!("key-scopes-{i}") };
                            let words = scope_words(scope);
                            view! {
                                <div class="govuk-checkboxes__item">
                                    <input class="govuk-checkboxes__input" id=box_id.clone() type="checkbox" value=scope.as_str()
                                        prop:checked=move || scopes.with(|s| s.contains(&scope))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            scopes.update(|s| { s.retain(|x| *x != scope); if on { s.push(scope); } });
                                        } />
                                    <label class="govuk-label govuk-checkboxes__label" for=box_id>{tx(words.0, words.1)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            {text("key-expires_at", ("Expiry date (optional)", "Dyddiad dod i ben (dewisol)"), Some(("For example, 2027-12-01. The key stops working at the end of that day. Leave empty for no expiry.", "Er enghraifft, 2027-12-01. Mae’r allwedd yn stopio gweithio ar ddiwedd y diwrnod hwnnw. Gadewch yn wag am ddim dyddiad dod i ben.")), "date", expiry)}
            {text("key-rate_limit_per_minute", ("Requests a minute", "Ceisiadau y funud"), Some(("Between 1 and 100000. Requests over this wait until the next minute.", "Rhwng 1 a 100000. Mae ceisiadau dros hyn yn aros tan y funud nesaf.")), "text", rate)}
            <div class="govuk-button-group">
                <button type="submit" class="govuk-button" id="create-api-key">
                    {move || if editing.with(Option::is_some) { lang.t("Save changes", "Cadw newidiadau") } else { lang.t("Create key", "Creu allwedd") }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    <button type="button" class="govuk-button govuk-button--secondary" id="cancel-api-key-edit" on:click=move |_| {
                        editing.set(None);
                        focus_id("api-keys".into());
                    }>{tx("Cancel", "Canslo")}</button>
                </Show>
            </div>
        </form>
    }
}
