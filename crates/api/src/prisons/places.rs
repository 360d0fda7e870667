//! Places per dated slot: how many the slot has (stamped from the timetable) and how many are taken, side by side on
//! one `slot_usage` row. Every writer that changes either goes through this module, and the database compares the
//! two inside the statement that changes them: a slot is never booked past its capacity, whatever writes at once and
//! on however many instances.
//!
//! - Taking a place adds one to the count only while it is below the row's capacity (`take_place`).
//! - A timetable change stamps the new capacity on every row it could affect (`set_capacities`), in its own
//!   transaction: the row locks make it wait for the bookings under way and make later bookings wait for it, so the
//!   booked visits it reads afterwards are all there are, and a later booking compares with the new capacity.
//! - Giving a place back takes one off (`release_place`).
//!
//! A row is created by the first booking of its slot, stamped with the capacity of the timetable that booking read
//! (checked against the prison's availability version when it was read), or by a timetable change.

use chrono::NaiveDate;
use domain::slot::Slot;
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::db::entities::slot_usage;

/// A slot's places: for open visits and for closed visits (behind a screen), counted separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Places {
    pub open: u32,
    pub closed: u32,
}

impl Places {
    /// The places for one kind of visit.
    pub fn of(self, closed_visit: bool) -> u32 {
        if closed_visit { self.closed } else { self.open }
    }
}

