//! One visit with everything staff see about it: its row, its prison, the times asked for, the visitors, the
//! timeline, the messages, the rejection reasons and the emails. On PostgreSQL it is one statement (the rows
//! aggregated as JSON beside the visit and its prison), because each round trip to a busy server costs more than the
//! JSON; elsewhere (SQLite, in process, where a round trip costs nothing) one query per table.

use domain::api::PrisonDetails;
use domain::decision::RejectionReasonInput;
use domain::slot::Slot;
use domain::staff::EmailDelivery;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, Statement};
use serde::Deserialize;
use uuid::Uuid;

use super::store::{self, StateChangeRow, VisitRow, VisitorRow};
use crate::db::entities::{
    outbox_message, prison, visit, visit_message, visit_rejection_reason, visit_slot_choice, visit_state_change,
    visitor,
};
use crate::staff_visits::store::MessageRow;

/// A visit and everything about it, as read at one moment.
#[derive(Debug, Clone)]
pub struct VisitRecord {
    pub visit: VisitRow,
    pub prison: PrisonDetails,
    /// The prison's timetable and rules version when this was read (see `crate::prisons::store::availability_stamp`).
    pub availability_version: i64,
    /// The times the visitor asked for, most wanted first.
    pub choices: Vec<Slot>,
    /// The lead visitor first.
    pub visitors: Vec<VisitorRow>,
    /// Oldest first.
    pub timeline: Vec<StateChangeRow>,
    /// Oldest first.
    pub messages: Vec<MessageRow>,
    pub rejection_reasons: Vec<RejectionReasonInput>,
    /// Oldest first.
    pub emails: Vec<EmailDelivery>,
}

/// The visit `id` with everything about it; `None` when there is no such visit.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<VisitRecord>, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => find_in_one_statement(db, id).await,
        _ => find_table_by_table(db, id).await,
    }
}

/// The statement's one column: a JSON object of the visit, its prison and arrays of the rows about it, each row as
/// `row_to_json` writes it (column names as keys), in the order the staff view shows them.
const IN_ONE_STATEMENT: &str = r#"
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

async fn find_in_one_statement(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<VisitRecord>, DbErr> {
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, IN_ONE_STATEMENT, [id.into()]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(None);
    };
    let json: String = row.try_get("", "record")?;
    let a: Aggregated =
        serde_json::from_str(&json).map_err(|e| DbErr::Custom(format!("unexpected visit record JSON: {e}")))?;
    Ok(Some(VisitRecord {
        visit: store::row(a.visit)?,
        availability_version: a.prison.availability_version,
        prison: crate::prisons::store::details(a.prison),
        choices: a.choices.into_iter().map(store::choice_slot).collect(),
        visitors: a.visitors.into_iter().map(store::visitor_row).collect(),
        timeline: a.timeline.into_iter().map(store::state_change_row).collect::<Result<_, _>>()?,
        messages: a.messages.into_iter().map(crate::staff_visits::store::message_row).collect(),
        rejection_reasons: a.reasons.into_iter().filter_map(crate::staff_visits::store::rejection_reason_row).collect(),
        emails: a.emails.into_iter().filter_map(crate::outbox::store::delivery).collect(),
    }))
}

async fn find_table_by_table(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<VisitRecord>, DbErr> {
    let Some(visit) = store::find(db, id).await? else {
        return Ok(None);
    };
    let Some(prison) = prison::Entity::find_by_id(visit.prison_id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(VisitRecord {
        availability_version: prison.availability_version,
        prison: crate::prisons::store::details(prison),
        choices: store::slot_choices(db, id).await?,
        visitors: store::visitors(db, id).await?,
        timeline: store::timeline(db, id).await?,
        messages: crate::staff_visits::store::messages(db, id).await?,
        rejection_reasons: crate::staff_visits::store::rejection_reasons(db, id).await?,
        emails: crate::outbox::store::for_visit(db, id).await?,
        visit,
    }))
}
