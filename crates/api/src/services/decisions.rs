//! Staff work on visits: the inbox, one visit, search, deciding a request (granting takes a place atomically, so a
//! slot is never booked past its capacity), and cancelling a booked visit. Every call is limited to the caller's
//! prisons: another prison's visit is answered exactly as a visit that does not exist.

use chrono::{DateTime, Utc};
use domain::api::PrisonSummary;
use domain::calendar::Timetable;
use domain::calendar::{is_overdue, london_today};
use domain::decision::{
    DecisionRequest, ResolvedDecision, StaffCancelRequest, StaffMessageRequest, check_decision, check_staff_cancel,
    check_staff_message,
};
use domain::email::{DeliveryState, EmailKind};
use domain::slot::Slot;
use domain::staff::{
    CancellationNotice, EmailDelivery, Inbox, InboxItem, LeadVisitorContact, PrisonCount, StaffPrisonerView,
    StaffTimelineEntry, StaffVisitView, StaffVisitorView, VisitMessage,
};
use domain::types::{PrisonNumber, Reference};
use domain::visit::{Actor, CancellationReason, VisitState};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use super::AppState;
use crate::auth::StaffUser;
use crate::error::ApiError;
use crate::storage::decisions::{Grant, Granted, MessageRow};
use crate::storage::outbox::NewMessage;
use crate::storage::places::Places;
use crate::storage::visit_record::VisitRecord;
use crate::storage::visits::{StateChangeRow, VisitRow};
use crate::storage::{self};

/// The visit, if the caller may see it; otherwise the same 404 as for a visit that does not exist.
async fn visible(state: &AppState, user: &StaffUser, visit_id: Uuid) -> Result<VisitRow, ApiError> {
    storage::visits::find(&state.db, visit_id).await?.filter(|v| user.can_access(v.prison_id)).ok_or(ApiError::NotFound)
}

async fn conflict(state: &AppState, visit_id: Uuid, detail: &str) -> ApiError {
    match storage::visits::find(&state.db, visit_id).await {
        Ok(Some(now)) => ApiError::Conflict { current: now.state, version: now.version, detail: detail.to_owned() },
        Ok(None) => ApiError::NotFound,
        Err(e) => e.into(),
    }
}

/// The visit with everything about it, if the caller may see it; otherwise the same 404 as for a visit that does
/// not exist.
async fn visible_record(state: &AppState, user: &StaffUser, visit_id: Uuid) -> Result<VisitRecord, ApiError> {
    storage::visit_record::find(&state.db, visit_id)
        .await?
        .filter(|r| user.can_access(r.visit.prison_id))
        .ok_or(ApiError::NotFound)
}

/// The places a slot has in a timetable, or why it takes no visits: its date is closed, or the timetable no longer
/// has visiting at that time. Each reason has its own problem code.
fn places_in(timetable: &Timetable, slot: Slot) -> Result<Places, ApiError> {
    match timetable.slots_on(slot.date).into_iter().find(|s| s.slot == slot) {
        None => Err(ApiError::SlotNotOffered {
            detail: format!(
                "The timetable has no visiting at {slot} any more. Choose another of the visitor's times or reject the request."
            ),
        }),
        Some(s) if s.closed => Err(ApiError::SlotClosed {
            detail: format!(
                "The prison is now closed for visits on {}. Choose another of the visitor's times or reject the request.",
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
    let version = match storage::prisons::availability_version(&state.db, prison_id).await {
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
            "All {capacity} {kind}places at {slot} are taken. Choose another of the visitor's times or reject the request."
        ),
    }
}

/// Books a requested visit without a member of staff (instant booking, and tests): same atomic rules.
pub async fn book_now(state: &AppState, visit_id: Uuid, slot: Slot, actor: Actor) -> Result<(), ApiError> {
    let record = storage::visit_record::find(&state.db, visit_id).await?.ok_or(ApiError::NotFound)?;
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
        booking_reference: None,
        actor,
        actor_name: None,
        excluded: &[],
        message: None,
        email: visitor_email(visit_id, EmailKind::Booked, now, None),
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
    user: &StaffUser,
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
    let name = user.name.as_str();
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
                booking_reference: booking_reference.as_deref(),
                actor: Actor::Staff,
                actor_name: Some(name),
                excluded,
                message,
                email: visitor_email(visit_id, EmailKind::Booked, now, message.map(|(id, _)| id)),
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
            record_decided(&mut record, VisitState::Booked, name, excluded, message, EmailKind::Booked, now);
        }
        ResolvedDecision::Reject { reasons, excluded, message } => {
            let tx = state.db.begin().await?;
            let moved = storage::visits::transition(
                &tx,
                visit.id,
                visit.version,
                VisitState::Requested,
                VisitState::Rejected,
                Actor::Staff,
                Some(name),
                now,
            )
            .await?;
            if !moved {
                tx.rollback().await?;
                return Err(conflict(state, visit_id, "Someone else decided this request first.").await);
            }
            storage::decisions::save_rejection_reasons(&tx, visit.id, reasons).await?;
            let message = message.as_deref().map(|m| (Uuid::new_v4(), m));
            record_extras(&tx, visit.id, Actor::Staff, Some(name), excluded, message, now).await?;
            tell_visitor(&tx, visit.id, EmailKind::Rejected, now, message.map(|(id, _)| id)).await?;
            tx.commit().await?;
            record.rejection_reasons.clone_from(reasons);
            record_decided(&mut record, VisitState::Rejected, name, excluded, message, EmailKind::Rejected, now);
        }
    }
    tracing::info!(visit_id = %visit_id, staff_id = %user.id, state = ?resolved, "request decided");
    Ok(assemble(state, record))
}

/// What a decision just wrote, applied to the record read before it (the visit was still at the version read, so
/// nothing else changed it in between): the answer without reading everything again.
fn record_decided(
    record: &mut VisitRecord,
    to: VisitState,
    name: &str,
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
        actor: Actor::Staff,
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
            author: Actor::Staff,
            author_name: Some(name.to_owned()),
            body: body.to_owned(),
        });
    }
    record.emails.push(EmailDelivery {
        kind: email,
        state: DeliveryState::Pending,
        attempts: 0,
        last_error: None,
        created_at: now,
        sent_at: None,
        next_attempt_at: None,
    });
}

