//! The staff back office: a second Leptos single-page app, built into its own WebAssembly bundle and loaded only
//! under `/staff` (from `staff.html`), so visitors never download it. It shares the API client, shell pieces, focus
//! handling and English/Welsh wording with the visitor app through `frontend-shared`.

pub mod api;
pub mod pages;
pub mod session;
pub mod ui;

use frontend_shared::i18n::{Lang, tx, use_lang};
use frontend_shared::shell::{LanguageSwitch, SkipLink};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{NavigateOptions, path};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::session::{Phase, Session, use_session};

pub const STAFF_SERVICE: (&str, &str) = ("Manage prison visits", "Rheoli ymweliadau carchar");

#[component]
pub fn App() -> impl IntoView {
    Lang::provide();
    let session = Session::provide();
    view! {
        <Router>
            <SkipLink />
            <Header session />
            <div class="govuk-width-container">
                <PrisonBar session />
                <main class="govuk-main-wrapper" id="main-content" tabindex="-1">
                    <FocusOnNavigation />
                    <Routes fallback=pages::NotFound>
                        <Route path=path!("/staff/sign-in") view=pages::sign_in::SignInPage />
                        <ParentRoute path=path!("/staff") view=Protected>
                            <Route path=path!("") view=|| view! { <Redirect path="/staff/inbox" /> } />
                            <Route path=path!("inbox") view=pages::inbox::InboxPage />
                            <Route path=path!("visits/:id") view=pages::visit::VisitPage />
                            <Route path=path!("search") view=pages::search::SearchPage />
                            <Route path=path!("book") view=pages::book::BookPage />
                            <Route path=path!("day-list") view=pages::day_list::DayListPage />
                            <Route path=path!("timetable") view=pages::timetable::TimetablePage />
                            <Route path=path!("dashboard") view=pages::dashboard::DashboardPage />
                            <Route path=path!("admin") view=pages::admin::AdminPage />
                            <Route path=path!("admin/webhooks") view=pages::admin::WebhooksPage />
                        </ParentRoute>
                    </Routes>
                </main>
            </div>
            <footer class="govuk-footer app-no-print">
                <div class="govuk-width-container">
                    <p class="govuk-footer__meta-custom govuk-body-s">
                        {tx("Staff only. Personal data of visits older than 6 months is removed.", "Staff yn unig. Caiff data personol ymweliadau sy’n hŷn na 6 mis ei ddileu.")}
                    </p>
                </div>
            </footer>
        </Router>
    }
}

/// Pages behind sign-in. Signed out (or the session just ended), they go to the sign-in page, which brings the
/// member of staff back here afterwards.
#[component]
fn Protected() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    // A memo, so the pages are rebuilt only when the phase really changes.
    let phase = Memo::new(move |_| session.phase.get());
    move || match phase.get() {
        Phase::Starting => {
            let offline = session.offline.get();
            view! {
                <p class="govuk-body" role="status">
                    {move || {
                        if offline {
                            use_lang().t("We could not reach the service. Check the connection and reload the page.", "Nid oeddem yn gallu cysylltu â’r gwasanaeth. Gwiriwch y cysylltiad ac ail-lwythwch y dudalen.")
                        } else {
                            use_lang().t("Loading…", "Wrthi’n llwytho…")
                        }
                    }}
                </p>
            }
            .into_any()
        }
        Phase::SignedOut => {
            let search = location.search.get_untracked();
            let search = if search.is_empty() || search.starts_with('?') { search } else { format!("?{search}") };
            let here = format!("{}{search}", location.pathname.get_untracked());
            let path = format!("/staff/sign-in?next={}", api::encode(&here));
            view! { <Redirect path /> }.into_any()
        }
        Phase::SignedIn => view! { <leptos_router::components::Outlet /> }.into_any(),
    }
}

