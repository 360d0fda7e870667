//! The staff back office: a second Leptos single-page app, built into its own WebAssembly bundle and loaded only
//! under `/staff` (from `staff.html`), so visitors never download it. It shares the API client, shell pieces, focus
//! handling and English/Welsh wording with the visitor app through `frontend-shared`.
//!
//! Only the shell, the router, the session and the sign-in page are in the first WebAssembly module; the screens
//! behind sign-in are in modules of their own (Leptos lazy routes over `wasm_split` functions, cut apart by
//! `wasm-split-cli` in scripts/build-frontend.sh), grouped by who uses them: the everyday screens every officer
//! opens, the timetable editor, the booking journey for visitors who phone or call in, and the admin area.

pub mod api;
pub mod pages;
pub mod session;
pub mod ui;

use frontend_shared::i18n::{Lang, tx, use_lang};
use frontend_shared::shell::{LanguageSwitch, SkipLink};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{Lazy, LazyRoute, NavigateOptions, path};
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
                            <Route path=path!("inbox") view={Lazy::<InboxRoute>::new()} />
                            <Route path=path!("visits/:id") view={Lazy::<VisitRoute>::new()} />
                            <Route path=path!("search") view={Lazy::<SearchRoute>::new()} />
                            <Route path=path!("day-list") view={Lazy::<DayListRoute>::new()} />
                            <Route path=path!("dashboard") view={Lazy::<DashboardRoute>::new()} />
                            <Route path=path!("timetable") view={Lazy::<TimetableRoute>::new()} />
                            <Route path=path!("book") view={Lazy::<BookRoute>::new()} />
                            <Route path=path!("admin") view={Lazy::<AdminRoute>::new()} />
                            <Route path=path!("admin/webhooks") view={Lazy::<WebhooksRoute>::new()} />
                            <Route path=path!("admin/feedback") view={Lazy::<FeedbackAdminRoute>::new()} />
                            <Route path=path!("feedback") view={Lazy::<FeedbackRoute>::new()} />
                        </ParentRoute>
                    </Routes>
                </main>
            </div>
            <footer class="govuk-footer app-no-print">
                <div class="govuk-width-container">
                    <p class="govuk-footer__meta-custom govuk-body-s">
                        {tx("Staff only. Personal data of visits older than 6 months is removed.", "Staff yn unig. Caiff data personol ymweliadau sy’n hŷn na 6 mis ei ddileu.")}
                    </p>
                    <p class="govuk-footer__meta-custom govuk-body-s">
                        <a class="govuk-footer__link" href="/staff/feedback" id="footer-feedback">
                            {tx("Give feedback on this service", "Rhoi adborth ar y gwasanaeth hwn")}
                        </a>
                    </p>
                </div>
            </footer>
        </Router>
    }
}

/// The screens every member of staff uses every day, in one module: fetched while the sign-in page is shown, so
/// the inbox is no slower after sign-in, and moving between them never waits for a download.
#[derive(Clone, Copy)]
enum Everyday {
    Inbox,
    Visit,
    Search,
    DayList,
    Dashboard,
    Feedback,
}

/// Split with the `fallible` option (which Leptos's `#[lazy]` does not offer), so that a module that fails to
/// download shows a page saying so rather than aborting the whole app.
#[wasm_split(everyday, wasm_split_path = ::leptos::wasm_split, preload(preload_everyday), fallible)]
fn everyday_page(page: Everyday) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Everyday::Inbox => pages::inbox::InboxPage().into_any(),
        Everyday::Visit => pages::visit::VisitPage().into_any(),
        Everyday::Search => pages::search::SearchPage().into_any(),
        Everyday::DayList => pages::day_list::DayListPage().into_any(),
        Everyday::Dashboard => pages::dashboard::DashboardPage().into_any(),
        Everyday::Feedback => pages::feedback::FeedbackPage().into_any(),
    })
}

/// The timetable editor: used by the few who set a prison's visiting times, now and then.
#[wasm_split(timetable, wasm_split_path = ::leptos::wasm_split, preload(preload_timetable), fallible)]
fn timetable_page() -> Result<AnyView, SplitLoaderError> {
    Ok(pages::timetable::TimetablePage().into_any())
}

/// Booking on a visitor's behalf (by phone or at the gate): a journey of its own, not every officer's work.
#[wasm_split(book, wasm_split_path = ::leptos::wasm_split, preload(preload_book), fallible)]
fn book_page() -> Result<AnyView, SplitLoaderError> {
    Ok(pages::book::BookPage().into_any())
}

