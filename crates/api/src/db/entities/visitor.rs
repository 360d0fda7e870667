use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "visitor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    /// 0 is the lead visitor.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i16,
    pub first_name: String,
    pub last_name: String,
    pub dob: Date,
    pub outcome: Option<String>,
    pub banned_until: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
