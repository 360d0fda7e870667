//! Dates, times and the prison's visiting limits in the visitor's language (English or Welsh), for pages and
//! emails. English wording is the one in `calendar` and `party`; this module adds Welsh beside it.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};

use crate::api::{Locale, VisitingRules};
use crate::calendar;
use crate::error::{FieldError, FieldErrorCode};
use crate::party::{self, LEAD_VISITOR_MIN_AGE};
use crate::slot::Slot;
use crate::visit::{CancellationReason, RejectionReason, VisitorOutcome};

fn weekday_cy(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Dydd Llun",
        Weekday::Tue => "Dydd Mawrth",
        Weekday::Wed => "Dydd Mercher",
        Weekday::Thu => "Dydd Iau",
        Weekday::Fri => "Dydd Gwener",
        Weekday::Sat => "Dydd Sadwrn",
        Weekday::Sun => "Dydd Sul",
    }
}

const MONTHS_CY: [&str; 12] = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
];

fn month_cy(date: NaiveDate) -> &'static str {
    MONTHS_CY.get(date.month0() as usize).copied().unwrap_or("")
}

/// "Tuesday 1 December 2026" / "Dydd Mawrth 1 Rhagfyr 2026".
pub fn describe_date(date: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::En => calendar::describe_date(date),
        Locale::Cy => format!("{} {} {} {}", weekday_cy(date.weekday()), date.day(), month_cy(date), date.year()),
    }
}

/// Welsh words that soften the word after them (the soft mutation): "ar ddydd Gwener", "o ddydd Llun hyd at ddydd
/// Sul", "tan ddydd Iau"; but "erbyn dydd Iau".
const SOFTENING_WORDS_CY: [&str; 12] = ["ar", "o", "i", "at", "tan", "am", "gan", "dros", "drwy", "heb", "dan", "wrth"];

/// A Welsh date phrase that starts with its weekday ("Dydd Gwener 4 Rhagfyr 2026", from [`describe_date`],
/// [`describe_day`] or [`describe_slot`]) as written after `word` in a sentence: the weekday in lower case, softened
/// after a word that softens ("ar ddydd Gwener 4 Rhagfyr 2026"), not otherwise ("erbyn dydd Gwener 4 Rhagfyr 2026").
/// Returns `word`, a space and the phrase; a phrase that does not start with "Dydd" follows `word` unchanged.
pub fn after_word_cy(word: &str, phrase: &str) -> String {
    let last = word.rsplit(' ').next().unwrap_or(word).to_lowercase();
    format!("{word} {}", mid_sentence_cy(phrase, SOFTENING_WORDS_CY.contains(&last.as_str())))
}

/// The phrase of [`after_word_cy`] without the word, for a text that writes the word itself: the weekday in lower
/// case, and softened ("ddydd") when the word before it softens.
pub fn mid_sentence_cy(phrase: &str, softened: bool) -> String {
    match phrase.strip_prefix("Dydd ") {
        Some(rest) if softened => format!("ddydd {rest}"),
        Some(rest) => format!("dydd {rest}"),
        None => phrase.to_owned(),
    }
}

/// "1 December 1985" / "1 Rhagfyr 1985": a date without its weekday, such as a date of birth.
pub fn describe_plain_date(date: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::En => date.format("%-d %B %Y").to_string(),
        Locale::Cy => format!("{} {} {}", date.day(), month_cy(date), date.year()),
    }
}

/// "Tuesday 1 December" / "Dydd Mawrth 1 Rhagfyr".
pub fn describe_day(date: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::En => calendar::describe_day(date),
        Locale::Cy => format!("{} {} {}", weekday_cy(date.weekday()), date.day(), month_cy(date)),
    }
}

/// "2pm", "2:30pm" / "2yp", "2:30yp" (the GOV.UK Welsh style), "canol dydd", "canol nos".
pub fn describe_time(time: NaiveTime, locale: Locale) -> String {
    match locale {
        Locale::En => calendar::describe_time(time),
        Locale::Cy => {
            let (pm, hour12) = time.hour12();
            let suffix = if pm { "yp" } else { "yb" };
            match (time.hour(), time.minute()) {
                (0, 0) => "canol nos".to_string(),
                (12, 0) => "canol dydd".to_string(),
                (_, 0) => format!("{hour12}{suffix}"),
                (_, minute) => format!("{hour12}:{minute:02}{suffix}"),
            }
        }
    }
}

/// "2pm to 4:10pm" / "2yp i 4:10yp".
pub fn describe_times(slot: &Slot, locale: Locale) -> String {
    let to = match locale {
        Locale::En => "to",
        Locale::Cy => "i",
    };
    format!("{} {to} {}", describe_time(slot.start, locale), describe_time(slot.end, locale))
}

