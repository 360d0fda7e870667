//! The outbox: messages written in the same transaction as the change they tell about, then claimed, sent and
//! marked by the worker. A claim is a lease (`locked_until`) with a token: a worker that dies mid-send leaves a
//! row that becomes due again when the lease runs out; a worker whose lease ran out cannot mark a row it lost.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::email::{ContactChoice, DeliveryState, EmailKind, MessageChannel, PrisonNotifyMode};
use domain::staff::EmailDelivery;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement, TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use crate::db::entities::{outbox_message, prison_notification, visit};

/// A message to write.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub visit_id: Option<Uuid>,
    pub prison_id: Option<Uuid>,
    pub kind: EmailKind,
    /// What the email needs beyond the visit as it is when sent (the time of the change, a message's id).
    pub payload: Value,
    /// Set for a message that must exist once, whoever writes it.
    pub dedupe_key: Option<String>,
}

impl NewMessage {
    /// A visitor's email about a visit.
    pub fn about_visit(visit_id: Uuid, kind: EmailKind, payload: Value) -> NewMessage {
        NewMessage { visit_id: Some(visit_id), prison_id: None, kind, payload, dedupe_key: None }
    }
}

fn active(message: NewMessage, channel: MessageChannel, now: DateTime<Utc>) -> outbox_message::ActiveModel {
    outbox_message::ActiveModel {
        // Time-ordered, so messages written in one instant keep the order they were written in.
        id: Set(Uuid::now_v7()),
        visit_id: Set(message.visit_id),
        prison_id: Set(message.prison_id),
        kind: Set(message.kind),
        payload: Set(message.payload.to_string()),
        dedupe_key: Set(message.dedupe_key),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        claim_token: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        channel: Set(channel),
    }
}

/// The rows to write for these messages: a visitor's message once by each channel its visit's visitor chose
/// (email, text message, or both: `visit.contact_email`, `visit.contact_sms`), read in the caller's transaction; a
/// message to a prison or an admin once, by email. This is the one place that decides who is told how.
async fn rows(
    db: &impl ConnectionTrait,
    messages: Vec<NewMessage>,
    now: DateTime<Utc>,
) -> Result<Vec<outbox_message::ActiveModel>, DbErr> {
    let visit_ids: Vec<Uuid> = messages.iter().filter(|m| m.kind.is_for_visitor()).filter_map(|m| m.visit_id).collect();
    let choices: std::collections::HashMap<Uuid, ContactChoice> = if visit_ids.is_empty() {
        Default::default()
    } else {
        visit::Entity::find()
            .select_only()
            .columns([visit::Column::Id, visit::Column::ContactEmail, visit::Column::ContactSms])
            .filter(visit::Column::Id.is_in(visit_ids))
            .into_tuple::<(Uuid, bool, bool)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, email, sms)| (id, ContactChoice { email, sms }))
            .collect()
    };
    let mut rows = Vec::with_capacity(messages.len());
    for message in messages {
        let choice = match message.visit_id {
            Some(id) if message.kind.is_for_visitor() => choices.get(&id).copied().unwrap_or_default(),
            _ => ContactChoice::default(),
        };
        if choice.email {
            rows.push(active(message.clone(), MessageChannel::Email, now));
        }
        if choice.sms {
            let dedupe_key = message.dedupe_key.as_ref().map(|key| format!("{key}:sms"));
            rows.push(active(NewMessage { dedupe_key, ..message }, MessageChannel::Sms, now));
        }
    }
    Ok(rows)
}

/// Writes a message (by each channel the visitor chose); call it with the transaction that makes the change.
pub async fn enqueue(db: &impl ConnectionTrait, message: NewMessage, now: DateTime<Utc>) -> Result<(), DbErr> {
    enqueue_many(db, vec![message], now).await
}

