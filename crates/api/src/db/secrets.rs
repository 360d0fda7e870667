//! The service's signing secret, when none is configured: created once and shared by every instance through the
//! database, so that a token made by one instance is recognised by all of them.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::entities::service_secret;
use super::{UniqueKey, violates};

/// Returns the stored secret, storing `candidate` first if there is none (the first instance to start wins).
pub async fn get_or_create(db: &impl ConnectionTrait, candidate: &str, now: DateTime<Utc>) -> Result<String, DbErr> {
    if let Some(row) = service_secret::Entity::find_by_id(1).one(db).await? {
        return Ok(row.secret);
    }
    let insert = service_secret::Entity::insert(service_secret::ActiveModel {
        id: Set(1),
        secret: Set(candidate.to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await;
    match insert {
        Ok(_) => Ok(candidate.to_owned()),
        Err(e) if violates(&e, UniqueKey::ServiceSecret) => service_secret::Entity::find_by_id(1)
            .one(db)
            .await?
            .map(|row| row.secret)
            .ok_or_else(|| DbErr::RecordNotFound("service_secret".into())),
        Err(e) => Err(e),
    }
}
