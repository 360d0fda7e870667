//! The emails the service sends, rendered from plain facts: to the visitor in their language (English or Welsh), to
//! the prison's visits mailbox in English. Each is a subject, a plain-text body and an HTML body (every value
//! escaped), and for a booking or its cancellation a calendar file (RFC 5545) with the visit's stable UID.

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::Locale;
use domain::email::EmailKind;
use domain::i18n;
use domain::ics::{self, CalendarVisit, Invitation, Parties};
use domain::slot::Slot;
use domain::visit::{CancellationReason, RejectionReason, VisitorOutcome};
use uuid::Uuid;

/// The prison as an email names it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrisonFacts {
    pub name: String,
    /// Address lines, town and postcode, in order.
    pub address: Vec<String>,
    pub phone: String,
    pub email: String,
}

/// One person on the visit, and why they cannot come if staff excluded them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    pub name: String,
    pub excluded: Option<VisitorOutcome>,
}

/// Everything a visitor's email may say about their visit, read when the email is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFacts {
    pub visit_id: Uuid,
    pub reference: String,
    pub locale: Locale,
    pub prison: PrisonFacts,
    pub prisoner_name: String,
    pub prisoner_number: String,
    /// The lead visitor first.
    pub visitors: Vec<PersonFacts>,
    pub lead_visitor_email: String,
    /// The lead visitor's phone number in national form, where text messages go.
    pub lead_visitor_phone: String,
    pub slot_choices: Vec<Slot>,
    pub booked_slot: Option<Slot>,
    pub confirm_by: NaiveDate,
    /// The private link to the request's status page.
    pub status_url: String,
    pub rejection_reasons: Vec<(RejectionReason, Option<NaiveDate>)>,
    pub cancellation_reason: Option<CancellationReason>,
    /// The one-off message from staff, or the note that came with a decision or cancellation.
    pub message: Option<String>,
    /// When the change the email tells about happened (the calendar file's DTSTAMP).
    pub changed_at: DateTime<Utc>,
    /// The prison's records do not match the prisoner's details the visitor gave.
    pub prisoner_details_mismatch: bool,
    /// The time a place came up at, offered from the waiting list.
    pub offered_slot: Option<Slot>,
}

impl VisitFacts {
    /// Whether a waiting visit's every chosen time had started when it left the line (`changed_at`): it expired.
    /// Otherwise the prison no longer holds those times (a timetable change closed them), and the message says so.
    pub fn waiting_times_passed(&self) -> bool {
        self.slot_choices.iter().all(|slot| domain::visit::has_started(slot, self.changed_at))
    }
}

/// A calendar file to attach.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarAttachment {
    /// `REQUEST` or `CANCEL`, also the `method` parameter of the `text/calendar` content type.
    pub method: &'static str,
    pub filename: String,
    pub content: String,
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<CalendarAttachment>,
}

/// A piece of an email body, rendered once as text and once as HTML.
enum Block {
    Para(String),
    Heading(String),
    List(Vec<String>),
    Link { label: String, url: String },
}

fn render(subject: String, lang: Locale, blocks: &[Block], calendar: Option<CalendarAttachment>) -> Rendered {
    let mut text = String::new();
    let mut html = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
<body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5\">\n",
        lang.as_str(),
        escape_html(&subject)
    );
    for block in blocks {
        match block {
            Block::Para(p) => {
                text.push_str(p);
                text.push_str("\n\n");
                html.push_str(&format!("<p>{}</p>\n", escape_html(p).replace('\n', "<br>\n")));
            }
            Block::Heading(h) => {
                text.push_str(h);
                text.push_str("\n\n");
                html.push_str(&format!("<h2>{}</h2>\n", escape_html(h)));
            }
            Block::List(items) => {
                html.push_str("<ul>\n");
                for item in items {
                    text.push_str(&format!("* {item}\n"));
                    html.push_str(&format!("<li>{}</li>\n", escape_html(item)));
                }
                text.push('\n');
                html.push_str("</ul>\n");
            }
            Block::Link { label, url } => {
                text.push_str(&format!("{label}:\n{url}\n\n"));
                html.push_str(&format!("<p><a href=\"{}\">{}</a></p>\n", escape_html(url), escape_html(label)));
            }
        }
    }
    html.push_str("</body></html>\n");
    Rendered { subject, text: text.trim_end().to_owned() + "\n", html, calendar }
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn t(lang: Locale, en: &str, cy: &str) -> String {
    match lang {
        Locale::En => en.to_owned(),
        Locale::Cy => cy.to_owned(),
    }
}