/// Writes these messages in one statement (by each channel their visitors chose); call it with the transaction that
/// makes the change.
pub async fn enqueue_many(
    db: &impl ConnectionTrait,
    messages: Vec<NewMessage>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows = rows(db, messages, now).await?;
    if rows.is_empty() {
        return Ok(());
    }
    outbox_message::Entity::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

/// Writes a message with a dedupe key unless one with that key exists. True when this call wrote it. For the
/// prison's and the admins' emails, which go by email only.
pub async fn enqueue_once(db: &impl ConnectionTrait, message: NewMessage, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let written = outbox_message::Entity::insert(active(message, MessageChannel::Email, now))
        .on_conflict(OnConflict::column(outbox_message::Column::DedupeKey).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(written == 1)
}

/// A claimed row as read, its kind still text (see `claim`).
#[derive(Debug, FromQueryResult)]
struct ClaimedRow {
    id: Uuid,
    visit_id: Option<Uuid>,
    prison_id: Option<Uuid>,
    kind: String,
    channel: String,
    payload: String,
    attempts: i32,
    created_at: DateTime<Utc>,
}

/// A claimed message.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub visit_id: Option<Uuid>,
    pub prison_id: Option<Uuid>,
    pub kind: Option<EmailKind>,
    /// `None` for a channel this build does not know (failed, like an unknown kind).
    pub channel: Option<MessageChannel>,
    pub payload: Value,
    /// Including this one.
    pub attempts: u32,
    pub claim_token: Uuid,
    pub created_at: DateTime<Utc>,
}

fn due(now: DateTime<Utc>) -> Condition {
    // The states as literals, not parameters, so that the planner can use the partial index of waiting messages
    // (`idx_outbox_waiting`, whose condition is this one), whatever the parameters turn out to be.
    let waiting = format!(
        "outbox_message.state IN ('{}', '{}')",
        DeliveryState::Pending.as_str(),
        DeliveryState::Retrying.as_str()
    );
    Condition::all()
        .add(Expr::cust(waiting))
        .add(outbox_message::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(outbox_message::Column::LockedUntil.is_null())
                .add(outbox_message::Column::LockedUntil.lt(now)),
        )
        .add(Expr::cust(in_order()))
}

/// A visitor's emails about one visit go out in the order they were written: none is due while an earlier one is
/// still on its way (pending, retrying or being sent), so "booked" never arrives after "cancelled". A failed one
/// stops holding the rest. The prison's emails do not wait, and are not waited for. Texts keep their own order the
/// same way, apart from the emails: a failing mail service never holds up a visitor's texts, nor the reverse.
fn in_order() -> String {
    let waiting = [DeliveryState::Pending.as_str(), DeliveryState::Retrying.as_str()];
    let prison = [EmailKind::PrisonNewRequest.as_str(), EmailKind::PrisonDigest.as_str()];
    format!(
        "NOT EXISTS (SELECT 1 FROM outbox_message AS earlier \
         WHERE earlier.visit_id = outbox_message.visit_id \
         AND earlier.channel = outbox_message.channel \
         AND earlier.state IN ('{}', '{}') \
         AND earlier.kind NOT IN ('{}', '{}') AND outbox_message.kind NOT IN ('{}', '{}') \
         AND (earlier.created_at < outbox_message.created_at \
              OR (earlier.created_at = outbox_message.created_at AND earlier.id < outbox_message.id)))",
        waiting[0], waiting[1], prison[0], prison[1], prison[0], prison[1]
    )
}

/// The ids of up to `limit` messages due at `now`, oldest due first: what a claim locks and takes. Public so that a
/// test can ask each engine how it runs it (it must walk `idx_outbox_waiting`, not sort the whole backlog).
pub fn claim_candidates(backend: DbBackend, now: DateTime<Utc>, limit: u64) -> Statement {
    let mut query = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::Id)
        .filter(due(now))
        .order_by_asc(outbox_message::Column::NextAttemptAt)
        .order_by_asc(outbox_message::Column::Id)
        .limit(limit);
    if backend == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    query.build(backend)
}

/// Claims up to `limit` due messages for `lease`, oldest due first. On PostgreSQL rows another worker is claiming
/// are skipped (`FOR UPDATE SKIP LOCKED`), so several instances share the work without waiting on each other; on
/// SQLite the one writer serialises claims. Either way the conditional update makes a row claimed once.
pub async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Claimed>, DbErr> {
    let token = Uuid::new_v4();
    let tx = db.begin().await?;
    let candidates = claim_candidates(db.get_database_backend(), now, limit);
    let ids: Vec<Uuid> = tx
        .query_all_raw(candidates)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<Uuid>(0))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(outbox_message::Column::ClaimToken, Expr::value(token))
        .col_expr(outbox_message::Column::Attempts, Expr::col(outbox_message::Column::Attempts).add(1))
        .filter(outbox_message::Column::Id.is_in(ids))
        .filter(due(now))
        .exec(&tx)
        .await?;
    // The kind is read as text here, not as the typed column: one message of a kind this build does not know must
    // not stop every other email. It is claimed like the rest, and the worker fails it for good, with a log line.
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::ClaimToken.eq(token))
        .order_by_asc(outbox_message::Column::CreatedAt)
        .order_by_asc(outbox_message::Column::Id)
        .into_model::<ClaimedRow>()
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|m| Claimed {
            id: m.id,
            visit_id: m.visit_id,
            prison_id: m.prison_id,
            kind: m.kind.parse().ok(),
            channel: m.channel.parse().ok(),
            payload: serde_json::from_str(&m.payload).unwrap_or(Value::Null),
            attempts: u32::try_from(m.attempts).unwrap_or(0),
            claim_token: token,
            created_at: m.created_at,
        })
        .collect())
}

