//! A visitor's request: submit it (once, however often the phone retries), follow it, withdraw or cancel it.

use chrono::{DateTime, Duration, Utc};
use domain::api::{
    CreateVisitRequest, ExcludedVisitor, MessageView, StateChangeView, VisitCreated, VisitStatus, VisitorReason,
    VisitorView,
};
use domain::calendar::{
    BookingWindow, all_fully_booked, availability, check_slot_choices, check_waiting_list_choices,
    first_available_choice,
};
use domain::email::EmailKind;
use domain::error::{FieldError, FieldErrorCode};
use domain::events::{EventType, VisitEventData};
use domain::records::{CheckKind, CheckOutcome, CheckRequest, CheckResult, Person};
use domain::request::{ValidVisitRequest, parse_visit_request};
use domain::slot::Slot;
use domain::types::Reference;
use domain::visit::{Actor, Channel, VisitState, visitor_can_cancel, visitor_can_withdraw};
use sea_orm::{DatabaseConnection, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::store::VisitRow;
use super::tokens;
use crate::auth::{Credential, Principal};
use crate::db;
use crate::error::ApiError;
use crate::outbox::store::NewMessage;
use crate::prisons::places::Places;
use crate::rate_limits::{self, Limit};
use crate::state::AppState;

/// A valid `Idempotency-Key`: 1 to 255 visible ASCII characters.
pub fn parse_idempotency_key(raw: &str) -> Result<String, ApiError> {
    let key = raw.trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::InvalidIdempotencyKey);
    }
    Ok(key.to_owned())
}

/// Who is asking for a visit: the timeline's first actor (and its name, for staff and keys), and the credential an
/// `Idempotency-Key` is scoped to, so that the same key string from two credentials makes two visits.
#[derive(Debug, Clone)]
pub struct Requester {
    pub actor: Actor,
    pub actor_name: Option<String>,
    pub credential: Credential,
    /// How the request came in (stored on the visit).
    pub channel: Channel,
}

impl Requester {
    /// An anonymous visitor (the web app).
    pub fn visitor() -> Requester {
        Requester {
            actor: Actor::Visitor,
            actor_name: None,
            credential: Credential::Visitor,
            channel: Channel::Website,
        }
    }

    /// A member of staff or an integrator's key.
    pub fn principal(principal: &Principal) -> Requester {
        Requester {
            actor: principal.actor(),
            actor_name: Some(principal.actor_name().to_owned()),
            credential: principal.credential(),
            // A key is an integrator; staff through the visitor's endpoint are the website (booking on a
            // visitor's behalf sets the channel they chose).
            channel: if principal.actor() == Actor::Integrator { Channel::Integrator } else { Channel::Website },
        }
    }
}

pub struct Created {
    pub visit: VisitCreated,
    /// True when this answers a retry of a request already made (nothing new was written).
    pub replayed: bool,
}

/// Requests per client address are counted over this long...
const ADDRESS_WINDOW: Duration = Duration::hours(1);
/// ...and per prisoner and per lead visitor's email over this long.
const PARTY_WINDOW: Duration = Duration::hours(24);

/// The limits a new request counts against (OWASP API6: a script must not take every place or mail strangers).
fn request_limits(state: &AppState, valid: &ValidVisitRequest, address: Option<&str>) -> Vec<Limit> {
    let limits = &state.limits;
    let prisoner = format!("{}:{}", valid.prison_id, valid.prisoner.number.as_str());
    let email = valid.lead_visitor.email.as_str().to_lowercase();
    address
        .map(|a| Limit::new("visit-request:address", a, limits.visit_requests_per_address, ADDRESS_WINDOW))
        .into_iter()
        .chain([
            Limit::new("visit-request:prisoner", &prisoner, limits.visit_requests_per_prisoner, PARTY_WINDOW),
            Limit::new("visit-request:email", &email, limits.visit_requests_per_email, PARTY_WINDOW),
        ])
        .collect()
}

