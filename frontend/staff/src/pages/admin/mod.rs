//! For admins: staff accounts (create one with a first password, assign prisons, disable or enable) and prisons
//! (add one; its timetable and rules are then set on the timetable page); integrators' API keys; and, on a page of
//! their own, webhook subscriptions and the feedback visitors and staff sent.

mod accounts;
mod api_keys;
mod feedback;
mod prisons;
mod webhooks;

use domain::api::{PrisonDetails, PrisonInput};
use domain::error::FieldError;
use domain::staff::{NewStaffAccount, StaffAccountView, UpdateStaffAccount};
use frontend_shared::api::ApiError;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use uuid::Uuid;

use crate::session::{Session, call, get, use_session};
use crate::ui::{Failure, Issue, Loading, use_title};
use accounts::{Accounts, NewAccount};
use api_keys::ApiKeys;
pub use feedback::FeedbackAdminPage;
use prisons::Prisons;
pub use webhooks::WebhooksPage;

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

/// The names of these prisons, as the signed-in admin's profile has them (the id when it does not).
fn prison_names(session: Session, ids: &[Uuid]) -> Vec<String> {
    session.profile.with_untracked(|p| {
        let prisons = p.as_ref().map(|p| p.prisons.as_slice()).unwrap_or_default();
        ids.iter()
            .map(|id| prisons.iter().find(|p| p.id == *id).map(|p| p.name.clone()).unwrap_or_else(|| id.to_string()))
            .collect()
    })
}

/// The admin area's own navigation: its pages, the current one marked.
#[component]
fn AdminNav() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let link = move |href: &'static str, label: (&'static str, &'static str)| {
        let current = move || location.pathname.get() == href;
        view! {
            <li>
                <a class="govuk-link govuk-link--no-visited-state" href=href aria-current=move || current().then_some("page")>
                    {tx(label.0, label.1)}
                </a>
            </li>
        }
    };
    view! {
        <nav class="app-admin-nav" aria-label=move || lang.t("Admin pages", "Tudalennau gweinyddu")>
            <ul class="govuk-list app-staff-nav">
                {link("/staff/admin", ("Staff, prisons and API keys", "Staff, carchardai ac allweddi API"))}
                {link("/staff/admin/webhooks", ("Webhooks", "Bachau gwe"))}
                {link("/staff/admin/feedback", ("Feedback", "Adborth"))}
            </ul>
        </nav>
    }
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
        <AdminNav />
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
            <ApiKeys notice />
        </Show>
    }
}
