use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "journey_draft")]
pub struct Model {
    /// The hex SHA-256 of the browser's draft cookie.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The visitor app's `Draft`, as JSON.
    #[sea_orm(column_type = "Text")]
    pub draft: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