/// Checks every rule and the request limits, then writes the visit, its visitors, its choices, its first state
/// change and its idempotency key in one transaction. A request that breaks a rule is not counted, nor is a retry
/// with an `Idempotency-Key` already used; past a limit the answer is [`ApiError::RateLimited`].
pub async fn create(
    state: &AppState,
    request: CreateVisitRequest,
    idempotency_key: Option<String>,
    requester: &Requester,
    address: Option<String>,
) -> Result<Created, ApiError> {
    let request_hash = fingerprint(&request)?;
    let credential = requester.credential.stored();
    if let Some(key) = &idempotency_key
        && let Some(replay) = replay(state, &credential, key, &request_hash).await?
    {
        return Ok(replay);
    }

    let prison = crate::prisons::store::find(&state.db, request.prison_id).await?.ok_or_else(|| {
        ApiError::validation(FieldError::new(
            "prison_id",
            FieldErrorCode::UnknownPrison,
            "Choose a prison from the list",
        ))
    })?;
    let now = state.clock.now();
    let window = BookingWindow::at(now, &prison.rules, state.holidays);
    let valid = parse_visit_request(&request, &prison.rules, window.today).map_err(ApiError::Validation)?;

    // Live availability for the chosen dates only: three small queries whatever the number of slots.
    let first = valid.slots.iter().map(|s| s.date).min().unwrap_or(window.today);
    let last = valid.slots.iter().map(|s| s.date).max().unwrap_or(window.today);
    let timetable = crate::prisons::store::timetable(&state.db, prison.id, first, last).await?;
    let booked = crate::prisons::store::booked_counts(&state.db, prison.id, first, last).await?;
    let days = availability(&window, &timetable, first, last, &booked);
    // Joining the waiting list: every rule of a request, except that each chosen time must be full.
    let waiting = request.waiting_list;
    let slot_errors =
        if waiting { check_waiting_list_choices(&valid.slots, &days) } else { check_slot_choices(&valid.slots, &days) };
    if !slot_errors.is_empty() {
        return Err(ApiError::Validation(slot_errors));
    }
    if waiting {
        // Times with no places for open visits at all (closed visits only). The prisoner's own line is checked in
        // the transaction (see `insert`), where joins sent at once see each other.
        let errors = domain::waiting_list::check_joining(&valid.slots, &[], &timetable, now);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
    }
    let limits = request_limits(state, &valid, address.as_deref());

    // Instant booking: the visitor's choices that have room now, most wanted first, with their places.
    let instant: Vec<(Slot, Places)> = if prison.rules.instant_booking && !waiting {
        valid
            .slots
            .iter()
            .filter(|choice| first_available_choice(std::slice::from_ref(choice), &days).is_some())
            .filter_map(|choice| {
                let s = timetable.slots_on(choice.date).into_iter().find(|s| s.slot == *choice)?;
                Some((*choice, Places { open: s.capacity, closed: s.closed_capacity }))
            })
            .collect()
    } else {
        Vec::new()
    };

    let checks = records_checks(state, &prison.code, &valid, window.today).await?;
    let details_match = checks.as_ref().and_then(|(results, _)| {
        results.iter().find(|r| r.check == CheckKind::PrisonerDetails).and_then(|r| match r.outcome {
            CheckOutcome::Pass => Some(true),
            CheckOutcome::Fail => Some(false),
            CheckOutcome::Unknown => None,
        })
    });

    // A reference is random; on the rare collision with an existing one, draw again.
    for _ in 0..5 {
        let id = Uuid::new_v4();
        let reference = Reference::from_bytes(rand::random()).to_string();
        let token = state.tokens.status_token(id);
        let token_hash = tokens::hash(&token);
        let new_visit = super::store::NewVisit {
            id,
            reference: &reference,
            request: &valid,
            token_hash: &token_hash,
            confirm_by: window.confirm_by,
            actor: requester.actor,
            actor_name: requester.actor_name.as_deref(),
            channel: requester.channel,
            now,
            records_checks: checks.as_ref().map(|(_, json)| json.as_str()),
            state: if waiting { VisitState::Waiting } else { VisitState::Requested },
        };
        let idempotency = idempotency_key.as_deref().map(|key| (credential.as_str(), key));
        match insert(&state.db, &new_visit, idempotency, &request_hash, &instant, &limits).await {
            Ok(Written::OverLimit(refused)) => {
                tracing::warn!(prison_id = %prison.id, "visit request refused: over a request limit");
                return Err(ApiError::RateLimited { retry_after_secs: refused.retry_after_secs });
            }
            // Other visitors took the last places since the check above: the answer the check gives when they
            // were gone before, and nothing is kept.
            Ok(Written::NoPlaceLeft) => return Err(ApiError::Validation(all_fully_booked(&valid.slots))),
            // The same prisoner joined the line for one of these times meanwhile (another tab, another relative).
            Ok(Written::AlreadyWaiting(held)) => {
                return Err(ApiError::Validation(domain::waiting_list::check_joining(
                    &valid.slots,
                    &held,
                    &timetable,
                    now,
                )));
            }
            Ok(Written::Visit(visit_state)) => {
                tracing::info!(visit_id = %id, reference = %reference, prison_id = %prison.id, state = visit_state.as_str(), "visit requested");
                let mut visit = created(&state.tokens, id, reference, visit_state, window.confirm_by, now);
                visit.prisoner_details_match = details_match;
                return Ok(Created { visit, replayed: false });
            }
            // A concurrent retry with the same Idempotency-Key won: answer as it was answered.
            Err(e) if db::violates(&e, db::UniqueKey::IdempotencyKey) => {
                if let Some(key) = &idempotency_key
                    && let Some(replay) = replay(state, &credential, key, &request_hash).await?
                {
                    return Ok(replay);
                }
                return Err(anyhow::Error::new(e).context("the Idempotency-Key was taken but holds no answer").into());
            }
            Err(e) if db::violates(&e, db::UniqueKey::VisitReference) => {
                tracing::warn!(reference = %reference, "reference collision; drawing another");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!("could not draw an unused reference")))
}

/// The prisoner checks against the prison's records, with their JSON, when a records service is configured.
/// Unreachable records give "unknown" for every check: never a refusal.
async fn records_checks(
    state: &AppState,
    prison_code: &str,
    valid: &domain::request::ValidVisitRequest,
    today: chrono::NaiveDate,
) -> Result<Option<(Vec<CheckResult>, String)>, ApiError> {
    if matches!(state.records, crate::records::Records::None) {
        return Ok(None);
    }
    let lead = &valid.lead_visitor;
    let visitors: Vec<Person<'_>> = std::iter::once(Person {
        first_name: lead.first_name.as_str(),
        last_name: lead.last_name.as_str(),
        date_of_birth: lead.date_of_birth,
    })
    .chain(valid.other_visitors.iter().map(|v| Person {
        first_name: v.first_name.as_str(),
        last_name: v.last_name.as_str(),
        date_of_birth: v.date_of_birth,
    }))
    .collect();
    let request = CheckRequest {
        prisoner: Person {
            first_name: valid.prisoner.first_name.as_str(),
            last_name: valid.prisoner.last_name.as_str(),
            date_of_birth: valid.prisoner.date_of_birth,
        },
        prisoner_number: valid.prisoner.number.as_str(),
        prison_code,
        slots: &valid.slots,
        visitors: &visitors,
        today,
    };
    let results = state.records.check(&request).await;
    let json = serde_json::to_string(&results).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Some((results, json)))
}

