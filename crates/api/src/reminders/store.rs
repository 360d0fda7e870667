//! The queries of the reminder job: the prisons that remind, the booked visits that may be due, and the claim that
//! marks a visit reminded for its booked time.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use domain::slot::Slot;
use domain::visit::VisitState;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use crate::db::entities::{prison, visit};

/// A booked visit whose reminder may be due, with the time it is booked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub slot: Slot,
}

/// A visit's id and booked date, start and end, as read.
type BookedRow = (Uuid, Option<NaiveDate>, Option<NaiveTime>, Option<NaiveTime>);

/// Every prison with reminders on, with its lead time in days.
pub async fn prisons_with_reminders(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, u8)>, DbErr> {
    let rows: Vec<(Uuid, i16)> = prison::Entity::find()
        .select_only()
        .column(prison::Column::Id)
        .column(prison::Column::ReminderDays)
        .filter(prison::Column::ReminderDays.gt(0))
        .order_by_asc(prison::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, days)| u8::try_from(days).ok().map(|days| (id, days))).collect())
}

/// Not yet reminded for the time it is booked for now: never reminded, or reminded for another time (it moved).
fn not_reminded_for_booked_time() -> Condition {
    Condition::any()
        .add(visit::Column::RemindedDate.is_null())
        .add(visit::Column::RemindedStart.is_null())
        .add(Expr::col(visit::Column::RemindedDate).ne(Expr::col(visit::Column::BookedDate)))
        .add(Expr::col(visit::Column::RemindedStart).ne(Expr::col(visit::Column::BookedStart)))
}

/// Booked, with its personal data, and not reminded for its booked time.
fn waiting_for_reminder() -> Condition {
    Condition::all()
        .add(visit::Column::State.eq(VisitState::Booked))
        .add(visit::Column::AnonymisedAt.is_null())
        .add(not_reminded_for_booked_time())
}

/// Up to `limit` of the prison's booked visits on `from` to `to` (UK dates) not yet reminded for their booked time,
/// in id order after `after` (keyset paging, so a pass reads each once in bounded memory). Read through the index
/// of visits by prison and booked date.
pub async fn candidates(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    (from, to): (NaiveDate, NaiveDate),
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Candidate>, DbErr> {
    let mut query = visit::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .column(visit::Column::BookedDate)
        .column(visit::Column::BookedStart)
        .column(visit::Column::BookedEnd)
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::BookedDate.between(from, to))
        .filter(waiting_for_reminder());
    if let Some(after) = after {
        query = query.filter(visit::Column::Id.gt(after));
    }
    let rows: Vec<BookedRow> = query.order_by_asc(visit::Column::Id).limit(limit).into_tuple().all(db).await?;
    rows.into_iter()
        .map(|(id, date, start, end)| match (date, start, end) {
            (Some(date), Some(start), Some(end)) => Ok(Candidate { id, slot: Slot::new(date, start, end) }),
            // A booked visit without its time is an unreadable row: an error, never a visit silently not reminded.
            _ => Err(DbErr::Type(format!("visit {id}: booked without a booked time"))),
        })
        .collect()
}

/// Each of these visits still booked for exactly the time it was read with, and not reminded for it.
fn still_due(due: &[Candidate]) -> Condition {
    let same_time = due.iter().fold(Condition::any(), |any, c| {
        any.add(
            Condition::all()
                .add(visit::Column::Id.eq(c.id))
                .add(visit::Column::BookedDate.eq(c.slot.date))
                .add(visit::Column::BookedStart.eq(c.slot.start)),
        )
    });
    Condition::all().add(same_time).add(waiting_for_reminder())
}

/// Marks these visits reminded for their booked time and returns the ids it marked: only those still booked for
/// the time they were read with and not reminded for it since. Call it in the transaction that queues their
/// reminders. The conditional update makes each visit's reminder claimed once however many instances run the job.
///
/// On PostgreSQL the rows are first locked `FOR UPDATE SKIP LOCKED` (in id order), so an instance skips the visits
/// another is claiming instead of waiting for them (or deadlocking with it), and their booked times are compared
/// here; on SQLite (one writer) one `UPDATE ... RETURNING` compares them. The PostgreSQL path exists because the
/// one statement's 500-way `OR` took 10 s a pass there against 0.65 s on SQLite (docs/benchmarks.md, "Reminders").
pub async fn claim(db: &impl ConnectionTrait, due: &[Candidate]) -> Result<Vec<Uuid>, DbErr> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let ids: Vec<Uuid> = due.iter().map(|c| c.id).collect();
    if backend == DbBackend::Postgres {
        let read: HashMap<Uuid, Slot> = due.iter().map(|c| (c.id, c.slot)).collect();
        let locked: Vec<(Uuid, Option<NaiveDate>, Option<NaiveTime>)> = visit::Entity::find()
            .select_only()
            .column(visit::Column::Id)
            .column(visit::Column::BookedDate)
            .column(visit::Column::BookedStart)
            .filter(visit::Column::Id.is_in(ids))
            .filter(waiting_for_reminder())
            .order_by_asc(visit::Column::Id)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .into_tuple()
            .all(db)
            .await?;
        let claimed: Vec<Uuid> = locked
            .into_iter()
            .filter(|(id, date, start)| {
                read.get(id).is_some_and(|slot| *date == Some(slot.date) && *start == Some(slot.start))
            })
            .map(|(id, _, _)| id)
            .collect();
        if !claimed.is_empty() {
            // Locked until this transaction ends: neither their booked time nor their reminder can change meanwhile.
            mark_reminded(visit::Entity::update_many().filter(visit::Column::Id.is_in(claimed.clone())))
                .exec(db)
                .await?;
        }
        return Ok(claimed);
    }
    let mut update = mark_reminded(visit::Entity::update_many())
        .filter(visit::Column::Id.is_in(ids))
        .filter(still_due(due))
        .into_query();
    update.returning_col(visit::Column::Id);
    db.query_all_raw(backend.build(&update)).await?.iter().map(|row| row.try_get_by_index::<Uuid>(0)).collect()
}

/// Records that the visit was reminded for the time it is booked for.
fn mark_reminded(update: sea_orm::UpdateMany<visit::Entity>) -> sea_orm::UpdateMany<visit::Entity> {
    update
        .col_expr(visit::Column::RemindedDate, Expr::col(visit::Column::BookedDate))
        .col_expr(visit::Column::RemindedStart, Expr::col(visit::Column::BookedStart))
}
