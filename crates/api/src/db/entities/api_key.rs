use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// Space-separated scope wire names (`domain::api_keys::Scope`).
    pub scopes: String,
    pub rate_limit_per_minute: i32,
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub created_by_id: Uuid,
    pub created_by_name: String,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

/// The tables whose foreign keys point here (see `migrations/`).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::api_key_prison::Entity")]
    ApiKeyPrison,
    #[sea_orm(has_many = "super::api_key_secret::Entity")]
    ApiKeySecret,
}

impl Related<super::api_key_prison::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiKeyPrison.def()
    }
}

impl Related<super::api_key_secret::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiKeySecret.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
