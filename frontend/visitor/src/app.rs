//! The visitor app itself: the page shell, the routes and the entry point. The API server renders every page at
//! its URL (feature `ssr`, crate::server), and the browser's WebAssembly takes that page over (hydrates it). Only
//! the prison list is in the first
//! WebAssembly module a visitor downloads; the later steps of the journey, and the status page, are in modules of
//! their own (Leptos lazy routes over `wasm_split` functions, cut apart by `wasm-split-cli` in
//! scripts/build-frontend.sh), fetched when the visitor first gets there.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{Lazy, LazyRoute, path};
use wasm_bindgen::JsCast;
#[cfg(feature = "hydrate")]
use wasm_bindgen::prelude::wasm_bindgen;

use crate::api::ApiError;
use domain::api::Locale;
use frontend_shared::shell::{LanguageSwitch, SkipLink};

use crate::i18n::{Lang, SERVICE_NAME, tx, use_title};
use crate::pages::{self, LoadError};
use crate::store::Form;

/// The page shell every page shares: skip link, service name, language switch, main content and footer.
#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    Lang::provide_with(initial_locale());
    let form = Form::provide();

    view! {
        <Router>
            <SkipLink />
            <header class="govuk-service-navigation app-header" role="banner">
                <div class="govuk-width-container">
                    <div class="govuk-service-navigation__container app-header__container">
                        <span class="govuk-service-navigation__service-name">
                            <a href="/" class="govuk-service-navigation__link">
                                {tx(SERVICE_NAME.0, SERVICE_NAME.1)}
                            </a>
                        </span>
                        <LanguageSwitch />
                    </div>
                </div>
            </header>
            <div class="govuk-width-container">
                <main class="govuk-main-wrapper" id="main-content" tabindex="-1">
                    <TouchOnNavigation form />
                    <Routes fallback=|| page(NotFound)>
                        <Route path=path!("/") view=|| page(pages::prisons::PrisonsPage) />
                        <Route path=path!("/prison/:id") view={Lazy::<PrisonRoute>::new()} />
                        <Route path=path!("/book/prisoner") view={Lazy::<PrisonerRoute>::new()} />
                        <Route path=path!("/book/times") view={Lazy::<TimesRoute>::new()} />
                        <Route path=path!("/book/visitors") view={Lazy::<VisitorsRoute>::new()} />
                        <Route path=path!("/book/support") view={Lazy::<SupportRoute>::new()} />
                        <Route path=path!("/book/check") view={Lazy::<CheckRoute>::new()} />
                        <Route path=path!("/book/done") view={Lazy::<DoneRoute>::new()} />
                        <Route path=path!("/feedback") view={Lazy::<FeedbackRoute>::new()} />
                        <Route path=path!("/visit/:reference") view={Lazy::<StatusRoute>::new()} />
                    </Routes>
                </main>
            </div>
            <footer class="govuk-footer">
                <div class="govuk-width-container">
                    <p class="govuk-footer__meta-custom govuk-body-s">
                        <a class="govuk-footer__link" href="/feedback" id="footer-feedback">
                            {tx("Give feedback on this service", "Rhoi adborth ar y gwasanaeth hwn")}
                        </a>
                    </p>
                    <p class="govuk-footer__meta-custom govuk-body-s">
                        {tx("This is a demonstration service. Do not enter real personal details.", "Gwasanaeth arddangos yw hwn. Peidiwch â rhoi manylion personol go iawn.")}
                    </p>
                </div>
            </footer>
        </Router>
    }
}

/// The steps after the first page, in one module fetched when the visitor chooses a prison: one request (and one for
/// the code they share with the status page) rather than one per step, and no wait between steps after that.
#[derive(Clone, Copy)]
enum Step {
    Prison,
    Prisoner,
    Times,
    Visitors,
    Support,
    Check,
    Done,
    Feedback,
}