/// What [`insert`] did.
enum Written {
    /// The request was written and ended in this state.
    Visit(VisitState),
    /// Nothing was written: the request is over one of its limits.
    OverLimit(rate_limits::Refused),
    /// Nothing was written: the prison books instantly and none of the choices had a place left.
    NoPlaceLeft,
    /// Nothing was written: the prisoner already waits for (or has a visit at) these of the times chosen.
    AlreadyWaiting(Vec<Slot>),
}

/// Writes the request; with instant booking, also books the first of `instant` (choice, places in the timetable read)
/// that still has a place, in the same transaction, and writes nothing when none has. Also writes nothing when the
/// request is over one of `limits`.
///
/// The limits are counted in this transaction, after the idempotency key: a concurrent retry of the same request
/// waits on that key and becomes a replay before it counts, and a request that is refused or fails counts nothing.
/// The counters are always taken in the same order (address, prisoner, email, then slots), so two requests never
/// wait on each other crosswise.
async fn insert(
    db: &DatabaseConnection,
    visit: &super::store::NewVisit<'_>,
    idempotency: Option<(&str, &str)>,
    request_hash: &str,
    instant: &[(Slot, Places)],
    limits: &[Limit],
) -> Result<Written, sea_orm::DbErr> {
    let tx = db.begin().await?;
    let prisoner_number = visit.request.prisoner.number.as_str();
    if visit.state == VisitState::Waiting {
        crate::waiting_list::store::lock_prisoners_line(&tx, visit.request.prison_id, prisoner_number).await?;
    }
    super::store::insert(&tx, visit).await?;
    if let Some((credential, key)) = idempotency {
        super::store::insert_idempotency_key(&tx, credential, key, request_hash, visit.id, visit.now).await?;
    }
    if let Err(refused) = rate_limits::reserve_on(&tx, visit.now, limits).await? {
        tx.rollback().await?;
        return Ok(Written::OverLimit(refused));
    }
    if visit.state == VisitState::Waiting {
        // Checked again here, after the line's lock: joins sent at the same moment see each other.
        let (prison_id, slots) = (visit.request.prison_id, &visit.request.slots);
        let held =
            crate::waiting_list::store::prisoner_has(&tx, prison_id, prisoner_number, slots, Some(visit.id)).await?;
        if !held.is_empty() {
            tx.rollback().await?;
            return Ok(Written::AlreadyWaiting(held));
        }
        let state = join_waiting_list(&tx, visit).await?;
        tx.commit().await?;
        return Ok(Written::Visit(state));
    }
    let mut state = VisitState::Requested;
    let mut booked_slot = None;
    for (i, (slot, places)) in instant.iter().enumerate() {
        // The same conditional counter as a staff grant: never past capacity, whoever else is booking, and the
        // slot's own capacity (stamped by any timetable change since the timetable was read) decides.
        //
        // A refused attempt can still hold the slot's row: PostgreSQL locks a row it waited for before checking it
        // again, and keeps the lock when the check then fails. Holding it while waiting for the next choice could
        // deadlock with a timetable change stamping both, so every attempt but the last runs under a savepoint
        // whose rollback lets the row go.
        let prison_id = visit.request.prison_id;
        let taken = if i + 1 < instant.len() {
            let attempt = tx.begin().await?;
            let taken = crate::prisons::places::take_place(&attempt, prison_id, *slot, false, *places).await?;
            if taken {
                attempt.commit().await?
            } else {
                attempt.rollback().await?
            }
            taken
        } else {
            crate::prisons::places::take_place(&tx, prison_id, *slot, false, *places).await?
        };
        if taken {
            super::store::book(&tx, visit.id, 0, *slot, false, None, Actor::System, None, visit.now).await?;
            state = VisitState::Booked;
            booked_slot = Some(*slot);
            break;
        }
    }
    if !instant.is_empty() && state != VisitState::Booked {
        tx.rollback().await?;
        return Ok(Written::NoPlaceLeft);
    }
    // The emails, in the same transaction: the visit and its messages exist together or not at all.
    let payload = crate::outbox::store::visit_payload(visit.now, None);
    let kind = if state == VisitState::Booked { EmailKind::Booked } else { EmailKind::RequestReceived };
    crate::outbox::store::enqueue(&tx, NewMessage::about_visit(visit.id, kind, payload.clone()), visit.now).await?;
    let prison_id = visit.request.prison_id;
    if crate::outbox::store::prison_wants_each_request(&tx, prison_id).await? {
        let message = NewMessage {
            prison_id: Some(prison_id),
            ..NewMessage::about_visit(visit.id, EmailKind::PrisonNewRequest, payload)
        };
        crate::outbox::store::enqueue(&tx, message, visit.now).await?;
    }
    // The integrators' event, last before commit (see `crate::events`): an instant booking is `visit.booked` alone.
    let data = VisitEventData {
        visit_id: visit.id,
        reference: visit.reference.to_owned(),
        prison_id,
        state,
        version: i32::from(booked_slot.is_some()),
        booked_slot,
        actor: if booked_slot.is_some() { Actor::System } else { visit.actor },
        message_id: None,
    };
    let event_type = if booked_slot.is_some() { EventType::VisitBooked } else { EventType::VisitRequested };
    crate::events::record(&tx, crate::events::NewEvent::about_visit(event_type, &data), visit.now).await?;
    tx.commit().await?;
    Ok(Written::Visit(state))
}

