//! Places per slot, and what staff record when they decide: rejection reasons, per-visitor outcomes, booking
//! references, cancellation reasons and messages.

use chrono::{DateTime, Utc};
use domain::decision::RejectionReasonInput;
use domain::slot::Slot;
use domain::visit::{Actor, CancellationReason, RejectionReason, VisitorOutcome};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::db::entities::{visit, visit_message, visit_rejection_reason, visitor};
use crate::outbox::store::NewMessage;
use crate::prisons::places::Places;

/// A request to book: which visit (as read, at which version), into which slot, and what goes with it. Made
/// atomically: the visit moves on only if it is still at the version read, and only with a place taken from the
/// slot, together with its history, message and email; otherwise nothing is written.
pub struct Grant<'a> {
    pub visit_id: Uuid,
    pub version: i32,
    pub prison_id: Uuid,
    pub slot: Slot,
    pub closed_visit: bool,
    /// The slot's places, from the timetable as of the availability version read with the visit.
    pub places: Places,
    /// The slot whose place the request holds, offered from the waiting list: granting that slot takes no other
    /// place, and granting another gives it back (to the next in that slot's line).
    pub held: Option<Slot>,
    pub booking_reference: Option<&'a str>,
    pub actor: Actor,
    pub actor_name: Option<&'a str>,
    /// Visitors who may not come, by position.
    pub excluded: &'a [(usize, VisitorOutcome)],
    /// A message to the visitor, kept on the visit, with the id it gets.
    pub message: Option<(Uuid, &'a str)>,
    /// The visitor's email about the booking, written with it.
    pub email: NewMessage,
    /// The integrators' `visit.booked` event, written with it.
    pub event: crate::events::NewEvent,
    pub now: DateTime<Utc>,
}

/// How a grant ended. Only `Booked` wrote anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granted {
    Booked,
    /// Every place of the slot (of this kind) is taken.
    SlotFull,
    /// The visit is no longer the requested visit at the version read: someone else decided it first.
    Moved,
}

pub async fn save_rejection_reasons(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    reasons: &[RejectionReasonInput],
) -> Result<(), DbErr> {
    if reasons.is_empty() {
        return Ok(());
    }
    let rows = reasons.iter().map(|r| visit_rejection_reason::ActiveModel {
        visit_id: Set(visit_id),
        reason: Set(r.reason),
        allowance_renews_on: Set(r.allowance_renews_on),
        detail: Set(r.detail.clone()),
    });
    visit_rejection_reason::Entity::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

pub async fn rejection_reasons(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<RejectionReasonInput>, DbErr> {
    Ok(visit_rejection_reason::Entity::find()
        .filter(visit_rejection_reason::Column::VisitId.eq(visit_id))
        .all(db)
        .await?
        .into_iter()
        .map(rejection_reason_row)
        .collect())
}

pub(crate) fn rejection_reason_row(r: visit_rejection_reason::Model) -> RejectionReasonInput {
    RejectionReasonInput { reason: r.reason, allowance_renews_on: r.allowance_renews_on, detail: r.detail }
}

pub async fn save_visitor_outcome(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    position: usize,
    outcome: &VisitorOutcome,
) -> Result<(), DbErr> {
    visitor::Entity::update_many()
        .col_expr(visitor::Column::Outcome, Expr::value(outcome.kind()))
        .col_expr(visitor::Column::BannedUntil, Expr::value(outcome.until()))
        .filter(visitor::Column::VisitId.eq(visit_id))
        .filter(visitor::Column::Position.eq(i16::try_from(position).unwrap_or(i16::MAX)))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn set_booking_details(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    closed_visit: bool,
    booking_reference: Option<&str>,
) -> Result<(), DbErr> {
    visit::Entity::update_many()
        .col_expr(visit::Column::ClosedVisit, Expr::value(closed_visit))
        .col_expr(visit::Column::BookingReference, Expr::value(booking_reference))
        .filter(visit::Column::Id.eq(visit_id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn set_cancellation_reason(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    reason: CancellationReason,
) -> Result<(), DbErr> {
    visit::Entity::update_many()
        .col_expr(visit::Column::CancellationReason, Expr::value(reason))
        .filter(visit::Column::Id.eq(visit_id))
        .exec(db)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub author: Actor,
    pub author_name: Option<String>,
    pub body: String,
}

pub async fn add_message(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    author: Actor,
    author_name: Option<&str>,
    body: &str,
    at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    insert_message(db, id, visit_id, author, author_name, body, at).await.map(|()| id)
}

pub async fn insert_message(
    db: &impl ConnectionTrait,
    id: Uuid,
    visit_id: Uuid,
    author: Actor,
    author_name: Option<&str>,
    body: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    visit_message::Entity::insert(visit_message::ActiveModel {
        id: Set(id),
        visit_id: Set(visit_id),
        at: Set(at),
        author: Set(author),
        author_name: Set(author_name.map(str::to_owned)),
        body: Set(body.to_owned()),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

pub async fn messages(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<MessageRow>, DbErr> {
    Ok(visit_message::Entity::find()
        .filter(visit_message::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_message::Column::At)
        .all(db)
        .await?
        .into_iter()
        .map(message_row)
        .collect())
}

pub(crate) fn message_row(m: visit_message::Model) -> MessageRow {
    MessageRow { id: m.id, at: m.at, author: m.author, author_name: m.author_name, body: m.body }
}

/// The rejection reasons of many visits in one query.
pub async fn rejection_reasons_of(
    db: &impl ConnectionTrait,
    visit_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<RejectionReason>>, DbErr> {
    let mut out: std::collections::HashMap<Uuid, Vec<RejectionReason>> = Default::default();
    if visit_ids.is_empty() {
        return Ok(out);
    }
    for r in visit_rejection_reason::Entity::find()
        .filter(visit_rejection_reason::Column::VisitId.is_in(visit_ids.iter().copied()))
        .all(db)
        .await?
    {
        out.entry(r.visit_id).or_default().push(r.reason);
    }
    Ok(out)
}