/// The admin area (staff accounts, prisons, API keys, webhooks), which an officer never opens.
#[derive(Clone, Copy)]
enum Admin {
    Home,
    Webhooks,
    Feedback,
}

#[wasm_split(admin, wasm_split_path = ::leptos::wasm_split, preload(preload_admin), fallible)]
fn admin_page(page: Admin) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Admin::Home => pages::admin::AdminPage().into_any(),
        Admin::Webhooks => pages::admin::WebhooksPage().into_any(),
        Admin::Feedback => pages::admin::FeedbackAdminPage().into_any(),
    })
}

/// A route whose page is in one of the split modules (fetched the first time, then kept). A module that cannot be
/// downloaded shows [`NotLoaded`].
macro_rules! lazy_route {
    ($route:ident, $load:expr, $preload:ident) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                let view = $load.await.unwrap_or_else(|_| NotLoaded().into_any());
                // After a move here, the heading gets the focus once the page is there, however long its module
                // took to arrive (FocusOnNavigation looks for it for 3 seconds only).
                if MOVED.get() {
                    focus_heading(HEADING_TRIES);
                }
                view
            }

            async fn preload() {
                // A failure shows in `view`, which tries once more.
                let _ = $preload().await;
            }
        }
    };
}

lazy_route!(InboxRoute, everyday_page(Everyday::Inbox), preload_everyday);
lazy_route!(VisitRoute, everyday_page(Everyday::Visit), preload_everyday);
lazy_route!(SearchRoute, everyday_page(Everyday::Search), preload_everyday);
lazy_route!(DayListRoute, everyday_page(Everyday::DayList), preload_everyday);
lazy_route!(DashboardRoute, everyday_page(Everyday::Dashboard), preload_everyday);
lazy_route!(TimetableRoute, timetable_page(), preload_timetable);
lazy_route!(BookRoute, book_page(), preload_book);
lazy_route!(AdminRoute, admin_page(Admin::Home), preload_admin);
lazy_route!(WebhooksRoute, admin_page(Admin::Webhooks), preload_admin);
lazy_route!(FeedbackAdminRoute, admin_page(Admin::Feedback), preload_admin);
lazy_route!(FeedbackRoute, everyday_page(Everyday::Feedback), preload_everyday);

/// Fetches the everyday screens' module once the browser is idle, so that it is there by the time the member of
/// staff has signed in. Called by the sign-in page, after it is usable: it must not slow that page down.
pub fn preload_everyday_when_idle() {
    let preload = || {
        spawn_local(async {
            // A failure shows when a page of that module is opened, which tries again.
            let _ = preload_everyday().await;
        })
    };
    // Safari has no requestIdleCallback: there, a moment after the page is shown.
    if request_idle_callback_with_handle(preload).is_err() {
        set_timeout(preload, std::time::Duration::from_millis(500));
    }
}

/// Shown when a page's module could not be downloaded (offline, or the connection dropped). Trying again reloads
/// the page; the session survives a reload (its refresh token is kept in this tab's storage).
#[component]
fn NotLoaded() -> impl IntoView {
    const HEADING: (&str, &str) =
        ("Sorry, this page could not be loaded", "Mae’n ddrwg gennym, nid oedd modd llwytho’r dudalen hon");
    ui::use_title(HEADING, || false);
    view! {
        <h1 class="govuk-heading-l">{tx(HEADING.0, HEADING.1)}</h1>
        <div class="govuk-error-summary" role="alert" tabindex="-1" id="load-error">
            <h2 class="govuk-error-summary__title">{tx("There is a problem", "Mae problem wedi codi")}</h2>
            <p class="govuk-body">
                {tx("Check your connection and try again.", "Gwiriwch eich cysylltiad a rhowch gynnig arall arni.")}
            </p>
            <button type="button" class="govuk-button govuk-button--secondary" id="not-loaded-retry"
                on:click=|_| { let _ = window().location().reload(); }>
                {tx("Try again", "Rhowch gynnig arall arni")}
            </button>
        </div>
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

thread_local! {
    /// Whether the member of staff has moved from the first page loaded to another.
    static MOVED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// After a move to another page, focus goes to its heading, as after a page load.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.as_ref().is_some_and(|p| *p != path) {
            MOVED.set(true);
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
            pages::sign_in::take_over_early_form();
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}
