//! The feedback table: written once, read by period newest first, and its email addresses forgotten with age.

use chrono::{DateTime, Utc};
use domain::feedback::{FeedbackSource, FeedbackView, ValidFeedback};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::db::entities::feedback;

pub async fn insert(
    db: &impl ConnectionTrait,
    id: Uuid,
    source: FeedbackSource,
    valid: &ValidFeedback,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    feedback::Entity::insert(feedback::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        source: Set(source),
        satisfaction: Set(valid.satisfaction),
        improvement: Set(valid.improvement.clone()),
        email: Set(valid.email.as_ref().map(|e| e.as_str().to_owned())),
        locale: Set(valid.locale),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// How much feedback was sent in `[start, end)`.
pub async fn count(db: &impl ConnectionTrait, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<u64, DbErr> {
    feedback::Entity::find()
        .filter(feedback::Column::CreatedAt.gte(start))
        .filter(feedback::Column::CreatedAt.lt(end))
        .count(db)
        .await
}

/// The feedback sent in `[start, end)`, newest first, at most `limit` (all when `None`).
pub async fn between(
    db: &impl ConnectionTrait,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    limit: Option<u64>,
) -> Result<Vec<FeedbackView>, DbErr> {
    let rows = feedback::Entity::find()
        .filter(feedback::Column::CreatedAt.gte(start))
        .filter(feedback::Column::CreatedAt.lt(end))
        .order_by_desc(feedback::Column::CreatedAt)
        .order_by_desc(feedback::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| FeedbackView {
            id: m.id,
            created_at: m.created_at,
            source: m.source,
            satisfaction: m.satisfaction,
            improvement: m.improvement,
            email: m.email,
            locale: m.locale,
        })
        .collect())
}

/// Forgets the email addresses of feedback sent before `cutoff` (the retention job's). Returns how many.
pub async fn forget_emails_before(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = feedback::Entity::update_many()
        .col_expr(feedback::Column::Email, Expr::value(Option::<String>::None))
        .filter(feedback::Column::Email.is_not_null())
        .filter(feedback::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
