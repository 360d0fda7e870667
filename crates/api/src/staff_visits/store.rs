//! Places per slot, and what staff record when they decide: rejection reasons, per-visitor outcomes, booking
//! references, cancellation reasons and messages.

use chrono::{DateTime, Utc};
use domain::decision::RejectionReasonInput;
use domain::email::DeliveryState;
use domain::slot::Slot;
use domain::visit::{Actor, RejectionReason, VisitorOutcome};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
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
    pub booking_reference: Option<&'a str>,
    pub actor: Actor,
    pub actor_name: Option<&'a str>,
    /// Visitors who may not come, by position.
    pub excluded: &'a [(usize, VisitorOutcome)],
    /// A message to the visitor, kept on the visit, with the id it gets.
    pub message: Option<(Uuid, &'a str)>,
    /// The visitor's email about the booking, written with it.
    pub email: NewMessage,
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

/// Whether `grant_in_one_statement` can make this grant: on PostgreSQL, when no visitor is excluded (the statement
/// has no place for per-visitor outcomes). Otherwise the caller makes it in a transaction of the single steps
/// (`visits::book`, `places::take_place`, `save_visitor_outcome`, `insert_message`, `outbox::enqueue`), locking the visit's
/// row before the slot's counter, the order the statement takes them in.
pub fn can_grant_in_one_statement(backend: DbBackend, g: &Grant<'_>) -> bool {
    backend == DbBackend::Postgres && g.excluded.is_empty()
}

/// PostgreSQL: the whole grant in one statement, so one round trip and no transaction to open and close. Its parts
/// run in order of what they read from each other: lock the visit if it is still the request at the version read;
/// then take a place (an upsert that adds one only while the row's capacity, or on a row not stamped yet the
/// timetable's, allows it: `places::take_place` in one statement); then, only with a place, book the visit and write its history,
/// message and email. A statement is atomic, so a full slot or a moved visit writes nothing at all.
const GRANT_IN_ONE_STATEMENT: &str = r#"
WITH locked AS (
    SELECT id FROM visit WHERE id = $1 AND version = $2 AND state = 'requested' FOR UPDATE
), taken AS (
    INSERT INTO slot_usage (prison_id, slot_date, start_time, end_time, booked_open, booked_closed, changes,
        capacity_open, capacity_closed)
    SELECT $3, $4, $5, $6, $7, $8, 1, $9, $23 FROM locked
    ON CONFLICT (prison_id, slot_date, start_time, end_time) DO UPDATE
    SET booked_open = slot_usage.booked_open + EXCLUDED.booked_open,
        booked_closed = slot_usage.booked_closed + EXCLUDED.booked_closed,
        changes = slot_usage.changes + 1,
        capacity_open = COALESCE(slot_usage.capacity_open, EXCLUDED.capacity_open),
        capacity_closed = COALESCE(slot_usage.capacity_closed, EXCLUDED.capacity_closed)
    WHERE CASE WHEN EXCLUDED.booked_closed = 1
        THEN slot_usage.booked_closed < COALESCE(slot_usage.capacity_closed, EXCLUDED.capacity_closed)
        ELSE slot_usage.booked_open < COALESCE(slot_usage.capacity_open, EXCLUDED.capacity_open) END
    RETURNING 1
), booked AS (
    UPDATE visit SET state = 'booked', booked_date = $4, booked_start = $5, booked_end = $6, closed_visit = $10,
        booking_reference = $11, version = $2 + 1, updated_at = $12
    WHERE id = $1 AND EXISTS (SELECT 1 FROM taken)
    RETURNING id
), logged AS (
    INSERT INTO visit_state_change (visit_id, version, from_state, to_state, actor, actor_name, at)
    SELECT id, $2 + 1, 'requested', 'booked', $13, $14, $12 FROM booked
), said AS (
    INSERT INTO visit_message (id, visit_id, at, author, author_name, body)
    SELECT $15, id, $12, $13, $14, $16 FROM booked WHERE $16 IS NOT NULL
), told AS (
    INSERT INTO outbox_message (id, visit_id, prison_id, kind, payload, dedupe_key, state, attempts, next_attempt_at,
        locked_until, claim_token, last_error, created_at, sent_at)
    SELECT $17, id, $18, $19, $20, $21, $22, 0, $12, NULL, NULL, NULL, $12, NULL FROM booked
)
SELECT (SELECT count(*) FROM locked) AS locked, (SELECT count(*) FROM booked) AS booked
"#;

pub async fn grant_in_one_statement(db: &DatabaseConnection, g: Grant<'_>) -> Result<Granted, DbErr> {
    if g.places.of(g.closed_visit) == 0 {
        return Ok(Granted::SlotFull);
    }
    let (message_id, message) = match g.message {
        Some((id, body)) => (Some(id), Some(body.to_owned())),
        None => (None, None),
    };
    let values: [sea_orm::Value; 23] = [
        g.visit_id.into(),
        g.version.into(),
        g.prison_id.into(),
        g.slot.date.into(),
        g.slot.start.into(),
        g.slot.end.into(),
        i32::from(!g.closed_visit).into(),
        i32::from(g.closed_visit).into(),
        i32::try_from(g.places.open).unwrap_or(i32::MAX).into(),
        g.closed_visit.into(),
        g.booking_reference.map(str::to_owned).into(),
        g.now.into(),
        g.actor.as_str().to_owned().into(),
        g.actor_name.map(str::to_owned).into(),
        message_id.into(),
        message.into(),
        Uuid::now_v7().into(),
        g.email.prison_id.into(),
        g.email.kind.as_str().to_owned().into(),
        g.email.payload.to_string().into(),
        g.email.dedupe_key.into(),
        DeliveryState::Pending.as_str().to_owned().into(),
        i32::try_from(g.places.closed).unwrap_or(i32::MAX).into(),
    ];
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, GRANT_IN_ONE_STATEMENT, values);
    let row = db.query_one_raw(statement).await?.ok_or_else(|| DbErr::Custom("grant returned no row".into()))?;
    let locked: i64 = row.try_get("", "locked")?;
    let booked: i64 = row.try_get("", "booked")?;
    Ok(match (locked, booked) {
        (0, _) => Granted::Moved,
        (_, 0) => Granted::SlotFull,
        _ => Granted::Booked,
    })
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
        .filter_map(rejection_reason_row)
        .collect())
}

pub(crate) fn rejection_reason_row(r: visit_rejection_reason::Model) -> Option<RejectionReasonInput> {
    Some(RejectionReasonInput {
        reason: RejectionReason::parse(&r.reason)?,
        allowance_renews_on: r.allowance_renews_on,
        detail: r.detail,
    })
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
        author: Set(author.as_str().to_owned()),
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
    MessageRow {
        id: m.id,
        at: m.at,
        author: Actor::parse(&m.author).unwrap_or(Actor::Staff),
        author_name: m.author_name,
        body: m.body,
    }
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
