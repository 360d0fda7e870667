//! The webhooks' SQL: subscriptions with their prisons, and deliveries (claimed with a lease and a token, as the
//! email outbox's messages are: see `crate::outbox::store`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use domain::events::{EventType, WebhookDeliveryState};
use rand::seq::SliceRandom;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::db::entities::{integration_event, webhook_delivery, webhook_subscription, webhook_subscription_prison};

pub use webhook_delivery::Model as DeliveryRow;
pub use webhook_subscription::Model as SubscriptionRow;

/// `event_types` as stored: `,a,b,` (empty list: `,`).
pub fn stored_types(types: &[EventType]) -> String {
    let mut s = String::from(",");
    for t in types {
        s.push_str(t.as_str());
        s.push(',');
    }
    s
}

/// The types of a stored `event_types` (unknown names, from a newer build, are left out).
pub fn read_types(stored: &str) -> Vec<EventType> {
    stored.split(',').filter_map(|t| t.parse().ok()).collect()
}

pub async fn insert_subscription(
    db: &impl ConnectionTrait,
    row: SubscriptionRow,
    prisons: &[Uuid],
) -> Result<(), DbErr> {
    let id = row.id;
    webhook_subscription::Entity::insert(webhook_subscription::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    set_prisons(db, id, prisons).await
}

pub async fn set_prisons(db: &impl ConnectionTrait, id: Uuid, prisons: &[Uuid]) -> Result<(), DbErr> {
    webhook_subscription_prison::Entity::delete_many()
        .filter(webhook_subscription_prison::Column::SubscriptionId.eq(id))
        .exec(db)
        .await?;
    if prisons.is_empty() {
        return Ok(());
    }
    let rows = prisons
        .iter()
        .map(|p| webhook_subscription_prison::ActiveModel { subscription_id: Set(id), prison_id: Set(*p) });
    webhook_subscription_prison::Entity::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

pub async fn update_subscription(db: &impl ConnectionTrait, row: SubscriptionRow) -> Result<(), DbErr> {
    webhook_subscription::Entity::update(webhook_subscription::ActiveModel::from(row).reset_all())
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn delete_subscription(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    webhook_delivery::Entity::delete_many().filter(webhook_delivery::Column::SubscriptionId.eq(id)).exec(db).await?;
    webhook_subscription_prison::Entity::delete_many()
        .filter(webhook_subscription_prison::Column::SubscriptionId.eq(id))
        .exec(db)
        .await?;
    Ok(webhook_subscription::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1)
}

pub async fn find_subscription(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<SubscriptionRow>, DbErr> {
    webhook_subscription::Entity::find_by_id(id).one(db).await
}

pub async fn list_subscriptions(db: &impl ConnectionTrait) -> Result<Vec<SubscriptionRow>, DbErr> {
    webhook_subscription::Entity::find()
        .order_by_asc(webhook_subscription::Column::CreatedAt)
        .order_by_asc(webhook_subscription::Column::Id)
        .all(db)
        .await
}

pub async fn prisons_of(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    webhook_subscription_prison::Entity::find()
        .select_only()
        .column(webhook_subscription_prison::Column::PrisonId)
        .filter(webhook_subscription_prison::Column::SubscriptionId.eq(id))
        .order_by_asc(webhook_subscription_prison::Column::PrisonId)
        .into_tuple()
        .all(db)
        .await
}

/// Turns a subscription off because its deliveries keep failing: only if it is still on and nothing was delivered
/// to it since `since` (the failed delivery's creation). True when this call turned it off.
pub async fn disable_if_failing(
    db: &impl ConnectionTrait,
    id: Uuid,
    since: DateTime<Utc>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::Enabled, Expr::value(false))
        .col_expr(webhook_subscription::Column::DisabledReason, Expr::value(reason))
        .col_expr(webhook_subscription::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_subscription::Column::Id.eq(id))
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .filter(
            Condition::any()
                .add(webhook_subscription::Column::LastSuccessAt.is_null())
                .add(webhook_subscription::Column::LastSuccessAt.lt(since)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Queues the webhook deliveries of up to `limit` recorded events not yet fanned out: one per enabled subscription
/// of the event's prison that wants its type and whose owner may receive it ([`owner_may_receive`]), then marks
/// the events done, in one transaction. Returns how many events it took (fewer than `limit`: none left).
///
/// Events are taken in each prison's position order, and fan-outs take turns (on PostgreSQL an advisory lock; SQLite
/// has one writer), so a later event's delivery never waits in the queue without the earlier ones of its visit:
/// the order rule (`in_order_and_enabled`) sees them all. What counts is the subscription as it is at fan-out time,
/// moments after the change (a subscription turned off in between gets nothing; the feed has everything).
pub async fn fan_out(db: &DatabaseConnection, now: DateTime<Utc>, limit: u64) -> Result<u64, DbErr> {
    use crate::db::entities::integration_event;
    let backend = db.get_database_backend();
    let tx = db.begin().await?;
    if backend == DbBackend::Postgres {
        // Any constant both sides agree on: "fan out" in ASCII.
        tx.execute_unprepared("SELECT pg_advisory_xact_lock(7022126116111117116)").await?;
    }
    let events: Vec<Uuid> = integration_event::Entity::find()
        .select_only()
        .column(integration_event::Column::Id)
        .filter(integration_event::Column::FannedOutAt.is_null())
        .order_by_asc(integration_event::Column::PrisonId)
        .order_by_asc(integration_event::Column::Position)
        .limit(limit)
        .into_tuple()
        .all(&tx)
        .await?;
    if events.is_empty() {
        tx.commit().await?;
        return Ok(0);
    }
    // The events' ids bound as `$3`, `$4`, ... (`?3`, ... on SQLite), after the time and `true`.
    let ids = (3..events.len() + 3).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let pending = WebhookDeliveryState::Pending.as_str();
    let sql = format!(
        "INSERT INTO webhook_delivery (subscription_id, event_id, prison_id, order_key, position, event_type, state, \
         attempts, next_attempt_at, locked_until, claim_token, last_status, last_latency_ms, last_error, last_response, \
         created_at, updated_at, delivered_at) \
         SELECT s.id, e.id, e.prison_id, COALESCE(e.visit_id, e.prison_id), e.position, e.event_type, '{pending}', 0, \
         $1, NULL, NULL, NULL, NULL, NULL, NULL, $1, $1, NULL \
         FROM integration_event e \
         JOIN webhook_subscription_prison p ON p.prison_id = e.prison_id \
         JOIN webhook_subscription s ON s.id = p.subscription_id \
         WHERE e.id IN ({ids}) AND s.enabled = $2 \
         AND (s.all_events = $2 OR s.event_types LIKE '%,' || e.event_type || ',%') AND {owner}",
        owner = owner_may_receive("e.prison_id", "$1"),
    );
    let mut values: Vec<sea_orm::Value> = vec![now.into(), true.into()];
    values.extend(events.iter().map(|id| sea_orm::Value::from(*id)));
    tx.execute_raw(crate::events::store::statement(backend, &sql, values)).await?;
    integration_event::Entity::update_many()
        .col_expr(integration_event::Column::FannedOutAt, Expr::value(now))
        .filter(integration_event::Column::Id.is_in(events.iter().copied()))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(events.len() as u64)
}

/// SQL: the subscription `s` may receive an event of prison `{prison}` at time `{now}` as far as its owner goes.
/// One an admin made always may; one an API key made may only while that key could read what it carries: not
/// revoked, not expired, still holding `webhooks:manage`, still reaching the prison. Checked when an event is
/// recorded (no delivery is queued otherwise) and again when a delivery falls due (a key revoked, narrowed or
/// expired since stops its waiting deliveries at once; they wait, and go out if the key is set right again).
pub fn owner_may_receive(prison: &str, now: &str) -> String {
    format!(
        "(s.owner_api_key_id IS NULL OR EXISTS (SELECT 1 FROM api_key k \
         JOIN api_key_prison kp ON kp.key_id = k.id AND kp.prison_id = {prison} \
         WHERE k.id = s.owner_api_key_id AND k.revoked_at IS NULL \
         AND (k.expires_at IS NULL OR k.expires_at > {now}) \
         AND (' ' || k.scopes || ' ') LIKE '% {scope} %'))",
        scope = domain::api_keys::Scope::WebhooksManage.as_str()
    )
}

const WAITING: [WebhookDeliveryState; 2] = [WebhookDeliveryState::Pending, WebhookDeliveryState::Retrying];

fn due(now: DateTime<Utc>, backend: DbBackend) -> Condition {
    // sea-query's placeholder for a custom expression's value: `$1` on PostgreSQL, `?` on SQLite.
    let placeholder = if backend == DbBackend::Postgres { "$1" } else { "?" };
    // States as literals so that the planner can use the partial index `idx_webhook_delivery_waiting`.
    let waiting = format!("webhook_delivery.state IN ('{}', '{}')", WAITING[0].as_str(), WAITING[1].as_str());
    Condition::all()
        .add(Expr::cust(waiting))
        .add(webhook_delivery::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(webhook_delivery::Column::LockedUntil.is_null())
                .add(webhook_delivery::Column::LockedUntil.lt(now)),
        )
        .add(Expr::cust(in_order_and_enabled()))
        .add(Expr::cust_with_values(
            format!(
                "EXISTS (SELECT 1 FROM webhook_subscription AS s WHERE s.id = webhook_delivery.subscription_id AND {})",
                owner_may_receive("webhook_delivery.prison_id", placeholder)
            ),
            [now],
        ))
}

/// Per subscription and per visit (or per prison, for events without a visit), deliveries go out in position order:
/// none is due while an earlier one of the same key is still waiting (pending, retrying, or being sent). A failed
/// one stops holding the rest. Only enabled subscriptions' deliveries are due; a disabled one's wait.
fn in_order_and_enabled() -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM webhook_delivery AS earlier \
         WHERE earlier.subscription_id = webhook_delivery.subscription_id \
         AND earlier.order_key = webhook_delivery.order_key \
         AND earlier.position < webhook_delivery.position \
         AND earlier.state IN ('{}', '{}')) \
         AND EXISTS (SELECT 1 FROM webhook_subscription AS s \
         WHERE s.id = webhook_delivery.subscription_id AND s.enabled = TRUE)",
        WAITING[0].as_str(),
        WAITING[1].as_str()
    )
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: DeliveryRow,
    pub claim_token: Uuid,
}

/// Claims up to `limit` due deliveries for `lease`, shared fairly between subscriptions (as
/// `crate::outbox::store::claim`: on PostgreSQL `FOR UPDATE SKIP LOCKED`, on SQLite the one writer; the
/// conditional update claims a row once).
///
/// Each subscription's due deliveries are read apart, oldest due first, and taken in turn, one from each, so that a
/// receiver with a backlog (a slow one, or one that was down) cannot fill the batch. While more than one subscription
/// has deliveries due, none may hold more than `share` slots, counting the `busy` ones it already has in flight in
/// this worker; a subscription alone may take every slot.
pub async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
    share: u64,
    busy: &HashMap<Uuid, u64>,
) -> Result<Vec<Claimed>, DbErr> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let token = Uuid::new_v4();
    let tx = db.begin().await?;
    let backend = db.get_database_backend();
    // The subscriptions with anything waiting and due (a cheap read of the partial index), in random order: no
    // subscription is always served first.
    let waiting = format!("webhook_delivery.state IN ('{}', '{}')", WAITING[0].as_str(), WAITING[1].as_str());
    let mut subscriptions: Vec<Uuid> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::SubscriptionId)
        .distinct()
        .filter(Expr::cust(waiting))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .into_tuple()
        .all(&tx)
        .await?;
    subscriptions.shuffle(&mut rand::rng());
    let mut queues: Vec<(Uuid, std::vec::IntoIter<(Uuid, Uuid)>)> = Vec::new();
    for subscription in subscriptions {
        let mut query = webhook_delivery::Entity::find()
            .select_only()
            .column(webhook_delivery::Column::SubscriptionId)
            .column(webhook_delivery::Column::EventId)
            .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
            .filter(due(now, backend))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::EventId)
            .limit(limit);
        if backend == DbBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let keys: Vec<(Uuid, Uuid)> = query.into_tuple().all(&tx).await?;
        if !keys.is_empty() {
            queues.push((subscription, keys.into_iter()));
        }
    }
    let cap = if queues.len() > 1 { Ord::max(share, 1) } else { u64::MAX };
    let mut keys = Vec::new();
    let mut taken: HashMap<Uuid, u64> = HashMap::new();
    'turns: loop {
        let before = keys.len();
        for (subscription, queue) in &mut queues {
            let holds = busy.get(subscription).copied().unwrap_or(0) + taken.get(subscription).copied().unwrap_or(0);
            if holds >= cap {
                continue;
            }
            if let Some(key) = queue.next() {
                keys.push(key);
                *taken.entry(*subscription).or_default() += 1;
                if keys.len() as u64 >= limit {
                    break 'turns;
                }
            }
        }
        if keys.len() == before {
            break;
        }
    }
    if keys.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let mut any = Condition::any();
    for (subscription_id, event_id) in &keys {
        any = any.add(
            Condition::all()
                .add(webhook_delivery::Column::SubscriptionId.eq(*subscription_id))
                .add(webhook_delivery::Column::EventId.eq(*event_id)),
        );
    }
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(webhook_delivery::Column::ClaimToken, Expr::value(token))
        .col_expr(webhook_delivery::Column::Attempts, Expr::col(webhook_delivery::Column::Attempts).add(1))
        .filter(any)
        .filter(due(now, backend))
        .exec(&tx)
        .await?;
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::ClaimToken.eq(token))
        .order_by_asc(webhook_delivery::Column::Position)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(|delivery| Claimed { delivery, claim_token: token }).collect())
}