fn prison_contact(facts: &VisitFacts, lang: Locale) -> Block {
    Block::Para(match lang {
        Locale::En => format!(
            "If you have any questions, contact {} on {} or at {}.",
            facts.prison.name, facts.prison.phone, facts.prison.email
        ),
        Locale::Cy => format!(
            "Os oes gennych unrhyw gwestiynau, cysylltwch â {} ar {} neu yn {}.",
            facts.prison.name, facts.prison.phone, facts.prison.email
        ),
    })
}

fn reference_line(facts: &VisitFacts, lang: Locale) -> Block {
    Block::Para(match lang {
        Locale::En => format!("Your reference is {}.", facts.reference),
        Locale::Cy => format!("Eich cyfeirnod yw {}.", facts.reference),
    })
}

fn status_link(facts: &VisitFacts, lang: Locale) -> Block {
    Block::Link {
        label: t(lang, "See your request, or cancel it", "Gweld eich cais, neu ei ganslo"),
        url: facts.status_url.clone(),
    }
}

fn message_block(facts: &VisitFacts, lang: Locale) -> Option<Block> {
    facts.message.as_ref().map(|m| {
        Block::Para(match lang {
            Locale::En => format!("A message from the prison:\n{m}"),
            Locale::Cy => format!("Neges gan y carchar:\n{m}"),
        })
    })
}

fn calendar(facts: &VisitFacts, slot: &Slot, invitation: Invitation) -> CalendarAttachment {
    let lang = facts.locale;
    let summary = match lang {
        Locale::En => format!("Visit to {}", facts.prison.name),
        Locale::Cy => format!("Ymweliad â {}", facts.prison.name),
    };
    let location = std::iter::once(facts.prison.name.clone()).chain(facts.prison.address.iter().cloned());
    let location = location.collect::<Vec<_>>().join(", ");
    let description = match lang {
        Locale::En => format!("Reference {}. Bring photo ID for every adult.", facts.reference),
        Locale::Cy => format!("Cyfeirnod {}. Dewch â cherdyn adnabod gyda llun ar gyfer pob oedolyn.", facts.reference),
    };
    let lead = facts.visitors.first().map(|v| v.name.as_str()).unwrap_or_default();
    let content = ics::invitation_ics(
        &CalendarVisit {
            visit_id: facts.visit_id,
            slot,
            summary: &summary,
            location: &location,
            description: &description,
            stamp: facts.changed_at,
        },
        invitation,
        &Parties {
            organizer_name: &facts.prison.name,
            organizer_email: &facts.prison.email,
            attendee_name: lead,
            attendee_email: &facts.lead_visitor_email,
        },
    );
    CalendarAttachment { method: invitation.method(), filename: format!("visit-{}.ics", facts.reference), content }
}

/// Where the visit is, who can come (and who cannot, and why), and what to bring: the heart of the booking email
/// and of the reminder.
fn where_who_and_what_to_bring(facts: &VisitFacts, lang: Locale) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading(t(lang, "Where", "Ble")),
        Block::Para(
            std::iter::once(facts.prison.name.clone())
                .chain(facts.prison.address.iter().cloned())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Block::Heading(t(lang, "Who can come", "Pwy all ddod")),
        Block::List(facts.visitors.iter().filter(|v| v.excluded.is_none()).map(|v| v.name.clone()).collect()),
    ];
    let excluded: Vec<String> = facts
        .visitors
        .iter()
        .filter_map(|v| v.excluded.as_ref().map(|o| i18n::visitor_outcome(o, &v.name, lang)))
        .collect();
    if !excluded.is_empty() {
        blocks.push(Block::Para(t(lang, "These people cannot come:", "Ni all y bobl hyn ddod:")));
        blocks.push(Block::List(excluded));
    }
    blocks.push(Block::Heading(t(lang, "What to bring", "Beth i ddod gyda chi")));
    blocks.push(Block::List(match lang {
        Locale::En => vec![
            "Photo ID for every adult, such as a passport or driving licence".to_owned(),
            "This email or your reference number".to_owned(),
            "Arrive at least 30 minutes before the visit starts".to_owned(),
        ],
        Locale::Cy => vec![
            "Cerdyn adnabod gyda llun ar gyfer pob oedolyn, fel pasbort neu drwydded yrru".to_owned(),
            "Yr e-bost hwn neu eich cyfeirnod".to_owned(),
            "Cyrhaeddwch o leiaf 30 munud cyn i’r ymweliad ddechrau".to_owned(),
        ],
    }));
    blocks
}