/// Makes a grant (see `storage::decisions::Grant`): in one statement where the database can, else in a transaction
/// of its steps, the visit's row locked before the slot's counter on both paths.
async fn grant_place(state: &AppState, g: Grant<'_>) -> Result<Granted, ApiError> {
    if storage::decisions::can_grant_in_one_statement(state.db.get_database_backend(), &g) {
        return Ok(storage::decisions::grant_in_one_statement(&state.db, g).await?);
    }
    let tx = state.db.begin().await?;
    let (slot, closed) = (g.slot, g.closed_visit);
    let (reference, name) = (g.booking_reference, g.actor_name);
    if !storage::visits::book(&tx, g.visit_id, g.version, slot, closed, reference, g.actor, name, g.now).await? {
        tx.rollback().await?;
        return Ok(Granted::Moved);
    }
    if !storage::places::take_place(&tx, g.prison_id, slot, closed, g.places).await? {
        tx.rollback().await?;
        return Ok(Granted::SlotFull);
    }
    record_extras(&tx, g.visit_id, g.actor, name, g.excluded, g.message, g.now).await?;
    storage::outbox::enqueue(&tx, g.email, g.now).await?;
    tx.commit().await?;
    Ok(Granted::Booked)
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
        storage::decisions::save_visitor_outcome(tx, visit_id, *index, outcome).await?;
    }
    if let Some((id, body)) = message {
        storage::decisions::insert_message(tx, id, visit_id, actor, actor_name, body, now).await?;
    }
    Ok(())
}

/// The visitor's email about a change to their visit.
fn visitor_email(visit_id: Uuid, kind: EmailKind, now: DateTime<Utc>, message_id: Option<Uuid>) -> NewMessage {
    NewMessage::about_visit(visit_id, kind, storage::outbox::visit_payload(now, message_id))
}

/// Queues the visitor's email about a change, in the transaction that makes it.
async fn tell_visitor(
    tx: &DatabaseTransaction,
    visit_id: Uuid,
    kind: EmailKind,
    now: DateTime<Utc>,
    message_id: Option<Uuid>,
) -> Result<(), ApiError> {
    storage::outbox::enqueue(tx, visitor_email(visit_id, kind, now, message_id), now).await?;
    Ok(())
}

/// Cancels a booked visit for a staff reason; its place returns to the slot.
pub async fn cancel(
    state: &AppState,
    user: &StaffUser,
    visit_id: Uuid,
    request: StaffCancelRequest,
) -> Result<StaffVisitView, ApiError> {
    let visit = visible(state, user, visit_id).await?;
    let cancellation = check_staff_cancel(&request).map_err(ApiError::Validation)?;
    if visit.version != request.expected_version {
        return Err(ApiError::Conflict {
            current: visit.state,
            version: visit.version,
            detail: "This visit has changed since you opened it. Reload it to see its current state.".into(),
        });
    }
    if visit.state != VisitState::Booked {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "Only a booked visit can be cancelled.".into(),
        });
    }
    let now = state.clock.now();
    if visit.booked_slot.is_some_and(|slot| domain::visit::has_started(&slot, now)) {
        return Err(ApiError::VisitAlreadyStarted {
            detail: "This visit has already started or taken place, so it can no longer be cancelled.".into(),
        });
    }
    let tx = state.db.begin().await?;
    let moved = storage::visits::transition(
        &tx,
        visit.id,
        visit.version,
        VisitState::Booked,
        VisitState::Cancelled,
        Actor::Staff,
        Some(&user.name),
        now,
    )
    .await?;
    if !moved {
        tx.rollback().await?;
        return Err(conflict(state, visit.id, "Someone else changed this visit first.").await);
    }
    storage::decisions::set_cancellation_reason(&tx, visit.id, cancellation.reason.as_str()).await?;
    let mut message_id = None;
    if let Some(message) = cancellation.message.as_deref() {
        message_id =
            Some(storage::decisions::add_message(&tx, visit.id, Actor::Staff, Some(&user.name), message, now).await?);
    }
    tell_visitor(&tx, visit.id, EmailKind::Cancelled, now, message_id).await?;
    tx.commit().await?;
    view(state, user, visit.id).await
}

