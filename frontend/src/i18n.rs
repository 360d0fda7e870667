//! English and Welsh. Every piece of text sits beside its translation (`lang.t("English", "Cymraeg")`), and the
//! visitor's choice is kept in localStorage and sent to the API as `locale`.

use domain::api::{Locale, VisitingRules};
use domain::error::{FieldError, FieldErrorCode};
use domain::visit::VisitState;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::store;

/// The visitor's language, shared by every page through the context.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub RwSignal<Locale>);

impl Lang {
    /// Reads the stored choice (English when there is none) and provides it to the app.
    pub fn provide() -> Lang {
        let locale = store::load_locale().unwrap_or_default();
        let lang = Lang(RwSignal::new(locale));
        provide_context(lang);
        Effect::new(move |_| {
            let locale = lang.get();
            store::save_locale(locale);
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", locale.as_str());
            }
        });
        lang
    }

    pub fn get(self) -> Locale {
        self.0.get()
    }

    pub fn is_cy(self) -> bool {
        self.get() == Locale::Cy
    }

    /// The text in the visitor's language (reactive: re-read when they switch).
    pub fn t(self, en: &'static str, cy: &'static str) -> &'static str {
        if self.is_cy() { cy } else { en }
    }
}

/// Text that follows the visitor's language. One function for every piece of text in the views, rather than a
/// closure at each place, keeps the WebAssembly small (each closure type is compiled separately).
pub fn tx(en: &'static str, cy: &'static str) -> impl IntoView + use<> {
    let lang = use_lang();
    move || lang.t(en, cy)
}

pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(|| Lang(RwSignal::new(Locale::En)))
}

pub const SERVICE_NAME: (&str, &str) = ("Visit someone in prison", "Ymweld â rhywun yn y carchar");

/// Sets the document title to "<page> - <service>", with "Error: " in front while errors are shown (GOV.UK).
pub fn use_title(title: impl Fn(Lang) -> String + 'static, has_errors: impl Fn() -> bool + 'static) {
    let lang = use_lang();
    Effect::new(move |_| {
        let error = if has_errors() { lang.t("Error: ", "Gwall: ") } else { "" };
        let service = lang.t(SERVICE_NAME.0, SERVICE_NAME.1);
        document().set_title(&format!("{error}{} - {service}", title(lang)));
    });
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
    }
}

