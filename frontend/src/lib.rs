//! The Prison Visit Booking web client: a Leptos single-page app, rendered in the browser and compiled to
//! WebAssembly. `scripts/build-frontend.sh` builds it into `frontend/dist/`, which the API server serves at `/`.
//! Each step of the visitor's journey has its own URL, so Back, Forward and reload work.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod store;

use domain::api::Locale;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use wasm_bindgen::JsCast;
#[cfg(feature = "visitor-app")]
use wasm_bindgen::prelude::wasm_bindgen;

use crate::i18n::{Lang, SERVICE_NAME, tx, use_title};
use crate::store::Form;

/// The page shell every page shares: skip link, service name, language switch, main content and footer.
#[component]
pub fn App() -> impl IntoView {
    Lang::provide();
    let form = Form::provide();
    view! {
        <Router>
            <a href="#main-content" class="govuk-skip-link" on:click=|ev| {
                ev.prevent_default();
                components::focus_id("main-content".into());
            }>
                {tx("Skip to main content", "Neidio i’r prif gynnwys")}
            </a>
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
                    <FocusOnNavigation form />
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=pages::prisons::PrisonsPage />
                        <Route path=path!("/prison/:id") view=pages::prison::PrisonPage />
                        <Route path=path!("/book/prisoner") view=pages::prisoner::PrisonerPage />
                        <Route path=path!("/book/times") view=pages::times::TimesPage />
                        <Route path=path!("/book/visitors") view=pages::visitors::VisitorsPage />
                        <Route path=path!("/book/check") view=pages::check::CheckPage />
                        <Route path=path!("/book/done") view=pages::done::DonePage />
                        <Route path=path!("/visit/:reference") view=pages::status::StatusPage />
                    </Routes>
                </main>
            </div>
            <footer class="govuk-footer">
                <div class="govuk-width-container">
                    <p class="govuk-footer__meta-custom govuk-body-s">
                        {tx("This is a demonstration service. Do not enter real personal details.", "Gwasanaeth arddangos yw hwn. Peidiwch â rhoi manylion personol go iawn.")}
                    </p>
                </div>
            </footer>
        </Router>
    }
}

/// English | Cymraeg. The choice is kept for next time and every page's text follows it at once.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = i18n::use_lang();
    view! {
        <nav class="app-language" aria-label=move || lang.t("Language", "Iaith")>
            {move || {
                let (label, other, code) = if lang.is_cy() {
                    ("English", Locale::En, "en")
                } else {
                    ("Cymraeg", Locale::Cy, "cy")
                };
                view! {
                    <button
                        type="button"
                        class="app-language__switch"
                        id="language-switch"
                        lang=code
                        on:click=move |_| lang.0.set(other)
                    >
                        {label}
                    </button>
                }
            }}
        </nav>
    }
}

/// After a move to another page (not the first load), puts focus on the new page's heading, as a screen reader
/// user would expect from a page load, and counts as activity for the 20-minute idle limit.
#[component]
fn FocusOnNavigation(form: Form) -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        let hash = location.hash.get_untracked();
        if previous.as_ref().is_some_and(|p| *p != path) {
            form.touch();
            request_animation_frame(move || {
                // A fragment naming an element (a "Change" link, an error) gets the focus from the page itself.
                let target = hash.strip_prefix('#').filter(|id| !id.is_empty());
                if target.is_some_and(|id| document().get_element_by_id(id).is_some()) {
                    return;
                }
                let heading = document().query_selector("main h1").ok().flatten();
                if let Some(heading) = heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = heading.set_attribute("tabindex", "-1");
                    let _ = heading.focus();
                }
            });
        }
        path
    });
}

#[component]
fn NotFound() -> impl IntoView {
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

/// Entry point, run by wasm-bindgen as soon as the module is instantiated. Replaces the static placeholder that
/// index.html shows while the module downloads.
#[cfg(feature = "visitor-app")]
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
