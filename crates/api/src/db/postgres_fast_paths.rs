//! The engine-specific twins of two portable use cases, kept because they are worth it on PostgreSQL
//! (`docs/benchmarks.md`, "Issue 11: what the PostgreSQL fast paths are worth"): the grant in one writable-CTE
//! statement (twin of the transaction in `staff_visits::decide::grant_place`) and the staff's visit record in one
//! JSON-aggregating statement (twin of `visits::record::find_table_by_table`). Each round trip to a busy server costs
//! more than the work of either statement. Nothing else in the crate writes engine-specific SQL for a use case.
//!
//! `POSTGRES_FAST_PATHS=off` makes PostgreSQL take the portable paths; the decision, staff-visit and capacity tests
//! run on PostgreSQL both ways (`on_every_path!` in the tests), so the twins cannot drift apart.

use domain::email::{DeliveryState, MessageChannel};
use domain::visit::VisitState;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::entities::{
    outbox_message, prison, visit, visit_message, visit_rejection_reason, visit_slot_choice, visit_state_change,
    visitor,
};
use crate::staff_visits::store::{Grant, Granted};
use crate::visits;
use crate::visits::record::VisitRecord;

/// Whether `grant_in_one_statement` can make this grant: on PostgreSQL, when no visitor is excluded (the statement
/// has no place for per-visitor outcomes) and the request holds no place from the waiting list. Otherwise the caller makes it in a transaction of the single steps
/// (`visits::book`, `places::take_place`, `save_visitor_outcome`, `insert_message`, `outbox::enqueue`), locking the visit's
/// row before the slot's counter, the order the statement takes them in.
pub fn can_grant_in_one_statement(backend: DbBackend, g: &Grant<'_>) -> bool {
    backend == DbBackend::Postgres && g.excluded.is_empty() && g.held.is_none()
}

