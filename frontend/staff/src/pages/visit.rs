//! One visit: its details, timeline and messages; for a request, the decision (grant one of the chosen times,
//! shown beside the prison's live capacity, or reject with reasons); for a booked visit, cancelling it with a
//! reason. What staff type is kept in this page's signals, outside the loaded visit, so when someone else decided
//! first or the time filled up meanwhile the page reloads the visit and nothing typed is lost.

use chrono::NaiveDate;
use domain::daylist::DayList;
use domain::decision::{DecisionRequest, RejectionReasonInput, StaffCancelRequest, VisitorOutcomeInput};
use domain::error::{ErrorCode, FieldError};
use domain::i18n::{describe_plain_date, describe_slot};
use domain::slot::Slot;
use domain::staff::StaffVisitView;
use domain::visit::{Actor, CancellationReason, RejectionReason, VisitState, VisitorOutcome};
use frontend::api::ApiError;
use frontend::components::focus_id;
use frontend::i18n::{Lang, tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::visit_extras::{EmailDeliveries, RecordsChecks};
use crate::api;
use crate::session::{Session, use_session};
use crate::ui::{
    ErrorSummary, Failure, Issue, Loading, StateTag, field_error, has_issue, problem_text, show_issues, state_label,
    use_title, when,
};

/// Places at one chosen time, from the prison's day list as it is now.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Places {
    /// None when the time is no longer in the timetable.
    open_left: Option<u32>,
    open_capacity: u32,
    closed_left: Option<u32>,
}

impl Places {
    fn left(self, closed_visit: bool) -> u32 {
        if closed_visit { self.closed_left.unwrap_or(0) } else { self.open_left.unwrap_or(0) }
    }
}

fn places_at(list: &DayList, slot: &Slot) -> Places {
    match list.slots.iter().find(|s| s.slot == *slot) {
        Some(day_slot) => {
            let booked = |closed: bool| {
                day_slot.visits.iter().filter(|v| v.state == VisitState::Booked && v.closed_visit == closed).count()
                    as u32
            };
            Places {
                open_left: Some(day_slot.capacity.saturating_sub(booked(false))),
                open_capacity: day_slot.capacity,
                closed_left: Some(day_slot.closed_capacity.saturating_sub(booked(true))),
            }
        }
        None => Places { open_left: None, open_capacity: 0, closed_left: None },
    }
}

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

/// Something that happened to this page's last action, shown as a banner above the visit.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Decided(VisitState),
    Cancelled,
    /// Someone else changed the visit first; it is now in this state.
    Conflict(Option<VisitState>),
    /// The chosen time could not be booked: full, closed that day, gone from the timetable, or already started.
    SlotUnavailable(ErrorCode),
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
    let booked_slot = v.booked_slot;
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
                <dd class="govuk-summary-list__value app-break">{v.lead_visitor.email.clone()}<br />{v.lead_visitor.phone.clone()}</dd>
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
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Requested", "Gofynnwyd")}</dt>
                <dd class="govuk-summary-list__value">{move || when(lang, created)}</dd>
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
                let by = match (entry.actor, entry.actor_name.clone()) {
                    (Actor::Staff, Some(name)) => name,
                    (actor, _) => actor_label(lang, actor).to_string(),
                };
                let reason = entry.reason.clone();
                view! {
                    <li>
                        <strong>{move || timeline_label(lang, entry.to)}</strong> " " {tx("by", "gan")} " " {by.clone()}
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
                        let author = actor_label(lang, m.author);
                        view! { <li class="app-message"><span class="govuk-body-s">{author} ", " {move || when(lang, at)}</span><br /><span class="app-pre">{text}</span></li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        <EmailDeliveries emails=v.emails.clone() />
    }
}