/// Records a delivery. False when the claim was lost (the lease ran out and another worker took the row).
pub async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, token: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::State, Expr::value(DeliveryState::Sent))
        .col_expr(outbox_message::Column::SentAt, Expr::value(now))
        .col_expr(outbox_message::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox_message::Column::LastError, Expr::value(Option::<String>::None))
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::ClaimToken.eq(token))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes a claimed message that is not to be sent after all (a reminder no longer true). False when the claim
/// was lost.
pub async fn delete_claimed(db: &impl ConnectionTrait, id: Uuid, token: Uuid) -> Result<bool, DbErr> {
    let result = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::ClaimToken.eq(token))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a failed try: `Retrying` at `next_attempt_at`, or `Failed` for good.
pub async fn mark_unsent(
    db: &impl ConnectionTrait,
    id: Uuid,
    token: Uuid,
    state: DeliveryState,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<bool, DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::State, Expr::value(state))
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(outbox_message::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox_message::Column::LastError, Expr::value(error.chars().take(300).collect::<String>()))
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::ClaimToken.eq(token))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The emails and texts about a visit, oldest first, as staff see them.
pub async fn for_visit(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<EmailDelivery>, DbErr> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::VisitId.eq(visit_id))
        .order_by_asc(outbox_message::Column::CreatedAt)
        .order_by_asc(outbox_message::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(delivery)
        .collect())
}

/// A message as staff see it.
pub(crate) fn delivery(m: outbox_message::Model) -> EmailDelivery {
    let state = m.state;
    EmailDelivery {
        kind: m.kind,
        channel: m.channel,
        state,
        attempts: u32::try_from(m.attempts).unwrap_or(0),
        last_error: m.last_error,
        created_at: m.created_at,
        sent_at: m.sent_at,
        next_attempt_at: (state == DeliveryState::Retrying).then_some(m.next_attempt_at),
    }
}

/// Forgets the messages about these visits (their personal data is being removed).
pub async fn delete_for_visits(db: &impl ConnectionTrait, visit_ids: &[Uuid]) -> Result<(), DbErr> {
    if visit_ids.is_empty() {
        return Ok(());
    }
    outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::VisitId.is_in(visit_ids.iter().copied()))
        .exec(db)
        .await
        .map(|_| ())
}

/// How a prison's mailbox hears of new requests, and the mailbox when it is not the prison's own address.
pub async fn prison_notification(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
) -> Result<(PrisonNotifyMode, Option<String>), DbErr> {
    Ok(match prison_notification::Entity::find_by_id(prison_id).one(db).await? {
        Some(row) => (row.mode, row.mailbox),
        None => (PrisonNotifyMode::default(), None),
    })
}

pub async fn set_prison_notification(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    mode: PrisonNotifyMode,
    mailbox: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    prison_notification::Entity::insert(prison_notification::ActiveModel {
        prison_id: Set(prison_id),
        mode: Set(mode),
        mailbox: Set(mailbox.map(str::to_owned)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(prison_notification::Column::PrisonId)
            .update_columns([
                prison_notification::Column::Mode,
                prison_notification::Column::Mailbox,
                prison_notification::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// The prisons that asked for a daily digest.
pub async fn digest_prisons(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
    prison_notification::Entity::find()
        .select_only()
        .column(prison_notification::Column::PrisonId)
        .filter(prison_notification::Column::Mode.eq(PrisonNotifyMode::DailyDigest))
        .into_tuple()
        .all(db)
        .await
}

/// The dedupe key of a prison's digest for one day.
pub fn digest_key(prison_id: Uuid, day: NaiveDate) -> String {
    format!("digest:{prison_id}:{day}")
}

/// Whether the prison wants an email per new request.
pub async fn prison_wants_each_request(db: &impl ConnectionTrait, prison_id: Uuid) -> Result<bool, DbErr> {
    Ok(prison_notification(db, prison_id).await?.0 == PrisonNotifyMode::EachRequest)
}

/// The payload of a visitor's email: when the change happened, and the staff message that came with it.
pub fn visit_payload(at: DateTime<Utc>, message_id: Option<Uuid>) -> Value {
    match message_id {
        Some(id) => serde_json::json!({ "at": at.to_rfc3339(), "message_id": id.to_string() }),
        None => serde_json::json!({ "at": at.to_rfc3339() }),
    }
}
