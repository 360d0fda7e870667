//! Offering freed places to the waiting list, under the same capacity guarantee as bookings; expiring entries whose
//! times have passed; and the waiting list per slot for staff.
//!
//! A place is offered in the transaction of the change that frees it (a cancellation, a withdrawn or rejected
//! request that held a place, a timetable change giving a slot more places), so it never shows as free in between
//! and a new booking cannot take it from the line. The offer takes the place with `places::take_place`, the
//! conditional counter every booking uses, and then moves the first waiting visit that chose the slot out of the
//! line (conditional on its version): however many places free at once, each is taken once and goes to one visit.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::calendar::{BankHolidays, BookingWindow, london_today};
use domain::email::EmailKind;
use domain::events::{EventType, VisitEventData};
use domain::slot::Slot;
use domain::timetable::Timetable;
use domain::visit::{Actor, VisitState, has_started};
use domain::waiting_list::{WaitingList, WaitingListEntry, WaitingListSlot};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::events::NewEvent;
use crate::outbox::store::NewMessage;
use crate::prisons::places::{self, Places};
use crate::state::AppState;
use crate::visits::store::Offer;

/// Waiting visits read per offer: the first that is still waiting gets the place.
const CANDIDATES: u64 = 20;

/// A place given to a waiting visit; its event is for the caller to record (last, see `crate::events`).
#[derive(Debug, Clone)]
pub struct Offered {
    pub visit_id: Uuid,
    /// `booked` or `requested`.
    pub state: VisitState,
    pub event: NewEvent,
}

/// Offers one place of `slot` (open visits) to the first waiting visit of the prison that chose it, if the slot
/// has a place and its time has not started. Takes the place, moves the visit out of the line (booked at an
/// instant-booking prison, otherwise a request that holds the place while staff decide) and queues the visitor's
/// email; the event is returned. `None`, with nothing written, when nobody waits, the slot is full, closed or gone.
///
/// Call it in a transaction. It locks the slot's `slot_usage` row, then the visit's: the order of every booking.
pub async fn offer(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    now: DateTime<Utc>,
) -> Result<Option<Offered>, DbErr> {
    if has_started(&slot, now) {
        return Ok(None);
    }
    let candidates = super::store::candidates(db, prison_id, slot, CANDIDATES).await?;
    if candidates.is_empty() {
        return Ok(None);
    }
    let Some(prison) = crate::prisons::store::find(db, prison_id).await? else {
        return Ok(None);
    };
    let timetable = crate::prisons::store::timetable(db, prison_id, slot.date, slot.date).await?;
    let Some(timetabled) = timetable.slots_on(slot.date).into_iter().find(|s| s.slot == slot && !s.closed) else {
        return Ok(None);
    };
    let places = Places { open: timetabled.capacity, closed: timetabled.closed_capacity };
    if !places::take_place(db, prison_id, slot, false, places).await? {
        return Ok(None);
    }
    let instant = prison.rules.instant_booking;
    let offer = if instant {
        Offer::Booked(slot)
    } else {
        // Staff have the usual processing days from now, but must decide before the day of the visit.
        let window = BookingWindow::at(now, &prison.rules, BankHolidays::bundled());
        let day_before = slot.date.pred_opt().unwrap_or(slot.date).max(window.today);
        Offer::Requested { confirm_by: window.confirm_by.min(day_before) }
    };
    for candidate in candidates {
        // Another change may have offered this visit a place, or its visitor left the line, since it was read.
        if !crate::visits::store::leave_waiting(db, candidate.visit_id, candidate.version, offer, now).await? {
            continue;
        }
        super::store::mark_offered(db, candidate.visit_id, slot, !instant, now).await?;
        let payload = crate::outbox::store::visit_payload(now, None);
        let (state, kind, event_type) = if instant {
            (VisitState::Booked, EmailKind::Booked, EventType::VisitBooked)
        } else {
            (VisitState::Requested, EmailKind::WaitingListOffered, EventType::VisitRequested)
        };
        crate::outbox::store::enqueue(db, NewMessage::about_visit(candidate.visit_id, kind, payload.clone()), now)
            .await?;
        if !instant && crate::outbox::store::prison_wants_each_request(db, prison_id).await? {
            let message = NewMessage {
                prison_id: Some(prison_id),
                ..NewMessage::about_visit(candidate.visit_id, EmailKind::PrisonNewRequest, payload)
            };
            crate::outbox::store::enqueue(db, message, now).await?;
        }
        let data = VisitEventData {
            visit_id: candidate.visit_id,
            reference: candidate.reference,
            prison_id,
            state,
            version: candidate.version + 1,
            booked_slot: instant.then_some(slot),
            actor: Actor::System,
            message_id: None,
        };
        tracing::info!(visit_id = %candidate.visit_id, prison_id = %prison_id, %slot, state = state.as_str(),
            "waiting list: place offered");
        return Ok(Some(Offered {
            visit_id: candidate.visit_id,
            state,
            event: NewEvent::about_visit(event_type, &data),
        }));
    }
    // Everyone read had moved on meanwhile: the place goes back (a later change offers it again).
    places::release_place(db, prison_id, slot, false).await?;
    Ok(None)
}

