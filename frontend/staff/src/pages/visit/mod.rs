//! One visit: its details, timeline and messages; for a request, the decision (grant one of the chosen times,
//! shown beside the prison's live capacity, or reject with reasons); for a booked visit, cancelling it with a
//! reason. What staff type is kept in this page's signals, outside the loaded visit, so when someone else decided
//! first or the time filled up meanwhile the page reloads the visit and nothing typed is lost.

mod cancel;
mod decision;
mod extras;
mod labels;
mod notice;
mod places;

use chrono::NaiveDate;
use domain::daylist::DayList;
use domain::i18n::{describe_plain_date, describe_slot};
use domain::slot::Slot;
use domain::staff::StaffVisitView;
use domain::visit::{Actor, CancellationReason, RejectionReason, VisitState};
use frontend_shared::api::ApiError;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api;
use crate::session::{Session, use_session};
use crate::ui::{Failure, Issue, Loading, StateTag, use_title, when};
use cancel::CancelForm;
use decision::DecisionForm;
use extras::{EmailDeliveries, RecordsChecks};
use frontend_shared::i18n::Lang;
use labels::{actor_label, outcome_label, reason_label, timeline_label};
pub use labels::{cancellation_label, rejection_label};
use notice::{Notice, NoticeBanner};
use places::{Places, places_at};

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    visit: StaffVisitView,
    /// Beside `visit.slot_choices`; empty unless the visit waits for a decision.
    places: Vec<Option<Places>>,
}

async fn load(session: Session, id: Uuid) -> Result<Loaded, ApiError> {
    let visit = api::visit(session, id).await?;
    let mut places = Vec::new();
    if visit.state == VisitState::Requested {
        let mut lists: Vec<DayList> = Vec::new();
        for slot in &visit.slot_choices {
            if !lists.iter().any(|l| l.date == slot.date)
                && let Ok(list) = api::day_list(session, visit.prison.id, &slot.date.to_string()).await
            {
                lists.push(list);
            }
            places.push(lists.iter().find(|l| l.date == slot.date).map(|l| places_at(l, slot)));
        }
    }
    Ok(Loaded { visit, places })
}

/// Everything typed into the decision and cancellation forms.
#[derive(Debug, Clone, Copy)]
struct Typed {
    decision: RwSignal<Option<&'static str>>,
    slot: RwSignal<Option<Slot>>,
    closed_visit: RwSignal<bool>,
    booking_reference: RwSignal<String>,
    reasons: RwSignal<Vec<RejectionReason>>,
    renews_on: RwSignal<String>,
    other_detail: RwSignal<String>,
    /// Per visitor: the outcome's wire name ("" when they may come) and a ban's end date.
    outcomes: RwSignal<Vec<(String, String)>>,
    message: RwSignal<String>,
    cancel_reason: RwSignal<Option<CancellationReason>>,
    cancel_message: RwSignal<String>,
}

impl Typed {
    fn new() -> Typed {
        Typed {
            decision: RwSignal::new(None),
            slot: RwSignal::new(None),
            closed_visit: RwSignal::new(false),
            booking_reference: RwSignal::new(String::new()),
            reasons: RwSignal::new(Vec::new()),
            renews_on: RwSignal::new(String::new()),
            other_detail: RwSignal::new(String::new()),
            outcomes: RwSignal::new(Vec::new()),
            message: RwSignal::new(String::new()),
            cancel_reason: RwSignal::new(None),
            cancel_message: RwSignal::new(String::new()),
        }
    }

    fn outcome(self, index: usize) -> (String, String) {
        self.outcomes.with(|o| o.get(index).cloned().unwrap_or_default())
    }

    fn set_outcome(self, index: usize, kind: Option<String>, until: Option<String>) {
        self.outcomes.update(|o| {
            if o.len() <= index {
                o.resize(index + 1, Default::default());
            }
            if let Some(entry) = o.get_mut(index) {
                if let Some(kind) = kind {
                    entry.0 = kind;
                }
                if let Some(until) = until {
                    entry.1 = until;
                }
            }
        });
    }
}