/// The outcome of one try.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub state: WebhookDeliveryState,
    pub status: Option<u16>,
    pub latency_ms: u32,
    pub error: Option<String>,
    pub response: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

/// Records a try of a claimed delivery (and, when delivered, the subscription's last success). False when the
/// claim was lost (its lease ran out and another worker took it).
pub async fn record_outcome(
    db: &impl ConnectionTrait,
    claimed: &Claimed,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let d = &claimed.delivery;
    let delivered = outcome.state == WebhookDeliveryState::Delivered;
    let result = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(outcome.state))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(outcome.next_attempt_at))
        .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(webhook_delivery::Column::LastStatus, Expr::value(outcome.status.map(i32::from)))
        .col_expr(
            webhook_delivery::Column::LastLatencyMs,
            Expr::value(Some(i32::try_from(outcome.latency_ms).unwrap_or(i32::MAX))),
        )
        .col_expr(webhook_delivery::Column::LastError, Expr::value(outcome.error.clone()))
        .col_expr(webhook_delivery::Column::LastResponse, Expr::value(outcome.response.clone()))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(delivered.then_some(now)))
        .filter(webhook_delivery::Column::SubscriptionId.eq(d.subscription_id))
        .filter(webhook_delivery::Column::EventId.eq(d.event_id))
        .filter(webhook_delivery::Column::ClaimToken.eq(claimed.claim_token))
        .exec(db)
        .await?;
    if delivered {
        webhook_subscription::Entity::update_many()
            .col_expr(webhook_subscription::Column::LastSuccessAt, Expr::value(now))
            .filter(webhook_subscription::Column::Id.eq(d.subscription_id))
            .exec(db)
            .await?;
    }
    Ok(result.rows_affected == 1)
}

