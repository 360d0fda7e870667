use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_secret")]
pub struct Model {
    /// Hex SHA-256 of the whole secret.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    pub key_id: Uuid,
    /// The secret's first characters, to recognise it in a list.
    pub prefix: String,
    pub created_at: DateTimeUtc,
    /// Set when the secret was rotated out: it works until then.
    pub valid_until: Option<DateTimeUtc>,
}

/// The foreign keys of `migrations/` (every one `ON DELETE CASCADE`).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::api_key::Entity",
        from = "Column::KeyId",
        to = "super::api_key::Column::Id",
        on_delete = "Cascade"
    )]
    ApiKey,
}

impl Related<super::api_key::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiKey.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
