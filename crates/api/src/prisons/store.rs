//! Prisons, their visiting rules and their timetables.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use domain::api::{Address, PrisonDetails, PrisonSummary, VisitingRules};
use domain::calendar::{DateSlot, Timetable, WeeklySlot};
use domain::slot::Slot;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::db::entities::{closed_date, prison, replacement_slot, timetable_slot};

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<PrisonSummary>, DbErr> {
    let rows = prison::Entity::find().order_by_asc(prison::Column::Name).all(db).await?;
    Ok(rows.into_iter().map(|p| summary(&p)).collect())
}

/// Every prison with its rules (staff screens need the rules of each prison they list).
pub async fn list_details(db: &impl ConnectionTrait) -> Result<Vec<PrisonDetails>, DbErr> {
    let rows = prison::Entity::find().order_by_asc(prison::Column::Name).all(db).await?;
    Ok(rows.into_iter().map(details).collect())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<PrisonDetails>, DbErr> {
    Ok(prison::Entity::find_by_id(id).one(db).await?.map(details))
}

/// What availability from `from` onwards was computed from, as two counters that only ever grow: the prison's
/// availability version (bumped by timetable and rules changes) and the sum of the change counters of its slots
/// on or after `from` (bumped by every place taken or given back, see `places::take_place`). Equal stamps mean
/// an equal answer. One indexed range read; `None` when there is no such prison.
pub async fn availability_stamp(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: NaiveDate,
) -> Result<Option<(i64, i64)>, DbErr> {
    // sea-query's custom expressions take the backend's own placeholder.
    let sum = match db.get_database_backend() {
        DbBackend::Postgres => {
            "(SELECT CAST(COALESCE(SUM(slot_usage.changes), 0) AS BIGINT) FROM slot_usage \
             WHERE slot_usage.prison_id = prison.id AND slot_usage.slot_date >= $1)"
        }
        _ => {
            "(SELECT CAST(COALESCE(SUM(slot_usage.changes), 0) AS BIGINT) FROM slot_usage \
             WHERE slot_usage.prison_id = prison.id AND slot_usage.slot_date >= ?)"
        }
    };
    prison::Entity::find_by_id(id)
        .select_only()
        .column(prison::Column::AvailabilityVersion)
        .expr(Expr::cust_with_values(sum, [from]))
        .into_tuple::<(i64, i64)>()
        .one(db)
        .await
}

/// The prison's availability version (bumped by every timetable and rules change); `None` when there is no such prison.
pub async fn availability_version(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<i64>, DbErr> {
    prison::Entity::find_by_id(id)
        .select_only()
        .column(prison::Column::AvailabilityVersion)
        .into_tuple::<i64>()
        .one(db)
        .await
}

/// The prison's availability version, with its row locked for the rest of the transaction on PostgreSQL (SQLite runs
/// one transaction at a time anyway): timetable and rules changes of one prison take turns. `None`: no such prison.
/// The lock is `FOR NO KEY UPDATE`, as an UPDATE of the row would take: it does not wait for, nor hold up, the
/// key-share locks that writing a visit (or anything else referring to the prison) takes, so it cannot deadlock with
/// a booking that holds a slot's row.
pub async fn lock_availability_version(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<i64>, DbErr> {
    prison::Entity::find_by_id(id)
        .select_only()
        .column(prison::Column::AvailabilityVersion)
        .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
        .into_tuple::<i64>()
        .one(db)
        .await
}

/// Marks the prison's timetable or rules as changed. Call it in the transaction that changes them.
pub async fn bump_availability_version(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    prison::Entity::update_many()
        .col_expr(prison::Column::AvailabilityVersion, Expr::col(prison::Column::AvailabilityVersion).add(1))
        .filter(prison::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    prison::Entity::find().count(db).await
}

fn summary(p: &prison::Model) -> PrisonSummary {
    PrisonSummary { id: p.id, name: p.name.clone(), code: p.code.clone(), demo: p.demo }
}

pub(crate) fn details(p: prison::Model) -> PrisonDetails {
    let rules = VisitingRules {
        adult_age: small(p.adult_age),
        max_visitors: small(p.max_visitors),
        max_adults: small(p.max_adults),
        booking_window_days: u16::try_from(p.booking_window_days).unwrap_or(0),
        processing_days: small(p.processing_days),
        weekend_processing: p.weekend_processing,
        instant_booking: p.instant_booking,
    };
    let lines = std::iter::once(p.address_line1.clone()).chain(p.address_line2.clone()).collect();
    PrisonDetails {
        id: p.id,
        name: p.name,
        code: p.code,
        demo: p.demo,
        address: Address { lines, town: p.town, postcode: p.postcode },
        email: p.email,
        phone: p.phone,
        rules,
        reminder_days: small(p.reminder_days),
    }
}

fn small(v: i16) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

/// A prison as it is first stored (seeding, and later the admin API).
///
/// Its reminders start at `domain::reminder::DEFAULT_REMINDER_DAYS`; the admin API sets another lead time after.
pub struct NewPrison<'a> {
    pub id: Uuid,
    pub code: &'a str,
    pub name: &'a str,
    pub address_lines: &'a [&'a str],
    pub town: &'a str,
    pub postcode: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub rules: VisitingRules,
    pub demo: bool,
}

pub async fn insert(db: &impl ConnectionTrait, p: NewPrison<'_>, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = prison::ActiveModel {
        id: Set(p.id),
        code: Set(p.code.to_owned()),
        name: Set(p.name.to_owned()),
        address_line1: Set(p.address_lines.first().copied().unwrap_or_default().to_owned()),
        address_line2: Set(p.address_lines.get(1).map(|s| (*s).to_owned())),
        town: Set(p.town.to_owned()),
        postcode: Set(p.postcode.to_owned()),
        email: Set(p.email.to_owned()),
        phone: Set(p.phone.to_owned()),
        adult_age: Set(p.rules.adult_age.into()),
        max_visitors: Set(p.rules.max_visitors.into()),
        max_adults: Set(p.rules.max_adults.into()),
        booking_window_days: Set(i16::try_from(p.rules.booking_window_days).unwrap_or(i16::MAX)),
        processing_days: Set(p.rules.processing_days.into()),
        weekend_processing: Set(p.rules.weekend_processing),
        instant_booking: Set(p.rules.instant_booking),
        reminder_days: Set(domain::reminder::DEFAULT_REMINDER_DAYS.into()),
        demo: Set(p.demo),
        availability_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    };
    prison::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

pub async fn insert_weekly_slot(db: &impl ConnectionTrait, prison_id: Uuid, slot: &WeeklySlot) -> Result<(), DbErr> {
    let row = timetable_slot::ActiveModel {
        id: Set(Uuid::new_v4()),
        prison_id: Set(prison_id),
        weekday: Set(i16::from(u8::try_from(slot.weekday.number_from_monday()).unwrap_or(1))),
        start_time: Set(slot.start),
        end_time: Set(slot.end),
        capacity: Set(count_to_db(slot.capacity)),
        closed_capacity: Set(count_to_db(slot.closed_capacity)),
        valid_from: Set(slot.valid_from),
        valid_to: Set(slot.valid_to),
    };
    timetable_slot::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

pub async fn insert_closed_date(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    date: NaiveDate,
    reason: Option<&str>,
) -> Result<(), DbErr> {
    let row =
        closed_date::ActiveModel { prison_id: Set(prison_id), date: Set(date), reason: Set(reason.map(str::to_owned)) };
    closed_date::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

pub async fn insert_replacement_slot(db: &impl ConnectionTrait, prison_id: Uuid, slot: &DateSlot) -> Result<(), DbErr> {
    let row = replacement_slot::ActiveModel {
        id: Set(Uuid::new_v4()),
        prison_id: Set(prison_id),
        date: Set(slot.date),
        start_time: Set(slot.start),
        end_time: Set(slot.end),
        capacity: Set(count_to_db(slot.capacity)),
        closed_capacity: Set(count_to_db(slot.closed_capacity)),
    };
    replacement_slot::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

fn count_to_db(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn count_from_db(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn weekday_from_db(n: i16) -> Option<Weekday> {
    match n {
        1 => Some(Weekday::Mon),
        2 => Some(Weekday::Tue),
        3 => Some(Weekday::Wed),
        4 => Some(Weekday::Thu),
        5 => Some(Weekday::Fri),
        6 => Some(Weekday::Sat),
        7 => Some(Weekday::Sun),
        _ => None,
    }
}

/// The prison's timetable as it applies between `from` and `to` (closed dates and replacement days in that range;
/// all weekly slots, which carry their own validity dates).
pub async fn timetable(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Timetable, DbErr> {
    let weekly = timetable_slot::Entity::find()
        .filter(timetable_slot::Column::PrisonId.eq(prison_id))
        .order_by_asc(timetable_slot::Column::Weekday)
        .order_by_asc(timetable_slot::Column::StartTime)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            // A weekday outside 1..=7 is an unreadable row: an error, never a slot silently left out of the timetable.
            let weekday = weekday_from_db(row.weekday).ok_or_else(|| {
                DbErr::Type(format!("timetable_slot {}: weekday {} is not 1 to 7", row.id, row.weekday))
            })?;
            Ok(WeeklySlot {
                weekday,
                start: row.start_time,
                end: row.end_time,
                capacity: count_from_db(row.capacity),
                closed_capacity: count_from_db(row.closed_capacity),
                valid_from: row.valid_from,
                valid_to: row.valid_to,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    let closed_dates: BTreeSet<NaiveDate> = closed_date::Entity::find()
        .select_only()
        .column(closed_date::Column::Date)
        .filter(closed_date::Column::PrisonId.eq(prison_id))
        .filter(closed_date::Column::Date.between(from, to))
        .into_tuple::<NaiveDate>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let replacements = replacement_slot::Entity::find()
        .filter(replacement_slot::Column::PrisonId.eq(prison_id))
        .filter(replacement_slot::Column::Date.between(from, to))
        .order_by_asc(replacement_slot::Column::Date)
        .order_by_asc(replacement_slot::Column::StartTime)
        .all(db)
        .await?
        .into_iter()
        .map(|row| DateSlot {
            date: row.date,
            start: row.start_time,
            end: row.end_time,
            capacity: count_from_db(row.capacity),
            closed_capacity: count_from_db(row.closed_capacity),
        })
        .collect();
    Ok(Timetable { weekly, closed_dates, replacements })
}

/// Places taken by booked open visits, per concrete slot, between `from` and `to`: one range read of the counters
/// that bookings keep (closed-visit places are counted separately and do not reduce these).
pub async fn booked_counts(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Slot, u32>, DbErr> {
    Ok(super::places::usage_between(db, prison_id, from, to)
        .await?
        .into_iter()
        .map(|(slot, open, _closed)| (slot, open))
        .collect())
}

/// Replaces the prison's rules and whole timetable, and marks its availability as changed. Run in a transaction.
pub async fn replace_timetable(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    rules: &VisitingRules,
    timetable: &Timetable,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_rules(db, prison_id, rules, now).await?;
    timetable_slot::Entity::delete_many().filter(timetable_slot::Column::PrisonId.eq(prison_id)).exec(db).await?;
    closed_date::Entity::delete_many().filter(closed_date::Column::PrisonId.eq(prison_id)).exec(db).await?;
    replacement_slot::Entity::delete_many().filter(replacement_slot::Column::PrisonId.eq(prison_id)).exec(db).await?;
    for slot in &timetable.weekly {
        insert_weekly_slot(db, prison_id, slot).await?;
    }
    for date in &timetable.closed_dates {
        insert_closed_date(db, prison_id, *date, None).await?;
    }
    for slot in &timetable.replacements {
        insert_replacement_slot(db, prison_id, slot).await?;
    }
    Ok(())
}

/// Changes the prison's visiting rules and marks its availability as changed.
pub async fn update_rules(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    rules: &VisitingRules,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    prison::Entity::update_many()
        .col_expr(prison::Column::AdultAge, Expr::value(i16::from(rules.adult_age)))
        .col_expr(prison::Column::MaxVisitors, Expr::value(i16::from(rules.max_visitors)))
        .col_expr(prison::Column::MaxAdults, Expr::value(i16::from(rules.max_adults)))
        .col_expr(
            prison::Column::BookingWindowDays,
            Expr::value(i16::try_from(rules.booking_window_days).unwrap_or(i16::MAX)),
        )
        .col_expr(prison::Column::ProcessingDays, Expr::value(i16::from(rules.processing_days)))
        .col_expr(prison::Column::WeekendProcessing, Expr::value(rules.weekend_processing))
        .col_expr(prison::Column::InstantBooking, Expr::value(rules.instant_booking))
        .col_expr(prison::Column::UpdatedAt, Expr::value(now))
        .filter(prison::Column::Id.eq(prison_id))
        .exec(db)
        .await?;
    bump_availability_version(db, prison_id).await
}

/// The whole timetable (every date), as staff edit it.
pub async fn full_timetable(db: &impl ConnectionTrait, prison_id: Uuid) -> Result<Timetable, DbErr> {
    // Bounds every engine can store (PostgreSQL dates stop at 4713 BC and 5874897 AD).
    let (first, last) = (NaiveDate::from_ymd_opt(1900, 1, 1), NaiveDate::from_ymd_opt(9999, 12, 31));
    match (first, last) {
        (Some(first), Some(last)) => timetable(db, prison_id, first, last).await,
        _ => Ok(Timetable::default()),
    }
}

/// Sets the prison's reminder lead time in days (0: off). False when there is no such prison.
pub async fn set_reminder_days(db: &impl ConnectionTrait, id: Uuid, days: u8) -> Result<bool, DbErr> {
    let result = prison::Entity::update_many()
        .col_expr(prison::Column::ReminderDays, Expr::value(i16::from(days)))
        .filter(prison::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Changes a prison's name, code, address and contact details, and its reminder lead time when the input has one.
/// False when there is no such prison.
pub async fn update_details(
    db: &impl ConnectionTrait,
    id: Uuid,
    input: &domain::api::PrisonInput,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = prison::Entity::update_many();
    // Absent, the prison keeps its reminder lead time.
    if let Some(days) = input.reminder_days {
        update = update.col_expr(prison::Column::ReminderDays, Expr::value(i16::from(days)));
    }
    let result = update
        .col_expr(prison::Column::Name, Expr::value(input.name.trim()))
        .col_expr(prison::Column::Code, Expr::value(input.code.as_str()))
        .col_expr(
            prison::Column::AddressLine1,
            Expr::value(input.address.lines.first().map(|l| l.trim().to_owned()).unwrap_or_default()),
        )
        .col_expr(prison::Column::AddressLine2, Expr::value(input.address.lines.get(1).map(|l| l.trim().to_owned())))
        .col_expr(prison::Column::Town, Expr::value(input.address.town.trim()))
        .col_expr(prison::Column::Postcode, Expr::value(input.address.postcode.trim()))
        .col_expr(prison::Column::Email, Expr::value(input.email.trim()))
        .col_expr(prison::Column::Phone, Expr::value(input.phone.trim()))
        .col_expr(prison::Column::UpdatedAt, Expr::value(now))
        .filter(prison::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The ids of the prisons with these codes, compared without case as prison records compare them (the map's keys
/// are the codes in capitals; codes no prison has are left out).
pub async fn ids_by_code(db: &impl ConnectionTrait, codes: &[&str]) -> Result<HashMap<String, Uuid>, DbErr> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let upper: Vec<String> = codes.iter().map(|c| c.to_ascii_uppercase()).collect();
    let rows: Vec<(Uuid, String)> = prison::Entity::find()
        .select_only()
        .column(prison::Column::Id)
        .column(prison::Column::Code)
        .filter(Expr::expr(sea_orm::sea_query::Func::upper(Expr::col(prison::Column::Code))).is_in(upper))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, code)| (code.to_ascii_uppercase(), id)).collect())
}
