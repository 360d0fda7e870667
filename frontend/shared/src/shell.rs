//! Pieces of the page shell both apps show the same way: the skip link and the language switch.

use domain::api::Locale;
use leptos::prelude::*;

use crate::focus::focus_id;
use crate::i18n::{tx, use_lang};

/// The GOV.UK skip link to the page's `<main id="main-content">`. Focus is moved by hand: following the fragment
/// alone would leave it where it was in some browsers.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a href="#main-content" class="govuk-skip-link" on:click=|ev| {
            ev.prevent_default();
            focus_id("main-content".into());
        }>
            {tx("Skip to main content", "Neidio i’r prif gynnwys")}
        </a>
    }
}

/// English | Cymraeg. The choice is kept for next time and every page's text follows it at once. A link, so that
/// it works without JavaScript too: the server renders the page again in the language `?lang=` names.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="app-language" aria-label=move || lang.t("Language", "Iaith")>
            {move || {
                let (label, other, code) = if lang.is_cy() {
                    ("English", Locale::En, "en")
                } else {
                    ("Cymraeg", Locale::Cy, "cy")
                };
                view! {
                    <a
                        href=format!("?lang={code}")
                        class="govuk-link app-language__switch"
                        id="language-switch"
                        lang=code
                        hreflang=code
                        on:click=move |ev| {
                            ev.prevent_default();
                            lang.0.set(other);
                        }
                    >
                        {label}
                    </a>
                }
            }}
        </nav>
    }
}

/// The GOV.UK success notification banner, saying what the reader's last action did. The caller moves focus to it
/// (`focus_id(id)`) when it appears, so a keyboard or screen-reader user is told, and sits where the page changed.
#[component]
pub fn SuccessBanner(id: &'static str, children: Children) -> impl IntoView {
    let (title, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <div
            class="govuk-notification-banner govuk-notification-banner--success"
            role="alert"
            id=id
            tabindex="-1"
            aria-labelledby=labelled_by
        >
            <div class="govuk-notification-banner__header">
                <h2 class="govuk-notification-banner__title" id=title>
                    {tx("Success", "Llwyddiant")}
                </h2>
            </div>
            <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading">{children()}</p>
            </div>
        </div>
    }
}
