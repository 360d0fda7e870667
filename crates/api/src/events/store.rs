//! The events' SQL: recording one (counter, event; the worker queues its deliveries later) and reading a prison's
//! events after a position.

use chrono::{DateTime, Utc};
use domain::events::WebhookDeliveryState;
use domain::events::{EventType, PAYLOAD_VERSION, RollEventData, TimetableEventData, VisitEventData};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::entities::integration_event;

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub prison_id: Uuid,
    pub event_type: EventType,
    pub visit_id: Option<Uuid>,
    /// The payload's `data`.
    pub data: Value,
}

impl NewEvent {
    /// A `visit.*` event, its data the visit as the change left it.
    pub fn about_visit(event_type: EventType, data: &VisitEventData) -> NewEvent {
        NewEvent {
            prison_id: data.prison_id,
            event_type,
            visit_id: Some(data.visit_id),
            data: serde_json::to_value(data).unwrap_or(Value::Null),
        }
    }

    pub fn timetable_changed(prison_id: Uuid, version: i64) -> NewEvent {
        let data = TimetableEventData { prison_id, version };
        NewEvent {
            prison_id,
            event_type: EventType::TimetableChanged,
            visit_id: None,
            data: serde_json::to_value(data).unwrap_or(Value::Null),
        }
    }

    pub fn roll_updated(prison_id: Uuid, prisoners: u32) -> NewEvent {
        let data = RollEventData { prison_id, prisoners };
        NewEvent {
            prison_id,
            event_type: EventType::RollUpdated,
            visit_id: None,
            data: serde_json::to_value(data).unwrap_or(Value::Null),
        }
    }

    /// The versioned payload sent in webhooks: `{"type", "version", "timestamp", "data"}`.
    pub fn payload(&self, occurred_at: DateTime<Utc>) -> Value {
        json!({
            "type": self.event_type.as_str(),
            "version": PAYLOAD_VERSION,
            "timestamp": occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": self.data,
        })
    }
}

/// A recorded event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: Uuid,
    pub position: i64,
}

/// `sql` written with `$1`-style parameters, for `backend` (SQLite reads `?1` as the same numbered parameter).
pub(crate) fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres { sql.to_owned() } else { sql.replace('$', "?") };
    Statement::from_sql_and_values(backend, sql, values)
}

const NEXT_POSITION: &str = "INSERT INTO integration_event_counter (prison_id, last_position) VALUES ($1, 1) \
ON CONFLICT (prison_id) DO UPDATE SET last_position = integration_event_counter.last_position + 1 \
RETURNING last_position";

/// Records an event; call it with the transaction that makes the change, as its last statement before commit (see
/// the module's documentation for why last). Its webhook deliveries are queued afterwards by the worker
/// (`crate::webhooks::store::fan_out`), so a change costs the same however many subscriptions there are.
pub async fn record(db: &impl ConnectionTrait, event: NewEvent, now: DateTime<Utc>) -> Result<Recorded, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(statement(backend, NEXT_POSITION, vec![event.prison_id.into()]))
        .await?
        .ok_or_else(|| DbErr::Custom("the event counter returned no row".into()))?;
    let position: i64 = row.try_get_by_index(0)?;
    let id = Uuid::now_v7();
    integration_event::Entity::insert(integration_event::ActiveModel {
        id: Set(id),
        prison_id: Set(event.prison_id),
        position: Set(position),
        event_type: Set(event.event_type.as_str().to_owned()),
        visit_id: Set(event.visit_id),
        payload: Set(event.payload(now).to_string()),
        occurred_at: Set(now),
        fanned_out_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(Recorded { id, position })
}

/// Up to `limit` of the prison's events after `after`, in position order.
pub async fn after(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    after: i64,
    limit: u64,
) -> Result<Vec<integration_event::Model>, DbErr> {
    integration_event::Entity::find()
        .filter(integration_event::Column::PrisonId.eq(prison_id))
        .filter(integration_event::Column::Position.gt(after))
        .order_by_asc(integration_event::Column::Position)
        .limit(limit)
        .all(db)
        .await
}

/// One event by id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<integration_event::Model>, DbErr> {
    integration_event::Entity::find_by_id(id).one(db).await
}

/// The last position the prison's counter gave (0 when it has no event yet). Positions are dense: the counter and
/// the event are written in one transaction, so a number is used only if its event committed.
pub async fn last_position(db: &impl ConnectionTrait, prison_id: Uuid) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let sql = "SELECT last_position FROM integration_event_counter WHERE prison_id = $1";
    match db.query_one_raw(statement(backend, sql, vec![prison_id.into()])).await? {
        Some(row) => row.try_get_by_index(0),
        None => Ok(0),
    }
}

/// The position of the prison's oldest event still kept, if any.
pub async fn oldest_position(db: &impl ConnectionTrait, prison_id: Uuid) -> Result<Option<i64>, DbErr> {
    integration_event::Entity::find()
        .select_only()
        .column(integration_event::Column::Position)
        .filter(integration_event::Column::PrisonId.eq(prison_id))
        .order_by_asc(integration_event::Column::Position)
        .limit(1)
        .into_tuple()
        .one(db)
        .await
}

/// Deletes up to `limit` events recorded before `before`, except those a waiting (pending or retrying) webhook
/// delivery still needs and every later event of the same prison: a delivery sends its event's stored payload, and
/// each prison's feed stays an unbroken run of positions (it starts at the oldest event kept). Returns how many
/// went.
pub async fn delete_old(db: &impl ConnectionTrait, before: DateTime<Utc>, limit: u64) -> Result<u64, DbErr> {
    use crate::db::entities::webhook_delivery;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let held = Query::select()
        .expr(Expr::val(1))
        .from(webhook_delivery::Entity)
        .and_where(
            Expr::col((webhook_delivery::Entity, webhook_delivery::Column::PrisonId))
                .equals((integration_event::Entity, integration_event::Column::PrisonId)),
        )
        .and_where(
            Expr::col((webhook_delivery::Entity, webhook_delivery::Column::Position))
                .lte(Expr::col((integration_event::Entity, integration_event::Column::Position))),
        )
        .and_where(
            webhook_delivery::Column::State.is_in([WebhookDeliveryState::Pending, WebhookDeliveryState::Retrying]),
        )
        .to_owned();
    let old = Query::select()
        .column(integration_event::Column::Id)
        .from(integration_event::Entity)
        .and_where(integration_event::Column::OccurredAt.lt(before))
        // Not yet fanned out to its subscriptions (the worker was off): kept until it is. Fan-out goes in each
        // prison's position order, so keeping these leaves no gap in a feed.
        .and_where(integration_event::Column::FannedOutAt.is_not_null())
        .and_where(Expr::exists(held).not())
        .limit(limit)
        .to_owned();
    let result = integration_event::Entity::delete_many()
        .filter(integration_event::Column::Id.in_subquery(old))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
