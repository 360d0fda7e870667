//! What the visitor has typed, kept while they move between steps (sessionStorage, so Back, Forward and reload
//! lose nothing) and wiped after they submit or after 20 minutes idle, so a shared phone does not give it away.

use chrono::NaiveDate;
use domain::api::{
    CreateVisitRequest, LeadVisitorInput, Locale, PrisonDetails, PrisonerInput, SlotChoiceInput, VisitCreated,
    VisitorInput,
};
use domain::error::FieldError;
use domain::slot::Slot;
use frontend_shared::browser::session_storage;
pub use frontend_shared::browser::{load_locale, now_ms, today};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(target_arch = "wasm32")]
use std::time::Duration;

const DRAFT_KEY: &str = "pvb.draft";
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
pub struct Draft {
    pub prison: Option<PrisonDetails>,
    pub prisoner: Person,
    pub prison_number: String,
    /// In order of preference.
    pub slots: Vec<Slot>,
    pub lead: Person,
    pub email: String,
    pub email_confirm: String,
    pub phone: String,
    pub others: Vec<Person>,
    /// Made when the visitor first presses "Send", reused if they have to press it again.
    pub idempotency_key: Option<String>,
    /// Field errors the server sent back, shown on the step each belongs to.
    pub server_errors: Vec<FieldError>,
    /// What the server answered on success: all the confirmation page shows.
    pub created: Option<VisitCreated>,
}

impl Draft {
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
            waiting_list: false,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Saved {
    saved_at: f64,
    draft: Draft,
}

/// The draft, shared by every step through the context.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    pub draft: RwSignal<Draft>,
    last_active: RwSignal<f64>,
}

impl Form {
    /// Loads what is kept in this tab (unless it has gone stale), saves every change, and wipes it after
    /// 20 minutes without one.
    pub fn provide() -> Form {
        let draft = load_draft().unwrap_or_default();
        let form = Form { draft: RwSignal::new(draft), last_active: RwSignal::new(now_ms()) };
        provide_context(form);
        Effect::new(move |_| {
            let draft = form.draft.get();
            form.last_active.set(now_ms());
            save_draft(&draft);
        });
        #[cfg(target_arch = "wasm32")]
        set_interval(
            move || {
                if now_ms() - form.last_active.get_untracked() > IDLE_LIMIT_MS {
                    form.clear();
                }
            },
            Duration::from_secs(30),
        );
        form
    }

    /// Counts as activity: keeps the draft for another 20 minutes.
    pub fn touch(self) {
        self.last_active.set(now_ms());
        save_draft(&self.draft.get_untracked());
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

fn load_draft() -> Option<Draft> {
    let storage = session_storage()?;
    let text = storage.get_item(DRAFT_KEY).ok()??;
    match serde_json::from_str::<Saved>(&text) {
        Ok(saved) if now_ms() - saved.saved_at <= IDLE_LIMIT_MS => Some(saved.draft),
        _ => {
            let _ = storage.remove_item(DRAFT_KEY);
            None
        }
    }
}

fn save_draft(draft: &Draft) {
    let Some(storage) = session_storage() else { return };
    if *draft == Draft::default() {
        let _ = storage.remove_item(DRAFT_KEY);
        return;
    }
    if let Ok(text) = serde_json::to_string(&Saved { saved_at: now_ms(), draft: draft.clone() }) {
        let _ = storage.set_item(DRAFT_KEY, &text);
    }
}
