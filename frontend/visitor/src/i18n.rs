//! The visitor app's wording beyond single pieces of text: the page title, what to say when a call fails, a visit's
//! state. The mechanism (`Lang`, `tx`) is frontend_shared::i18n's.

use domain::api::{Locale, VisitingRules};
use domain::error::FieldError;
use domain::visit::VisitState;
#[cfg(not(feature = "ssr"))]
use leptos::prelude::*;

use crate::api::ApiError;
pub use frontend_shared::i18n::{Lang, tx, use_lang};

pub const SERVICE_NAME: (&str, &str) = ("Visit someone in prison", "Ymweld â rhywun yn y carchar");

/// Sets the document title to "<page> - <service>", with "Error: " in front while errors are shown (GOV.UK). On
/// the server, the title the page is rendered with; in the browser, kept up to date as the page changes.
pub fn use_title(
    title: impl Fn(Lang) -> String + Send + Sync + 'static,
    has_errors: impl Fn() -> bool + Send + Sync + 'static,
) {
    let lang = use_lang();
    let full = move || {
        let error = if has_errors() { lang.t("Error: ", "Gwall: ") } else { "" };
        let service = lang.t(SERVICE_NAME.0, SERVICE_NAME.1);
        format!("{error}{} - {service}", title(lang))
    };
    #[cfg(feature = "ssr")]
    {
        // Worked out now, while this request's signals can be read: the title is put in the page's head after the
        // body has been rendered, when they may not be. A page whose title comes from its data (a prison's name)
        // calls this again where the data is shown; the last call wins.
        let _ = leptos_meta::Title(leptos_meta::TitleProps::builder().text(full()).build());
    }
    #[cfg(not(feature = "ssr"))]
    Effect::new(move |_| document().set_title(&full()));
}

/// What to tell the visitor when a call to the API fails. The technical detail goes to the console, not here.
pub fn api_error(lang: Lang, error: &ApiError) -> &'static str {
    match error {
        ApiError::Network => lang.t(
            "We could not reach the service. Check your internet connection and try again.",
            "Nid oeddem yn gallu cysylltu â’r gwasanaeth. Gwiriwch eich cysylltiad â’r rhyngrwyd a rhowch gynnig arall arni.",
        ),
        error if error.status() == Some(404) => lang.t(
            "We could not find this page. Check the link is complete.",
            "Nid oeddem yn gallu dod o hyd i’r dudalen hon. Gwiriwch fod y ddolen yn gyflawn.",
        ),
        error if error.status().is_some_and(|status| status >= 500) => lang.t(
            "Sorry, there is a problem with the service. Try again later.",
            "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth. Rhowch gynnig arall arni yn nes ymlaen.",
        ),
        _ => lang.t(
            "Sorry, something went wrong loading this page. Try again later.",
            "Mae’n ddrwg gennym, aeth rhywbeth o’i le wrth lwytho’r dudalen hon. Rhowch gynnig arall arni yn nes ymlaen.",
        ),
    }
}

pub fn state_name(lang: Lang, state: VisitState) -> &'static str {
    match state {
        VisitState::Requested => lang.t("Waiting for the prison to confirm", "Yn aros i’r carchar gadarnhau"),
        VisitState::Booked => lang.t("Booked", "Wedi’i drefnu"),
        VisitState::Rejected => lang.t("Not booked", "Heb ei drefnu"),
        VisitState::Withdrawn => lang.t("Withdrawn", "Wedi’i dynnu’n ôl"),
        VisitState::Cancelled => lang.t("Cancelled", "Wedi’i ganslo"),
        VisitState::Waiting => lang.t("On the waiting list", "Ar y rhestr aros"),
        VisitState::Expired => lang.t("Waiting list ended", "Rhestr aros wedi dod i ben"),
    }
}

/// The message for one refused field, in the visitor's language (see `domain::i18n::field_message`).
pub fn field_message(lang: Locale, error: &FieldError, rules: Option<&VisitingRules>) -> String {
    domain::i18n::field_message(lang, error, rules)
}
