//! What the visitor has typed, kept while they move between steps and wiped after they submit or after 20 minutes
//! idle, so a shared phone does not give it away. The server keeps it (for this browser, by an HttpOnly cookie):
//! every page it renders starts from it, with or without JavaScript, so Back, Forward and reload lose nothing.

use chrono::NaiveDate;
use domain::api::{
    CreateVisitRequest, LeadVisitorInput, Locale, PrisonDetails, PrisonerInput, SlotChoiceInput, VisitCreated,
    VisitorInput,
};
use domain::email::MessageChannel;
use domain::error::FieldError;
use domain::feedback::FeedbackRequest;
use domain::slot::Slot;
use domain::support::SupportNeedsInput;
pub use frontend_shared::browser::{load_locale, now_ms, today};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(target_arch = "wasm32")]
use std::time::Duration;

/// A draft untouched this long is wiped.
pub const IDLE_LIMIT_MS: f64 = 20.0 * 60.0 * 1000.0;

/// A date typed as three boxes, kept as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateParts {
    pub day: String,
    pub month: String,
    pub year: String,
}

impl DateParts {
    /// `YYYY-MM-DD` for the domain's date parser: empty when nothing was typed, and something it refuses as
    /// "not a real date" when the boxes do not make one.
    pub fn iso(&self) -> String {
        let (d, m, y) = (self.day.trim(), self.month.trim(), self.year.trim());
        if d.is_empty() && m.is_empty() && y.is_empty() {
            return String::new();
        }
        match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<u32>()) {
            (Ok(d), Ok(m), Ok(y)) if y >= 1000 => format!("{y:04}-{m:02}-{d:02}"),
            _ => "not-a-date".into(),
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        domain::types::parse_iso_date(&self.iso())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub dob: DateParts,
}

/// Everything the journey collects, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub prison: Option<PrisonDetails>,
    pub prisoner: Person,
    pub prison_number: String,
    /// In order of preference.
    pub slots: Vec<Slot>,
    /// Joining the waiting list for `slots` (every one fully booked) rather than requesting them.
    pub waiting_list: bool,
    pub lead: Person,
    pub email: String,
    pub email_confirm: String,
    pub phone: String,
    /// How the lead visitor wants updates: [`Contact`]'s form value (`email`, `sms`, `both`); empty means email.
    pub contact: String,
    pub others: Vec<Person>,
    /// What support anyone in the party needs, as the support step's checkboxes and boxes hold it.
    pub support: SupportNeedsInput,
    /// The `Idempotency-Key` of the request: made by the server when "Check your answers" is first shown and sent
    /// with every press of "Send" (the app's call and the form's post alike), so a double submit makes one visit.
    /// Forgotten when the answers change.
    pub idempotency_key: Option<String>,
    /// Field errors the server sent back, shown on the step each belongs to.
    pub server_errors: Vec<FieldError>,
    /// What the server answered on success: all the confirmation page shows.
    pub created: Option<VisitCreated>,
    /// The feedback form as typed, and what the server said of it when it was posted without the app.
    pub feedback: FeedbackDraft,
}

/// The feedback form (`/feedback`) as typed: the same fields as `POST /api/v1/feedback`, kept as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackDraft {
    /// The satisfaction answer's wire name (`very_satisfied`...), or empty.
    pub satisfaction: String,
    pub improvement: String,
    pub email: String,
    /// Field errors the server sent back (`satisfaction`, `improvement`, `email`).
    pub errors: Vec<FieldError>,
}

impl FeedbackDraft {
    /// The request as the API takes it.
    pub fn request(&self, locale: Locale) -> FeedbackRequest {
        FeedbackRequest {
            satisfaction: self.satisfaction.parse().ok(),
            improvement: self.improvement.clone(),
            email: self.email.clone(),
            locale,
        }
    }
}

/// How the lead visitor wants to be told about the request: the visitors step's radios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Email,
    Sms,
    Both,
}

impl Contact {
    pub const ALL: [Contact; 3] = [Contact::Email, Contact::Sms, Contact::Both];

    /// The radio's form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Contact::Email => "email",
            Contact::Sms => "sms",
            Contact::Both => "both",
        }
    }

    /// The choice in words (English, Welsh), as the radios and "Check your answers" say it.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Contact::Email => ("Email", "E-bost"),
            Contact::Sms => ("Text message", "Neges destun"),
            Contact::Both => ("Email and text message", "E-bost a neges destun"),
        }
    }

    /// The choice a draft holds: email unless texts were chosen.
    pub fn of(value: &str) -> Contact {
        Contact::ALL.into_iter().find(|c| c.as_str() == value).unwrap_or(Contact::Email)
    }

    /// The choice a visit's `contact_by` records.
    pub fn from_channels(channels: &[MessageChannel]) -> Contact {
        match (channels.contains(&MessageChannel::Email), channels.contains(&MessageChannel::Sms)) {
            (true, true) => Contact::Both,
            (false, true) => Contact::Sms,
            _ => Contact::Email,
        }
    }

    /// As `lead_visitor.contact_by` takes it (absent means email only).
    pub fn channels(self) -> Option<Vec<MessageChannel>> {
        match self {
            Contact::Email => None,
            Contact::Sms => Some(vec![MessageChannel::Sms]),
            Contact::Both => Some(vec![MessageChannel::Email, MessageChannel::Sms]),
        }
    }
}

impl Draft {
    /// Starts a request at `prison` ("Start now"): what was typed stays, but times belong to one prison, so
    /// choosing another starts them again; a request sent before is forgotten.
    pub fn start(&mut self, prison: PrisonDetails) {
        if self.prison.as_ref().map(|p| p.id) != Some(prison.id) {
            self.slots.clear();
            self.waiting_list = false;
        }
        self.prison = Some(prison);
        self.created = None;
        self.idempotency_key = None;
        self.server_errors.clear();
    }