/// The event's payload, as stored.
pub async fn payload(db: &impl ConnectionTrait, event_id: Uuid) -> Result<Option<String>, DbErr> {
    integration_event::Entity::find_by_id(event_id)
        .select_only()
        .column(integration_event::Column::Payload)
        .into_tuple()
        .one(db)
        .await
}

/// A page of a subscription's deliveries, newest first, older than `before` (an event id) when given.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    subscription_id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<DeliveryRow>, DbErr> {
    let mut query =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id));
    if let Some(before) = before {
        query = query.filter(webhook_delivery::Column::EventId.lt(before));
    }
    query.order_by_desc(webhook_delivery::Column::EventId).limit(limit).all(db).await
}

pub async fn find_delivery(
    db: &impl ConnectionTrait,
    subscription_id: Uuid,
    event_id: Uuid,
) -> Result<Option<DeliveryRow>, DbErr> {
    webhook_delivery::Entity::find_by_id((subscription_id, event_id)).one(db).await
}

/// Queues a delivery again now, from its first try. A try under way loses its claim (its outcome is not recorded),
/// so the delivery is sent again whatever that try does: at least once, as ever.
pub async fn redeliver(
    db: &impl ConnectionTrait,
    subscription_id: Uuid,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(WebhookDeliveryState::Pending))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(webhook_delivery::Column::ClaimToken, Expr::value(Option::<Uuid>::None))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id))
        .filter(webhook_delivery::Column::EventId.eq(event_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The admins' email addresses (they hear of a subscription turned off).
pub async fn admin_emails(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    use crate::db::entities::staff_account;
    staff_account::Entity::find()
        .select_only()
        .column(staff_account::Column::Email)
        .filter(staff_account::Column::Role.eq(domain::staff::Role::Admin))
        .filter(staff_account::Column::Disabled.eq(false))
        .order_by_asc(staff_account::Column::Email)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes up to `limit` events' worth of finished (delivered or failed) deliveries created before `before`: the
/// delivery log reaches back as far as the change feed. Waiting deliveries stay, whatever their age. Returns how
/// many rows went.
pub async fn delete_finished_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Query;
    let finished = [WebhookDeliveryState::Delivered, WebhookDeliveryState::Failed];
    let events = Query::select()
        .column(webhook_delivery::Column::EventId)
        .from(webhook_delivery::Entity)
        .and_where(webhook_delivery::Column::State.is_in(finished))
        .and_where(webhook_delivery::Column::CreatedAt.lt(before))
        .limit(limit)
        .to_owned();
    let result = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::State.is_in(finished))
        .filter(webhook_delivery::Column::CreatedAt.lt(before))
        .filter(webhook_delivery::Column::EventId.in_subquery(events))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