/// A place of `slot` comes back (a cancellation, a held place let go): it goes to the first in the slot's waiting
/// list, in the same transaction. Returns the offer's event, for the caller to record after its own (last, after
/// every row lock: see `crate::events`). Closed-visit places are not offered (the waiting list is for open visits,
/// as instant booking).
pub async fn place_freed(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    closed_visit: bool,
    now: DateTime<Utc>,
) -> Result<Option<NewEvent>, DbErr> {
    places::release_place(db, prison_id, slot, closed_visit).await?;
    if closed_visit {
        return Ok(None);
    }
    Ok(offer(db, prison_id, slot, now).await?.map(|offered| offered.event))
}

/// After a timetable change stamped new places on `stamped` slots (in its transaction, holding their rows): every
/// place free in a slot someone waits for is offered, first in line first. Returns the events, to record last.
pub async fn offer_after_change(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    stamped: &[Slot],
    now: DateTime<Utc>,
) -> Result<Vec<NewEvent>, DbErr> {
    let mut events = Vec::new();
    // Only slots whose rows the change holds: taking another row while holding the event counter could deadlock.
    for slot in super::store::wanted_slots(db, prison_id, london_today(now)).await? {
        if !stamped.contains(&slot) {
            continue;
        }
        while let Some(offered) = offer(db, prison_id, slot, now).await? {
            events.push(offered.event);
        }
    }
    Ok(events)
}

/// Waiting visits whose every chosen time has started leave the line as `expired`, and their visitors are told.
/// Returns how many. Safe on several instances at once: each move is conditional on the visit's version.
pub async fn expire(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let mut expired = 0;
    for visit_id in super::store::possibly_expired(db, london_today(now), 500).await? {
        let choices = crate::visits::store::slot_choices(db, visit_id).await?;
        if choices.iter().any(|slot| !has_started(slot, now)) {
            continue;
        }
        let Some(visit) = crate::visits::store::find(db, visit_id).await? else { continue };
        let tx = db.begin().await?;
        let ended = end_waiting(&tx, visit_id, visit.version, visit.reference, visit.prison_id, now).await?;
        let Some(event) = ended else {
            tx.rollback().await?;
            continue;
        };
        crate::events::record(&tx, event, now).await?;
        tx.commit().await?;
        expired += 1;
    }
    if expired > 0 {
        tracing::info!(visits = expired, "waiting list: entries whose times all passed expired");
    }
    Ok(expired)
}