/// Puts a new visit (written in `tx`, in the `waiting` state) at the end of its prison's line, with its email and
/// event. A place may have come free since its times were read as full (nobody was waiting for it then): each of its
/// times is offered once more, first in line first, so a place is never left free while someone waits for it.
/// Returns the visit's state after that: `waiting`, or `booked`/`requested` when the place went to this visit.
async fn join_waiting_list(
    tx: &sea_orm::DatabaseTransaction,
    visit: &super::store::NewVisit<'_>,
) -> Result<VisitState, sea_orm::DbErr> {
    let prison_id = visit.request.prison_id;
    crate::waiting_list::store::join(tx, visit.id, prison_id, visit.now).await?;
    let payload = crate::outbox::store::visit_payload(visit.now, None);
    crate::outbox::store::enqueue(
        tx,
        NewMessage::about_visit(visit.id, EmailKind::WaitingListJoined, payload),
        visit.now,
    )
    .await?;
    let data = VisitEventData {
        visit_id: visit.id,
        reference: visit.reference.to_owned(),
        prison_id,
        state: VisitState::Waiting,
        version: 0,
        booked_slot: None,
        actor: visit.actor,
        message_id: None,
    };
    let mut events = vec![crate::events::NewEvent::about_visit(EventType::VisitWaiting, &data)];
    let mut state = VisitState::Waiting;
    for slot in &visit.request.slots {
        // Each attempt under a savepoint, as instant booking's: a refused place may leave its row locked on
        // PostgreSQL, which must not be held while the next slot is tried.
        let attempt = tx.begin().await?;
        match crate::waiting_list::service::offer(&attempt, prison_id, *slot, visit.now).await? {
            Some(offered) => {
                attempt.commit().await?;
                if offered.visit_id == visit.id {
                    state = offered.state;
                }
                events.push(offered.event);
            }
            None => attempt.rollback().await?,
        }
    }
    // The integrators' events, last before commit (see `crate::events`).
    for event in events {
        crate::events::record(tx, event, visit.now).await?;
    }
    Ok(state)
}