/// The visitor's email of this kind, or `None` when the kind is for the prison or the visit lacks what it needs
/// (a booking without a booked time).
pub fn visitor_email(kind: EmailKind, facts: &VisitFacts) -> Option<Rendered> {
    let lang = facts.locale;
    let prison = &facts.prison.name;
    let mut blocks = Vec::new();
    let mut attachment = None;
    let subject = match kind {
        EmailKind::RequestReceived => {
            blocks.push(Block::Para(match lang {
                Locale::En => format!(
                    "We have received your request to visit {} at {prison}. The prison will reply by {}.",
                    facts.prisoner_name,
                    i18n::describe_date(facts.confirm_by, lang)
                ),
                Locale::Cy => format!(
                    "Rydym wedi cael eich cais i ymweld â {} yn {prison}. Bydd y carchar yn ateb {}.",
                    facts.prisoner_name,
                    i18n::after_word_cy("erbyn", &i18n::describe_date(facts.confirm_by, lang))
                ),
            }));
            if facts.prisoner_details_mismatch {
                blocks.push(Block::Para(t(
                    lang,
                    "The prisoner’s details you gave do not match the prison’s records. Check the prisoner’s name, date of birth and prison number: if they are wrong, the prison may not be able to book your visit. You can withdraw this request and make a new one.",
                    "Nid yw manylion y carcharor a roesoch yn cyfateb i gofnodion y carchar. Gwiriwch enw, dyddiad geni a rhif carchar y carcharor: os ydynt yn anghywir, efallai na fydd y carchar yn gallu trefnu eich ymweliad. Gallwch dynnu’r cais hwn yn ôl a gwneud un newydd.",
                )));
            }
            blocks.push(Block::Heading(t(lang, "The times you asked for", "Yr amseroedd y gofynnoch amdanynt")));
            blocks.push(Block::List(facts.slot_choices.iter().map(|s| i18n::describe_slot(s, lang)).collect()));
            blocks.push(Block::Para(t(
                lang,
                "This is not a booking yet. We will email you when the prison has confirmed a time.",
                "Nid yw hwn yn drefniant eto. Byddwn yn anfon e-bost atoch pan fydd y carchar wedi cadarnhau amser.",
            )));
            blocks.push(reference_line(facts, lang));
            blocks.push(status_link(facts, lang));
            match lang {
                Locale::En => format!("Visit request received: {}", facts.reference),
                Locale::Cy => format!("Cais i ymweld wedi dod i law: {}", facts.reference),
            }
        }
        EmailKind::Booked => {
            let slot = facts.booked_slot.as_ref()?;
            blocks.push(Block::Para(match lang {
                Locale::En => format!("Your visit to {} at {prison} is booked.", facts.prisoner_name),
                Locale::Cy => format!("Mae eich ymweliad â {} yn {prison} wedi’i drefnu.", facts.prisoner_name),
            }));
            blocks.push(Block::Heading(t(lang, "When", "Pryd")));
            blocks.push(Block::Para(i18n::describe_slot(slot, lang)));
            blocks.extend(where_who_and_what_to_bring(facts, lang));
            blocks.extend(message_block(facts, lang));
            blocks.push(reference_line(facts, lang));
            blocks.push(Block::Para(t(
                lang,
                "The calendar file attached adds the visit to your phone’s calendar.",
                "Mae’r ffeil calendr sydd ynghlwm yn ychwanegu’r ymweliad at galendr eich ffôn.",
            )));
            blocks.push(status_link(facts, lang));
            blocks.push(prison_contact(facts, lang));
            attachment = Some(calendar(facts, slot, Invitation::Request));
            match lang {
                Locale::En => format!("Visit booked: {}, {}", i18n::describe_slot(slot, lang), prison),
                Locale::Cy => format!("Ymweliad wedi’i drefnu: {}, {}", i18n::describe_slot(slot, lang), prison),
            }
        }
        EmailKind::Reminder => {
            let slot = facts.booked_slot.as_ref()?;
            blocks.push(Block::Para(match lang {
                Locale::En => format!("This is a reminder of your visit to {} at {prison}.", facts.prisoner_name),
                Locale::Cy => {
                    format!("Dyma nodyn i’ch atgoffa am eich ymweliad â {} yn {prison}.", facts.prisoner_name)
                }
            }));
            blocks.push(Block::Heading(t(lang, "When", "Pryd")));
            blocks.push(Block::Para(i18n::describe_slot(slot, lang)));
            blocks.extend(where_who_and_what_to_bring(facts, lang));
            blocks.push(reference_line(facts, lang));
            blocks.push(Block::Para(t(
                lang,
                "If you cannot come, cancel the visit so that someone else can have the time.",
                "Os na allwch ddod, canslwch yr ymweliad er mwyn i rywun arall gael yr amser.",
            )));
            blocks.push(Block::Link {
                label: t(lang, "See your visit, or cancel it", "Gweld eich ymweliad, neu ei ganslo"),
                url: facts.status_url.clone(),
            });
            blocks.push(prison_contact(facts, lang));
            match lang {
                Locale::En => format!("Reminder: your visit on {}, {}", i18n::describe_slot(slot, lang), prison),
                Locale::Cy => {
                    format!(
                        "Nodyn atgoffa: eich ymweliad {}, {}",
                        i18n::after_word_cy("ar", &i18n::describe_slot(slot, lang)),
                        prison
                    )
                }
            }
        }
        EmailKind::Rejected => {
            blocks.push(Block::Para(match lang {
                Locale::En => format!("We could not book your visit to {} at {prison}.", facts.prisoner_name),
                Locale::Cy => {
                    format!("Nid oeddem yn gallu trefnu eich ymweliad â {} yn {prison}.", facts.prisoner_name)
                }
            }));
            blocks.push(Block::Heading(t(lang, "Why", "Pam")));
            blocks.push(Block::List(
                facts
                    .rejection_reasons
                    .iter()
                    .map(|(reason, renews)| {
                        let wording = i18n::rejection_reason(*reason, lang).to_owned();
                        match (renews, lang) {
                            (Some(date), Locale::En) => {
                                format!("{wording}. Their allowance renews on {}", i18n::describe_date(*date, lang))
                            }
                            (Some(date), Locale::Cy) => {
                                format!(
                                    "{wording}. Bydd eu lwfans yn adnewyddu {}",
                                    i18n::after_word_cy("ar", &i18n::describe_date(*date, lang))
                                )
                            }
                            (None, _) => wording,
                        }
                    })
                    .collect(),
            ));
            let excluded: Vec<String> = facts
                .visitors
                .iter()
                .filter_map(|v| v.excluded.as_ref().map(|o| i18n::visitor_outcome(o, &v.name, lang)))
                .collect();
            if !excluded.is_empty() {
                blocks.push(Block::List(excluded));
            }
            blocks.extend(message_block(facts, lang));
            blocks.push(Block::Para(t(
                lang,
                "You can ask for another visit at any time.",
                "Gallwch ofyn am ymweliad arall unrhyw bryd.",
            )));
            blocks.push(reference_line(facts, lang));
            blocks.push(prison_contact(facts, lang));
            match lang {
                Locale::En => format!("Visit not booked: {}", facts.reference),
                Locale::Cy => format!("Ymweliad heb ei drefnu: {}", facts.reference),
            }
        }
        EmailKind::Withdrawn => {
            blocks.push(Block::Para(match lang {
                Locale::En => format!(
                    "You have withdrawn your request to visit {} at {prison}. You do not need to do anything else.",
                    facts.prisoner_name
                ),
                Locale::Cy => format!(
                    "Rydych wedi tynnu eich cais i ymweld â {} yn {prison} yn ôl. Nid oes angen i chi wneud dim byd arall.",
                    facts.prisoner_name
                ),
            }));
            blocks.push(reference_line(facts, lang));
            match lang {
                Locale::En => format!("Visit request withdrawn: {}", facts.reference),
                Locale::Cy => format!("Cais i ymweld wedi’i dynnu’n ôl: {}", facts.reference),
            }
        }
        EmailKind::Cancelled => {
            let slot = facts.booked_slot.as_ref()?;
            let by_visitor = facts.cancellation_reason == Some(CancellationReason::VisitorCancelled);
            blocks.push(Block::Para(match (lang, by_visitor) {
                (Locale::En, true) => format!(
                    "You have cancelled your visit to {} at {prison} on {}.",
                    facts.prisoner_name,
                    i18n::describe_slot(slot, lang)
                ),
                (Locale::En, false) => format!(
                    "The prison has cancelled your visit to {} at {prison} on {}.",
                    facts.prisoner_name,
                    i18n::describe_slot(slot, lang)
                ),
                (Locale::Cy, true) => format!(
                    "Rydych wedi canslo eich ymweliad â {} yn {prison} {}.",
                    facts.prisoner_name,
                    i18n::after_word_cy("ar", &i18n::describe_slot(slot, lang))
                ),
                (Locale::Cy, false) => format!(
                    "Mae’r carchar wedi canslo eich ymweliad â {} yn {prison} {}.",
                    facts.prisoner_name,
                    i18n::after_word_cy("ar", &i18n::describe_slot(slot, lang))
                ),
            }));
            if let Some(reason) = facts.cancellation_reason.filter(|_| !by_visitor) {
                blocks.push(Block::Heading(t(lang, "Why", "Pam")));
                blocks.push(Block::Para(i18n::cancellation_reason(reason, lang).to_owned()));
            }
            blocks.extend(message_block(facts, lang));
            blocks.push(Block::Para(t(
                lang,
                "The calendar file attached removes the visit from your calendar. You can ask for another visit at any time.",
                "Mae’r ffeil calendr sydd ynghlwm yn tynnu’r ymweliad o’ch calendr. Gallwch ofyn am ymweliad arall unrhyw bryd.",
            )));
            blocks.push(reference_line(facts, lang));
            blocks.push(prison_contact(facts, lang));
            attachment = Some(calendar(facts, slot, Invitation::Cancel));
            match lang {
                Locale::En => format!("Visit cancelled: {}, {}", i18n::describe_slot(slot, lang), prison),
                Locale::Cy => format!("Ymweliad wedi’i ganslo: {}, {}", i18n::describe_slot(slot, lang), prison),
            }
        }
        EmailKind::StaffMessage => {
            let message = facts.message.as_ref()?;
            blocks.push(Block::Para(match lang {
                Locale::En => format!("{prison} has sent you a message about your visit {}:", facts.reference),
                Locale::Cy => format!("Mae {prison} wedi anfon neges atoch am eich ymweliad {}:", facts.reference),
            }));
            blocks.push(Block::Para(message.clone()));
            blocks.push(status_link(facts, lang));
            blocks.push(prison_contact(facts, lang));
            match lang {
                Locale::En => format!("A message about your visit: {}", facts.reference),
                Locale::Cy => format!("Neges am eich ymweliad: {}", facts.reference),
            }
        }
        EmailKind::WaitingListJoined => {
            blocks.push(Block::Para(match lang {
                Locale::En => format!(
                    "You are on the waiting list to visit {} at {prison}. Every time you chose is full at the moment.",
                    facts.prisoner_name
                ),
                Locale::Cy => format!(
                    "Rydych ar y rhestr aros i ymweld â {} yn {prison}. Mae pob amser a ddewisoch yn llawn ar hyn o bryd.",
                    facts.prisoner_name
                ),
            }));
            blocks.push(Block::Heading(t(
                lang,
                "The times you are waiting for",
                "Yr amseroedd rydych yn aros amdanynt",
            )));
            blocks.push(Block::List(facts.slot_choices.iter().map(|s| i18n::describe_slot(s, lang)).collect()));
            blocks.push(Block::Para(t(
                lang,
                "If a place comes up at one of these times, it goes to the first person waiting for it. We will email you if it goes to you. This is not a booking.",
                "Os daw lle ar gael ar un o’r amseroedd hyn, bydd yn mynd i’r person cyntaf sy’n aros amdano. Byddwn yn anfon e-bost atoch os daw i chi. Nid yw hwn yn drefniant.",
            )));
            blocks.push(Block::Para(t(
                lang,
                "You can leave the waiting list at any time from the link below.",
                "Gallwch adael y rhestr aros unrhyw bryd drwy’r ddolen isod.",
            )));
            blocks.push(reference_line(facts, lang));
            blocks.push(status_link(facts, lang));
            match lang {
                Locale::En => format!("On the waiting list: {}", facts.reference),
                Locale::Cy => format!("Ar y rhestr aros: {}", facts.reference),
            }
        }
        EmailKind::WaitingListOffered => {
            let slot = facts.offered_slot.as_ref()?;
            blocks.push(Block::Para(match lang {
                Locale::En => format!(
                    "A place has come up on {} for your visit to {} at {prison}.",
                    i18n::describe_slot(slot, lang),
                    facts.prisoner_name
                ),
                Locale::Cy => format!(
                    "Mae lle wedi dod ar gael {} ar gyfer eich ymweliad â {} yn {prison}.",
                    i18n::after_word_cy("ar", &i18n::describe_slot(slot, lang)),
                    facts.prisoner_name
                ),
            }));
            blocks.push(Block::Para(t(
                lang,
                "The place is kept for you while the prison checks your request. This is not a booking yet: we will email you when the prison has confirmed it.",
                "Mae’r lle yn cael ei gadw i chi tra bydd y carchar yn gwirio eich cais. Nid yw hwn yn drefniant eto: byddwn yn anfon e-bost atoch pan fydd y carchar wedi’i gadarnhau.",
            )));
            blocks.push(Block::Para(t(
                lang,
                "If you no longer want it, withdraw the request from the link below so that the place goes to the next person waiting.",
                "Os nad ydych ei eisiau mwyach, tynnwch y cais yn ôl drwy’r ddolen isod fel bod y lle yn mynd i’r person nesaf sy’n aros.",
            )));
            blocks.push(reference_line(facts, lang));
            blocks.push(status_link(facts, lang));
            blocks.push(prison_contact(facts, lang));
            match lang {
                Locale::En => format!("A place has come up: {}", facts.reference),
                Locale::Cy => format!("Mae lle wedi dod ar gael: {}", facts.reference),
            }
        }
        EmailKind::WaitingListExpired => {
            let prisoner = &facts.prisoner_name;
            blocks.push(Block::Para(match (lang, facts.waiting_times_passed()) {
                (Locale::En, true) => format!(
                    "No place came up at the times you were waiting for to visit {prisoner} at {prison}, and those times have now passed. You are no longer on the waiting list."
                ),
                (Locale::Cy, true) => format!(
                    "Ni ddaeth lle ar gael ar yr amseroedd roeddech yn aros amdanynt i ymweld â {prisoner} yn {prison}, ac mae’r amseroedd hynny wedi mynd heibio. Nid ydych ar y rhestr aros mwyach."
                ),
                (Locale::En, false) => format!(
                    "{prison} no longer holds visits at the times you were waiting for to visit {prisoner}, so no place can come up. You are no longer on the waiting list."
                ),
                (Locale::Cy, false) => format!(
                    "Nid yw {prison} yn cynnal ymweliadau mwyach ar yr amseroedd roeddech yn aros amdanynt i ymweld â {prisoner}, felly ni all lle ddod ar gael. Nid ydych ar y rhestr aros mwyach."
                ),
            }));
            blocks.push(Block::Para(t(
                lang,
                "You can ask for another visit at any time.",
                "Gallwch ofyn am ymweliad arall unrhyw bryd.",
            )));
            blocks.push(reference_line(facts, lang));
            match lang {
                Locale::En => format!("Waiting list ended: {}", facts.reference),
                Locale::Cy => format!("Rhestr aros wedi dod i ben: {}", facts.reference),
            }
        }
        EmailKind::PrisonNewRequest | EmailKind::PrisonDigest | EmailKind::WebhookDisabled => return None,
    };
    Some(render(subject, lang, &blocks, attachment))
}