#[component]
fn NoticeBanner(notice: RwSignal<Option<Notice>>, typed: Typed) -> impl IntoView {
    let lang = use_lang();
    move || {
        notice.get().map(|n| {
            let (success, text, kept) = match n {
                Notice::Decided(VisitState::Booked) => (true, lang.t("The visit is booked. The visitor has been told by email.", "Mae’r ymweliad wedi’i drefnu. Mae’r ymwelydd wedi cael gwybod drwy e-bost.").to_string(), false),
                Notice::Decided(_) => (true, lang.t("The request is rejected. The visitor has been told by email.", "Mae’r cais wedi’i wrthod. Mae’r ymwelydd wedi cael gwybod drwy e-bost.").to_string(), false),
                Notice::Cancelled => (true, lang.t("The visit is cancelled and its place is free again. The visitor has been told by email.", "Mae’r ymweliad wedi’i ganslo ac mae ei le ar gael eto. Mae’r ymwelydd wedi cael gwybod drwy e-bost.").to_string(), false),
                Notice::Conflict(current) => {
                    let now = current.map(|s| state_label(lang, s)).unwrap_or_default();
                    let text = if current == Some(VisitState::Requested) {
                        lang.t("Someone else changed this request while you were deciding, so your decision was not saved. It still waits for a decision: check it below and send your decision again. What you typed is kept.", "Newidiodd rhywun arall y cais hwn tra oeddech yn penderfynu, felly ni chadwyd eich penderfyniad. Mae’n dal i aros am benderfyniad: gwiriwch isod ac anfonwch eich penderfyniad eto. Mae’r hyn a deipiwyd gennych wedi’i gadw.").to_string()
                    } else {
                        format!("{} {now}.", lang.t("Someone else decided this request first, so your decision was not saved. It is now:", "Penderfynodd rhywun arall y cais hwn yn gyntaf, felly ni chadwyd eich penderfyniad. Mae bellach:"))
                    };
                    (false, text, current != Some(VisitState::Requested))
                }
                Notice::SlotUnavailable(code) => (false, match code {
                    ErrorCode::SlotClosed => lang.t("The prison is now closed for visits on the day you chose, so the visit was not booked. Choose another time or reject the request. What you typed is kept.", "Mae’r carchar bellach ar gau ar gyfer ymweliadau ar y diwrnod a ddewisoch, felly ni threfnwyd yr ymweliad. Dewiswch amser arall neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                    ErrorCode::SlotNotOffered => lang.t("The timetable no longer has the time you chose, so the visit was not booked. Choose another time or reject the request. What you typed is kept.", "Nid yw’r amserlen yn cynnwys yr amser a ddewisoch mwyach, felly ni threfnwyd yr ymweliad. Dewiswch amser arall neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                    ErrorCode::VisitAlreadyStarted => lang.t("The time you chose has already started or passed, so the visit was not booked. Choose a later time or reject the request. What you typed is kept.", "Mae’r amser a ddewisoch eisoes wedi dechrau neu wedi mynd heibio, felly ni threfnwyd yr ymweliad. Dewiswch amser diweddarach neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                    _ => lang.t("The time you chose filled up while you were deciding, so the visit was not booked. The places below are as they are now: choose another time or reject the request. What you typed is kept.", "Llenwodd yr amser a ddewisoch tra oeddech yn penderfynu, felly ni threfnwyd yr ymweliad. Mae’r lleoedd isod fel y maent nawr: dewiswch amser arall neu gwrthodwch y cais. Mae’r hyn a deipiwyd gennych wedi’i gadw."),
                }.to_string(), false),
            };
            let class = if success { "govuk-notification-banner govuk-notification-banner--success" } else { "govuk-notification-banner" };
            view! {
                <div class=class role=if success { "alert" } else { "region" } aria-labelledby="notice-title" id="notice" tabindex="-1">
                    <div class="govuk-notification-banner__header">
                        <h2 class="govuk-notification-banner__title" id="notice-title">
                            {if success { lang.t("Success", "Llwyddiant") } else { lang.t("Important", "Pwysig") }}
                        </h2>
                    </div>
                    <div class="govuk-notification-banner__content">
                        <p class="govuk-notification-banner__heading" id="notice-text">{text}</p>
                        {kept.then(|| view! { <KeptInput typed /> })}
                    </div>
                </div>
            }
        })
    }
}

/// What the member of staff had typed into a decision that can no longer be sent, so they can copy it.
#[component]
fn KeptInput(typed: Typed) -> impl IntoView {
    let lang = use_lang();
    let decision = typed.decision.get_untracked();
    let slot = typed.slot.get_untracked();
    let message = typed.message.get_untracked();
    let reasons = typed.reasons.get_untracked();
    view! {
        <div id="kept-input">
            <p class="govuk-body">{tx("What you had entered:", "Yr hyn yr oeddech wedi’i nodi:")}</p>
            <ul class="govuk-list govuk-list--bullet">
                {match decision {
                    Some("grant") => Some(view! { <li>{tx("Book", "Trefnu")} " " {move || slot.map(|s| describe_slot(&s, lang.get())).unwrap_or_default()}</li> }.into_any()),
                    Some(_) => Some(view! { <li>{tx("Reject", "Gwrthod")} ": " {move || reasons.iter().map(|r| rejection_label(lang, *r)).collect::<Vec<_>>().join(", ")}</li> }.into_any()),
                    None => None,
                }}
                {optional(message).map(|m| view! { <li>{tx("Message", "Neges")} ": " <span class="app-pre" id="kept-message">{m}</span></li> })}
            </ul>
        </div>
    }
}

fn announce(notice: RwSignal<Option<Notice>>, value: Notice) {
    notice.set(Some(value));
    focus_id("notice".into());
}

/// The server's field errors, each on the part of the form it is about.
fn decision_issues(errors: &[FieldError]) -> Vec<Issue> {
    errors
        .iter()
        .map(|e| {
            let id = if e.field.starts_with("slot") {
                "slots"
            } else if e.field.starts_with("reasons") {
                "reasons"
            } else if e.field.starts_with("booking_reference") {
                "booking-reference"
            } else if e.field.starts_with("message") {
                "message"
            } else if e.field.starts_with("visitor_outcomes") {
                "visitor-outcomes"
            } else {
                "decision"
            };
            Issue::from_field(id, e)
        })
        .collect()
}

#[component]
fn DecisionForm(
    visit: StoredValue<StaffVisitView>,
    places: Vec<Option<Places>>,
    typed: Typed,
    notice: RwSignal<Option<Notice>>,
    issues: RwSignal<Vec<Issue>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let choices = StoredValue::new(visit.with_value(|v| v.slot_choices.clone()));
    let places = StoredValue::new(places);
    let place_of = move |slot: Slot| {
        let index = choices.with_value(|c| c.iter().position(|s| *s == slot));
        places.with_value(|p| index.and_then(|i| p.get(i).copied().flatten()))
    };
    let visitors = visit.with_value(|v| v.visitors.clone());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let expected_version = visit.with_value(|v| v.version);
        let mut outcomes = Vec::new();
        for (index, (kind, until)) in typed.outcomes.get_untracked().into_iter().enumerate() {
            let outcome = match kind.as_str() {
                "banned" => {
                    let date = parse_date(&until);
                    if !until.trim().is_empty() && date.is_none() {
                        found.push(Issue::new(
                            format!("visitor-{index}-until"),
                            "Enter the last day of the ban as a real date",
                            "Rhowch ddiwrnod olaf y gwaharddiad fel dyddiad go iawn",
                        ));
                    }
                    Some(VisitorOutcome::Banned { until: date })
                }
                "not_on_contact_list" => Some(VisitorOutcome::NotOnContactList),
                "other" => Some(VisitorOutcome::Other),
                _ => None,
            };
            if let Some(outcome) = outcome {
                outcomes.push(VisitorOutcomeInput { visitor_index: index, outcome });
            }
        }
        let message = optional(typed.message.get_untracked());
        let decision = match typed.decision.get_untracked() {
            Some("grant") => match typed.slot.get_untracked() {
                Some(slot) => {
                    let closed_visit = typed.closed_visit.get_untracked();
                    if place_of(slot).is_some_and(|p| p.left(closed_visit) == 0) {
                        found.push(Issue::new(
                            "slots",
                            "That time is full. Choose another time or reject the request",
                            "Mae’r amser hwnnw’n llawn. Dewiswch amser arall neu gwrthodwch y cais",
                        ));
                    }
                    Some(DecisionRequest::Grant {
                        slot,
                        closed_visit,
                        booking_reference: optional(typed.booking_reference.get_untracked()),
                        visitor_outcomes: outcomes,
                        message,
                        expected_version,
                    })
                }
                None => {
                    found.push(Issue::new("slots", "Choose the time to book", "Dewiswch yr amser i’w drefnu"));
                    None
                }
            },
            Some(_) => {
                let mut reasons = Vec::new();
                for reason in typed.reasons.get_untracked() {
                    let mut input = RejectionReasonInput { reason, allowance_renews_on: None, detail: None };
                    if reason == RejectionReason::NoAllowance {
                        input.allowance_renews_on = parse_date(&typed.renews_on.get_untracked());
                        if input.allowance_renews_on.is_none() {
                            found.push(Issue::new(
                                "renews-on",
                                "Enter the date the visiting allowance renews",
                                "Rhowch y dyddiad y bydd y lwfans ymweld yn adnewyddu",
                            ));
                        }
                    }
                    if reason == RejectionReason::Other {
                        input.detail = optional(typed.other_detail.get_untracked());
                        if input.detail.is_none() {
                            found.push(Issue::new(
                                "other-detail",
                                "Say why the request is rejected (the visitor will not see this)",
                                "Dywedwch pam y gwrthodir y cais (ni fydd yr ymwelydd yn gweld hyn)",
                            ));
                        }
                    }
                    reasons.push(input);
                }
                if reasons.is_empty() {
                    found.push(Issue::new("reasons", "Choose at least one reason", "Dewiswch o leiaf un rheswm"));
                }
                Some(DecisionRequest::Reject { reasons, visitor_outcomes: outcomes, message, expected_version })
            }
            None => {
                found.push(Issue::new(
                    "decision",
                    "Choose whether to book the visit or reject the request",
                    "Dewiswch a ydych am drefnu’r ymweliad neu wrthod y cais",
                ));
                None
            }
        };
        let Some(decision) = decision.filter(|_| found.is_empty()) else {
            show_issues(issues, found);
            return;
        };
        busy.set(true);
        let id = visit.with_value(|v| v.id);
        spawn_local(async move {
            let result = api::decide(session, id, &decision).await;
            busy.set(false);
            match result {
                Ok(view) => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Decided(view.state));
                    reload.run(());
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::Conflict => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Conflict(problem.current_state));
                    reload.run(());
                }
                Err(ApiError::Problem(problem))
                    if matches!(
                        problem.code,
                        ErrorCode::SlotFull
                            | ErrorCode::SlotClosed
                            | ErrorCode::SlotNotOffered
                            | ErrorCode::VisitAlreadyStarted
                    ) =>
                {
                    issues.set(vec![Issue::new(
                        "slots",
                        "That time can no longer be booked. Choose another time or reject the request",
                        "Nid oes modd trefnu’r amser hwnnw mwyach. Dewiswch amser arall neu gwrthodwch y cais",
                    )]);
                    announce(notice, Notice::SlotUnavailable(problem.code));
                    reload.run(());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(issues, decision_issues(&problem.errors));
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("decision", text.clone(), text)]);
                }
            }
        });
    };

    let slot_error = field_error(issues, "slots");
    let reasons_error = field_error(issues, "reasons");
    let decision_error = field_error(issues, "decision");
    view! {
        <h2 class="govuk-heading-m" id="decide">{tx("Decide", "Penderfynu")}</h2>
        <ErrorSummary issues />
        <form novalidate on:submit=submit id="decision-form" class="app-no-print">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "decision")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("What is your decision?", "Beth yw eich penderfyniad?")}</legend>
                    {decision_error}
                    <div class="govuk-radios govuk-radios--small">
                        <div class="govuk-radios__item">
                            <input class="govuk-radios__input" id="decision" name="decision" type="radio" value="grant"
                                prop:checked=move || typed.decision.get() == Some("grant")
                                on:change=move |_| typed.decision.set(Some("grant")) />
                            <label class="govuk-label govuk-radios__label" for="decision">{tx("Book one of the chosen times", "Trefnu un o’r amseroedd a ddewiswyd")}</label>
                        </div>
                        <div class="govuk-radios__item">
                            <input class="govuk-radios__input" id="decision-reject" name="decision" type="radio" value="reject"
                                prop:checked=move || typed.decision.get() == Some("reject")
                                on:change=move |_| typed.decision.set(Some("reject")) />
                            <label class="govuk-label govuk-radios__label" for="decision-reject">{tx("Reject the request", "Gwrthod y cais")}</label>
                        </div>
                    </div>
                </fieldset>
            </div>

            <Show when=move || typed.decision.get() == Some("grant")>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "slots")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Which time?", "Pa amser?")}</legend>
                        <div class="govuk-hint">{tx("Places left now, for open visits and for closed visits. Full times cannot be chosen.", "Lleoedd ar ôl nawr, ar gyfer ymweliadau agored ac ymweliadau caeedig. Ni ellir dewis amseroedd llawn.")}</div>
                        {slot_error}
                        <div class="govuk-radios govuk-radios--small" id="slot-choices">
                            {choices.get_value().iter().enumerate().map(|(i, slot)| {
                                let slot = *slot;
                                let id = if i == 0 { "slots".to_string() } else { format!("slots-{i}") };
                                let place = place_of(slot);
                                let full = move || place.is_some_and(|p| p.left(typed.closed_visit.get()) == 0);
                                let hint_id = format!("{id}-hint");
                                view! {
                                    <div class="govuk-radios__item app-slot-choice" class:app-slot-choice--full=full>
                                        <input class="govuk-radios__input" id=id.clone() name="slot" type="radio"
                                            aria-describedby=hint_id.clone()
                                            prop:disabled=full
                                            prop:checked=move || typed.slot.get() == Some(slot)
                                            on:change=move |_| typed.slot.set(Some(slot)) />
                                        <label class="govuk-label govuk-radios__label" for=id>
                                            {move || format!("{}: {}", ordinal(lang, i), describe_slot(&slot, lang.get()))}
                                        </label>
                                        <div class="govuk-hint govuk-radios__hint app-places" id=hint_id>
                                            {move || places_text(lang, place, typed.closed_visit.get())}
                                        </div>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <div class="govuk-form-group">
                    <div class="govuk-checkboxes govuk-checkboxes--small">
                        <div class="govuk-checkboxes__item">
                            <input class="govuk-checkboxes__input" id="closed-visit" type="checkbox"
                                prop:checked=typed.closed_visit on:change=move |ev| typed.closed_visit.set(event_target_checked(&ev)) />
                            <label class="govuk-label govuk-checkboxes__label" for="closed-visit">{tx("Closed visit (no contact, across a screen)", "Ymweliad caeedig (dim cyswllt, ar draws sgrin)")}</label>
                        </div>
                    </div>
                </div>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "booking-reference")>
                    <label class="govuk-label" for="booking-reference">{tx("The prison’s booking reference (optional)", "Cyfeirnod archebu’r carchar (dewisol)")}</label>
                    {field_error(issues, "booking-reference")}
                    <input class="govuk-input govuk-input--width-20" id="booking-reference" type="text" maxlength="30" spellcheck="false"
                        prop:value=typed.booking_reference on:input=move |ev| typed.booking_reference.set(event_target_value(&ev)) />
                </div>
            </Show>

            <Show when=move || typed.decision.get() == Some("reject")>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "reasons")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Why is it rejected?", "Pam y caiff ei wrthod?")}</legend>
                        <div class="govuk-hint">{tx("Choose all that apply. The visitor is told in plain words.", "Dewiswch bob un sy’n berthnasol. Caiff yr ymwelydd wybod mewn geiriau syml.")}</div>
                        {reasons_error}
                        <div class="govuk-checkboxes govuk-checkboxes--small">
                            {RejectionReason::ALL.into_iter().enumerate().map(|(i, reason)| {
                                let id = if i == 0 { "reasons".to_string() } else { format!("reason-{}", reason.as_str()) };
                                let checked = move || typed.reasons.with(|r| r.contains(&reason));
                                view! {
                                    <div class="govuk-checkboxes__item">
                                        <input class="govuk-checkboxes__input" id=id.clone() type="checkbox" value=reason.as_str()
                                            prop:checked=checked
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                typed.reasons.update(|r| {
                                                    r.retain(|x| *x != reason);
                                                    if on { r.push(reason); }
                                                });
                                            } />
                                        <label class="govuk-label govuk-checkboxes__label" for=id>{move || rejection_label(lang, reason)}</label>
                                    </div>
                                    {(reason == RejectionReason::NoAllowance).then(|| view! {
                                        <Show when=checked>
                                            <div class="govuk-checkboxes__conditional" class:govuk-form-group--error=has_issue(issues, "renews-on")>
                                                <label class="govuk-label" for="renews-on">{tx("Date the allowance renews", "Dyddiad adnewyddu’r lwfans")}</label>
                                                {field_error(issues, "renews-on")}
                                                <input class="govuk-input govuk-input--width-10" id="renews-on" type="date"
                                                    prop:value=typed.renews_on on:input=move |ev| typed.renews_on.set(event_target_value(&ev)) />
                                            </div>
                                        </Show>
                                    })}
                                    {(reason == RejectionReason::Other).then(|| view! {
                                        <Show when=checked>
                                            <div class="govuk-checkboxes__conditional" class:govuk-form-group--error=has_issue(issues, "other-detail")>
                                                <label class="govuk-label" for="other-detail">{tx("Why (only staff see this)", "Pam (dim ond staff sy’n gweld hyn)")}</label>
                                                {field_error(issues, "other-detail")}
                                                <textarea class="govuk-textarea" id="other-detail" rows="2" maxlength="500"
                                                    prop:value=typed.other_detail on:input=move |ev| typed.other_detail.set(event_target_value(&ev))></textarea>
                                            </div>
                                        </Show>
                                    })}
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
            </Show>

            <Show when=move || typed.decision.get().is_some()>
                <div class="govuk-form-group" id="visitor-outcomes" tabindex="-1">
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Can each visitor come?", "A all pob ymwelydd ddod?")}</legend>
                        <div class="govuk-hint">{tx("If the lead visitor, or every visitor, cannot come, the request is rejected.", "Os na all y prif ymwelydd, neu bob ymwelydd, ddod, caiff y cais ei wrthod.")}</div>
                        {visitors.iter().map(|person| {
                            let index = person.index;
                            let name = format!("{} {}", person.first_name, person.last_name);
                            let select_id = format!("visitor-{index}-outcome");
                            let until_id = format!("visitor-{index}-until");
                            view! {
                                <div class="govuk-form-group app-visitor-outcome">
                                    <label class="govuk-label" for=select_id.clone()>{name}</label>
                                    <select class="govuk-select" id=select_id
                                        on:change=move |ev| typed.set_outcome(index, Some(event_target_value(&ev)), None)>
                                        {[("", ("Can come", "Yn gallu dod")), ("banned", ("Banned", "Wedi’i wahardd")), ("not_on_contact_list", ("Not on the approved contact list", "Ddim ar y rhestr gysylltiadau gymeradwy")), ("other", ("Cannot come for another reason", "Methu dod am reswm arall"))]
                                            .into_iter()
                                            .map(|(value, label)| view! {
                                                <option value=value selected=move || typed.outcome(index).0 == value>{move || lang.t(label.0, label.1)}</option>
                                            })
                                            .collect_view()}
                                    </select>
                                    <Show when=move || typed.outcome(index).0 == "banned">
                                        <label class="govuk-label govuk-!-margin-top-2" for=until_id.clone()>{tx("Last day of the ban (optional)", "Diwrnod olaf y gwaharddiad (dewisol)")}</label>
                                        <input class="govuk-input govuk-input--width-10" id=until_id.clone() type="date"
                                            prop:value=move || typed.outcome(index).1
                                            on:input=move |ev| typed.set_outcome(index, None, Some(event_target_value(&ev))) />
                                    </Show>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                </div>
                <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "message")>
                    <label class="govuk-label govuk-label--s" for="message">{tx("Message to the visitor (optional)", "Neges i’r ymwelydd (dewisol)")}</label>
                    <div class="govuk-hint" id="message-hint">{tx("Sent with the email telling them your decision.", "Caiff ei hanfon gyda’r e-bost yn rhoi gwybod iddynt am eich penderfyniad.")}</div>
                    {field_error(issues, "message")}
                    <textarea class="govuk-textarea" id="message" rows="3" maxlength="1000" aria-describedby="message-hint"
                        prop:value=typed.message on:input=move |ev| typed.message.set(event_target_value(&ev))></textarea>
                </div>
            </Show>
            <button type="submit" class="govuk-button" id="send-decision" aria-disabled=move || busy.get().then_some("true")>
                {move || if busy.get() { lang.t("Sending…", "Wrthi’n anfon…") } else { lang.t("Send decision", "Anfon y penderfyniad") }}
            </button>
        </form>
    }
}

fn ordinal(lang: Lang, i: usize) -> &'static str {
    match i {
        0 => lang.t("1st choice", "Dewis cyntaf"),
        1 => lang.t("2nd choice", "Ail ddewis"),
        _ => lang.t("3rd choice", "Trydydd dewis"),
    }
}

fn places_text(lang: Lang, place: Option<Places>, closed_visit: bool) -> String {
    match place {
        None => lang.t("Places unknown: check the day list", "Lleoedd yn anhysbys: gwiriwch restr y dydd").to_string(),
        Some(Places { open_left: None, .. }) => {
            lang.t("Full: no visiting at this time any more", "Llawn: dim ymweld ar yr amser hwn mwyach").to_string()
        }
        Some(p) if p.left(closed_visit) == 0 => {
            if closed_visit {
                lang.t("Full for closed visits", "Llawn ar gyfer ymweliadau caeedig").to_string()
            } else {
                lang.t("Full", "Llawn").to_string()
            }
        }
        Some(p) => format!(
            "{} {} {} {} ({} {})",
            p.open_left.unwrap_or(0),
            lang.t("of", "o"),
            p.open_capacity,
            lang.t("places left", "lle ar ôl"),
            lang.t("closed visits:", "ymweliadau caeedig:"),
            p.closed_left.unwrap_or(0)
        ),
    }
}

#[component]
fn CancelForm(
    visit: StoredValue<StaffVisitView>,
    typed: Typed,
    notice: RwSignal<Option<Notice>>,
    issues: RwSignal<Vec<Issue>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(reason) = typed.cancel_reason.get_untracked() else {
            show_issues(
                issues,
                vec![Issue::new(
                    "cancel-reason",
                    "Choose why the visit is cancelled",
                    "Dewiswch pam y caiff yr ymweliad ei ganslo",
                )],
            );
            return;
        };
        let request = StaffCancelRequest {
            reason,
            message: optional(typed.cancel_message.get_untracked()),
            expected_version: visit.with_value(|v| v.version),
        };
        let id = visit.with_value(|v| v.id);
        busy.set(true);
        spawn_local(async move {
            let result = api::cancel(session, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Cancelled);
                    reload.run(());
                }
                Err(ApiError::Problem(problem)) if problem.status == 409 => {
                    issues.set(Vec::new());
                    announce(notice, Notice::Conflict(problem.current_state));
                    reload.run(());
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("cancel-reason", text.clone(), text)]);
                }
            }
        });
    };
    view! {
        <details class="govuk-details app-no-print" id="cancel-details">
            <summary class="govuk-details__summary">
                <span class="govuk-details__summary-text">{tx("Cancel this visit", "Canslo’r ymweliad hwn")}</span>
            </summary>
            <div class="govuk-details__text">
                <ErrorSummary issues />
                <form novalidate on:submit=submit id="cancel-form">
                    <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "cancel-reason")>
                        <fieldset class="govuk-fieldset">
                            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Why is it cancelled?", "Pam y caiff ei ganslo?")}</legend>
                            {field_error(issues, "cancel-reason")}
                            <div class="govuk-radios govuk-radios--small">
                                {CancellationReason::STAFF.into_iter().enumerate().map(|(i, reason)| {
                                    let id = if i == 0 { "cancel-reason".to_string() } else { format!("cancel-{}", reason.as_str()) };
                                    view! {
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id=id.clone() name="cancel-reason" type="radio" value=reason.as_str()
                                                prop:checked=move || typed.cancel_reason.get() == Some(reason)
                                                on:change=move |_| typed.cancel_reason.set(Some(reason)) />
                                            <label class="govuk-label govuk-radios__label" for=id>{move || cancellation_label(lang, reason)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="cancel-message">{tx("Message to the visitor (optional)", "Neges i’r ymwelydd (dewisol)")}</label>
                        <textarea class="govuk-textarea" id="cancel-message" rows="3" maxlength="1000"
                            prop:value=typed.cancel_message on:input=move |ev| typed.cancel_message.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit" class="govuk-button govuk-button--warning" id="cancel-visit" aria-disabled=move || busy.get().then_some("true")>
                        {tx("Cancel the visit", "Canslo’r ymweliad")}
                    </button>
                </form>
            </div>
        </details>
    }
}

fn timeline_label(lang: Lang, state: VisitState) -> &'static str {
    match state {
        VisitState::Requested => lang.t("Requested", "Gofynnwyd amdano"),
        other => state_label(lang, other),
    }
}

fn actor_label(lang: Lang, actor: Actor) -> &'static str {
    match actor {
        Actor::Visitor => lang.t("the visitor", "yr ymwelydd"),
        Actor::Staff => lang.t("staff", "staff"),
        Actor::Integrator => lang.t("another system", "system arall"),
        Actor::System => lang.t("the service", "y gwasanaeth"),
    }
}

fn outcome_label(lang: Lang, outcome: &VisitorOutcome) -> String {
    match outcome {
        VisitorOutcome::Banned { until: Some(until) } => {
            format!("{} {}", lang.t("Banned until", "Wedi’i wahardd tan"), describe_plain_date(*until, lang.get()))
        }
        VisitorOutcome::Banned { until: None } => lang.t("Banned", "Wedi’i wahardd").into(),
        VisitorOutcome::NotOnContactList => lang.t("Not on contact list", "Ddim ar y rhestr gysylltiadau").into(),
        VisitorOutcome::Other => lang.t("Cannot come", "Methu dod").into(),
    }
}

fn reason_label(lang: Lang, wire: &str) -> String {
    if let Ok(reason) = wire.parse::<RejectionReason>() {
        rejection_label(lang, reason).into()
    } else if let Ok(reason) = wire.parse::<CancellationReason>() {
        cancellation_label(lang, reason).into()
    } else {
        wire.to_string()
    }
}

pub fn rejection_label(lang: Lang, reason: RejectionReason) -> &'static str {
    match reason {
        RejectionReason::SlotUnavailable => {
            lang.t("None of the chosen times is available", "Nid oes unrhyw un o’r amseroedd a ddewiswyd ar gael")
        }
        RejectionReason::NoAllowance => lang.t("No visiting allowance left", "Dim lwfans ymweld ar ôl"),
        RejectionReason::PrisonerDetailsIncorrect => {
            lang.t("Prisoner details are incorrect", "Mae manylion y carcharor yn anghywir")
        }
        RejectionReason::PrisonerMoved => lang.t("Prisoner has moved", "Mae’r carcharor wedi symud"),
        RejectionReason::PrisonerReleased => lang.t("Prisoner has been released", "Mae’r carcharor wedi’i ryddhau"),
        RejectionReason::PrisonerOutOfPrison => {
            lang.t("Prisoner is out of prison at those times", "Bydd y carcharor allan o’r carchar ar yr adegau hynny")
        }
        RejectionReason::PrisonerNonAssociation => {
            lang.t("Prisoner non-association", "Gwahardd cysylltiad â charcharor")
        }
        RejectionReason::ChildProtectionIssues => lang.t("Child protection issues", "Materion amddiffyn plant"),
        RejectionReason::VisitorBanned => lang.t("A visitor is banned", "Mae ymwelydd wedi’i wahardd"),
        RejectionReason::VisitorNotOnContactList => lang
            .t("A visitor is not on the approved contact list", "Nid yw ymwelydd ar y rhestr gysylltiadau gymeradwy"),
        RejectionReason::DuplicateRequest => lang.t("Duplicate request", "Cais dyblyg"),
        RejectionReason::Other => lang.t(
            "Other (the visitor is told to contact the prison)",
            "Arall (dywedir wrth yr ymwelydd am gysylltu â’r carchar)",
        ),
    }
}

pub fn cancellation_label(lang: Lang, reason: CancellationReason) -> &'static str {
    match reason {
        CancellationReason::PrisonerHasNoVisitingOrders => {
            lang.t("Prisoner has no visiting orders left", "Nid oes gan y carcharor orchmynion ymweld ar ôl")
        }
        CancellationReason::PrisonerReleased => lang.t("Prisoner has been released", "Mae’r carcharor wedi’i ryddhau"),
        CancellationReason::PrisonerMoved => lang.t("Prisoner has moved", "Mae’r carcharor wedi symud"),
        CancellationReason::NonAssociation => lang.t("Non-association", "Gwahardd cysylltiad"),
        CancellationReason::ChildProtectionIssues => lang.t("Child protection issues", "Materion amddiffyn plant"),
        CancellationReason::SlotUnavailable => {
            lang.t("The visit time is no longer available", "Nid yw amser yr ymweliad ar gael mwyach")
        }
        CancellationReason::VisitorBanned => lang.t("A visitor is banned", "Mae ymwelydd wedi’i wahardd"),
        CancellationReason::PrisonerCancelled => {
            lang.t("Prisoner cancelled the visit", "Canslodd y carcharor yr ymweliad")
        }
        CancellationReason::BookedInError => lang.t("Booked in error", "Wedi’i drefnu trwy gamgymeriad"),
        CancellationReason::CapacityIssues => lang.t("Capacity issues", "Problemau capasiti"),
        CancellationReason::VisitorCancelled => lang.t("The visitor cancelled", "Canslodd yr ymwelydd"),
    }
}