/// "Tuesday 1 December 2026, 2pm to 4:10pm" in either language.
pub fn describe_slot(slot: &Slot, locale: Locale) -> String {
    format!("{}, {}", describe_date(slot.date, locale), describe_times(slot, locale))
}

/// How many people may visit at once, as a sentence without a full stop.
pub fn visitors_limit(rules: &VisitingRules, locale: Locale) -> String {
    match (locale, rules.max_visitors) {
        (Locale::En, 0 | 1) => "You cannot bring anyone else on a visit to this prison".to_string(),
        (Locale::En, n) => format!("Up to {n} people can visit at one time, including you"),
        (Locale::Cy, 0 | 1) => "Ni allwch ddod â neb arall gyda chi ar ymweliad â’r carchar hwn".to_string(),
        (Locale::Cy, n) => format!("Gall hyd at {n} o bobl ymweld ar yr un pryd, gan gynnwys chi"),
    }
}

/// How many adults may visit at once, as a sentence without a full stop.
pub fn adults_limit(rules: &VisitingRules, locale: Locale) -> String {
    let age = rules.adult_age;
    match (locale, rules.max_adults) {
        (Locale::En, 0 | 1) => {
            format!("You cannot bring another adult (people aged {age} or over) on a visit to this prison")
        }
        (Locale::En, n) => format!("Up to {n} adults (people aged {age} or over) can visit at one time, including you"),
        (Locale::Cy, 0 | 1) => {
            format!("Ni allwch ddod ag oedolyn arall (pobl {age} oed neu hŷn) ar ymweliad â’r carchar hwn")
        }
        (Locale::Cy, n) => {
            format!("Gall hyd at {n} oedolyn (pobl {age} oed neu hŷn) ymweld ar yr un pryd, gan gynnwys chi")
        }
    }
}

/// The lead visitor's minimum age, as a sentence without a full stop.
pub fn lead_visitor_age(locale: Locale) -> String {
    match locale {
        Locale::En => format!("The lead visitor must be {LEAD_VISITOR_MIN_AGE} or over"),
        Locale::Cy => format!("Rhaid i’r prif ymwelydd fod yn {LEAD_VISITOR_MIN_AGE} oed neu’n hŷn"),
    }
}

/// The prison's limits in plain words, for the page where visitors add the people coming with them.
pub fn describe_limits(rules: &VisitingRules, locale: Locale) -> String {
    match locale {
        Locale::En => party::describe_limits(rules),
        Locale::Cy => {
            format!("{}. {}. {}.", visitors_limit(rules, locale), adults_limit(rules, locale), lead_visitor_age(locale))
        }
    }
}

/// Why a request was rejected, as one item of a list under "We could not book your visit".
pub fn rejection_reason(reason: RejectionReason, locale: Locale) -> &'static str {
    if locale == Locale::En {
        return reason.visitor_wording();
    }
    match reason {
        RejectionReason::SlotUnavailable => "Nid oes unrhyw un o’r amseroedd a ddewiswyd gennych ar gael",
        RejectionReason::NoAllowance => "Nid oes gan y carcharor unrhyw lwfans ymweld ar ôl",
        RejectionReason::PrisonerDetailsIncorrect => "Nid yw manylion y carcharor a roesoch yn cyfateb i’n cofnodion",
        RejectionReason::PrisonerMoved => "Mae’r carcharor wedi symud i garchar arall",
        RejectionReason::PrisonerReleased => "Mae’r carcharor wedi cael ei ryddhau",
        RejectionReason::PrisonerOutOfPrison => {
            "Bydd y carcharor i ffwrdd o’r carchar ar yr amseroedd a ddewiswyd gennych"
        }
        RejectionReason::PrisonerNonAssociation | RejectionReason::ChildProtectionIssues => {
            "Mae cyfyngiad ar y carcharor"
        }
        RejectionReason::VisitorBanned => "Nid yw un o’r ymwelwyr yn cael ymweld ar hyn o bryd",
        RejectionReason::VisitorNotOnContactList => {
            "Nid yw un o’r ymwelwyr ar restr cysylltiadau cymeradwy’r carcharor"
        }
        RejectionReason::DuplicateRequest => "Rydych chi eisoes wedi gofyn am yr ymweliad hwn",
        RejectionReason::Other => "Cysylltwch â’r carchar i gael gwybod pam",
    }
}