/// One new request, as the prison's mailbox sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrisonRequestLine {
    pub reference: String,
    pub prisoner_name: String,
    pub prisoner_number: String,
    pub visitor_count: usize,
    pub slot_choices: Vec<Slot>,
    pub confirm_by: NaiveDate,
    /// Where staff open it.
    pub staff_url: String,
}

fn request_lines(line: &PrisonRequestLine) -> Vec<String> {
    let choices: Vec<String> = line.slot_choices.iter().map(|s| i18n::describe_slot(s, Locale::En)).collect();
    vec![
        format!("Reference: {}", line.reference),
        format!("Prisoner: {} ({})", line.prisoner_name, line.prisoner_number),
        format!("Visitors: {}", line.visitor_count),
        format!("Times asked for: {}", choices.join("; ")),
        format!("Reply by: {}", i18n::describe_date(line.confirm_by, Locale::En)),
    ]
}

/// To the prison's visits mailbox: one new request.
pub fn prison_new_request(prison_name: &str, line: &PrisonRequestLine) -> Rendered {
    let blocks = vec![
        Block::Para(format!("There is a new visit request for {prison_name}.")),
        Block::List(request_lines(line)),
        Block::Link { label: "Open the request".into(), url: line.staff_url.clone() },
    ];
    render(format!("New visit request {} ({prison_name})", line.reference), Locale::En, &blocks, None)
}

