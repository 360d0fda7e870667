//! Places per slot, and what staff record when they decide: rejection reasons, per-visitor outcomes, booking
//! references, cancellation reasons and messages.

use chrono::{DateTime, NaiveDate, Utc};
use domain::decision::RejectionReasonInput;
use domain::slot::Slot;
use domain::visit::{Actor, RejectionReason, VisitorOutcome};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::{slot_usage, visit, visit_message, visit_rejection_reason, visitor};

fn usage_filter(prison_id: Uuid, slot: Slot) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(slot_usage::Column::PrisonId.eq(prison_id))
        .add(slot_usage::Column::SlotDate.eq(slot.date))
        .add(slot_usage::Column::StartTime.eq(slot.start))
        .add(slot_usage::Column::EndTime.eq(slot.end))
}

/// Takes one place in the slot if fewer than `capacity` are taken. One conditional UPDATE: whatever happens at
/// once, the counter never passes the capacity (concurrent takers queue on the row and re-check the condition).
pub async fn take_place(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    closed_visit: bool,
    capacity: u32,
) -> Result<bool, DbErr> {
    slot_usage::Entity::insert(slot_usage::ActiveModel {
        prison_id: Set(prison_id),
        slot_date: Set(slot.date),
        start_time: Set(slot.start),
        end_time: Set(slot.end),
        booked_open: Set(0),
        booked_closed: Set(0),
        changes: Set(0),
    })
    .on_conflict(
        OnConflict::columns([
            slot_usage::Column::PrisonId,
            slot_usage::Column::SlotDate,
            slot_usage::Column::StartTime,
            slot_usage::Column::EndTime,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let column = if closed_visit { slot_usage::Column::BookedClosed } else { slot_usage::Column::BookedOpen };
    let capacity = i32::try_from(capacity).unwrap_or(i32::MAX);
    let result = slot_usage::Entity::update_many()
        .col_expr(column, Expr::col(column).add(1))
        .col_expr(slot_usage::Column::Changes, Expr::col(slot_usage::Column::Changes).add(1))
        .filter(usage_filter(prison_id, slot))
        .filter(column.lt(capacity))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives a place back (a booked visit was cancelled).
pub async fn release_place(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    closed_visit: bool,
) -> Result<(), DbErr> {
    let column = if closed_visit { slot_usage::Column::BookedClosed } else { slot_usage::Column::BookedOpen };
    slot_usage::Entity::update_many()
        .col_expr(column, Expr::col(column).sub(1))
        .col_expr(slot_usage::Column::Changes, Expr::col(slot_usage::Column::Changes).add(1))
        .filter(usage_filter(prison_id, slot))
        .filter(column.gt(0))
        .exec(db)
        .await
        .map(|_| ())
}

/// Places taken per slot between two dates: (open, closed).
pub async fn usage_between(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Slot, u32, u32)>, DbErr> {
    Ok(slot_usage::Entity::find()
        .filter(slot_usage::Column::PrisonId.eq(prison_id))
        .filter(slot_usage::Column::SlotDate.between(from, to))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            (
                Slot::new(u.slot_date, u.start_time, u.end_time),
                u32::try_from(u.booked_open).unwrap_or(0),
                u32::try_from(u.booked_closed).unwrap_or(0),
            )
        })
        .collect())
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
        reason: Set(r.reason.as_str().to_owned()),
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
        .filter_map(|r| {
            Some(RejectionReasonInput {
                reason: RejectionReason::parse(&r.reason)?,
                allowance_renews_on: r.allowance_renews_on,
                detail: r.detail,
            })
        })
        .collect())
}

pub async fn save_visitor_outcome(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    position: usize,
    outcome: &VisitorOutcome,
) -> Result<(), DbErr> {
    visitor::Entity::update_many()
        .col_expr(visitor::Column::Outcome, Expr::value(outcome.as_str()))
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

pub async fn set_cancellation_reason(db: &impl ConnectionTrait, visit_id: Uuid, reason: &str) -> Result<(), DbErr> {
    visit::Entity::update_many()
        .col_expr(visit::Column::CancellationReason, Expr::value(reason))
        .filter(visit::Column::Id.eq(visit_id))
        .exec(db)
        .await
        .map(|_| ())
}

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
    visit_message::Entity::insert(visit_message::ActiveModel {
        id: Set(id),
        visit_id: Set(visit_id),
        at: Set(at),
        author: Set(author.as_str().to_owned()),
        author_name: Set(author_name.map(str::to_owned)),
        body: Set(body.to_owned()),
    })
    .exec_without_returning(db)
    .await
    .map(|_| id)
}

pub async fn messages(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<MessageRow>, DbErr> {
    Ok(visit_message::Entity::find()
        .filter(visit_message::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_message::Column::At)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MessageRow {
            id: m.id,
            at: m.at,
            author: Actor::parse(&m.author).unwrap_or(Actor::Staff),
            author_name: m.author_name,
            body: m.body,
        })
        .collect())
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
        if let Some(reason) = RejectionReason::parse(&r.reason) {
            out.entry(r.visit_id).or_default().push(reason);
        }
    }
    Ok(out)
}
