//! Deciding a request: book one of the visitor's times (taking a place atomically, so a slot is never booked past
//! its capacity) or reject it; and booking without a member of staff (instant booking, tests).

use chrono::{DateTime, Utc};
use domain::calendar::Timetable;
use domain::decision::{DecisionRequest, ResolvedDecision, check_decision};
use domain::email::{DeliveryState, EmailKind};
use domain::events::{EventType, VisitEventData};
use domain::slot::Slot;
use domain::staff::{EmailDelivery, StaffVisitView};
use domain::visit::{Actor, VisitState};
use sea_orm::DatabaseTransaction;
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::store::{Grant, Granted, MessageRow};
use super::view::{assemble, visible_record, with_held_slot};
use super::{conflict, tell_visitor, visitor_email};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::events::NewEvent;
use crate::prisons::places::Places;
use crate::state::AppState;
use crate::visits::record::VisitRecord;
use crate::visits::store::{StateChangeRow, VisitRow};

/// The places a slot has in a timetable, or why it takes no visits: its date is closed, or the timetable no longer
/// has visiting at that time. Each reason has its own problem code.
fn places_in(timetable: &Timetable, slot: Slot) -> Result<Places, ApiError> {
    match timetable.slots_on(slot.date).into_iter().find(|s| s.slot == slot) {
        None => Err(ApiError::SlotNotOffered {
            detail: format!(
                "The timetable has no visiting at {slot} any more. Choose another of the visitor’s times or reject the request."
            ),
        }),
        Some(s) if s.closed => Err(ApiError::SlotClosed {
            detail: format!(
                "The prison is now closed for visits on {}. Choose another of the visitor’s times or reject the request.",
                slot.date
            ),
        }),
        Some(s) => Ok(Places { open: s.capacity, closed: s.closed_capacity }),
    }
}

/// The slot's places in the prison's timetable as of availability `version`.
async fn places_for(state: &AppState, prison_id: Uuid, version: i64, slot: Slot) -> Result<Places, ApiError> {
    places_in(&*state.timetables.get(&state.db, prison_id, version).await?, slot)
}

/// Why a place could not be taken, judged on the timetable as it is now (it may have changed since the visit was
/// read): the date closed, the time gone from the timetable, or every place of the kind taken.
async fn refusal(state: &AppState, prison_id: Uuid, slot: Slot, closed_visit: bool) -> ApiError {
    let version = match crate::prisons::store::availability_version(&state.db, prison_id).await {
        Ok(Some(version)) => version,
        Ok(None) => return ApiError::NotFound,
        Err(e) => return e.into(),
    };
    match places_for(state, prison_id, version, slot).await {
        Ok(places) => slot_full(slot, places.of(closed_visit), closed_visit),
        Err(reason) => reason,
    }
}

/// A visit whose time has come can no longer be booked: staff are told, and nothing is written or emailed.
fn refuse_if_started(slot: Slot, now: DateTime<Utc>) -> Result<(), ApiError> {
    if domain::visit::has_started(&slot, now) {
        return Err(ApiError::VisitAlreadyStarted {
            detail: format!(
                "The visit time {slot} has already started or passed, so it cannot be booked. Reject the request or choose a later time."
            ),
        });
    }
    Ok(())
}

fn slot_full(slot: Slot, capacity: u32, closed_visit: bool) -> ApiError {
    let kind = if closed_visit { "closed-visit " } else { "" };
    ApiError::SlotFull {
        detail: format!(
            "All {capacity} {kind}places at {slot} are taken. Choose another of the visitor’s times or reject the request."
        ),
    }
}

/// The `visit.booked` event of a grant of `visit` (as read, before the grant) into `slot`.
fn booked_event(visit: &VisitRow, slot: Slot, actor: Actor, message_id: Option<Uuid>) -> NewEvent {
    let data = VisitEventData {
        visit_id: visit.id,
        reference: visit.reference.clone(),
        prison_id: visit.prison_id,
        state: VisitState::Booked,
        version: visit.version + 1,
        booked_slot: Some(slot),
        actor,
        message_id,
    };
    NewEvent::about_visit(EventType::VisitBooked, &data)
}

