//! One module per page of the visitor journey.

pub mod check;
pub mod done;
pub mod feedback;
pub mod prison;
pub mod prisoner;
pub mod prisons;
pub mod status;
pub mod support;
pub mod times;
pub mod visitors;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{api_error, tx, use_lang};

/// On the server, answers the page with 404 when what it shows was not found (an unknown prison, a status link
/// that leads nowhere), as a browser and a search engine expect. Nothing in the browser.
pub fn answer_not_found<T>(loaded: &Result<T, ApiError>) {
    #[cfg(feature = "ssr")]
    if let Err(error) = loaded
        && error.status() == Some(404)
    {
        crate::server::set_status(404);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = loaded;
}

/// Shown while a page's data is on its way.
#[component]
pub fn Loading(text: (&'static str, &'static str)) -> impl IntoView {
    view! {
        <p class="govuk-body" role="status">
            {tx(text.0, text.1)}
        </p>
    }
}

/// A failed load, with a way to try again.
#[component]
pub fn LoadError(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="govuk-error-summary" role="alert" tabindex="-1">
            <h2 class="govuk-error-summary__title">{tx("There is a problem", "Mae problem wedi codi")}</h2>
            <p class="govuk-body">{move || api_error(lang, &error)}</p>
            <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| on_retry()>
                {tx("Try again", "Rhowch gynnig arall arni")}
            </button>
        </div>
    }
}