/// Welsh soft mutation of a noun phrase's first letter, after "Rhowch" ("give") and "i" ("to").
fn soft(phrase: &str) -> String {
    const PAIRS: [(&str, &str); 9] =
        [("rh", "r"), ("ll", "l"), ("p", "b"), ("t", "d"), ("c", "g"), ("b", "f"), ("d", "dd"), ("m", "f"), ("g", "")];
    for (from, to) in PAIRS {
        if let Some(rest) = phrase.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    phrase.to_string()
}

/// The Welsh name of the field at a JSON path, e.g. `lead_visitor.email` -> "cyfeiriad e-bost y prif ymwelydd".
fn field_cy(path: &str) -> String {
    let (owner, leaf) = path.rsplit_once('.').unwrap_or(("", path));
    let what = match leaf {
        "first_name" => "enw cyntaf",
        "last_name" => "cyfenw",
        "date_of_birth" => "dyddiad geni",
        "number" => return "rhif carchar".into(),
        "email" | "email_confirm" => "cyfeiriad e-bost",
        "phone" => "rhif ffôn",
        _ => "ateb",
    };
    let whose = if owner == "prisoner" {
        "y carcharor".to_string()
    } else if owner == "lead_visitor" {
        "y prif ymwelydd".to_string()
    } else if let Some(n) = owner.strip_prefix("other_visitors[").and_then(|rest| rest.strip_suffix(']')) {
        format!("ymwelydd ychwanegol {}", n.parse::<usize>().map_or(1, |n| n + 1))
    } else {
        return what.to_string();
    };
    // "dyddiad geni y carcharor" is written "dyddiad geni’r carcharor" after a vowel.
    let ends_in_vowel = what.ends_with(['a', 'e', 'i', 'o', 'u', 'w', 'y']);
    match whose.strip_prefix("y ") {
        Some(rest) if ends_in_vowel => format!("{what}’r {rest}"),
        _ => format!("{what} {whose}"),
    }
}

/// `slots[1]` -> 2.
fn slot_number(path: &str) -> usize {
    path.strip_prefix("slots[")
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(1, |n| n + 1)
}

/// The message for one refused field, in the visitor's language. English is the server's (and domain's) own
/// wording; Welsh is written here from the stable code.
pub fn field_message(lang: Locale, error: &FieldError, rules: Option<&VisitingRules>) -> String {
    if lang == Locale::En {
        return error.message.clone();
    }
    let field = field_cy(&error.field);
    let n = slot_number(&error.field);
    let rules = rules.cloned().unwrap_or_default();
    if error.field.ends_with("email_confirm") {
        return "Nid yw’r cyfeiriadau e-bost yn cyfateb".into();
    }
    match error.code {
        FieldErrorCode::Required => format!("Rhowch {}", soft(&field)),
        FieldErrorCode::TooLong => format!("Rhaid i {} fod yn 30 nod neu lai", soft(&field)),
        FieldErrorCode::InvalidCharacters => {
            format!("Rhaid i {} gynnwys llythrennau, bylchau, cysylltnodau neu gollnodau yn unig", soft(&field))
        }
        FieldErrorCode::InvalidDate => format!("Rhaid i {} fod yn ddyddiad go iawn", soft(&field)),
        FieldErrorCode::DateInFuture => format!("Rhaid i {} fod yn y gorffennol", soft(&field)),
        FieldErrorCode::DateTooFarInPast => format!("Rhaid i {} fod o fewn y 120 mlynedd diwethaf", soft(&field)),
        FieldErrorCode::InvalidPrisonNumber => "Rhowch rif carchar yn y fformat cywir, fel A1234BC".into(),
        FieldErrorCode::InvalidEmail => "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.com".into(),
        FieldErrorCode::InvalidPhone => "Rhowch rif ffôn yn y DU, fel 07700 900 982 neu 01632 960 001".into(),
        FieldErrorCode::LeadVisitorUnder18 => domain::i18n::lead_visitor_age(Locale::Cy),
        FieldErrorCode::TooManyVisitors => domain::i18n::visitors_limit(&rules, Locale::Cy),
        FieldErrorCode::TooManyAdults => domain::i18n::adults_limit(&rules, Locale::Cy),
        FieldErrorCode::NoSlotsChosen => "Dewiswch o leiaf un amser ymweld".into(),
        FieldErrorCode::TooManySlots => "Dewiswch ddim mwy na 3 amser ymweld".into(),
        FieldErrorCode::DuplicateSlot => "Rydych chi eisoes wedi dewis yr amser ymweld hwn".into(),
        FieldErrorCode::InvalidTime => format!("Nid yw amser ymweld {n} yn amser go iawn. Dewiswch amser o’r calendr"),
        FieldErrorCode::SlotNotOffered => {
            format!("Nid yw’r carchar yn cynnig amser ymweld {n}. Dewiswch amser arall o’r calendr")
        }
        FieldErrorCode::SlotClosed => format!("Mae’r carchar ar gau ar adeg amser ymweld {n}. Dewiswch amser arall"),
        FieldErrorCode::SlotOutsideWindow => {
            format!("Ni allwch ofyn am amser ymweld {n} bellach. Dewiswch amser arall o’r calendr")
        }
        FieldErrorCode::SlotFullyBooked => format!("Mae amser ymweld {n} yn llawn erbyn hyn. Dewiswch amser arall"),
        FieldErrorCode::UnknownPrison => "Dewiswch garchar o’r rhestr".into(),
        FieldErrorCode::InvalidReference | FieldErrorCode::InvalidLocale | FieldErrorCode::OutOfRange => {
            format!("Gwiriwch {}", soft(&field))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cy(field: &str, code: FieldErrorCode) -> String {
        field_message(Locale::Cy, &FieldError::new(field, code, "English"), None)
    }

    #[test]
    fn welsh_messages_name_the_field_with_its_mutation() {
        assert_eq!(cy("prisoner.first_name", FieldErrorCode::Required), "Rhowch enw cyntaf y carcharor");
        assert_eq!(cy("prisoner.last_name", FieldErrorCode::Required), "Rhowch gyfenw’r carcharor");
        assert_eq!(
            cy("other_visitors[1].date_of_birth", FieldErrorCode::InvalidDate),
            "Rhaid i ddyddiad geni ymwelydd ychwanegol 2 fod yn ddyddiad go iawn"
        );
        assert_eq!(cy("lead_visitor.phone", FieldErrorCode::Required), "Rhowch rif ffôn y prif ymwelydd");
    }
}