/// Every step after the first page (and the feedback form, a small page linked from every footer). Split with the `fallible` option (which Leptos's `#[lazy]` does not offer), so
/// that a module that fails to download shows a page saying so rather than aborting the whole app.
#[wasm_split(journey, wasm_split_path = ::leptos::wasm_split, preload(preload_journey), fallible)]
fn journey_step(step: Step) -> Result<AnyView, SplitLoaderError> {
    Ok(match step {
        Step::Prison => page(pages::prison::PrisonPage),
        Step::Prisoner => page(pages::prisoner::PrisonerPage),
        Step::Times => page(pages::times::TimesPage),
        Step::Visitors => page(pages::visitors::VisitorsPage),
        Step::Support => page(pages::support::SupportPage),
        Step::Check => page(pages::check::CheckPage),
        Step::Done => page(pages::done::DonePage),
        Step::Feedback => page(pages::feedback::FeedbackPage),
    })
}

/// A visit's status page, in a module of its own: visitors mostly come to it from an email, not from the journey.
#[wasm_split(status, wasm_split_path = ::leptos::wasm_split, preload(preload_status), fallible)]
fn status_page() -> Result<AnyView, SplitLoaderError> {
    Ok(page(pages::status::StatusPage))
}

/// A route to one step of the journey, whose code is in the journey's module (fetched the first time, then kept).
macro_rules! journey_route {
    ($route:ident, $step:expr) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                journey_step($step).await.unwrap_or_else(|_| page(NotLoaded))
            }

            async fn preload() {
                // A failure shows in `view`, which tries once more.
                let _ = preload_journey().await;
            }
        }
    };
}

journey_route!(PrisonRoute, Step::Prison);
journey_route!(PrisonerRoute, Step::Prisoner);
journey_route!(TimesRoute, Step::Times);
journey_route!(VisitorsRoute, Step::Visitors);
journey_route!(SupportRoute, Step::Support);
journey_route!(CheckRoute, Step::Check);
journey_route!(DoneRoute, Step::Done);
journey_route!(FeedbackRoute, Step::Feedback);

struct StatusRoute;

impl LazyRoute for StatusRoute {
    fn data() -> Self {
        StatusRoute
    }

    async fn view(_: Self) -> AnyView {
        status_page().await.unwrap_or_else(|_| page(NotLoaded))
    }

    async fn preload() {
        let _ = preload_status().await;
    }
}

/// Shown when a page's module could not be downloaded (offline, or the connection dropped). Trying again loads
/// the page from the server, which keeps everything typed (and works as it is if the module still does not come).
#[component]
fn NotLoaded() -> impl IntoView {
    const HEADING: (&str, &str) =
        ("Sorry, this page could not be loaded", "Mae’n ddrwg gennym, nid oedd modd llwytho’r dudalen hon");
    use_title(|lang| lang.t(HEADING.0, HEADING.1).into(), || false);
    view! {
        <h1 class="govuk-heading-l">{tx(HEADING.0, HEADING.1)}</h1>
        <LoadError error=ApiError::Network on_retry=|| { let _ = window().location().reload(); } />
    }
}

thread_local! {
    /// How many pages have been built: the first is the one the browser loaded.
    static PAGES_BUILT: Cell<u32> = const { Cell::new(0) };
}

/// Builds a routed page. After a move to another page (not the first load), puts focus on the new page's heading,
/// as a screen reader user would expect from a page load. Done as the page is built, not when the URL changes:
/// a lazy page is only built once its module has arrived.
fn page<V: IntoView + 'static>(view: impl FnOnce() -> V) -> AnyView {
    let built = PAGES_BUILT.get() + 1;
    PAGES_BUILT.set(built);
    if cfg!(target_arch = "wasm32") && built > 1 {
        // From the router, not window.location: after an in-app link the router knows the new URL first.
        let hash = use_location().hash.get_untracked();
        focus_heading(built, hash, 0);
    }
    // Marks the page once the app has taken it over, its route's module included (`<html data-app="ready">`):
    // before, a button does nothing and a link loads a page from the server. The browser tests wait for it.
    Effect::new(|| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-app", "ready");
        }
    });
    view().into_any()
}

