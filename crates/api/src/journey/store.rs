//! Drafts kept for browsers: one row per draft cookie, keyed by the cookie's SHA-256, replaced whole on each save.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::db::entities::journey_draft::{self, Column};

/// The draft under `id`, unless it was last saved at or before `idle_since`: then it is as good as gone, and is
/// deleted now (what the visitor typed goes at once, not at the next sweep). One query when there is none.
pub async fn load(db: &impl ConnectionTrait, id: &str, idle_since: DateTime<Utc>) -> Result<Option<String>, DbErr> {
    let Some(row) = journey_draft::Entity::find_by_id(id.to_owned()).one(db).await? else { return Ok(None) };
    if row.updated_at > idle_since {
        return Ok(Some(row.draft));
    }
    journey_draft::Entity::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::UpdatedAt.lte(idle_since))
        .exec(db)
        .await?;
    Ok(None)
}

/// Writes the draft under `id` (a new row or a replacement), saved `now`.
pub async fn save(db: &impl ConnectionTrait, id: &str, draft: String, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = journey_draft::ActiveModel { id: Set(id.to_owned()), draft: Set(draft), updated_at: Set(now) };
    journey_draft::Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Id).update_columns([Column::Draft, Column::UpdatedAt]).to_owned())
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Counts as activity: the draft under `id` is kept from `now`.
pub async fn touch(db: &impl ConnectionTrait, id: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    journey_draft::Entity::update_many()
        .col_expr(Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    journey_draft::Entity::delete_by_id(id.to_owned()).exec(db).await.map(|_| ())
}

/// Deletes every draft last saved at or before `idle_since`; returns how many.
pub async fn delete_idle(db: &impl ConnectionTrait, idle_since: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(journey_draft::Entity::delete_many().filter(Column::UpdatedAt.lte(idle_since)).exec(db).await?.rows_affected)
}

/// Replaces the draft under `id` only if it is still `expected` (as read): whether it was. Two requests that read
/// the same draft and both write it this way cannot both win.
pub async fn replace_if(
    db: &impl ConnectionTrait,
    id: &str,
    expected: &str,
    draft: String,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = journey_draft::Entity::update_many()
        .col_expr(Column::Draft, sea_orm::sea_query::Expr::value(draft))
        .col_expr(Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Draft.eq(expected))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}
