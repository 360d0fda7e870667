//! The Prison Visit Booking web client: a Leptos single-page app, rendered in the browser and compiled to
//! WebAssembly. `scripts/build-frontend.sh` builds it into `frontend/dist/`, which the API server serves at `/`.

pub mod api;
pub mod pages;
pub mod text;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

/// The page shell every page shares: skip link, header, main content and footer.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <a href="#main-content" class="govuk-skip-link">
            {text::SKIP_TO_MAIN}
        </a>
        <header class="govuk-header">
            <div class="govuk-width-container">
                <a href="/" class="govuk-header__service-name">
                    {text::SERVICE_NAME}
                </a>
            </div>
        </header>
        <div class="govuk-width-container">
            <main class="govuk-main-wrapper" id="main-content" tabindex="-1">
                <pages::prisons::PrisonsPage />
            </main>
        </div>
        <footer class="govuk-footer">
            <div class="govuk-width-container">
                <p class="govuk-footer__text">{text::FOOTER_TEXT}</p>
            </div>
        </footer>
    }
}

/// Entry point, run by wasm-bindgen as soon as the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    mount_to_body(App);
}
