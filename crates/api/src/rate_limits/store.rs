//! Rate-limit counters shared by every instance: one row per key, counting attempts reserved in a fixed window.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::db::entities::rate_limit::{self, Column};

/// A reservation: this attempt's number in its window (1 for the first), and when the window started.
#[derive(Debug, Clone, Copy)]
pub struct Reserved {
    pub count: i32,
    pub window_started_at: DateTime<Utc>,
}

/// Counts one more attempt under `key` and returns its number, in one statement (an upsert with RETURNING), so
/// that attempts made at once, on any instance, each get a different number. A window older than `window` starts
/// again at 1.
pub async fn reserve(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Reserved, DbErr> {
    let stale = Expr::col((rate_limit::Entity, Column::WindowStartedAt)).lte(now - window);
    let statement = Query::insert()
        .into_table(rate_limit::Entity)
        .columns([Column::Key, Column::Count, Column::WindowStartedAt])
        .values_panic([key.into(), 1.into(), now.into()])
        .on_conflict(
            OnConflict::column(Column::Key)
                .value(
                    Column::Count,
                    Expr::case(stale.clone(), 1).finally(Expr::col((rate_limit::Entity, Column::Count)).add(1)),
                )
                .value(
                    Column::WindowStartedAt,
                    Expr::case(stale, now).finally(Expr::col((rate_limit::Entity, Column::WindowStartedAt))),
                )
                .to_owned(),
        )
        .returning(Query::returning().columns([Column::Count, Column::WindowStartedAt]))
        .to_owned();
    let row = db
        .query_one_raw(db.get_database_backend().build(&statement))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("rate_limit".into()))?;
    Ok(Reserved { count: row.try_get("", "count")?, window_started_at: row.try_get("", "window_started_at")? })
}

/// Gives back one reserved attempt (one refused, or one that turned out not to count).
pub async fn release(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    rate_limit::Entity::update_many()
        .col_expr(Column::Count, Expr::col(Column::Count).sub(1))
        .filter(Column::Key.eq(key))
        .filter(Column::Count.gt(0))
        .exec(db)
        .await
        .map(|_| ())
}

/// Forgets every attempt under `key`.
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    rate_limit::Entity::delete_by_id(key.to_owned()).exec(db).await.map(|_| ())
}

/// Deletes counters whose window started before `before` (they would start again at 1 anyway).
pub async fn delete_stale(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(rate_limit::Entity::delete_many().filter(Column::WindowStartedAt.lt(before)).exec(db).await?.rows_affected)
}
