//! The waiting list's rows: each waiting visit's place in its prison's line, the slot offered to it, and whether it
//! still holds that place while staff decide.

use chrono::{DateTime, NaiveDate, Utc};
use domain::slot::Slot;
use domain::visit::VisitState;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, RelationTrait,
};
use uuid::Uuid;

use crate::db::entities::{visit, visit_slot_choice, waiting_list_entry};

/// Puts a visit at the end of its prison's line.
pub async fn join(db: &impl ConnectionTrait, visit_id: Uuid, prison_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    waiting_list_entry::Entity::insert(waiting_list_entry::ActiveModel {
        visit_id: Set(visit_id),
        prison_id: Set(prison_id),
        joined_at: Set(now),
        offered_at: Set(None),
        offered_date: Set(None),
        offered_start: Set(None),
        offered_end: Set(None),
        place_held: Set(false),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// A waiting visit that wants a slot, as read (its version guards the move out of the line).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub visit_id: Uuid,
    pub version: i32,
    pub reference: String,
}

fn choice_of(slot: Slot) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(visit_slot_choice::Column::VisitId)
        .from(visit_slot_choice::Entity)
        .and_where(Expr::col(visit_slot_choice::Column::SlotDate).eq(slot.date))
        .and_where(Expr::col(visit_slot_choice::Column::StartTime).eq(slot.start))
        .and_where(Expr::col(visit_slot_choice::Column::EndTime).eq(slot.end))
        .to_owned()
}

/// The prison's waiting visits that chose `slot`, first in line first, at most `limit`.
pub async fn candidates(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    limit: u64,
) -> Result<Vec<Candidate>, DbErr> {
    Ok(waiting_list_entry::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .column(visit::Column::Version)
        .column(visit::Column::Reference)
        .join(JoinType::InnerJoin, waiting_list_entry::Relation::Visit.def())
        .filter(waiting_list_entry::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .filter(
            Expr::col((waiting_list_entry::Entity, waiting_list_entry::Column::VisitId)).in_subquery(choice_of(slot)),
        )
        .order_by_asc(waiting_list_entry::Column::Position)
        .limit(limit)
        .into_tuple::<(Uuid, i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(visit_id, version, reference)| Candidate { visit_id, version, reference })
        .collect())
}

/// Records the place offered to a visit that left the line; `held` when it stays counted in the slot while staff
/// decide (a request at a prison that does not book instantly).
pub async fn mark_offered(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    slot: Slot,
    held: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    waiting_list_entry::Entity::update_many()
        .col_expr(waiting_list_entry::Column::OfferedAt, Expr::value(now))
        .col_expr(waiting_list_entry::Column::OfferedDate, Expr::value(slot.date))
        .col_expr(waiting_list_entry::Column::OfferedStart, Expr::value(slot.start))
        .col_expr(waiting_list_entry::Column::OfferedEnd, Expr::value(slot.end))
        .col_expr(waiting_list_entry::Column::PlaceHeld, Expr::value(held))
        .filter(waiting_list_entry::Column::VisitId.eq(visit_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The slot whose place a request holds, if it holds one.
pub async fn held_slot(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Option<Slot>, DbErr> {
    let Some(entry) = waiting_list_entry::Entity::find()
        .filter(waiting_list_entry::Column::VisitId.eq(visit_id))
        .filter(waiting_list_entry::Column::PlaceHeld.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    match (entry.offered_date, entry.offered_start, entry.offered_end) {
        (Some(date), Some(start), Some(end)) => Ok(Some(Slot::new(date, start, end))),
        // Holding a place without its slot is an unreadable row: an error, never a place silently kept.
        _ => Err(DbErr::Type(format!("waiting_list_entry of visit {visit_id}: a place held without its slot"))),
    }
}

/// The time a place came up at, once offered (whether or not still held).
pub async fn offered_slot(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Option<Slot>, DbErr> {
    Ok(waiting_list_entry::Entity::find()
        .filter(waiting_list_entry::Column::VisitId.eq(visit_id))
        .one(db)
        .await?
        .and_then(|e| Some(Slot::new(e.offered_date?, e.offered_start?, e.offered_end?))))
}

/// Requests of the prison holding a place offered from the waiting list, in slots from `from` on: a timetable change
/// counts them with the booked visits it could leave over a slot's places.
pub async fn held_from(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: NaiveDate,
) -> Result<Vec<domain::timetable_change::BookedVisit>, DbErr> {
    waiting_list_entry::Entity::find()
        .find_also_related(visit::Entity)
        .filter(waiting_list_entry::Column::PrisonId.eq(prison_id))
        .filter(waiting_list_entry::Column::PlaceHeld.eq(true))
        .filter(waiting_list_entry::Column::OfferedDate.gte(from))
        .filter(visit::Column::State.eq(VisitState::Requested))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(entry, visit)| visit.map(|visit| (entry, visit)))
        .map(|(entry, visit)| {
            let (Some(date), Some(start), Some(end)) = (entry.offered_date, entry.offered_start, entry.offered_end)
            else {
                return Err(DbErr::Type(format!(
                    "waiting_list_entry of visit {}: a place held without its slot",
                    visit.id
                )));
            };
            Ok(domain::timetable_change::BookedVisit {
                visit_id: visit.id,
                reference: visit.reference,
                slot: Slot::new(date, start, end),
                closed_visit: false,
            })
        })
        .collect()
}

/// Which of these visits joined the waiting list, each with when it was offered a place (`None`: never). An offered
/// visit became a request (or a booking) at the offer, and staff's processing days count from then, not from the
/// day the visitor joined the line; one never offered a place was never a request.
pub async fn offered_at(
    db: &impl ConnectionTrait,
    visit_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Option<DateTime<Utc>>>, DbErr> {
    if visit_ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(waiting_list_entry::Entity::find()
        .filter(waiting_list_entry::Column::VisitId.is_in(visit_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.visit_id, e.offered_at))
        .collect())
}

/// The request no longer holds its place (booked into it, or it goes back to the slot). The caller checked
/// [`held_slot`] under the visit's row lock, so one writer clears it.
pub async fn clear_held(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<(), DbErr> {
    waiting_list_entry::Entity::update_many()
        .col_expr(waiting_list_entry::Column::PlaceHeld, Expr::value(false))
        .filter(waiting_list_entry::Column::VisitId.eq(visit_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The distinct slots from `from` on that waiting visits of the prison want.
pub async fn wanted_slots(db: &impl ConnectionTrait, prison_id: Uuid, from: NaiveDate) -> Result<Vec<Slot>, DbErr> {
    let mut slots: Vec<Slot> = visit_slot_choice::Entity::find()
        .join(JoinType::InnerJoin, visit_slot_choice::Relation::Visit.def())
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .filter(visit_slot_choice::Column::SlotDate.gte(from))
        .all(db)
        .await?
        .into_iter()
        .map(crate::visits::store::choice_slot)
        .collect();
    slots.sort_by_key(|s| (s.date, s.start, s.end));
    slots.dedup();
    Ok(slots)
}

/// Which of `slots` the prisoner (by number, at the prison) is already waiting for, or already has a booked visit at,
/// in visits other than `except`: joining the waiting list for them again is refused.
pub async fn prisoner_has(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    prisoner_number: &str,
    slots: &[Slot],
    except: Option<Uuid>,
) -> Result<Vec<Slot>, DbErr> {
    let dates: Vec<NaiveDate> = slots.iter().map(|s| s.date).collect();
    let waiting = visit_slot_choice::Entity::find()
        .join(JoinType::InnerJoin, visit_slot_choice::Relation::Visit.def())
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::PrisonerNumber.eq(prisoner_number))
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .apply_if(except, |query, id| query.filter(visit::Column::Id.ne(id)))
        .filter(visit_slot_choice::Column::SlotDate.is_in(dates.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(crate::visits::store::choice_slot);
    let booked = visit::Entity::find()
        .select_only()
        .columns([visit::Column::BookedDate, visit::Column::BookedStart, visit::Column::BookedEnd])
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::PrisonerNumber.eq(prisoner_number))
        .filter(visit::Column::State.eq(VisitState::Booked))
        .filter(visit::Column::BookedDate.is_in(dates))
        .into_tuple::<(Option<NaiveDate>, Option<chrono::NaiveTime>, Option<chrono::NaiveTime>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(date, start, end)| Some(Slot::new(date?, start?, end?)));
    Ok(waiting.chain(booked).filter(|slot| slots.contains(slot)).collect())
}

/// Makes joins of the waiting list for one prisoner at one prison take turns until their transactions end, so that
/// the check of [`prisoner_has`] made in each sees the others: a PostgreSQL transaction-scoped advisory lock keyed by
/// both (taken first in the transaction, before any row). SQLite needs none: a transaction whose first statement is
/// a write holds the database's only write lock until it ends, and reads what was committed before it.
pub async fn lock_prisoners_line(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    prisoner_number: &str,
) -> Result<(), DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("waiting-list:{prison_id}:{prisoner_number}"));
    let mut key = [0u8; 8];
    key.copy_from_slice(&digest[..8]);
    let key = i64::from_be_bytes(key);
    let lock = sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [key.into()],
    );
    db.execute_raw(lock).await.map(|_| ())
}

/// The prison's waiting visits, each with every time it chose (most wanted first), in the order they were made.
pub async fn waiting_with_choices(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
) -> Result<Vec<(Candidate, Vec<Slot>)>, DbErr> {
    let rows = visit_slot_choice::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .column(visit::Column::Version)
        .column(visit::Column::Reference)
        .column(visit_slot_choice::Column::SlotDate)
        .column(visit_slot_choice::Column::StartTime)
        .column(visit_slot_choice::Column::EndTime)
        .join(JoinType::InnerJoin, visit_slot_choice::Relation::Visit.def())
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .order_by_asc(visit::Column::CreatedAt)
        .order_by_asc(visit::Column::Id)
        .order_by_asc(visit_slot_choice::Column::Rank)
        .into_tuple::<(Uuid, i32, String, NaiveDate, chrono::NaiveTime, chrono::NaiveTime)>()
        .all(db)
        .await?;
    let mut visits: Vec<(Candidate, Vec<Slot>)> = Vec::new();
    for (visit_id, version, reference, date, start, end) in rows {
        let slot = Slot::new(date, start, end);
        match visits.last_mut() {
            Some((candidate, slots)) if candidate.visit_id == visit_id => slots.push(slot),
            _ => visits.push((Candidate { visit_id, version, reference }, vec![slot])),
        }
    }
    Ok(visits)
}

/// Waiting visits (of every prison) none of whose chosen dates is after `last_date`: the ones whose times may all
/// have passed. The caller checks the times.
pub async fn possibly_expired(db: &impl ConnectionTrait, last_date: NaiveDate, limit: u64) -> Result<Vec<Uuid>, DbErr> {
    let later = Query::select()
        .column(visit_slot_choice::Column::VisitId)
        .from(visit_slot_choice::Entity)
        .and_where(Expr::col(visit_slot_choice::Column::SlotDate).gt(last_date))
        .to_owned();
    visit::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .filter(Expr::col(visit::Column::Id).not_in_subquery(later))
        .order_by_asc(visit::Column::CreatedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// One entry of a prison's line with its visit, for staff.
pub struct Listed {
    pub position: i32,
    pub joined_at: DateTime<Utc>,
    pub visit: visit::Model,
}

/// The prison's waiting visits that chose a time on `date`, first in line first.
pub async fn waiting_on(db: &impl ConnectionTrait, prison_id: Uuid, date: NaiveDate) -> Result<Vec<Listed>, DbErr> {
    let on_date = Query::select()
        .column(visit_slot_choice::Column::VisitId)
        .from(visit_slot_choice::Entity)
        .and_where(Expr::col(visit_slot_choice::Column::SlotDate).eq(date))
        .to_owned();
    Ok(waiting_list_entry::Entity::find()
        .find_also_related(visit::Entity)
        .filter(waiting_list_entry::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .filter(visit::Column::AnonymisedAt.is_null())
        .filter(Expr::col((waiting_list_entry::Entity, waiting_list_entry::Column::VisitId)).in_subquery(on_date))
        .order_by_asc(waiting_list_entry::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(entry, visit)| {
            visit.map(|visit| Listed { position: entry.position, joined_at: entry.joined_at, visit })
        })
        .collect())
}