/// Why a booked visit was cancelled, as one sentence under "Your visit has been cancelled".
pub fn cancellation_reason(reason: CancellationReason, locale: Locale) -> &'static str {
    if locale == Locale::En {
        return reason.visitor_wording();
    }
    match reason {
        CancellationReason::PrisonerHasNoVisitingOrders => "Nid oes gan y carcharor unrhyw lwfans ymweld ar ôl",
        CancellationReason::PrisonerReleased => "Mae’r carcharor wedi cael ei ryddhau",
        CancellationReason::PrisonerMoved => "Mae’r carcharor wedi symud i garchar arall",
        CancellationReason::NonAssociation | CancellationReason::ChildProtectionIssues => {
            "Mae cyfyngiad ar y carcharor"
        }
        CancellationReason::SlotUnavailable => "Nid yw amser yr ymweliad ar gael mwyach",
        CancellationReason::VisitorBanned => "Nid yw un o’r ymwelwyr yn cael ymweld ar hyn o bryd",
        CancellationReason::PrisonerCancelled => "Mae’r carcharor wedi canslo’r ymweliad",
        CancellationReason::BookedInError => "Cafodd yr ymweliad ei drefnu trwy gamgymeriad",
        CancellationReason::CapacityIssues => "Nid oes lle yn y carchar ar gyfer yr ymweliad ar yr amser hwn",
        CancellationReason::VisitorCancelled => "Gwnaethoch chi ganslo’r ymweliad",
    }
}

