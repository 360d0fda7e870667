use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prison_notification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub prison_id: Uuid,
    pub mode: String,
    pub mailbox: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