/// Sends the visitor a one-off message: kept on the visit and emailed, in one transaction.
pub async fn send_message(
    state: &AppState,
    user: &StaffUser,
    visit_id: Uuid,
    request: StaffMessageRequest,
) -> Result<StaffVisitView, ApiError> {
    let visit = visible(state, user, visit_id).await?;
    let text = check_staff_message(&request).map_err(ApiError::Validation)?;
    if visit.anonymised {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "This visit's personal data has been removed; there is no one to write to.".into(),
        });
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let message_id = storage::decisions::add_message(&tx, visit.id, Actor::Staff, Some(&user.name), &text, now).await?;
    tell_visitor(&tx, visit.id, EmailKind::StaffMessage, now, Some(message_id)).await?;
    tx.commit().await?;
    tracing::info!(visit_id = %visit.id, staff_id = %user.id, "message sent to visitor");
    view(state, user, visit.id).await
}

/// Marks a visitor's cancellation as seen, so it leaves the inbox.
pub async fn acknowledge_cancellation(
    state: &AppState,
    user: &StaffUser,
    visit_id: Uuid,
) -> Result<StaffVisitView, ApiError> {
    let visit = visible(state, user, visit_id).await?;
    if !storage::visits::acknowledge_cancellation(&state.db, visit.id, state.clock.now()).await? {
        return Err(ApiError::InvalidTransition {
            current: visit.state,
            detail: "Only a visitor's cancellation that has not been acknowledged can be acknowledged.".into(),
        });
    }
    view(state, user, visit.id).await
}

/// Everything staff see about one visit.
pub async fn view(state: &AppState, user: &StaffUser, visit_id: Uuid) -> Result<StaffVisitView, ApiError> {
    Ok(assemble(state, visible_record(state, user, visit_id).await?))
}

/// The staff view of a visit the caller may see, from its record as read.
fn assemble(state: &AppState, record: VisitRecord) -> StaffVisitView {
    let VisitRecord { visit, prison, choices, visitors, timeline, messages, rejection_reasons, emails, .. } = record;
    let today = london_today(state.clock.now());
    let overdue = visit.state == VisitState::Requested
        && is_overdue(london_today(visit.created_at), today, &prison.rules, state.holidays);
    let cancellation_reason = visit.cancellation_reason.as_deref().and_then(CancellationReason::parse);
    StaffVisitView {
        id: visit.id,
        reference: visit.reference,
        prison: PrisonSummary { id: prison.id, name: prison.name, code: prison.code, demo: prison.demo },
        state: visit.state,
        version: visit.version,
        prisoner: StaffPrisonerView {
            first_name: visit.prisoner_first_name,
            last_name: visit.prisoner_last_name,
            date_of_birth: visit.prisoner_dob,
            number: visit.prisoner_number,
        },
        lead_visitor: LeadVisitorContact { email: visit.email, phone: visit.phone },
        visitors: visitors
            .into_iter()
            .map(|v| StaffVisitorView {
                index: usize::try_from(v.position).unwrap_or(0),
                lead: v.position == 0,
                first_name: v.first_name,
                last_name: v.last_name,
                date_of_birth: v.dob,
                outcome: v.outcome,
            })
            .collect(),
        slot_choices: choices,
        booked_slot: visit.booked_slot,
        closed_visit: visit.closed_visit,
        booking_reference: visit.booking_reference,
        // Reasons are recorded only with a rejection, which is final.
        rejection_reasons: if visit.state == VisitState::Rejected { rejection_reasons } else { Vec::new() },
        cancellation_reason,
        confirm_by: visit.confirm_by,
        overdue,
        locale: visit.locale,
        created_at: visit.created_at,
        messages: messages.into_iter().map(|m| VisitMessage { at: m.at, author: m.author, text: m.body }).collect(),
        timeline: timeline
            .into_iter()
            .map(|c| StaffTimelineEntry {
                reason: (c.to == VisitState::Cancelled)
                    .then(|| cancellation_reason.map(|r| r.as_str().to_owned()))
                    .flatten(),
                from: c.from,
                to: c.to,
                actor: c.actor,
                actor_name: c.actor_name,
                at: c.at,
            })
            .collect(),
        emails,
        suggested_rejection_reasons: domain::records::implied_reasons(&visit.records_checks),
        checks: visit.records_checks,
    }
}