/// Books a requested visit without a member of staff (instant booking, and tests): same atomic rules.
pub async fn book_now(state: &AppState, visit_id: Uuid, slot: Slot, actor: Actor) -> Result<(), ApiError> {
    let record =
        crate::visits::record::find(&state.db, visit_id, state.postgres_fast_paths).await?.ok_or(ApiError::NotFound)?;
    let visit = &record.visit;
    let now = state.clock.now();
    refuse_if_started(slot, now)?;
    let places = places_for(state, visit.prison_id, record.availability_version, slot).await?;
    let grant = Grant {
        visit_id,
        version: visit.version,
        prison_id: visit.prison_id,
        slot,
        closed_visit: false,
        places,
        held: crate::waiting_list::store::held_slot(&state.db, visit_id).await?,
        booking_reference: None,
        actor,
        actor_name: None,
        excluded: &[],
        message: None,
        email: visitor_email(visit_id, EmailKind::Booked, now, None),
        event: booked_event(visit, slot, actor, None),
        now,
    };
    match grant_place(state, grant).await? {
        Granted::Booked => Ok(()),
        Granted::SlotFull => Err(refusal(state, visit.prison_id, slot, false).await),
        Granted::Moved => Err(conflict(state, visit_id, "Someone else decided this request first.").await),
    }
}

/// Grants or rejects a request. `expected_version` must match the visit's version: when two members of staff decide
/// at once, one wins and the other gets 409 with the visit's state now. Granting takes a place in the same
/// transaction; when the slot is full the decision is refused with 409 slot_full and nothing changes.
pub async fn decide(
    state: &AppState,
    user: &Principal,
    visit_id: Uuid,
    decision: DecisionRequest,
) -> Result<StaffVisitView, ApiError> {
    let mut record = visible_record(state, user, visit_id).await?;
    let visit = &record.visit;
    if visit.version != decision.expected_version() {
        return Err(ApiError::Conflict {
            current: visit.state,
            version: visit.version,
            detail: "This request has changed since you opened it. Reload it to see its current state.".into(),
        });
    }
    if visit.state != VisitState::Requested {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "Only a request waiting for a decision can be decided.".into(),
        });
    }
    let resolved = check_decision(&decision, &record.choices, record.visitors.len()).map_err(ApiError::Validation)?;
    let now = state.clock.now();
    let name = user.actor_name();
    let actor = user.actor();
    match &resolved {
        ResolvedDecision::Book { slot, closed_visit, booking_reference, excluded, message } => {
            refuse_if_started(*slot, now)?;
            let places = places_for(state, visit.prison_id, record.availability_version, *slot).await?;
            let message = message.as_deref().map(|m| (Uuid::new_v4(), m));
            let grant = Grant {
                visit_id,
                version: visit.version,
                prison_id: visit.prison_id,
                slot: *slot,
                closed_visit: *closed_visit,
                places,
                held: crate::waiting_list::store::held_slot(&state.db, visit_id).await?,
                booking_reference: booking_reference.as_deref(),
                actor,
                actor_name: Some(name),
                excluded,
                message,
                email: visitor_email(visit_id, EmailKind::Booked, now, message.map(|(id, _)| id)),
                event: booked_event(visit, *slot, actor, message.map(|(id, _)| id)),
                now,
            };
            match grant_place(state, grant).await? {
                Granted::Booked => {}
                Granted::SlotFull => return Err(refusal(state, visit.prison_id, *slot, *closed_visit).await),
                Granted::Moved => {
                    return Err(conflict(state, visit_id, "Someone else decided this request first.").await);
                }
            }
            let visit = &mut record.visit;
            visit.booked_slot = Some(*slot);
            visit.closed_visit = *closed_visit;
            visit.booking_reference.clone_from(booking_reference);
            record_decided(&mut record, VisitState::Booked, (actor, name), excluded, message, EmailKind::Booked, now);
        }
        ResolvedDecision::Reject { reasons, excluded, message } => {
            let tx = state.db.begin().await?;
            let offered = crate::visits::store::transition(
                &tx,
                visit.id,
                visit.version,
                VisitState::Requested,
                VisitState::Rejected,
                actor,
                Some(name),
                now,
            )
            .await?;
            let Some(offered) = offered else {
                tx.rollback().await?;
                return Err(conflict(state, visit_id, "Someone else decided this request first.").await);
            };
            super::store::save_rejection_reasons(&tx, visit.id, reasons).await?;
            let message = message.as_deref().map(|m| (Uuid::new_v4(), m));
            record_extras(&tx, visit.id, actor, Some(name), excluded, message, now).await?;
            tell_visitor(&tx, visit.id, EmailKind::Rejected, now, message.map(|(id, _)| id)).await?;
            let data = VisitEventData {
                visit_id: visit.id,
                reference: visit.reference.clone(),
                prison_id: visit.prison_id,
                state: VisitState::Rejected,
                version: visit.version + 1,
                booked_slot: None,
                actor,
                message_id: message.map(|(id, _)| id),
            };
            crate::events::record(&tx, NewEvent::about_visit(EventType::VisitRejected, &data), now).await?;
            // A place the request held from the waiting list went to the next in line: those events after.
            for event in offered {
                crate::events::record(&tx, event, now).await?;
            }
            tx.commit().await?;
            record.rejection_reasons.clone_from(reasons);
            record_decided(
                &mut record,
                VisitState::Rejected,
                (actor, name),
                excluded,
                message,
                EmailKind::Rejected,
                now,
            );
        }
    }
    tracing::info!(visit_id = %visit_id, caller = %user, state = ?resolved, "request decided");
    let mut view = assemble(state, record);
    with_held_slot(state, &mut view).await?;
    Ok(view)
}