/// A whole sentence about a visitor who cannot come: "Amy Smith is not allowed to visit until 1 January 2027".
pub fn visitor_outcome(outcome: &VisitorOutcome, name: &str, locale: Locale) -> String {
    if locale == Locale::En {
        return outcome.visitor_sentence(name);
    }
    match outcome {
        VisitorOutcome::Banned { until: Some(until) } => {
            format!("Nid yw {name} yn cael ymweld tan {}", describe_plain_date(*until, locale))
        }
        VisitorOutcome::Banned { until: None } => format!("Nid yw {name} yn cael ymweld ar hyn o bryd"),
        VisitorOutcome::NotOnContactList => format!("Nid yw {name} ar restr cysylltiadau cymeradwy’r carcharor"),
        VisitorOutcome::Other => format!("Ni all {name} ddod ar yr ymweliad hwn"),
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

/// The message for one refused field, in the visitor's language. English is the message the rule itself wrote
/// (what the server sends); Welsh is written here from the field's path and its stable code. `rules` words the
/// party limits; the defaults are used without it.
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
    if error.field.ends_with("contact_by") {
        return "Dewiswch sut i gael gwybod am yr ymweliad: drwy e-bost, drwy neges destun, neu’r ddau".into();
    }
    if let Some(message) = crate::support::field_message_cy(error) {
        return message;
    }
    if let Some(message) = crate::feedback::field_message_cy(error) {
        return message;
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
        FieldErrorCode::NotAMobileNumber => {
            "Rhowch rif ffôn symudol yn y DU, fel 07700 900 982, i gael negeseuon testun".into()
        }
        FieldErrorCode::LeadVisitorUnder18 => lead_visitor_age(Locale::Cy),
        FieldErrorCode::TooManyVisitors => visitors_limit(&rules, Locale::Cy),
        FieldErrorCode::TooManyAdults => adults_limit(&rules, Locale::Cy),
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
        FieldErrorCode::SlotHasPlaces => {
            format!("Mae lleoedd ar ôl ar amser ymweld {n}. Gofynnwch amdano yn lle ymuno â’r rhestr aros")
        }
        FieldErrorCode::AlreadyWaiting => {
            format!("Mae gan y carcharor hwn ymweliad neu le ar y rhestr aros eisoes ar amser ymweld {n}")
        }
        FieldErrorCode::UnknownPrison => "Dewiswch garchar o’r rhestr".into(),
        FieldErrorCode::AlreadyTaken => format!("Mae {} eisoes yn cael ei ddefnyddio", soft(&field)),
        FieldErrorCode::UrlNotAllowed => {
            "Rhaid i’r cyfeiriad ddechrau gyda https:// a phwyntio at gyfeiriad rhyngrwyd cyhoeddus".into()
        }
        FieldErrorCode::InvalidReference
        | FieldErrorCode::InvalidLocale
        | FieldErrorCode::OutOfRange
        | FieldErrorCode::InvalidValue => {
            format!("Gwiriwch {}", soft(&field))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn dates_read_naturally_in_both_languages() {
        assert_eq!(describe_date(date(2026, 12, 1), Locale::En), "Tuesday 1 December 2026");
        assert_eq!(describe_date(date(2026, 12, 1), Locale::Cy), "Dydd Mawrth 1 Rhagfyr 2026");
        assert_eq!(describe_day(date(2027, 2, 14), Locale::Cy), "Dydd Sul 14 Chwefror");
        assert_eq!(describe_plain_date(date(1985, 3, 27), Locale::En), "27 March 1985");
        assert_eq!(describe_plain_date(date(1985, 3, 27), Locale::Cy), "27 Mawrth 1985");
    }

    #[test]
    fn times_use_the_gov_uk_style_in_both_languages() {
        assert_eq!(describe_time(time(14, 15), Locale::Cy), "2:15yp");
        assert_eq!(describe_time(time(9, 0), Locale::Cy), "9yb");
        assert_eq!(describe_time(time(12, 0), Locale::Cy), "canol dydd");
        let slot = Slot::new(date(2026, 12, 1), time(14, 0), time(16, 10));
        assert_eq!(describe_slot(&slot, Locale::En), "Tuesday 1 December 2026, 2pm to 4:10pm");
        assert_eq!(describe_slot(&slot, Locale::Cy), "Dydd Mawrth 1 Rhagfyr 2026, 2yp i 4:10yp");
    }

    #[test]
    fn english_limits_are_the_ones_the_server_uses_and_welsh_ones_carry_the_same_numbers() {
        let rules = VisitingRules { adult_age: 10, ..VisitingRules::default() };
        assert_eq!(describe_limits(&rules, Locale::En), party::describe_limits(&rules));
        let cy = describe_limits(&rules, Locale::Cy);
        assert!(cy.contains("hyd at 6 o bobl") && cy.contains("hyd at 3 oedolyn") && cy.contains("10 oed"), "{cy}");
    }

    fn cy(field: &str, code: FieldErrorCode) -> String {
        field_message(Locale::Cy, &FieldError::new(field, code, "English"), None)
    }

    #[test]
    fn a_welsh_weekday_after_a_word_is_lower_case_and_softened_where_the_word_softens() {
        let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
        let date = describe_date(friday, Locale::Cy);
        assert_eq!(after_word_cy("ar", &date), "ar ddydd Gwener 4 Rhagfyr 2026");
        assert_eq!(after_word_cy("hyd at", &date), "hyd at ddydd Gwener 4 Rhagfyr 2026");
        assert_eq!(after_word_cy("erbyn", &date), "erbyn dydd Gwener 4 Rhagfyr 2026");
        assert_eq!(after_word_cy("tan", "4 Rhagfyr"), "tan 4 Rhagfyr");
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

    #[test]
    fn english_is_the_rules_own_message_and_slot_errors_name_the_choice() {
        let error = FieldError::new("slots[2]", FieldErrorCode::SlotFullyBooked, "Visit time 3 is fully booked");
        assert_eq!(field_message(Locale::En, &error, None), "Visit time 3 is fully booked");
        assert_eq!(
            field_message(Locale::Cy, &error, None),
            "Mae amser ymweld 3 yn llawn erbyn hyn. Dewiswch amser arall"
        );
        let rules = VisitingRules { max_adults: 2, adult_age: 16, ..VisitingRules::default() };
        let adults = FieldError::new("other_visitors", FieldErrorCode::TooManyAdults, "English");
        assert!(field_message(Locale::Cy, &adults, Some(&rules)).contains("hyd at 2 oedolyn (pobl 16 oed"));
    }

    #[test]
    fn every_reason_and_outcome_has_welsh_wording_unlike_the_english() {
        for reason in RejectionReason::ALL {
            let (en, cy) = (rejection_reason(reason, Locale::En), rejection_reason(reason, Locale::Cy));
            assert_eq!(en, reason.visitor_wording());
            assert!(!cy.is_empty() && cy != en, "{reason:?}");
        }
        for reason in CancellationReason::ALL {
            let (en, cy) = (cancellation_reason(reason, Locale::En), cancellation_reason(reason, Locale::Cy));
            assert_eq!(en, reason.visitor_wording());
            assert!(!cy.is_empty() && cy != en, "{reason:?}");
        }
        let ban = VisitorOutcome::Banned { until: NaiveDate::from_ymd_opt(2027, 1, 1) };
        assert_eq!(
            visitor_outcome(&ban, "Amy Smith", Locale::En),
            "Amy Smith is not allowed to visit until 1 January 2027"
        );
        assert_eq!(visitor_outcome(&ban, "Amy Smith", Locale::Cy), "Nid yw Amy Smith yn cael ymweld tan 1 Ionawr 2027");
        for outcome in VisitorOutcome::ALL {
            assert!(visitor_outcome(&outcome, "Amy Smith", Locale::Cy).contains("Amy Smith"));
        }
    }
}
