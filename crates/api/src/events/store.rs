//! The events' SQL: recording one (counter, event, deliveries) and reading a prison's events after a position.

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

    /// The pattern a subscription's `event_types` (`,a,b,`) matches when it chose this type.
    pub fn type_pattern(&self) -> String {
        format!("%,{},%", self.event_type.as_str())
    }

    /// The key whose deliveries go out in position order: the visit, or the prison for other events.
    pub fn order_key(&self) -> Uuid {
        self.visit_id.unwrap_or(self.prison_id)
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

/// A delivery for each enabled subscription of the event's prison that wants its type (and, for one an API key made,
/// whose key may receive it: `crate::webhooks::store::owner_may_receive`, appended with `$2` and `$7`).
const FAN_OUT: &str = "INSERT INTO webhook_delivery (subscription_id, event_id, prison_id, order_key, position, \
event_type, state, attempts, next_attempt_at, locked_until, claim_token, last_status, last_latency_ms, last_error, \
last_response, created_at, updated_at, delivered_at) \
SELECT s.id, $1, $2, $3, $4, $5, $6, 0, $7, NULL, NULL, NULL, NULL, NULL, NULL, $7, $7, NULL \
FROM webhook_subscription s JOIN webhook_subscription_prison p ON p.subscription_id = s.id \
WHERE p.prison_id = $2 AND s.enabled = $8 AND (s.all_events = $8 OR s.event_types LIKE $9)";

/// Records an event and its webhook deliveries; call it with the transaction that makes the change, as its last
/// statement before commit (see the module's documentation for why last).
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
    })
    .exec_without_returning(db)
    .await?;
    let values = vec![
        id.into(),
        event.prison_id.into(),
        event.order_key().into(),
        position.into(),
        event.event_type.as_str().into(),
        WebhookDeliveryState::Pending.as_str().into(),
        now.into(),
        true.into(),
        event.type_pattern().into(),
    ];
    let fan_out = format!("{FAN_OUT} AND {}", crate::webhooks::store::owner_may_receive("$2", "$7"));
    db.execute_raw(statement(backend, &fan_out, values)).await?;
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
        .and_where(Expr::exists(held).not())
        .limit(limit)
        .to_owned();
    let result = integration_event::Entity::delete_many()
        .filter(integration_event::Column::Id.in_subquery(old))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
