//! English and Welsh, the one way both apps word things: every piece of text sits beside its translation, as
//! `tx("English", "Cymraeg")` in a view, `lang.t(..)` in code, or a `("English", "Cymraeg")` constant handed to them
//! (tests/wording.rs checks every pair has both). Dates, times, limits and reasons are worded by `domain::i18n`,
//! which the server's emails share. The reader's choice is kept in localStorage (the visitor's is sent to the API).

use domain::api::Locale;
use leptos::prelude::*;

use crate::browser;

/// The reader's language, shared by every page through the context.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub RwSignal<Locale>);

impl Lang {
    /// Reads the stored choice (English when there is none) and provides it to the app.
    pub fn provide() -> Lang {
        Lang::provide_with(browser::load_locale().unwrap_or_default())
    }

    /// Provides `locale` to the app as the reader's language (the visitor app takes it from the page the server
    /// rendered, so that the browser starts in the language the page is in). Each later choice is kept (on the
    /// device and in a cookie for the server) and sets the page's `lang`.
    pub fn provide_with(locale: Locale) -> Lang {
        let lang = Lang(RwSignal::new(locale));
        provide_context(lang);
        Effect::new(move |first: Option<()>| {
            let locale = lang.get();
            // Kept only once chosen (or taken from a visit), so a page can tell "never chosen" apart.
            if first.is_some() {
                browser::save_locale(locale);
            }
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", locale.as_str());
            }
        });
        lang
    }

    // The small helpers are `#[inline]` so that each app compiles them into its own code, as when they lived in
    // the visitor crate: out of line in this crate they cost the visitor's first page a few hundred bytes.
    #[inline]
    pub fn get(self) -> Locale {
        self.0.get()
    }

    #[inline]
    pub fn is_cy(self) -> bool {
        self.get() == Locale::Cy
    }

    /// The text in the reader's language (reactive: re-read when they switch).
    #[inline]
    pub fn t(self, en: &'static str, cy: &'static str) -> &'static str {
        if self.is_cy() { cy } else { en }
    }
}

/// Text that follows the reader's language. One function for every piece of text in the views, rather than a
/// closure at each place, keeps the WebAssembly small (each closure type is compiled separately).
#[inline]
pub fn tx(en: &'static str, cy: &'static str) -> impl IntoView + use<> {
    let lang = use_lang();
    move || lang.t(en, cy)
}

#[inline]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(|| Lang(RwSignal::new(Locale::En)))
}