/// The answer to a retried request, if this credential used this key before.
async fn replay(
    state: &AppState,
    credential: &str,
    key: &str,
    request_hash: &str,
) -> Result<Option<Created>, ApiError> {
    let Some(record) = super::store::find_idempotency_key(&state.db, credential, key).await? else {
        return Ok(None);
    };
    if record.request_hash != request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let visit = super::store::find(&state.db, record.visit_id).await?.ok_or(ApiError::NotFound)?;
    let created = created(&state.tokens, visit.id, visit.reference, visit.state, visit.confirm_by, visit.created_at);
    Ok(Some(Created { visit: created, replayed: true }))
}

fn created(
    keys: &tokens::TokenKey,
    id: Uuid,
    reference: String,
    state: VisitState,
    confirm_by: chrono::NaiveDate,
    created_at: DateTime<Utc>,
) -> VisitCreated {
    let status_token = keys.status_token(id);
    VisitCreated {
        id,
        status_path: format!("/visit/{reference}?token={status_token}"),
        reference,
        status_token,
        state,
        confirm_by,
        created_at,
        prisoner_details_match: None,
    }
}

fn fingerprint(request: &CreateVisitRequest) -> Result<String, ApiError> {
    let bytes = serde_json::to_vec(request).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// The visit behind a reference and its status token. A wrong token and an unknown reference look the same.
async fn authorised(state: &AppState, reference: &str, token: Option<&str>) -> Result<VisitRow, ApiError> {
    let token = token.filter(|t| tokens::looks_valid(t)).ok_or(ApiError::NotFound)?;
    let reference = Reference::parse(reference).map_err(|_| ApiError::NotFound)?;
    let visit = super::store::find_by_token_hash(&state.db, &tokens::hash(token)).await?.ok_or(ApiError::NotFound)?;
    if visit.reference != reference.as_str() {
        return Err(ApiError::NotFound);
    }
    Ok(visit)
}

pub async fn status(state: &AppState, reference: &str, token: Option<&str>) -> Result<VisitStatus, ApiError> {
    let visit = authorised(state, reference, token).await?;
    view(state, visit).await
}

pub async fn withdraw(state: &AppState, reference: &str, token: Option<&str>) -> Result<VisitStatus, ApiError> {
    let visit = authorised(state, reference, token).await?;
    if !visit.state.visitor_can_withdraw() {
        return Err(cannot(visit.state, "Only a request that has not been decided yet can be withdrawn."));
    }
    let choices = super::store::slot_choices(&state.db, visit.id).await?;
    if !visitor_can_withdraw(visit.state, &choices, state.clock.now()) {
        return Err(ApiError::VisitAlreadyStarted {
            detail: "Every time chosen for this request has passed, so there is nothing to withdraw.".into(),
        });
    }
    change(state, visit, VisitState::Withdrawn).await
}

pub async fn cancel(state: &AppState, reference: &str, token: Option<&str>) -> Result<VisitStatus, ApiError> {
    let visit = authorised(state, reference, token).await?;
    let Some(slot) = visit.booked_slot.filter(|_| visit.state == VisitState::Booked) else {
        return Err(cannot(visit.state, "Only a booked visit can be cancelled; withdraw a request instead."));
    };
    if !visitor_can_cancel(visit.state, &slot, state.clock.now()) {
        return Err(ApiError::VisitAlreadyStarted {
            detail: "A visit can only be cancelled before it starts. Contact the prison instead.".into(),
        });
    }
    change(state, visit, VisitState::Cancelled).await
}

fn cannot(current: VisitState, detail: &str) -> ApiError {
    ApiError::InvalidTransition { current, detail: detail.to_owned() }
}

/// Applies a visitor's change if the visit is still as it was read; otherwise reports its current state.
///
/// A withdrawal is tried again on what the visit became when that still allows it: a place offered from the waiting
/// list can turn a waiting visit into a request between the read and the write, and the visitor who pressed "Leave
/// the waiting list" then withdraws the request (its place goes to the next in line). At most three tries.
async fn change(state: &AppState, mut visit: VisitRow, to: VisitState) -> Result<VisitStatus, ApiError> {
    let now = state.clock.now();
    for _ in 0..3 {
        if let Some(changed) = try_change(state, &visit, to, now).await? {
            return Ok(changed);
        }
        let current = super::store::find(&state.db, visit.id).await?.ok_or(ApiError::NotFound)?;
        let again = to == VisitState::Withdrawn
            && current.state.visitor_can_withdraw()
            && visitor_can_withdraw(current.state, &super::store::slot_choices(&state.db, visit.id).await?, now);
        if !again {
            return Err(cannot(current.state, "The visit changed while you were looking at it. Reload to see it now."));
        }
        visit = current;
    }
    Err(cannot(visit.state, "The visit changed while you were looking at it. Reload to see it now."))
}

/// One try of [`change`]: `None`, with nothing written, when the visit was no longer at the version read.
async fn try_change(
    state: &AppState,
    visit: &VisitRow,
    to: VisitState,
    now: DateTime<Utc>,
) -> Result<Option<VisitStatus>, ApiError> {
    let tx = state.db.begin().await?;
    let offered =
        super::store::transition(&tx, visit.id, visit.version, visit.state, to, Actor::Visitor, None, now).await?;
    let Some(offered) = offered else {
        tx.rollback().await?;
        return Ok(None);
    };
    if to == VisitState::Cancelled {
        let reason = domain::visit::CancellationReason::VisitorCancelled;
        crate::staff_visits::store::set_cancellation_reason(&tx, visit.id, reason).await?;
    }
    let kind = if to == VisitState::Cancelled { EmailKind::Cancelled } else { EmailKind::Withdrawn };
    let payload = crate::outbox::store::visit_payload(now, None);
    crate::outbox::store::enqueue(&tx, NewMessage::about_visit(visit.id, kind, payload), now).await?;
    let event_type = if to == VisitState::Cancelled { EventType::VisitCancelled } else { EventType::VisitWithdrawn };
    let data = VisitEventData {
        visit_id: visit.id,
        reference: visit.reference.clone(),
        prison_id: visit.prison_id,
        state: to,
        version: visit.version + 1,
        booked_slot: visit.booked_slot,
        actor: Actor::Visitor,
        message_id: None,
    };
    crate::events::record(&tx, crate::events::NewEvent::about_visit(event_type, &data), now).await?;
    // The place it gave back went to the waiting list: its events after this one.
    for event in offered {
        crate::events::record(&tx, event, now).await?;
    }
    tx.commit().await?;
    tracing::info!(visit_id = %visit.id, from = visit.state.as_str(), to = to.as_str(), "visit changed by visitor");
    let current = super::store::find(&state.db, visit.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Some(view(state, current).await?))
}

async fn view(state: &AppState, visit: VisitRow) -> Result<VisitStatus, ApiError> {
    let prison = crate::prisons::store::find(&state.db, visit.prison_id).await?.ok_or(ApiError::NotFound)?;
    let visitors = super::store::visitors(&state.db, visit.id).await?;
    let slot_choices = super::store::slot_choices(&state.db, visit.id).await?;
    let timeline = super::store::timeline(&state.db, visit.id).await?;
    let rejection_reasons = crate::staff_visits::store::rejection_reasons(&state.db, visit.id).await?;
    let messages = crate::staff_visits::store::messages(&state.db, visit.id).await?;
    let offered_slot = crate::waiting_list::store::offered_slot(&state.db, visit.id).await?;
    let now = state.clock.now();
    let excluded_visitors = visitors
        .iter()
        .filter_map(|v| {
            let outcome = v.outcome.as_ref()?;
            Some(ExcludedVisitor {
                first_name: v.first_name.clone(),
                last_name: v.last_name.clone(),
                message: outcome.visitor_wording().to_owned(),
                outcome: Some(*outcome),
            })
        })
        .collect();
    Ok(VisitStatus {
        contact_by: visit.contact_by.channels(),
        rejection_reasons: rejection_reasons
            .into_iter()
            .map(|r| VisitorReason {
                code: r.reason.as_str().to_owned(),
                message: r.reason.visitor_wording().to_owned(),
                renews_on: r.allowance_renews_on,
            })
            .collect(),
        cancellation_reason: visit.cancellation_reason.map(|r| VisitorReason {
            code: r.as_str().to_owned(),
            message: r.visitor_wording().to_owned(),
            renews_on: None,
        }),
        excluded_visitors,
        messages: messages.into_iter().map(|m| MessageView { at: m.at, text: m.body }).collect(),
        id: visit.id,
        can_withdraw: visitor_can_withdraw(visit.state, &slot_choices, now),
        can_cancel: visit.booked_slot.is_some_and(|slot| visitor_can_cancel(visit.state, &slot, now)),
        reference: visit.reference,
        state: visit.state,
        prison: domain::api::PrisonSummary { id: prison.id, name: prison.name, code: prison.code, demo: prison.demo },
        prisoner_first_name: visit.prisoner_first_name,
        prisoner_last_name: visit.prisoner_last_name,
        visitors: visitors
            .into_iter()
            .map(|v| VisitorView {
                lead: v.position == 0,
                first_name: v.first_name,
                last_name: v.last_name,
                date_of_birth: v.dob,
            })
            .collect(),
        slot_choices,
        booked_slot: visit.booked_slot,
        offered_slot,
        confirm_by: visit.confirm_by,
        locale: visit.locale,
        created_at: visit.created_at,
        support_needs: visit.support_needs,
        timeline: timeline
            .into_iter()
            .map(|c| StateChangeView { from: c.from, to: c.to, actor: c.actor, at: c.at })
            .collect(),
    })
}