/// What a decision just wrote, applied to the record read before it (the visit was still at the version read, so
/// nothing else changed it in between): the answer without reading everything again.
fn record_decided(
    record: &mut VisitRecord,
    to: VisitState,
    (actor, name): (Actor, &str),
    excluded: &[(usize, domain::visit::VisitorOutcome)],
    message: Option<(Uuid, &str)>,
    email: EmailKind,
    now: DateTime<Utc>,
) {
    let visit = &mut record.visit;
    record.timeline.push(StateChangeRow {
        version: visit.version + 1,
        from: Some(visit.state),
        to,
        actor,
        actor_name: Some(name.to_owned()),
        at: now,
    });
    visit.state = to;
    visit.version += 1;
    visit.updated_at = now;
    for (index, outcome) in excluded {
        if let Some(visitor) = record.visitors.iter_mut().find(|v| usize::try_from(v.position).ok() == Some(*index)) {
            visitor.outcome = Some(*outcome);
        }
    }
    if let Some((id, body)) = message {
        record.messages.push(MessageRow {
            id,
            at: now,
            author: actor,
            author_name: Some(name.to_owned()),
            body: body.to_owned(),
        });
    }
    // One message per channel the visitor chose, as `outbox::store::enqueue` wrote them.
    let channels = record.visit.contact_by.channels();
    record.emails.extend(channels.into_iter().map(|channel| EmailDelivery {
        kind: email,
        channel,
        state: DeliveryState::Pending,
        attempts: 0,
        last_error: None,
        created_at: now,
        sent_at: None,
        next_attempt_at: None,
    }));
}