async fn summaries(state: &AppState, visits: Vec<VisitRow>) -> Result<Vec<InboxItem>, ApiError> {
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    let (mut visitors, mut choices) = storage::visits::visitors_and_choices(&state.db, &ids).await?;
    let prisons = storage::prisons::list_details(&state.db).await?;
    let today = london_today(state.clock.now());
    Ok(visits
        .into_iter()
        .filter_map(|v| {
            let prison = prisons.iter().find(|p| p.id == v.prison_id)?;
            let people = visitors.remove(&v.id).unwrap_or_default();
            let lead = people.first().map(|l| format!("{} {}", l.first_name, l.last_name)).unwrap_or_default();
            Some(InboxItem {
                visit_id: v.id,
                reference: v.reference,
                prison_id: v.prison_id,
                prison_name: prison.name.clone(),
                prisoner_name: format!("{} {}", v.prisoner_first_name, v.prisoner_last_name),
                prisoner_number: v.prisoner_number,
                lead_visitor_name: lead,
                visitor_count: u32::try_from(people.len()).unwrap_or(0),
                slot_choices: choices.remove(&v.id).unwrap_or_default(),
                overdue: v.state == VisitState::Requested
                    && is_overdue(london_today(v.created_at), today, &prison.rules, state.holidays),
                created_at: v.created_at,
                confirm_by: v.confirm_by,
                version: v.version,
            })
        })
        .collect())
}

/// Requests waiting for a decision in the caller's prisons (optionally one of them), oldest first, with counts per
/// prison and the visitor cancellations of visits still to come.
pub async fn inbox(state: &AppState, user: &StaffUser, prison: Option<Uuid>) -> Result<Inbox, ApiError> {
    let scope: Option<Vec<Uuid>> = match prison {
        Some(id) if !user.can_access(id) => return Err(ApiError::NotFound),
        Some(id) => Some(vec![id]),
        None => user.prison_scope().map(<[Uuid]>::to_vec),
    };
    let requested = storage::visits::requested(&state.db, scope.as_deref()).await?;
    let items = summaries(state, requested).await?;
    let today = london_today(state.clock.now());
    let cancelled = storage::visits::cancelled_by_visitors(&state.db, scope.as_deref(), today).await?;
    let cancellations: Vec<CancellationNotice> = cancelled
        .into_iter()
        .filter_map(|v| {
            Some(CancellationNotice {
                visit_id: v.id,
                reference: v.reference,
                prison_id: v.prison_id,
                prisoner_name: format!("{} {}", v.prisoner_first_name, v.prisoner_last_name),
                slot: v.booked_slot?,
                cancelled_at: v.updated_at,
            })
        })
        .collect();
    let mut counts: Vec<PrisonCount> = Vec::new();
    for prison in storage::prisons::list_details(&state.db).await?.into_iter().filter(|p| match &scope {
        Some(ids) => ids.contains(&p.id),
        None => true,
    }) {
        let mine = items.iter().filter(|i| i.prison_id == prison.id);
        counts.push(PrisonCount {
            prison_id: prison.id,
            requested: u32::try_from(mine.clone().count()).unwrap_or(0),
            overdue: u32::try_from(mine.filter(|i| i.overdue).count()).unwrap_or(0),
            cancellations_to_acknowledge: u32::try_from(
                cancellations.iter().filter(|c| c.prison_id == prison.id).count(),
            )
            .unwrap_or(0),
            prison_name: prison.name,
        });
    }
    Ok(Inbox { items, counts, cancellations })
}

/// Visits by reference or prison number (whichever the query looks like), in the caller's prisons.
pub async fn search(state: &AppState, user: &StaffUser, query: &str) -> Result<Vec<InboxItem>, ApiError> {
    let number = PrisonNumber::parse(query).ok();
    let reference = if number.is_none() { Reference::parse(query).ok() } else { None };
    if number.is_none() && reference.is_none() {
        return Err(ApiError::validation(domain::error::FieldError::new(
            "q",
            domain::error::FieldErrorCode::InvalidReference,
            "Enter a booking reference (8 characters) or a prison number, like A1234BC",
        )));
    }
    let visits = storage::visits::search(
        &state.db,
        user.prison_scope(),
        reference.as_ref().map(|r| r.as_str()),
        number.as_ref().map(|n| n.as_str()),
    )
    .await?;
    summaries(state, visits).await
}
