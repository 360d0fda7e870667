//! One visit with everything staff see about it: its row, its prison, the times asked for, the visitors, the
//! timeline, the messages, the rejection reasons and the emails, read one query per table. PostgreSQL has a
//! one-statement twin in `crate::db::postgres_fast_paths`, which the same tests run.

use domain::api::PrisonDetails;
use domain::decision::RejectionReasonInput;
use domain::slot::Slot;
use domain::staff::EmailDelivery;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait};
use uuid::Uuid;

use super::store::{self, StateChangeRow, VisitRow, VisitorRow};
use crate::db::entities::prison;
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

/// The visit `id` with everything about it; `None` when there is no such visit. With `fast_paths` (PostgreSQL,
/// `POSTGRES_FAST_PATHS` on) in one statement: see `crate::db::postgres_fast_paths`.
pub async fn find(db: &impl ConnectionTrait, id: Uuid, fast_paths: bool) -> Result<Option<VisitRecord>, DbErr> {
    if fast_paths && db.get_database_backend() == DbBackend::Postgres {
        return crate::db::postgres_fast_paths::find_visit_record(db, id).await;
    }
    find_table_by_table(db, id).await
}

/// The portable path: one query per table, the same on every engine.
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
