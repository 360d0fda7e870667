//! The text messages the service sends to a visitor who chose them, in their language (English or Welsh): each
//! short enough for two SMS segments with the longest realistic prison name, date and link (tested below), with no
//! more personal data than a lock screen may show (the prison, the time and the reference; never the prisoner's
//! name), and the private link wherever there is something to see or do. Times are UK wall-clock times.

use chrono::NaiveDate;
use domain::api::Locale;
use domain::email::EmailKind;
use domain::i18n;
use domain::slot::Slot;
use domain::visit::CancellationReason;

use super::segments::plain_punctuation;
use crate::outbox::email::render::VisitFacts;

/// "Tuesday 1 December, 2pm to 4:10pm" / "ddydd Mawrth 1 Rhagfyr, 2yp i 4:10yp": a visit's time after "on" ("ar",
/// which softens "dydd"). No year: a visit is at most weeks away.
fn on_slot(slot: &Slot, lang: Locale) -> String {
    let day = i18n::describe_day(slot.date, lang);
    let day = match lang {
        Locale::En => day,
        Locale::Cy => i18n::mid_sentence_cy(&day, true),
    };
    format!("{day}, {}", i18n::describe_times(slot, lang))
}

/// "Tuesday 1 December" / "dydd Mawrth 1 Rhagfyr": a date after "by" ("erbyn", which does not soften).
fn by_date(date: NaiveDate, lang: Locale) -> String {
    let day = i18n::describe_day(date, lang);
    match lang {
        Locale::En => day,
        Locale::Cy => i18n::mid_sentence_cy(&day, false),
    }
}