    /// The request as the API takes it.
    pub fn request(&self, locale: Locale) -> CreateVisitRequest {
        let visitor = |p: &Person| VisitorInput {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            date_of_birth: p.dob.iso(),
        };
        CreateVisitRequest {
            prison_id: self.prison.as_ref().map(|p| p.id).unwrap_or_default(),
            prisoner: PrisonerInput {
                first_name: self.prisoner.first_name.clone(),
                last_name: self.prisoner.last_name.clone(),
                date_of_birth: self.prisoner.dob.iso(),
                number: self.prison_number.clone(),
            },
            lead_visitor: LeadVisitorInput {
                first_name: self.lead.first_name.clone(),
                last_name: self.lead.last_name.clone(),
                date_of_birth: self.lead.dob.iso(),
                email: self.email.clone(),
                phone: self.phone.clone(),
                contact_by: Contact::of(&self.contact).channels(),
            },
            other_visitors: self.others.iter().map(visitor).collect(),
            slots: self
                .slots
                .iter()
                .map(|s| SlotChoiceInput {
                    date: s.date.to_string(),
                    start: s.start.format("%H:%M").to_string(),
                    end: s.end.format("%H:%M").to_string(),
                })
                .collect(),
            locale,
            waiting_list: self.waiting_list,
            support_needs: self.support.clone(),
        }
    }
}

/// The draft, shared by every step through the context.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    pub draft: RwSignal<Draft>,
    last_active: RwSignal<f64>,
}

impl Form {
    /// Starts from the draft the server keeps for this browser (handed over with the page), saves every change
    /// back to it, and wipes it after 20 minutes without one.
    pub fn provide() -> Form {
        let form = Form { draft: RwSignal::new(initial_draft()), last_active: RwSignal::new(now_ms()) };
        provide_context(form);
        #[cfg(target_arch = "wasm32")]
        {
            Effect::new(move |first: Option<()>| {
                form.draft.track();
                if first.is_some() {
                    form.last_active.set(now_ms());
                    saver::changed(form.draft, false);
                }
            });
            set_interval(
                move || {
                    if now_ms() - form.last_active.get_untracked() > IDLE_LIMIT_MS {
                        form.clear();
                    }
                },
                Duration::from_secs(30),
            );
        }
        form
    }

    /// Counts as activity: keeps the draft for another 20 minutes.
    /// Saved at once: the server renders the next page from it if the visitor reloads.
    pub fn touch(self) {
        self.last_active.set(now_ms());
        #[cfg(target_arch = "wasm32")]
        saver::changed(self.draft, true);
    }

    pub fn clear(self) {
        if self.draft.with_untracked(|d| *d != Draft::default()) {
            self.draft.set(Draft::default());
        }
    }
}

pub fn use_form() -> Form {
    use_context::<Form>()
        .unwrap_or_else(|| Form { draft: RwSignal::new(Draft::default()), last_active: RwSignal::new(0.0) })
}

/// The attribute of `<html>` that hands the server’s draft to the app (JSON; absent when there is none): see
/// `server::shell`.
pub const DRAFT_ATTRIBUTE: &str = "data-draft";

/// On the server, the draft it keeps for this browser; in the browser, the one the page was rendered with.
fn initial_draft() -> Draft {
    #[cfg(feature = "ssr")]
    {
        crate::server::server_page().and_then(|page| page.draft).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let html = document().document_element();
        let text = html.and_then(|html| html.get_attribute(DRAFT_ATTRIBUTE));
        text.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
    }
}

/// Saves the draft to the server (`PUT /book/draft`) after each change, one save at a time and the newest last, so
/// that a reload, a page the server renders or a form posted without the app all see what was typed. While a save
/// is waiting or under way, `<html data-saving>` says so (the browser tests wait for it to go).
#[cfg(target_arch = "wasm32")]
mod saver {
    use std::cell::Cell;
    use std::time::Duration;

    use leptos::prelude::*;

    use super::Draft;

    thread_local! {
        static SAVING: Cell<bool> = const { Cell::new(false) };
        static DIRTY: Cell<bool> = const { Cell::new(false) };
    }

    /// Typing is saved in bursts, `BURST` after a change; a move to another step, at once.
    const BURST: Duration = Duration::from_millis(400);

    pub fn changed(draft: RwSignal<Draft>, at_once: bool) {
        DIRTY.set(true);
        if SAVING.replace(true) {
            return; // the save under way saves this change after
        }
        mark(true);
        let save = move || {
            leptos::task::spawn_local(async move {
                while DIRTY.replace(false) {
                    let body = draft.with_untracked(serde_json::to_string).unwrap_or_default();
                    let sent = frontend_shared::api::send("PUT", "/book/draft", Some(body), &[], false).await;
                    if let Err(error) = sent {
                        leptos::logging::warn!("the draft was not saved: {error:?}");
                    }
                }
                SAVING.set(false);
                mark(false);
            })
        };
        if at_once { save() } else { set_timeout(save, BURST) }
    }

    fn mark(saving: bool) {
        if let Some(html) = document().document_element() {
            let _ = if saving { html.set_attribute("data-saving", "") } else { html.remove_attribute("data-saving") };
        }
    }
}

/// A random version 4 UUID from the browser's cryptographic random numbers.
pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    let filled =
        web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if filled != Some(true) {
        // No crypto (very old browser): the key only has to be unique to this visitor's attempts.
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = ((js_sys::Math::random() * 256.0) as u8).wrapping_add(i as u8);
        }
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}