fn count_to_db(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn count_from_db(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn key_filter(prison_id: Uuid, slot: Slot) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(slot_usage::Column::PrisonId.eq(prison_id))
        .add(slot_usage::Column::SlotDate.eq(slot.date))
        .add(slot_usage::Column::StartTime.eq(slot.start))
        .add(slot_usage::Column::EndTime.eq(slot.end))
}

fn key_columns() -> [slot_usage::Column; 4] {
    [
        slot_usage::Column::PrisonId,
        slot_usage::Column::SlotDate,
        slot_usage::Column::StartTime,
        slot_usage::Column::EndTime,
    ]
}

fn taken_column(closed_visit: bool) -> slot_usage::Column {
    if closed_visit { slot_usage::Column::BookedClosed } else { slot_usage::Column::BookedOpen }
}

fn capacity_column(closed_visit: bool) -> slot_usage::Column {
    if closed_visit { slot_usage::Column::CapacityClosed } else { slot_usage::Column::CapacityOpen }
}

/// The row's capacity for a kind of visit, or `fallback` on a row not stamped yet.
fn capacity_or(column: slot_usage::Column, fallback: u32) -> Expr {
    Func::coalesce([Expr::col(column), Expr::val(count_to_db(fallback))]).into()
}

/// Takes one place of the slot, for an open or a closed visit, if the slot has one left. `places` is the slot's
/// capacity in the timetable the caller read: it is stamped on a new row, and used for a row written before
/// capacities were stamped; otherwise the row's own capacity decides.
///
/// A refusal may still leave the row locked on PostgreSQL (an UPDATE that waited for the row locks its newest version
/// before checking it again, and keeps the lock when the check fails), so a caller trying several slots in turn, as
/// instant booking does, makes each attempt but the last under a savepoint and rolls it back when refused: it never
/// holds one slot while waiting for another, and cannot deadlock with a timetable change, which locks many rows.
pub async fn take_place(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    closed_visit: bool,
    places: Places,
) -> Result<bool, DbErr> {
    if add_one(db, prison_id, slot, closed_visit, places).await? {
        return Ok(true);
    }
    if places.of(closed_visit) == 0 {
        return Ok(false);
    }
    // No row, or a full one: create the row with this place taken; if it exists (full, or made by someone else
    // meanwhile), try the conditional update once more.
    let inserted = slot_usage::Entity::insert(slot_usage::ActiveModel {
        prison_id: Set(prison_id),
        slot_date: Set(slot.date),
        start_time: Set(slot.start),
        end_time: Set(slot.end),
        booked_open: Set(i32::from(!closed_visit)),
        booked_closed: Set(i32::from(closed_visit)),
        changes: Set(1),
        capacity_open: Set(Some(count_to_db(places.open))),
        capacity_closed: Set(Some(count_to_db(places.closed))),
    })
    .on_conflict(OnConflict::columns(key_columns()).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    if inserted == 1 {
        return Ok(true);
    }
    add_one(db, prison_id, slot, closed_visit, places).await
}

/// One more place taken on an existing row, if it has room. Stamps `places` on a row that has no capacity yet.
async fn add_one(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    slot: Slot,
    closed_visit: bool,
    places: Places,
) -> Result<bool, DbErr> {
    let taken = taken_column(closed_visit);
    let result = slot_usage::Entity::update_many()
        .col_expr(taken, Expr::col(taken).add(1))
        .col_expr(slot_usage::Column::Changes, Expr::col(slot_usage::Column::Changes).add(1))
        .col_expr(slot_usage::Column::CapacityOpen, capacity_or(slot_usage::Column::CapacityOpen, places.open))
        .col_expr(slot_usage::Column::CapacityClosed, capacity_or(slot_usage::Column::CapacityClosed, places.closed))
        .filter(key_filter(prison_id, slot))
        .filter(Expr::col(taken).lt(capacity_or(capacity_column(closed_visit), places.of(closed_visit))))
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
    let taken = taken_column(closed_visit);
    slot_usage::Entity::update_many()
        .col_expr(taken, Expr::col(taken).sub(1))
        .col_expr(slot_usage::Column::Changes, Expr::col(slot_usage::Column::Changes).add(1))
        .filter(key_filter(prison_id, slot))
        .filter(taken.gt(0))
        .exec(db)
        .await
        .map(|_| ())
}

/// Rows written per statement by `set_capacities` (9 values each: well inside both engines' parameter limits).
const ROWS_PER_STATEMENT: usize = 500;

/// Stamps each slot's capacity, creating its row if needed. Call it in the transaction of a timetable change, before
/// reading the booked visits the change could affect: it waits for bookings of these slots under way, and bookings
/// that come after wait for the change and then compare with the new capacity. Rows are written in slot order, so two
/// changes (already one at a time per prison) and bookings (one slot each) cannot deadlock.
pub async fn set_capacities(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    capacities: &[(Slot, Places)],
) -> Result<(), DbErr> {
    let mut sorted = capacities.to_vec();
    sorted.sort_by_key(|(slot, _)| (slot.date, slot.start, slot.end));
    for chunk in sorted.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|(slot, places)| slot_usage::ActiveModel {
            prison_id: Set(prison_id),
            slot_date: Set(slot.date),
            start_time: Set(slot.start),
            end_time: Set(slot.end),
            booked_open: Set(0),
            booked_closed: Set(0),
            changes: Set(0),
            capacity_open: Set(Some(count_to_db(places.open))),
            capacity_closed: Set(Some(count_to_db(places.closed))),
        });
        slot_usage::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns(key_columns())
                    .update_columns([slot_usage::Column::CapacityOpen, slot_usage::Column::CapacityClosed])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The slots of a prison that have a row, from `from` on (slots that had bookings, or were stamped by a change).
pub async fn slots_from(db: &impl ConnectionTrait, prison_id: Uuid, from: NaiveDate) -> Result<Vec<Slot>, DbErr> {
    Ok(slot_usage::Entity::find()
        .filter(slot_usage::Column::PrisonId.eq(prison_id))
        .filter(slot_usage::Column::SlotDate.gte(from))
        .order_by_asc(slot_usage::Column::SlotDate)
        .all(db)
        .await?
        .into_iter()
        .map(|u| Slot::new(u.slot_date, u.start_time, u.end_time))
        .collect())
}

/// One slot's row as the database holds it: places taken and capacity (None: not stamped yet), for checks and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub taken: Places,
    pub capacity: Option<Places>,
}

pub async fn usage(db: &impl ConnectionTrait, prison_id: Uuid, slot: Slot) -> Result<Option<Usage>, DbErr> {
    Ok(slot_usage::Entity::find().filter(key_filter(prison_id, slot)).one(db).await?.map(|u| Usage {
        taken: Places { open: count_from_db(u.booked_open), closed: count_from_db(u.booked_closed) },
        capacity: match (u.capacity_open, u.capacity_closed) {
            (Some(open), Some(closed)) => Some(Places { open: count_from_db(open), closed: count_from_db(closed) }),
            _ => None,
        },
    }))
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
                count_from_db(u.booked_open),
                count_from_db(u.booked_closed),
            )
        })
        .collect())
}