/// Focuses the heading of page number `page` on the next frame, or on a later one while the page is still waiting
/// for its data (its heading comes with it), for up to about 5 seconds.
fn focus_heading(page: u32, hash: String, frames: u32) {
    request_animation_frame(move || {
        if PAGES_BUILT.get() != page {
            return; // the visitor has moved on
        }
        // A fragment naming an element (a "Change" link, an error) gets the focus from the page itself.
        let target = hash.strip_prefix('#').filter(|id| !id.is_empty());
        if target.is_some_and(|id| document().get_element_by_id(id).is_some()) {
            return;
        }
        // Nor is focus taken from something on the page the visitor (or the page) has already focused.
        let main = document().get_element_by_id("main-content");
        let active = document().active_element();
        if let (Some(main), Some(active)) = (&main, &active)
            && main != active
            && main.contains(Some(active))
        {
            return;
        }
        let heading = document().query_selector("main h1").ok().flatten();
        match heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
            Some(heading) => {
                let _ = heading.set_attribute("tabindex", "-1");
                let _ = heading.focus();
            }
            None if frames < 300 => focus_heading(page, hash, frames + 1),
            None => {}
        }
    });
}

/// A move to another page counts as activity for the 20-minute idle limit.
#[component]
fn TouchOnNavigation(form: Form) -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            form.touch();
        }
        path
    });
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::set_status(404);
    use_title(|lang| lang.t("Page not found", "Heb ddod o hyd i’r dudalen").into(), || false);
    view! {
        <h1 class="govuk-heading-l">{tx("Page not found", "Heb ddod o hyd i’r dudalen")}</h1>
        <p class="govuk-body">
            {tx("If you typed the web address, check it is correct.", "Os gwnaethoch deipio’r cyfeiriad gwe, gwiriwch ei fod yn gywir.")}
        </p>
        <p class="govuk-body">
            <a class="govuk-link" href="/">{tx("Choose a prison", "Dewis carchar")}</a>
        </p>
    }
}

/// The language a page starts in. On the server, the one it chose for the request; in the browser, the one the
/// server rendered the page in (so the app takes the page over unchanged), or for a page drawn in the browser
/// alone, the one chosen on this device.
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        crate::server::server_page().map(|page| page.locale).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        if server_rendered() {
            let lang = document().document_element().and_then(|html| html.get_attribute("lang"));
            lang.and_then(|lang| lang.parse().ok()).unwrap_or_default()
        } else {
            crate::store::load_locale().unwrap_or_default()
        }
    }
}

/// Whether the server rendered this page (it marks `<html data-rendered="server">`), rather than sending the
/// placeholder the app replaces.
#[cfg(not(feature = "ssr"))]
fn server_rendered() -> bool {
    document().document_element().is_some_and(|html| html.get_attribute("data-rendered").as_deref() == Some("server"))
}

/// Entry point, run by wasm-bindgen as soon as the module is instantiated. Takes over the page the server rendered
/// once the module of its route has arrived, or replaces the static placeholder of a page drawn in the browser.
/// If that module cannot be downloaded (a connection that drops), the page is left as the server sent it: whole,
/// with links and forms that work without the app.
#[cfg(feature = "hydrate")]
#[wasm_bindgen(start)]
pub fn start() {
    if server_rendered() {
        wasm_bindgen_futures::spawn_local(async {
            let path = window().location().pathname().unwrap_or_default();
            let loaded = if path.starts_with("/visit/") {
                preload_status().await.is_ok()
            } else if path.starts_with("/prison/") || path.starts_with("/book/") || path == "/feedback" {
                preload_journey().await.is_ok()
            } else {
                true
            };
            if loaded {
                leptos::mount::hydrate_lazy(App);
            } else {
                leptos::logging::warn!("this page's module could not be loaded: the page works without it");
            }
        });
        return;
    }
    let placeholder = document().get_element_by_id("app").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match placeholder {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}