/// After a timetable change (in its transaction, holding the prison's lock): waiting visits none of whose times is
/// still to come in `timetable` with places for open visits (their dates closed, the times taken out, their open
/// places set to 0: no longer a time for open visits, which nobody can join the line for) leave the line as
/// `expired`, and their visitors are told the prison no longer holds those times. A visit with one such time left
/// keeps waiting for it. Returns their references and the events, to record last.
pub async fn times_withdrawn(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    timetable: &Timetable,
    now: DateTime<Utc>,
) -> Result<(Vec<String>, Vec<NewEvent>), DbErr> {
    let mut references = Vec::new();
    let mut events = Vec::new();
    for (candidate, choices) in super::store::waiting_with_choices(db, prison_id).await? {
        // Times that have all passed are the expiry job's, with its own words.
        if choices.iter().any(|slot| domain::waiting_list::can_wait_for(timetable, slot, now))
            || choices.iter().all(|slot| has_started(slot, now))
        {
            continue;
        }
        let ended =
            end_waiting(db, candidate.visit_id, candidate.version, candidate.reference.clone(), prison_id, now).await?;
        if let Some(event) = ended {
            references.push(candidate.reference);
            events.push(event);
        }
    }
    if !references.is_empty() {
        tracing::info!(prison_id = %prison_id, visits = references.len(),
            "waiting list: entries whose times the prison no longer holds ended");
    }
    Ok((references, events))
}

/// Moves a waiting visit out of the line as `expired` (if still at `version`) and queues the visitor's message,
/// which says whether the times passed or the prison no longer holds them (by the visit's choices and `now`).
/// Returns the event, for the caller to record last; `None`, with nothing written, when the visit had moved on.
async fn end_waiting(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    version: i32,
    reference: String,
    prison_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<NewEvent>, DbErr> {
    let (from, to) = (VisitState::Waiting, VisitState::Expired);
    if crate::visits::store::transition(db, visit_id, version, from, to, Actor::System, None, now).await?.is_none() {
        return Ok(None);
    }
    let payload = crate::outbox::store::visit_payload(now, None);
    crate::outbox::store::enqueue(db, NewMessage::about_visit(visit_id, EmailKind::WaitingListExpired, payload), now)
        .await?;
    let data = VisitEventData {
        visit_id,
        reference,
        prison_id,
        state: to,
        version: version + 1,
        booked_slot: None,
        actor: Actor::System,
        message_id: None,
    };
    Ok(Some(NewEvent::about_visit(EventType::VisitExpired, &data)))
}

/// The prison's waiting list on a date (default today, UK), per slot, first in line first. Another prison's answers
/// 404, like one that does not exist.
pub async fn list(
    state: &AppState,
    user: &Principal,
    prison_id: Uuid,
    date: Option<&str>,
) -> Result<WaitingList, ApiError> {
    if !user.can_access(prison_id) {
        return Err(ApiError::NotFound);
    }
    crate::prisons::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let today = london_today(state.clock.now());
    let date = crate::reports::service::date_param(date, "date", today)?.unwrap_or(today);
    let listed = super::store::waiting_on(&state.db, prison_id, date).await?;
    let ids: Vec<Uuid> = listed.iter().map(|l| l.visit.id).collect();
    let (visitors, choices) = crate::visits::store::visitors_and_choices(&state.db, &ids).await?;
    let mut slots: BTreeMap<(chrono::NaiveTime, chrono::NaiveTime), WaitingListSlot> = BTreeMap::new();
    for entry in listed {
        let visit = entry.visit;
        let party = visitors.get(&visit.id).map(Vec::as_slice).unwrap_or_default();
        let slot_choices = choices.get(&visit.id).cloned().unwrap_or_default();
        for slot in slot_choices.iter().filter(|s| s.date == date) {
            let line = slots
                .entry((slot.start, slot.end))
                .or_insert_with(|| WaitingListSlot { slot: *slot, entries: Vec::new() });
            line.entries.push(WaitingListEntry {
                position: u32::try_from(line.entries.len() + 1).unwrap_or(u32::MAX),
                visit_id: visit.id,
                reference: visit.reference.clone(),
                joined_at: entry.joined_at,
                prisoner_name: format!("{} {}", visit.prisoner_first_name, visit.prisoner_last_name),
                prisoner_number: visit.prisoner_number.clone(),
                lead_visitor_name: party
                    .first()
                    .map(|v| format!("{} {}", v.first_name, v.last_name))
                    .unwrap_or_default(),
                visitor_count: u32::try_from(party.len()).unwrap_or(u32::MAX),
                slot_choices: slot_choices.clone(),
            });
        }
    }
    Ok(WaitingList { prison_id, date, slots: slots.into_values().collect() })
}