/// The visitor's text of this kind, plain punctuation (`segments::plain_punctuation`), or `None` when the kind is
/// not for the visitor or the visit lacks what the text needs (a booking without a booked time).
pub fn visitor_text(kind: EmailKind, facts: &VisitFacts) -> Option<String> {
    let lang = facts.locale;
    let prison = &facts.prison.name;
    let r = &facts.reference;
    let url = &facts.status_url;
    let en = lang == Locale::En;
    let text = match kind {
        EmailKind::RequestReceived => {
            let by = by_date(facts.confirm_by, lang);
            if en {
                format!(
                    "We have your request to visit {prison}. The prison will reply by {by}. Reference {r}. See or cancel it: {url}"
                )
            } else {
                format!(
                    "Rydym wedi cael eich cais am ymweliad yn {prison}. Bydd y carchar yn ateb erbyn {by}. Cyfeirnod {r}. Gweld neu ganslo: {url}"
                )
            }
        }
        EmailKind::Booked => {
            let when = on_slot(facts.booked_slot.as_ref()?, lang);
            if en {
                format!("Your visit to {prison} is booked for {when}. Reference {r}. See or cancel it: {url}")
            } else {
                format!("Mae eich ymweliad yn {prison} wedi’i drefnu ar {when}. Cyfeirnod {r}. Gweld neu ganslo: {url}")
            }
        }
        EmailKind::Rejected => {
            if en {
                format!("We could not book your visit to {prison}. Reference {r}. See why: {url}")
            } else {
                format!("Nid oeddem yn gallu trefnu eich ymweliad yn {prison}. Cyfeirnod {r}. Gweld pam: {url}")
            }
        }
        EmailKind::Withdrawn => {
            if en {
                format!("You have withdrawn your request to visit {prison}. Reference {r}.")
            } else {
                format!("Rydych wedi tynnu eich cais am ymweliad yn {prison} yn ôl. Cyfeirnod {r}.")
            }
        }
        EmailKind::Cancelled => {
            let when = on_slot(facts.booked_slot.as_ref()?, lang);
            let by_visitor = facts.cancellation_reason == Some(CancellationReason::VisitorCancelled);
            match (by_visitor, en) {
                (true, true) => format!("You have cancelled your visit to {prison} on {when}. Reference {r}."),
                (true, false) => {
                    format!("Rydych wedi canslo eich ymweliad yn {prison} ar {when}. Cyfeirnod {r}.")
                }
                (false, true) => {
                    format!("The prison has cancelled your visit to {prison} on {when}. Reference {r}. See why: {url}")
                }
                (false, false) => format!(
                    "Mae’r carchar wedi canslo eich ymweliad yn {prison} ar {when}. Cyfeirnod {r}. Gweld pam: {url}"
                ),
            }
        }
        EmailKind::StaffMessage => {
            if en {
                format!("{prison} has sent you a message about your visit. Reference {r}. Read it: {url}")
            } else {
                format!("Mae {prison} wedi anfon neges atoch am eich ymweliad. Cyfeirnod {r}. Darllenwch hi: {url}")
            }
        }
        EmailKind::WaitingListJoined => {
            if en {
                format!(
                    "You are on the waiting list for a visit to {prison}. We will tell you if a place comes up. Reference {r}. Leave the list: {url}"
                )
            } else {
                format!(
                    "Rydych ar y rhestr aros am ymweliad yn {prison}. Byddwn yn dweud wrthych os daw lle ar gael. Cyfeirnod {r}. Gadael y rhestr: {url}"
                )
            }
        }
        EmailKind::WaitingListOffered => {
            let when = on_slot(facts.offered_slot.as_ref()?, lang);
            if en {
                format!(
                    "A place has come up for you at {prison} on {when}. The prison will confirm it. Reference {r}. See or give it up: {url}"
                )
            } else {
                format!(
                    "Mae lle ar gael i chi yn {prison} ar {when}. Bydd y carchar yn ei gadarnhau. Cyfeirnod {r}. Gweld neu ildio: {url}"
                )
            }
        }
        EmailKind::WaitingListExpired => match (en, facts.waiting_times_passed()) {
            (true, true) => format!(
                "No place came up for a visit to {prison} at the times you were waiting for, and they have passed. You are no longer on the waiting list. Reference {r}."
            ),
            (false, true) => format!(
                "Ni ddaeth lle ar gael yn {prison} ar yr amseroedd roeddech yn aros amdanynt, ac maent wedi mynd heibio. Nid ydych ar y rhestr aros mwyach. Cyfeirnod {r}."
            ),
            (true, false) => format!(
                "{prison} no longer holds visits at the times you were waiting for. You are no longer on the waiting list. Reference {r}."
            ),
            (false, false) => format!(
                "Nid yw {prison} yn cynnal ymweliadau mwyach ar yr amseroedd roeddech yn aros amdanynt. Nid ydych ar y rhestr aros mwyach. Cyfeirnod {r}."
            ),
        },
        EmailKind::Reminder => {
            let when = on_slot(facts.booked_slot.as_ref()?, lang);
            if en {
                format!(
                    "Reminder: visit to {prison} on {when}. Bring photo ID for every adult. Reference {r}. Cannot come? Cancel: {url}"
                )
            } else {
                format!(
                    "Nodyn atgoffa: ymweliad yn {prison} ar {when}. Cofiwch gerdyn adnabod. Cyfeirnod {r}. Methu dod? Canslwch: {url}"
                )
            }
        }
        EmailKind::PrisonNewRequest | EmailKind::PrisonDigest | EmailKind::WebhookDisabled => return None,
    };
    Some(plain_punctuation(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::email::render::{PersonFacts, PrisonFacts};
    use crate::outbox::sms::segments::{Encoding, size};
    use chrono::{NaiveTime, TimeZone, Utc};
    use uuid::Uuid;

    /// The longest realistic values: a long prison name, a public address as long as a GOV.UK
    /// service's, a status token as long as they are, and the longest day and month names and times of each
    /// language (Wednesday 30 September; dydd Mercher 30 Gorffennaf; 10:30am to 12:30pm).
    fn longest(locale: Locale) -> VisitFacts {
        let (date, confirm_by) = match locale {
            Locale::En => ("2027-09-29", "2027-09-22"),
            Locale::Cy => ("2027-07-28", "2027-07-21"),
        };
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        let slot =
            Slot::new(date, NaiveTime::from_hms_opt(10, 30, 0).unwrap(), NaiveTime::from_hms_opt(12, 30, 0).unwrap());
        // A prison has one name, whatever the visitor's language.
        let prison = "HMP & YOI Isle of Wight – Parkhurst and Albany";
        let token = format!("vt_{}", "x".repeat(43));
        VisitFacts {
            visit_id: Uuid::from_u128(7),
            reference: "7KQ2M9XD".into(),
            locale,
            prison: PrisonFacts {
                name: prison.into(),
                address: vec!["Heol Hopcyn John".into(), "Pen-y-bont ar Ogwr".into(), "CF35 6AP".into()],
                phone: "01656 300200".into(),
                email: "visits@parc.example".into(),
            },
            prisoner_name: "Christopher Montgomery-Fitzwilliam".into(),
            prisoner_number: "A1234BC".into(),
            visitors: vec![PersonFacts { name: "Mary Smith".into(), excluded: None }],
            lead_visitor_email: "mary@example.com".into(),
            lead_visitor_phone: "07700900123".into(),
            slot_choices: vec![slot],
            booked_slot: Some(slot),
            confirm_by: NaiveDate::parse_from_str(confirm_by, "%Y-%m-%d").unwrap(),
            status_url: format!("https://visit-someone-in-prison.service.gov.uk/visit/7KQ2M9XD?token={token}"),
            rejection_reasons: vec![],
            cancellation_reason: Some(CancellationReason::CapacityIssues),
            message: None,
            changed_at: Utc.with_ymd_and_hms(2027, 7, 1, 10, 0, 0).unwrap(),
            prisoner_details_mismatch: false,
            offered_slot: Some(slot),
        }
    }

    #[test]
    fn every_text_in_both_languages_fits_in_two_segments_with_the_longest_values() {
        let mut too_long = Vec::new();
        for locale in [Locale::En, Locale::Cy] {
            // The cancellation's words differ by who cancelled, and the waiting list's end by whether its times
            // passed (after the visit) or the prison closed them (before).
            for (by_visitor, after_the_visit) in [(false, false), (true, false), (false, true)] {
                let mut facts = longest(locale);
                if by_visitor {
                    facts.cancellation_reason = Some(CancellationReason::VisitorCancelled);
                }
                if after_the_visit {
                    facts.changed_at = Utc.with_ymd_and_hms(2027, 10, 1, 10, 0, 0).unwrap();
                }
                for kind in EmailKind::ALL.into_iter().filter(|k| k.is_for_visitor()) {
                    let text = visitor_text(kind, &facts).unwrap();
                    let size = size(&text);
                    if size.segments > 2 {
                        too_long.push(format!("{kind:?} {locale:?}: {size:?}\n{text}"));
                    }
                    assert!(text.contains("7KQ2M9XD"), "{kind:?} {locale:?}: no reference");
                    assert!(!text.contains("Christopher"), "{kind:?} {locale:?}: the prisoner's name on a lock screen");
                    assert!(!text.contains('’'), "{kind:?} {locale:?}: typographic apostrophe sent");
                }
            }
        }
        assert!(too_long.is_empty(), "longer than two segments:\n{}", too_long.join("\n"));
    }

    #[test]
    fn texts_that_link_send_the_private_link_and_welsh_ones_keep_to_the_gsm_alphabet() {
        for locale in [Locale::En, Locale::Cy] {
            let facts = longest(locale);
            for kind in
                [EmailKind::RequestReceived, EmailKind::Booked, EmailKind::Reminder, EmailKind::WaitingListOffered]
            {
                let text = visitor_text(kind, &facts).unwrap();
                assert!(text.ends_with(&facts.status_url), "{kind:?} {locale:?}: {text}");
                assert_eq!(size(&text).encoding, Encoding::Gsm7, "{kind:?} {locale:?}: {text}");
            }
        }
    }

    #[test]
    fn times_are_uk_wall_clock_times_and_welsh_softens_the_day_after_ar() {
        let mut facts = longest(Locale::En);
        // 29 March 2027 is the day after the clocks go forward: 2pm is still 2pm.
        let slot = Slot::new(
            NaiveDate::from_ymd_opt(2027, 3, 29).unwrap(),
            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(16, 10, 0).unwrap(),
        );
        facts.booked_slot = Some(slot);
        let text = visitor_text(EmailKind::Booked, &facts).unwrap();
        assert!(text.contains("is booked for Monday 29 March, 2pm to 4:10pm."), "{text}");
        facts.locale = Locale::Cy;
        let text = visitor_text(EmailKind::Reminder, &facts).unwrap();
        assert!(text.contains(" ar ddydd Llun 29 Mawrth, 2yp i 4:10yp."), "{text}");
        let text = visitor_text(EmailKind::RequestReceived, &facts).unwrap();
        assert!(text.contains("erbyn dydd Mercher 22 Medi."), "{text}");
    }

    #[test]
    fn a_cancellation_by_the_visitor_does_not_send_them_to_see_why() {
        let mut facts = longest(Locale::En);
        facts.cancellation_reason = Some(CancellationReason::VisitorCancelled);
        let own = visitor_text(EmailKind::Cancelled, &facts).unwrap();
        assert!(own.starts_with("You have cancelled your visit") && !own.contains("http"), "{own}");
        assert_eq!(visitor_text(EmailKind::PrisonNewRequest, &facts), None);
    }
}
