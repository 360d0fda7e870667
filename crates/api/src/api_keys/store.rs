//! API keys' rows: the key, the prisons it reaches and its secrets (hashes only).

use chrono::{DateTime, Utc};
use domain::api_keys::Scope;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::db::entities::{api_key, api_key_prison, api_key_secret};

/// A key as stored, with what goes with it.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub rate_limit_per_minute: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by_name: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The scopes column: space-separated wire names. A name this build does not know is an error, never skipped.
fn parse_scopes(id: Uuid, stored: &str) -> Result<Vec<Scope>, DbErr> {
    stored
        .split_whitespace()
        .map(|s| s.parse::<Scope>().map_err(|_| DbErr::Type(format!("api key {id}: unknown scope {s:?}"))))
        .collect()
}

pub fn scopes_column(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

fn record(m: api_key::Model) -> Result<KeyRecord, DbErr> {
    Ok(KeyRecord {
        scopes: parse_scopes(m.id, &m.scopes)?,
        rate_limit_per_minute: u32::try_from(m.rate_limit_per_minute)
            .map_err(|_| DbErr::Type(format!("api key {}: negative rate limit", m.id)))?,
        id: m.id,
        name: m.name,
        expires_at: m.expires_at,
        created_at: m.created_at,
        created_by_name: m.created_by_name,
        last_used_at: m.last_used_at,
        revoked_at: m.revoked_at,
    })
}

pub struct NewKey<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub rate_limit_per_minute: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by_id: Uuid,
    pub created_by_name: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert(db: &impl ConnectionTrait, k: &NewKey<'_>) -> Result<(), DbErr> {
    api_key::Entity::insert(api_key::ActiveModel {
        id: Set(k.id),
        name: Set(k.name.to_owned()),
        scopes: Set(scopes_column(k.scopes)),
        rate_limit_per_minute: Set(i32::try_from(k.rate_limit_per_minute).unwrap_or(i32::MAX)),
        expires_at: Set(k.expires_at),
        created_at: Set(k.now),
        created_by_id: Set(k.created_by_id),
        created_by_name: Set(k.created_by_name.to_owned()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Replaces the prisons a key reaches.
pub async fn set_prisons(db: &impl ConnectionTrait, key_id: Uuid, prisons: &[Uuid]) -> Result<(), DbErr> {
    api_key_prison::Entity::delete_many().filter(api_key_prison::Column::KeyId.eq(key_id)).exec(db).await?;
    if prisons.is_empty() {
        return Ok(());
    }
    api_key_prison::Entity::insert_many(
        prisons.iter().map(|p| api_key_prison::ActiveModel { key_id: Set(key_id), prison_id: Set(*p) }),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

pub async fn insert_secret(
    db: &impl ConnectionTrait,
    key_id: Uuid,
    hash: &str,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    api_key_secret::Entity::insert(api_key_secret::ActiveModel {
        hash: Set(hash.to_owned()),
        key_id: Set(key_id),
        prefix: Set(prefix.to_owned()),
        created_at: Set(now),
        valid_until: Set(None),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// A rotation's step before the new secret: the key's secrets end at `until` at the latest (one that ends sooner
/// keeps its end), and those already ended are deleted.
pub async fn retire_secrets(
    db: &impl ConnectionTrait,
    key_id: Uuid,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    api_key_secret::Entity::update_many()
        .col_expr(api_key_secret::Column::ValidUntil, Expr::value(until))
        .filter(api_key_secret::Column::KeyId.eq(key_id))
        .filter(
            Condition::any()
                .add(api_key_secret::Column::ValidUntil.is_null())
                .add(api_key_secret::Column::ValidUntil.gt(until)),
        )
        .exec(db)
        .await?;
    api_key_secret::Entity::delete_many()
        .filter(api_key_secret::Column::KeyId.eq(key_id))
        .filter(api_key_secret::Column::ValidUntil.lte(now))
        .exec(db)
        .await
        .map(|_| ())
}

/// The key a secret hash belongs to, with the secret's end (set once it was rotated out).
pub async fn find_by_secret(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<(KeyRecord, Option<DateTime<Utc>>)>, DbErr> {
    let Some((secret, Some(key))) =
        api_key_secret::Entity::find_by_id(hash.to_owned()).find_also_related(api_key::Entity).one(db).await?
    else {
        return Ok(None);
    };
    Ok(Some((record(key)?, secret.valid_until)))
}

pub async fn prisons_of(db: &impl ConnectionTrait, key_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    api_key_prison::Entity::find()
        .select_only()
        .column(api_key_prison::Column::PrisonId)
        .filter(api_key_prison::Column::KeyId.eq(key_id))
        .order_by_asc(api_key_prison::Column::PrisonId)
        .into_tuple()
        .all(db)
        .await
}

/// Notes a use of the key, unless one was noted within the last minute (so a busy key writes once a minute).
pub async fn touch(db: &impl ConnectionTrait, key_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(key_id))
        .filter(
            Condition::any()
                .add(api_key::Column::LastUsedAt.is_null())
                .add(api_key::Column::LastUsedAt.lte(now - chrono::Duration::minutes(1))),
        )
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<KeyRecord>, DbErr> {
    api_key::Entity::find_by_id(id).one(db).await?.map(record).transpose()
}

/// Every key, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<KeyRecord>, DbErr> {
    api_key::Entity::find()
        .order_by_desc(api_key::Column::CreatedAt)
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect()
}

/// Every key's prisons, as (key, prison).
pub async fn all_prisons(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    api_key_prison::Entity::find()
        .select_only()
        .columns([api_key_prison::Column::KeyId, api_key_prison::Column::PrisonId])
        .order_by_asc(api_key_prison::Column::PrisonId)
        .into_tuple()
        .all(db)
        .await
}

/// The secrets of the given keys (all keys when `key` is `None`), as (key, prefix, valid until).
pub async fn secrets(
    db: &impl ConnectionTrait,
    key: Option<Uuid>,
) -> Result<Vec<(Uuid, String, Option<DateTime<Utc>>)>, DbErr> {
    let mut query = api_key_secret::Entity::find().select_only().columns([
        api_key_secret::Column::KeyId,
        api_key_secret::Column::Prefix,
        api_key_secret::Column::ValidUntil,
    ]);
    if let Some(key) = key {
        query = query.filter(api_key_secret::Column::KeyId.eq(key));
    }
    query.order_by_asc(api_key_secret::Column::CreatedAt).into_tuple().all(db).await
}

/// Revokes a key (once: a second revoke keeps the first time). Returns whether the key exists.
pub async fn revoke(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

pub struct Changes<'a> {
    pub name: Option<&'a str>,
    pub scopes: Option<&'a [Scope]>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
    pub rate_limit_per_minute: Option<u32>,
}

/// Changes a key that is not revoked; returns false when it is (or does not exist).
pub async fn update(db: &impl ConnectionTrait, id: Uuid, c: &Changes<'_>) -> Result<bool, DbErr> {
    let mut update =
        api_key::Entity::update_many().filter(api_key::Column::Id.eq(id)).filter(api_key::Column::RevokedAt.is_null());
    if let Some(name) = c.name {
        update = update.col_expr(api_key::Column::Name, Expr::value(name));
    }
    if let Some(scopes) = c.scopes {
        update = update.col_expr(api_key::Column::Scopes, Expr::value(scopes_column(scopes)));
    }
    if let Some(expires_at) = c.expires_at {
        update = update.col_expr(api_key::Column::ExpiresAt, Expr::value(expires_at));
    }
    if let Some(limit) = c.rate_limit_per_minute {
        update =
            update.col_expr(api_key::Column::RateLimitPerMinute, Expr::value(i32::try_from(limit).unwrap_or(i32::MAX)));
    }
    // Always one column, so the statement is valid whatever was sent: the key's id, unchanged.
    update = update.col_expr(api_key::Column::Id, Expr::value(id));
    Ok(update.exec(db).await?.rows_affected == 1)
}