fn optional(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

#[component]
pub fn VisitPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => load(session, id).await,
                None => Err(ApiError::Status(404)),
            }
        }
    });
    let typed = Typed::new();
    let notice = RwSignal::new(None::<Notice>);
    let issues = RwSignal::new(Vec::<Issue>::new());
    use_title(("Visit", "Ymweliad"), move || issues.with(|i| !i.is_empty()));
    let reload = Callback::new(move |_| loaded.refetch());

    view! {
        <a href="/staff/inbox" class="govuk-back-link app-no-print">{tx("Back to the inbox", "Yn ôl i’r mewnflwch")}</a>
        <NoticeBanner notice typed />
        <Transition fallback=Loading>
            {move || {
                loaded
                    .get()
                    .map(|result| match result {
                        Ok(loaded) => view! { <VisitView loaded typed notice issues reload /> }.into_any(),
                        Err(error) if error.status() == Some(404) => view! {
                            <h1 class="govuk-heading-l">{tx("Visit not found", "Heb ddod o hyd i’r ymweliad")}</h1>
                            <p class="govuk-body" id="not-found">
                                {tx("There is no visit at this address in the prisons you work at. Check the link, or search by reference or prison number.", "Nid oes ymweliad yn y cyfeiriad hwn yn y carchardai rydych yn gweithio ynddynt. Gwiriwch y ddolen, neu chwiliwch yn ôl cyfeirnod neu rif carchar.")}
                            </p>
                        }.into_any(),
                        Err(error) => view! {
                            <h1 class="govuk-heading-l">{tx("Visit", "Ymweliad")}</h1>
                            <Failure error retry=reload />
                        }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn VisitView(
    loaded: Loaded,
    typed: Typed,
    notice: RwSignal<Option<Notice>>,
    issues: RwSignal<Vec<Issue>>,
    reload: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let Loaded { visit, places } = loaded;
    let state = visit.state;
    let visit = StoredValue::new(visit);
    let v = visit.get_value();
    let prisoner = format!("{} {}", v.prisoner.first_name, v.prisoner.last_name);
    let prisoner_dob = v.prisoner.date_of_birth;
    let confirm_by = v.confirm_by;
    let created = v.created_at;
    let channel = v.channel;
    let contact_by = v.lead_visitor.contact_by.clone();
    let booked_slot = v.booked_slot;
    let held_slot = v.held_slot;
    let overdue = v.overdue;
    // The reasons the records checks point to start ticked; what staff chose themselves (kept across a reload after
    // a conflict) is left alone.
    let suggested = state == VisitState::Requested && !v.suggested_rejection_reasons.is_empty();
    if suggested && typed.reasons.with_untracked(Vec::is_empty) {
        typed.reasons.set(v.suggested_rejection_reasons.clone());
        if typed.renews_on.with_untracked(String::is_empty)
            && let Some(date) = v.checks.iter().find_map(|c| c.allowance_renews_on)
        {
            typed.renews_on.set(date.format("%Y-%m-%d").to_string());
        }
    }
    view! {
        <span class="govuk-caption-l">{v.prison.name.clone()}</span>
        <h1 class="govuk-heading-l">{prisoner.clone()} " " <span class="app-reference" id="visit-reference">{v.reference.clone()}</span></h1>
        <p class="govuk-body">
            <span id="visit-state"><StateTag state /></span>
            {overdue.then(|| view! { " " <strong class="govuk-tag govuk-tag--red">{tx("Overdue", "Yn hwyr")}</strong> })}
        </p>
        <dl class="govuk-summary-list" id="visit-details">
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Prisoner", "Carcharor")}</dt>
                <dd class="govuk-summary-list__value">
                    {prisoner}<br />{v.prisoner.number.clone()}<br />
                    {tx("Born", "Ganwyd")} " " {move || describe_plain_date(prisoner_dob, lang.get())}
                </dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Visitors", "Ymwelwyr")}</dt>
                <dd class="govuk-summary-list__value">
                    <ul class="govuk-list">
                        {v.visitors.iter().map(|person| {
                            let name = format!("{} {}", person.first_name, person.last_name);
                            let dob = person.date_of_birth;
                            let lead = person.lead;
                            let outcome = person.outcome;
                            view! {
                                <li>
                                    {name} " (" {move || describe_plain_date(dob, lang.get())} ")"
                                    {lead.then(|| view! { " " <span class="govuk-tag govuk-tag--grey">{tx("Lead", "Prif")}</span> })}
                                    {outcome.map(|o| view! { " " <strong class="govuk-tag govuk-tag--red">{move || outcome_label(lang, &o)}</strong> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Contact", "Cyswllt")}</dt>
                <dd class="govuk-summary-list__value app-break">
                    {v.lead_visitor.email.clone()}<br />{v.lead_visitor.phone.clone()}<br />
                    <span id="contact-by">{move || extras::contact_by_label(lang, &contact_by)}</span>
                </dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Support needed", "Cymorth sydd ei angen")}</dt>
                <dd class="govuk-summary-list__value" id="support-needs">
                    <crate::ui::SupportNeedsList needs=v.support_needs.clone() />
                </dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Chosen times", "Amseroedd a ddewiswyd")}</dt>
                <dd class="govuk-summary-list__value">
                    <ol class="govuk-list govuk-list--number">
                        {v.slot_choices.iter().map(|slot| { let slot = *slot; view! { <li>{move || describe_slot(&slot, lang.get())}</li> } }).collect_view()}
                    </ol>
                </dd>
            </div>
            {booked_slot.map(|slot| view! {
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">{tx("Booked for", "Wedi’i drefnu ar gyfer")}</dt>
                    <dd class="govuk-summary-list__value" id="booked-slot">
                        {move || describe_slot(&slot, lang.get())}
                        {visit.with_value(|v| v.closed_visit).then(|| view! { <br /><strong>{tx("Closed visit", "Ymweliad caeedig")}</strong> })}
                        {visit.with_value(|v| v.booking_reference.clone()).map(|r| view! { <br />{tx("Prison reference", "Cyfeirnod y carchar")} ": " {r} })}
                    </dd>
                </div>
            })}
            {held_slot.map(|slot| view! {
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">{tx("Place held", "Lle wedi’i gadw")}</dt>
                    <dd class="govuk-summary-list__value" id="held-slot">
                        {move || describe_slot(&slot, lang.get())}<br />
                        {tx(
                            "A place that came up from the waiting list, kept for this request. Book this time to use it; booking another time or rejecting gives it to the next person waiting.",
                            "Lle a ddaeth ar gael o’r rhestr aros, wedi’i gadw ar gyfer y cais hwn. Trefnwch yr amser hwn i’w ddefnyddio; mae trefnu amser arall neu wrthod yn ei roi i’r person nesaf sy’n aros.",
                        )}
                    </dd>
                </div>
            })}
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Requested", "Gofynnwyd")}</dt>
                <dd class="govuk-summary-list__value">{move || when(lang, created)}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Came in by", "Daeth i mewn drwy")}</dt>
                <dd class="govuk-summary-list__value" id="visit-channel">{move || crate::ui::channel_label(lang, channel)}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Confirm by", "Cadarnhau erbyn")}</dt>
                <dd class="govuk-summary-list__value">{move || describe_plain_date(confirm_by, lang.get())}</dd>
            </div>
        </dl>

        <RecordsChecks checks=v.checks.clone() visitors=v.visitors.clone() suggested />

        {(state == VisitState::Requested).then(|| view! { <DecisionForm visit places typed notice issues reload /> })}
        {(state == VisitState::Booked).then(|| view! { <CancelForm visit typed notice issues reload /> })}

        <h2 class="govuk-heading-m">{tx("Timeline", "Llinell amser")}</h2>
        <ol class="govuk-list app-timeline" id="timeline">
            {v.timeline.iter().map(|entry| {
                let entry = entry.clone();
                let at = entry.at;
                // A closure, so a switch of language rewords "the visitor" or "the service" at once.
                let (actor, name) = (entry.actor, entry.actor_name.clone());
                let by = move || by_name(lang, actor, name.clone());
                let reason = entry.reason.clone();
                view! {
                    <li>
                        <strong>{move || timeline_label(lang, entry.to)}</strong> " " {tx("by", "gan")} " " {by}
                        <br /><span class="govuk-body-s">{move || when(lang, at)}</span>
                        {reason.map(|r| view! { <br /><span class="govuk-body-s">{move || reason_label(lang, &r)}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>

        <h2 class="govuk-heading-m">{tx("Messages", "Negeseuon")}</h2>
        {if v.messages.is_empty() {
            view! { <p class="govuk-body">{tx("No messages.", "Dim negeseuon.")}</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list" id="messages">
                    {v.messages.iter().map(|m| {
                        let at = m.at;
                        let text = m.text.clone();
                        let (actor, name) = (m.author, m.author_name.clone());
                        let author = move || by_name(lang, actor, name.clone());
                        view! { <li class="app-message"><span class="govuk-body-s">{author} ", " {move || when(lang, at)}</span><br /><span class="app-pre">{text}</span></li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        <EmailDeliveries emails=v.emails.clone() />
    }
}

/// Who made a change or wrote a message, for staff: a member of staff by name, an integrator by its API key's name
/// (marked as a key), anyone else by what they are.
fn by_name(lang: Lang, actor: Actor, name: Option<String>) -> String {
    match (actor, name) {
        (Actor::Staff, Some(name)) => name,
        (Actor::Integrator, Some(name)) => format!("{name} ({})", lang.t("API key", "allwedd API")),
        (actor, _) => actor_label(lang, actor).to_string(),
    }
}
