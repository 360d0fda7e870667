//! Sign in with an email address and password. Says why the last session ended, and goes back to where the
//! member of staff was (`?next=`) afterwards.

use std::cell::RefCell;

use domain::staff::SignInRequest;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::api;
use crate::session::{Ended, Phase, use_session};
use crate::ui::{ErrorSummary, Issue, field_error, has_issue, problem_text, show_issues, use_title};

/// What was done in staff.html's sign-in form before the app was there.
#[derive(Default)]
struct Early {
    email: String,
    password: String,
    /// Sign in was pressed.
    pending: bool,
    /// The id, in the app's form, of the field that had the focus.
    focus: Option<&'static str>,
}

thread_local! {
    static EARLY: RefCell<Option<Early>> = const { RefCell::new(None) };
}

/// Reads staff.html's sign-in form (shown by staff-boot.js while the app downloaded), before the app replaces it.
pub fn take_over_early_form() {
    let document = document();
    let Some(form) = document.get_element_by_id("early-sign-in") else { return };
    if form.has_attribute("hidden") {
        return;
    }
    let value = |id: &str| {
        document
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    };
    let focus = document.active_element().and_then(|el| match el.id().as_str() {
        "early-email" => Some("email"),
        "early-password" => Some("password"),
        "early-submit" => Some("sign-in"),
        _ => None,
    });
    let early = Early {
        email: value("early-email"),
        password: value("early-password"),
        pending: form.get_attribute("data-pending").is_some(),
        focus,
    };
    EARLY.with(|e| *e.borrow_mut() = Some(early));
}

/// Only a path inside the back office is followed, never another site.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with("/staff/") && !n.starts_with("//") && !n.starts_with("/staff/sign-in"))
        .unwrap_or_else(|| "/staff/inbox".into())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let early = EARLY.with(|e| e.borrow_mut().take()).unwrap_or_default();
    let email = RwSignal::new(early.email);
    let password = RwSignal::new(early.password);
    let issues = RwSignal::new(Vec::<Issue>::new());
    let busy = RwSignal::new(false);
    use_title(("Sign in", "Mewngofnodi"), move || issues.with(|i| !i.is_empty()));
    // The inbox's module, fetched while the member of staff types, so it is there after signing in.
    crate::preload_everyday_when_idle();

    // Already signed in (a bookmark, or Back after signing in): carry on.
    let go_on = navigate.clone();
    Effect::new(move |_| {
        if session.phase.get() == Phase::SignedIn {
            let next = safe_next(query.with_untracked(|q| q.get("next")));
            go_on(&next, NavigateOptions { replace: true, ..Default::default() });
        }
    });

    let submit_now = move || {
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let (e, p) = (email.get_untracked(), password.get_untracked());
        if e.trim().is_empty() {
            found.push(Issue::new("email", "Enter your email address", "Rhowch eich cyfeiriad e-bost"));
        }
        if p.is_empty() {
            found.push(Issue::new("password", "Enter your password", "Rhowch eich cyfrinair"));
        }
        if !found.is_empty() {
            show_issues(issues, found);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::sign_in(&SignInRequest { email: e.trim().to_string(), password: p }).await;
            busy.set(false);
            match result {
                Ok(pair) => {
                    issues.set(Vec::new());
                    password.set(String::new());
                    session.signed_in(pair).await;
                }
                Err(error) if error.status() == Some(401) => show_issues(
                    issues,
                    vec![Issue::new(
                        "email",
                        "Enter a correct email address and password",
                        "Rhowch gyfeiriad e-bost a chyfrinair cywir",
                    )],
                ),
                Err(error) => {
                    let en = problem_text(frontend_shared::i18n::Lang(RwSignal::new(domain::api::Locale::En)), &error);
                    let cy = problem_text(frontend_shared::i18n::Lang(RwSignal::new(domain::api::Locale::Cy)), &error);
                    show_issues(issues, vec![Issue::new("email", en, cy)]);
                }
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit_now();
    };
    // Carry on from staff.html's form, once this one is on the page: the focus where it was (the caret after what
    // was typed), and Sign in if it was pressed.
    if early.pending || early.focus.is_some() {
        request_animation_frame(move || {
            if let Some(id) = early.focus
                && let Some(el) = document().get_element_by_id(id)
            {
                if let Ok(input) = el.clone().dyn_into::<web_sys::HtmlInputElement>() {
                    let end = input.value().encode_utf16().count() as u32;
                    let _ = input.focus();
                    // Email inputs refuse a selection; the browser then puts the caret at the end anyway.
                    let _ = input.set_selection_range(end, end);
                } else if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
            if early.pending {
                submit_now();
            }
        });
    }

    view! {
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <ErrorSummary issues />
                {move || match session.ended.get() {
                    Some(Ended::Expired) => Some(view! {
                        <div class="govuk-notification-banner" role="region" aria-labelledby="ended-title" id="session-ended">
                            <div class="govuk-notification-banner__header">
                                <h2 class="govuk-notification-banner__title" id="ended-title">{tx("Important", "Pwysig")}</h2>
                            </div>
                            <div class="govuk-notification-banner__content">
                                <p class="govuk-notification-banner__heading">
                                    {tx("Your session has ended. Sign in again to carry on where you were.", "Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto i barhau lle’r oeddech chi.")}
                                </p>
                            </div>
                        </div>
                    }.into_any()),
                    Some(Ended::SignedOut) => Some(view! {
                        <div class="govuk-notification-banner govuk-notification-banner--success" role="region" aria-labelledby="ended-title" id="session-ended">
                            <div class="govuk-notification-banner__header">
                                <h2 class="govuk-notification-banner__title" id="ended-title">{tx("Success", "Llwyddiant")}</h2>
                            </div>
                            <div class="govuk-notification-banner__content">
                                <p class="govuk-notification-banner__heading">{tx("You have signed out.", "Rydych wedi allgofnodi.")}</p>
                            </div>
                        </div>
                    }.into_any()),
                    None => None,
                }}
                <h1 class="govuk-heading-l">{tx("Sign in", "Mewngofnodi")}</h1>
                <p class="govuk-body">{tx("For prison staff who manage visits.", "Ar gyfer staff carchar sy’n rheoli ymweliadau.")}</p>
                <form novalidate on:submit=submit>
                    <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "email")>
                        <label class="govuk-label" for="email">{tx("Email address", "Cyfeiriad e-bost")}</label>
                        {field_error(issues, "email")}
                        <input class="govuk-input" id="email" name="email" type="email" autocomplete="username" spellcheck="false"
                            class:govuk-input--error=has_issue(issues, "email")
                            aria-describedby=move || has_issue(issues, "email")().then_some("email-error")
                            prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
                    </div>
                    <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "password")>
                        <label class="govuk-label" for="password">{tx("Password", "Cyfrinair")}</label>
                        {field_error(issues, "password")}
                        <input class="govuk-input" id="password" name="password" type="password" autocomplete="current-password"
                            class:govuk-input--error=has_issue(issues, "password")
                            aria-describedby=move || has_issue(issues, "password")().then_some("password-error")
                            prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="govuk-button" id="sign-in" aria-disabled=move || busy.get().then_some("true")>
                        {move || if busy.get() { lang.t("Signing in…", "Wrthi’n mewngofnodi…") } else { lang.t("Sign in", "Mewngofnodi") }}
                    </button>
                </form>
            </div>
        </div>
    }
}