/// PostgreSQL: the whole grant in one statement, so one round trip and no transaction to open and close. Its parts
/// run in order of what they read from each other: lock the visit if it is still the request at the version read;
/// then take a place (an upsert that adds one only while the row's capacity, or on a row not stamped yet the
/// timetable's, allows it: `places::take_place` in one statement); then, only with a place, book the visit and write its history,
/// message and email and/or text (by the channels the visitor chose, as `outbox::store::enqueue` writes them), and the integrators' event (the prison's counter last). A statement
/// is atomic, so a full slot or a moved visit writes nothing at all.
const GRANT_IN_ONE_STATEMENT: &str = r#"
WITH locked AS (
    SELECT id FROM visit WHERE id = $1 AND version = $2 AND state = $24 FOR UPDATE
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
    UPDATE visit SET state = $25, booked_date = $4, booked_start = $5, booked_end = $6, closed_visit = $10,
        booking_reference = $11, version = $2 + 1, updated_at = $12
    WHERE id = $1 AND EXISTS (SELECT 1 FROM taken)
    RETURNING id, contact_email, contact_sms
), logged AS (
    INSERT INTO visit_state_change (visit_id, version, from_state, to_state, actor, actor_name, at)
    SELECT id, $2 + 1, $24, $25, $13, $14, $12 FROM booked
), said AS (
    INSERT INTO visit_message (id, visit_id, at, author, author_name, body)
    SELECT $15, id, $12, $13, $14, $16 FROM booked WHERE $16 IS NOT NULL
), told AS (
    INSERT INTO outbox_message (id, visit_id, prison_id, kind, payload, dedupe_key, state, attempts, next_attempt_at,
        locked_until, claim_token, last_error, created_at, sent_at, channel)
    SELECT m.id, b.id, $18, $19, $20, $21, $22, 0, $12, NULL, NULL, NULL, $12, NULL, m.channel
    FROM booked b CROSS JOIN (VALUES ($17, $29, TRUE), ($31, $30, FALSE)) AS m (id, channel, by_email)
    WHERE CASE WHEN m.by_email THEN b.contact_email ELSE b.contact_sms END
), counted AS (
    INSERT INTO integration_event_counter (prison_id, last_position) SELECT $3, 1 FROM booked
    ON CONFLICT (prison_id) DO UPDATE SET last_position = integration_event_counter.last_position + 1
    RETURNING last_position
), evented AS (
    INSERT INTO integration_event (id, prison_id, position, event_type, visit_id, payload, occurred_at)
    SELECT $26, $3, last_position, $27, $1, $28, $12 FROM counted
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
    let event_id = Uuid::now_v7();
    let values: [sea_orm::Value; 31] = [
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
        g.actor.into(),
        g.actor_name.map(str::to_owned).into(),
        message_id.into(),
        message.into(),
        Uuid::now_v7().into(),
        g.email.prison_id.into(),
        g.email.kind.into(),
        g.email.payload.to_string().into(),
        g.email.dedupe_key.into(),
        DeliveryState::Pending.into(),
        i32::try_from(g.places.closed).unwrap_or(i32::MAX).into(),
        // The states from the enums, bound like every other value: no state is spelled in the SQL.
        VisitState::Requested.into(),
        VisitState::Booked.into(),
        // The integrators' event (`crate::events::record` in one statement; the worker queues its webhook deliveries
        // later): the counter is taken after the visit's and the slot's rows, as the portable path takes it, last.
        event_id.into(),
        g.event.event_type.as_str().into(),
        g.event.payload(g.now).to_string().into(),
        // The visitor's message once by each channel they chose; the text's id after the email's, as `enqueue`
        // orders them.
        MessageChannel::Email.into(),
        MessageChannel::Sms.into(),
        Uuid::now_v7().into(),
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

/// The statement's one column: a JSON object of the visit, its prison and arrays of the rows about it, each row as
/// `row_to_json` writes it (column names as keys), in the order the staff view shows them.
const VISIT_RECORD_IN_ONE_STATEMENT: &str = r#"
SELECT CAST(json_build_object(
    'visit', row_to_json(v),
    'prison', row_to_json(p),
    'choices', COALESCE((SELECT json_agg(c ORDER BY c.rank) FROM visit_slot_choice c WHERE c.visit_id = v.id), '[]'),
    'visitors', COALESCE((SELECT json_agg(r ORDER BY r.position) FROM visitor r WHERE r.visit_id = v.id), '[]'),
    'timeline', COALESCE((SELECT json_agg(t ORDER BY t.version) FROM visit_state_change t WHERE t.visit_id = v.id), '[]'),
    'messages', COALESCE((SELECT json_agg(m ORDER BY m.at) FROM visit_message m WHERE m.visit_id = v.id), '[]'),
    'reasons', COALESCE((SELECT json_agg(x) FROM visit_rejection_reason x WHERE x.visit_id = v.id), '[]'),
    'emails', COALESCE((SELECT json_agg(o ORDER BY o.created_at, o.id) FROM outbox_message o WHERE o.visit_id = v.id), '[]')
) AS TEXT) AS record
FROM visit v JOIN prison p ON p.id = v.prison_id
WHERE v.id = $1
"#;

#[derive(Deserialize)]
struct Aggregated {
    visit: visit::Model,
    prison: prison::Model,
    choices: Vec<visit_slot_choice::Model>,
    visitors: Vec<visitor::Model>,
    timeline: Vec<visit_state_change::Model>,
    messages: Vec<visit_message::Model>,
    reasons: Vec<visit_rejection_reason::Model>,
    emails: Vec<outbox_message::Model>,
}

pub async fn find_visit_record(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<VisitRecord>, DbErr> {
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, VISIT_RECORD_IN_ONE_STATEMENT, [id.into()]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(None);
    };
    let json: String = row.try_get("", "record")?;
    // A value the typed fields cannot read (a state this build does not know) fails the whole record: an error
    // naming the visit, logged by the caller, never a record with the row left out.
    let a: Aggregated =
        serde_json::from_str(&json).map_err(|e| DbErr::Type(format!("visit {id}: unreadable visit record: {e}")))?;
    Ok(Some(VisitRecord {
        visit: visits::store::row(a.visit)?,
        availability_version: a.prison.availability_version,
        prison: crate::prisons::store::details(a.prison),
        choices: a.choices.into_iter().map(visits::store::choice_slot).collect(),
        visitors: a.visitors.into_iter().map(visits::store::visitor_row).collect(),
        timeline: a.timeline.into_iter().map(visits::store::state_change_row).collect::<Result<_, _>>()?,
        messages: a.messages.into_iter().map(crate::staff_visits::store::message_row).collect(),
        rejection_reasons: a.reasons.into_iter().map(crate::staff_visits::store::rejection_reason_row).collect(),
        emails: a.emails.into_iter().map(crate::outbox::store::delivery).collect(),
    }))
}