/// To the prison's visits mailbox: the requests made on `day`.
pub fn prison_digest(prison_name: &str, day: NaiveDate, lines: &[PrisonRequestLine], inbox_url: &str) -> Rendered {
    let mut blocks = vec![Block::Para(match lines.len() {
        0 => format!("There were no new visit requests for {prison_name} on {}.", i18n::describe_date(day, Locale::En)),
        1 => format!("There was 1 new visit request for {prison_name} on {}.", i18n::describe_date(day, Locale::En)),
        n => {
            format!("There were {n} new visit requests for {prison_name} on {}.", i18n::describe_date(day, Locale::En))
        }
    })];
    for line in lines {
        blocks.push(Block::Heading(line.reference.clone()));
        blocks.push(Block::List(request_lines(line)));
    }
    blocks.push(Block::Link { label: "Open the inbox".into(), url: inbox_url.to_owned() });
    let subject = format!("Visit requests for {prison_name}: {}", i18n::describe_date(day, Locale::En));
    render(subject, Locale::En, &blocks, None)
}

/// To an admin: a webhook subscription was turned off. In English then Welsh (staff have no language of their own).
pub fn webhook_disabled(url: &str, subscription_id: &str, admin_url: &str) -> Rendered {
    let blocks = vec![
        Block::Para(format!(
            "The webhook subscription to {url} has been turned off: its deliveries failed every try for about three days."
        )),
        Block::Para(format!(
            "Check the receiver, then turn the subscription back on (subscription {subscription_id}). Events since it \
was turned off are in its delivery log and in the change feed."
        )),
        Block::Link { label: "Open the back office".into(), url: admin_url.to_owned() },
        Block::Heading("Cymraeg".into()),
        Block::Para(format!(
            "Mae’r tanysgrifiad bachyn gwe i {url} wedi’i ddiffodd: methodd pob ymgais i’w anfon am tua thri diwrnod."
        )),
        Block::Para(format!(
            "Gwiriwch y derbynnydd, yna trowch y tanysgrifiad ymlaen eto (tanysgrifiad {subscription_id}). Mae’r \
digwyddiadau ers iddo gael ei ddiffodd yn ei log anfon ac yn y ffrwd newidiadau."
        )),
        Block::Link { label: "Agor y swyddfa gefn".into(), url: admin_url.to_owned() },
    ];
    render("Webhook turned off / Bachyn gwe wedi’i ddiffodd".to_owned(), Locale::En, &blocks, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};

    fn facts(locale: Locale) -> VisitFacts {
        let slot = Slot::new(
            NaiveDate::from_ymd_opt(2027, 3, 29).unwrap(),
            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(16, 10, 0).unwrap(),
        );
        VisitFacts {
            visit_id: Uuid::from_u128(7),
            reference: "7KQ2M9XD".into(),
            locale,
            prison: PrisonFacts {
                name: "HMP Testbridge".into(),
                address: vec!["1 Gate Street".into(), "Testbridge".into(), "TB1 1AA".into()],
                phone: "01632 960000".into(),
                email: "visits@testbridge.example".into(),
            },
            prisoner_name: "John <b>Smith</b>".into(),
            prisoner_number: "A1234BC".into(),
            visitors: vec![
                PersonFacts { name: "Mary Smith".into(), excluded: None },
                PersonFacts { name: "Amy Smith".into(), excluded: Some(VisitorOutcome::NotOnContactList) },
            ],
            lead_visitor_email: "mary@example.com".into(),
            lead_visitor_phone: "07700900123".into(),
            slot_choices: vec![slot],
            booked_slot: Some(slot),
            confirm_by: NaiveDate::from_ymd_opt(2027, 3, 25).unwrap(),
            status_url: "https://visits.example/visit/7KQ2M9XD?token=t&x=1".into(),
            rejection_reasons: vec![(RejectionReason::NoAllowance, NaiveDate::from_ymd_opt(2027, 4, 1))],
            cancellation_reason: Some(CancellationReason::CapacityIssues),
            message: Some("Bring <ID> & arrive early".into()),
            changed_at: Utc.with_ymd_and_hms(2027, 3, 20, 10, 0, 0).unwrap(),
            prisoner_details_mismatch: false,
            offered_slot: Some(slot),
        }
    }

    #[test]
    fn the_admins_webhook_notice_is_in_english_and_welsh() {
        let email = webhook_disabled("https://hooks.example/<x>", "sub-1", "https://visits.example/staff");
        assert!(email.subject.contains("Webhook turned off") && email.subject.contains("Bachyn gwe"));
        assert!(email.text.contains("https://hooks.example/<x>") && email.text.contains("wedi’i ddiffodd"));
        assert!(email.html.contains("https://hooks.example/&lt;x&gt;"), "escaped in HTML");
    }

    #[test]
    fn every_visitor_email_renders_in_both_languages() {
        for locale in [Locale::En, Locale::Cy] {
            for kind in EmailKind::ALL.into_iter().filter(|k| k.is_for_visitor()) {
                let email = visitor_email(kind, &facts(locale)).unwrap();
                assert!(!email.subject.is_empty() && email.text.contains("7KQ2M9XD"), "{kind:?} {locale:?}");
                assert!(email.html.contains(&format!("lang=\"{}\"", locale.as_str())));
            }
        }
    }

    #[test]
    fn html_escapes_every_value_and_text_keeps_it_plain() {
        let email = visitor_email(EmailKind::Booked, &facts(Locale::En)).unwrap();
        assert!(email.html.contains("John &lt;b&gt;Smith&lt;/b&gt;"));
        assert!(email.html.contains("Bring &lt;ID&gt; &amp; arrive early"));
        assert!(email.html.contains("href=\"https://visits.example/visit/7KQ2M9XD?token=t&amp;x=1\""));
        assert!(!email.html.contains("<b>"));
        assert!(email.text.contains("John <b>Smith</b>"));
    }

    #[test]
    fn times_are_uk_wall_clock_times_after_the_clocks_go_forward() {
        // 29 March 2027 is the day after the clocks go forward: 2pm is still 2pm, and the calendar says so.
        let email = visitor_email(EmailKind::Booked, &facts(Locale::En)).unwrap();
        assert!(email.text.contains("Monday 29 March 2027, 2pm to 4:10pm"), "{}", email.text);
        let ics = email.calendar.unwrap().content;
        assert!(ics.contains("DTSTART;TZID=Europe/London:20270329T140000"));
        let cy = visitor_email(EmailKind::Booked, &facts(Locale::Cy)).unwrap();
        assert!(cy.text.contains("Dydd Llun 29 Mawrth 2027, 2yp i 4:10yp"), "{}", cy.text);
    }

    #[test]
    fn a_rejection_gives_the_reasons_in_plain_words_with_the_renewal_date() {
        let email = visitor_email(EmailKind::Rejected, &facts(Locale::En)).unwrap();
        assert!(
            email.text.contains(
                "The prisoner has no visiting allowance left. Their allowance renews on Thursday 1 April 2027"
            )
        );
        assert!(email.text.contains("Amy Smith is not on the prisoner’s approved contact list"));
        let cy = visitor_email(EmailKind::Rejected, &facts(Locale::Cy)).unwrap();
        assert!(cy.text.contains("Bydd eu lwfans yn adnewyddu ar ddydd Iau 1 Ebrill 2027"), "{}", cy.text);
    }

    #[test]
    fn a_reminder_says_when_where_who_what_to_bring_and_how_to_cancel() {
        let email = visitor_email(EmailKind::Reminder, &facts(Locale::En)).unwrap();
        assert_eq!(email.subject, "Reminder: your visit on Monday 29 March 2027, 2pm to 4:10pm, HMP Testbridge");
        for part in [
            "1 Gate Street\nTestbridge\nTB1 1AA",
            "* Mary Smith\n",
            "Amy Smith is not on the prisoner’s approved contact list",
            "Photo ID for every adult",
            "See your visit, or cancel it:\nhttps://visits.example/visit/7KQ2M9XD?token=t&x=1",
        ] {
            assert!(email.text.contains(part), "{part:?} in {}", email.text);
        }
        assert!(email.calendar.is_none(), "the booking email carried the calendar file");
        let cy = visitor_email(EmailKind::Reminder, &facts(Locale::Cy)).unwrap();
        assert!(cy.subject.starts_with("Nodyn atgoffa: eich ymweliad ar ddydd Llun 29 Mawrth 2027, 2yp i 4:10yp"));
        assert!(cy.text.contains("Gweld eich ymweliad, neu ei ganslo"), "{}", cy.text);
    }

    #[test]
    fn the_booking_and_its_cancellation_share_the_calendar_uid() {
        let booked = visitor_email(EmailKind::Booked, &facts(Locale::En)).unwrap().calendar.unwrap();
        let cancelled = visitor_email(EmailKind::Cancelled, &facts(Locale::En)).unwrap().calendar.unwrap();
        assert_eq!((booked.method, cancelled.method), ("REQUEST", "CANCEL"));
        let uid = "UID:00000000-0000-0000-0000-000000000007@prison-visits";
        assert!(booked.content.contains(uid) && cancelled.content.contains(uid));
    }

    #[test]
    fn a_staff_cancellation_says_why_and_a_visitor_cancellation_does_not_blame_anyone() {
        let staff = visitor_email(EmailKind::Cancelled, &facts(Locale::En)).unwrap();
        assert!(staff.text.contains("The prison has cancelled your visit"));
        assert!(staff.text.contains("The prison does not have room for the visit at this time"));
        let mut own = facts(Locale::En);
        own.cancellation_reason = Some(CancellationReason::VisitorCancelled);
        let own = visitor_email(EmailKind::Cancelled, &own).unwrap();
        assert!(own.text.contains("You have cancelled your visit"));
    }
}