/// Makes a grant (see `super::store::Grant`) in a transaction of its steps, or with the PostgreSQL fast paths on,
/// in one statement (`crate::db::postgres_fast_paths`); the visit's row locked before the slot's counter on both.
async fn grant_place(state: &AppState, g: Grant<'_>) -> Result<Granted, ApiError> {
    use crate::db::postgres_fast_paths::{can_grant_in_one_statement, grant_in_one_statement};
    if state.postgres_fast_paths && can_grant_in_one_statement(state.db.get_database_backend(), &g) {
        return Ok(grant_in_one_statement(&state.db, g).await?);
    }
    let tx = state.db.begin().await?;
    let (slot, closed) = (g.slot, g.closed_visit);
    let (reference, name) = (g.booking_reference, g.actor_name);
    if !crate::visits::store::book(&tx, g.visit_id, g.version, slot, closed, reference, g.actor, name, g.now).await? {
        tx.rollback().await?;
        return Ok(Granted::Moved);
    }
    let Some(offered) = take_grant_place(&tx, &g).await? else {
        tx.rollback().await?;
        return Ok(Granted::SlotFull);
    };
    record_extras(&tx, g.visit_id, g.actor, name, g.excluded, g.message, g.now).await?;
    crate::outbox::store::enqueue(&tx, g.email, g.now).await?;
    crate::events::record(&tx, g.event, g.now).await?;
    if let Some(event) = offered {
        crate::events::record(&tx, event, g.now).await?;
    }
    tx.commit().await?;
    Ok(Granted::Booked)
}

/// Takes the grant's place, in the transaction that books the visit (its row already locked). A request holding a
/// place from the waiting list (read before the visit's row was locked, and held until it leaves `requested`, which
/// only a writer holding that lock does) keeps it when granted that slot, if the slot's places still allow it (one
/// transaction: nobody else can take it meanwhile); granted another, it takes a place there and
/// gives the held one back, to the next in that slot's line. The two slots' rows are taken in slot order, as a
/// timetable change takes them, so the two never wait for each other crosswise. `None` when the slot is full;
/// otherwise the event of the held place's offer, if it was given back and offered, to record after the grant's.
async fn take_grant_place(tx: &DatabaseTransaction, g: &Grant<'_>) -> Result<Option<Option<NewEvent>>, sea_orm::DbErr> {
    use crate::prisons::places::take_place;
    use crate::waiting_list::{service::place_freed, store::clear_held};
    let Some(held) = g.held else {
        return Ok(take_place(tx, g.prison_id, g.slot, g.closed_visit, g.places).await?.then_some(None));
    };
    clear_held(tx, g.visit_id).await?;
    if held == g.slot && !g.closed_visit {
        // The held place becomes the booking's, compared once more with the slot's places now: a timetable change
        // since the offer may have left fewer places than are taken, and a booking is never made past them.
        crate::prisons::places::release_place(tx, g.prison_id, held, false).await?;
        return Ok(take_place(tx, g.prison_id, g.slot, false, g.places).await?.then_some(None));
    }
    let key = |s: Slot| (s.date, s.start, s.end);
    if key(held) < key(g.slot) {
        let offered = place_freed(tx, g.prison_id, held, false, g.now).await?;
        Ok(take_place(tx, g.prison_id, g.slot, g.closed_visit, g.places).await?.then_some(offered))
    } else {
        if !take_place(tx, g.prison_id, g.slot, g.closed_visit, g.places).await? {
            return Ok(None);
        }
        Ok(Some(place_freed(tx, g.prison_id, held, false, g.now).await?))
    }
}

/// What goes with a decision beside its state: the visitors who may not come, and the message to the visitor.
async fn record_extras(
    tx: &DatabaseTransaction,
    visit_id: Uuid,
    actor: Actor,
    actor_name: Option<&str>,
    excluded: &[(usize, domain::visit::VisitorOutcome)],
    message: Option<(Uuid, &str)>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for (index, outcome) in excluded {
        super::store::save_visitor_outcome(tx, visit_id, *index, outcome).await?;
    }
    if let Some((id, body)) = message {
        super::store::insert_message(tx, id, visit_id, actor, actor_name, body, now).await?;
    }
    Ok(())
}