#[component]
fn Header(session: Session) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let location = use_location();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            session.sign_out().await;
            navigate("/staff/sign-in", NavigateOptions::default());
        });
    };
    let link = move |href: &'static str, label: (&'static str, &'static str)| {
        let current = move || location.pathname.get().starts_with(href);
        view! {
            <li class="govuk-service-navigation__item" class:govuk-service-navigation__item--active=current>
                <a
                    class="govuk-service-navigation__link"
                    href=href
                    aria-current=move || current().then_some("page")
                >
                    {tx(label.0, label.1)}
                </a>
            </li>
        }
    };
    view! {
        <header class="govuk-service-navigation app-header app-no-print" role="banner">
            <div class="govuk-width-container">
                <div class="govuk-service-navigation__container app-header__container">
                    <span class="govuk-service-navigation__service-name">
                        <a href="/staff/inbox" class="govuk-service-navigation__link">
                            {tx(STAFF_SERVICE.0, STAFF_SERVICE.1)}
                        </a>
                    </span>
                    <LanguageSwitch />
                </div>
                <Show when=move || session.phase.get() == Phase::SignedIn>
                    <nav aria-label=move || lang.t("Staff menu", "Dewislen staff") class="govuk-service-navigation__wrapper">
                        <ul class="govuk-service-navigation__list app-staff-nav" id="staff-nav">
                            {link("/staff/inbox", ("Inbox", "Mewnflwch"))}
                            {link("/staff/search", ("Search", "Chwilio"))}
                            {link("/staff/book", ("Book a visit", "Trefnu ymweliad"))}
                            {link("/staff/day-list", ("Day list", "Rhestr y dydd"))}
                            {link("/staff/timetable", ("Timetable", "Amserlen"))}
                            {link("/staff/dashboard", ("Dashboard", "Dangosfwrdd"))}
                            {move || session.is_admin().then(|| link("/staff/admin", ("Staff and prisons", "Staff a charchardai")))}
                            <li class="govuk-service-navigation__item">
                                <button type="button" class="app-link-button govuk-service-navigation__link" id="sign-out" on:click=sign_out.clone()>
                                    {tx("Sign out", "Allgofnodi")}
                                </button>
                            </li>
                        </ul>
                    </nav>
                </Show>
            </div>
        </header>
    }
}

/// Who is signed in, and the prison whose work is shown, with a switcher for staff of several prisons.
#[component]
fn PrisonBar(session: Session) -> impl IntoView {
    let lang = use_lang();
    let choice = RwSignal::new(String::new());
    view! {
        <Show when=move || session.phase.get() == Phase::SignedIn>
            <div class="app-prison-bar app-no-print">
                <p class="govuk-body-s app-prison-bar__who">
                    {tx("Signed in as", "Wedi mewngofnodi fel")} " "
                    <strong>{move || session.profile.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default())}</strong>
                </p>
                {move || {
                    let prisons = session.profile.with(|p| p.as_ref().map(|p| p.prisons.clone()).unwrap_or_default());
                    if prisons.len() > 1 {
                        let current = session.prison.get().map(|id| id.to_string()).unwrap_or_default();
                        choice.set(current.clone());
                        view! {
                            <form class="app-prison-switch" on:submit=move |ev| {
                                ev.prevent_default();
                                if let Ok(id) = choice.get_untracked().parse() {
                                    session.prison.set(Some(id));
                                }
                            }>
                                <label class="govuk-label govuk-label--s" for="prison-switch">
                                    {tx("Prison", "Carchar")}
                                </label>
                                <select class="govuk-select" id="prison-switch" on:change=move |ev| choice.set(event_target_value(&ev))>
                                    {prisons
                                        .into_iter()
                                        .map(|p| {
                                            let id = p.id.to_string();
                                            let selected = id == current;
                                            view! { <option value=id selected=selected>{p.name}</option> }
                                        })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="govuk-button govuk-button--secondary app-small-button" id="prison-switch-go">
                                    {move || lang.t("Change prison", "Newid carchar")}
                                </button>
                            </form>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p class="govuk-body-s">
                                {tx("Prison", "Carchar")} ": " <strong id="prison-name">{move || session.prison_name()}</strong>
                            </p>
                        }
                        .into_any()
                    }
                }}
            </div>
        </Show>
    }
}

/// After a move to another page, focus goes to its heading, as after a page load.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.as_ref().is_some_and(|p| *p != path) {
            focus_heading(HEADING_TRIES);
        }
        path
    });
}

/// How many times (100 ms apart) to look for the new page's heading: most pages show it only once their data
/// has arrived.
const HEADING_TRIES: u32 = 30;

fn focus_heading(tries_left: u32) {
    request_animation_frame(move || {
        // The new page already put the focus somewhere in it on purpose (an error summary, a banner, a field).
        let main = document().get_element_by_id("main-content");
        let active = document().active_element();
        if let (Some(main), Some(active)) = (main, active)
            && active.id() != "main-content"
            && main.contains(Some(&active))
        {
            return;
        }
        let heading = document().query_selector("main h1").ok().flatten();
        match heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
            Some(heading) => {
                let _ = heading.set_attribute("tabindex", "-1");
                let _ = heading.focus();
            }
            None if tries_left > 0 => {
                set_timeout(move || focus_heading(tries_left - 1), std::time::Duration::from_millis(100));
            }
            None => {}
        }
    });
}

#[wasm_bindgen(start)]
pub fn start() {
    let placeholder = document().get_element_by_id("app").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match placeholder {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}
