//! Staff accounts, their prisons, and their sessions (one row per refresh token; the rows of one sign-in share a
//! `family_id`, the session id that access tokens carry).

use chrono::{DateTime, Utc};
use domain::staff::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::db::entities::{staff_account, staff_prison, staff_session};

#[derive(Debug, Clone)]
pub struct StaffRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

fn row(m: staff_account::Model) -> StaffRow {
    StaffRow {
        id: m.id,
        email: m.email,
        name: m.name,
        password_hash: m.password_hash,
        role: m.role,
        disabled: m.disabled,
        created_at: m.created_at,
    }
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<StaffRow>, DbErr> {
    Ok(staff_account::Entity::find().filter(staff_account::Column::Email.eq(email)).one(db).await?.map(row))
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<StaffRow>, DbErr> {
    Ok(staff_account::Entity::find_by_id(id).one(db).await?.map(row))
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<StaffRow>, DbErr> {
    Ok(staff_account::Entity::find()
        .order_by_asc(staff_account::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// The account and the prisons it works at, in one query (every signed-in request reads them).
pub async fn find_with_prisons(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<(StaffRow, Vec<Uuid>)>, DbErr> {
    let rows = staff_account::Entity::find_by_id(id).find_also_related(staff_prison::Entity).all(db).await?;
    let prisons = rows.iter().filter_map(|(_, link)| link.as_ref().map(|l| l.prison_id)).collect();
    Ok(rows.into_iter().next().map(|(account, _)| (row(account), prisons)))
}

pub async fn prisons_of(db: &impl ConnectionTrait, staff_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(staff_prison::Entity::find()
        .filter(staff_prison::Column::StaffId.eq(staff_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.prison_id)
        .collect())
}

pub struct NewStaff<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

pub async fn insert(db: &impl ConnectionTrait, s: NewStaff<'_>, now: DateTime<Utc>) -> Result<(), DbErr> {
    staff_account::Entity::insert(staff_account::ActiveModel {
        id: Set(s.id),
        email: Set(s.email.to_owned()),
        name: Set(s.name.to_owned()),
        password_hash: Set(s.password_hash.to_owned()),
        role: Set(s.role),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Replaces the account's prisons.
pub async fn set_prisons(db: &impl ConnectionTrait, staff_id: Uuid, prison_ids: &[Uuid]) -> Result<(), DbErr> {
    staff_prison::Entity::delete_many().filter(staff_prison::Column::StaffId.eq(staff_id)).exec(db).await?;
    if prison_ids.is_empty() {
        return Ok(());
    }
    let rows = prison_ids
        .iter()
        .map(|&prison_id| staff_prison::ActiveModel { staff_id: Set(staff_id), prison_id: Set(prison_id) });
    staff_prison::Entity::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

pub struct StaffUpdate<'a> {
    pub name: Option<&'a str>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password_hash: Option<&'a str>,
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    u: StaffUpdate<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut query = staff_account::Entity::update_many()
        .col_expr(staff_account::Column::UpdatedAt, Expr::value(now))
        .filter(staff_account::Column::Id.eq(id));
    if let Some(name) = u.name {
        query = query.col_expr(staff_account::Column::Name, Expr::value(name));
    }
    if let Some(role) = u.role {
        query = query.col_expr(staff_account::Column::Role, Expr::value(role));
    }
    if let Some(disabled) = u.disabled {
        query = query.col_expr(staff_account::Column::Disabled, Expr::value(disabled));
    }
    if let Some(hash) = u.password_hash {
        query = query.col_expr(staff_account::Column::PasswordHash, Expr::value(hash));
    }
    Ok(query.exec(db).await?.rows_affected == 1)
}

/// Stores a refresh token (its hash) of the session `family_id`.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    staff_id: Uuid,
    family_id: Uuid,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    staff_session::Entity::insert(staff_session::ActiveModel {
        id: Set(id),
        staff_id: Set(staff_id),
        family_id: Set(family_id),
        token_hash: Set(token_hash.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A refresh token's row, live or not.
#[derive(Debug, Clone)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    /// When it was spent (traded for a new pair) or revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The row behind a refresh token, whatever its state.
pub async fn find_refresh_token(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<RefreshTokenRow>, DbErr> {
    Ok(staff_session::Entity::find().filter(staff_session::Column::TokenHash.eq(token_hash)).one(db).await?.map(|s| {
        RefreshTokenRow {
            id: s.id,
            staff_id: s.staff_id,
            family_id: s.family_id,
            expires_at: s.expires_at,
            revoked_at: s.revoked_at,
        }
    }))
}

/// Whether the session `family_id` of `staff_id` still has a refresh token neither spent, revoked nor expired:
/// one index lookup, made by every signed-in request.
pub async fn session_is_live(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    staff_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(staff_session::Entity::find()
        .filter(staff_session::Column::FamilyId.eq(family_id))
        .filter(staff_session::Column::StaffId.eq(staff_id))
        .filter(staff_session::Column::RevokedAt.is_null())
        .filter(staff_session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .is_some())
}

/// Spends or revokes one refresh token, once: false when it already was (a refresh token replayed or used twice
/// at once).
pub async fn revoke_session(db: &impl ConnectionTrait, session_id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = staff_session::Entity::update_many()
        .col_expr(staff_session::Column::RevokedAt, Expr::value(now))
        .filter(staff_session::Column::Id.eq(session_id))
        .filter(staff_session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ends a whole session: every refresh token of the family, and with them its access tokens.
pub async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::RevokedAt, Expr::value(now))
        .filter(staff_session::Column::FamilyId.eq(family_id))
        .filter(staff_session::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends every session of an account.
pub async fn revoke_all_sessions(db: &impl ConnectionTrait, staff_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::RevokedAt, Expr::value(now))
        .filter(staff_session::Column::StaffId.eq(staff_id))
        .filter(staff_session::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes refresh tokens that expired before `before` (a session with none left is over anyway).
pub async fn delete_expired_sessions(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(staff_session::Entity::delete_many()
        .filter(staff_session::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
