use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prisoner_roll")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: Date,
    pub prison_code: Option<String>,
    pub visiting_allowance: i32,
    pub allowance_renews_on: Option<Date>,
    pub unavailable: String,
    pub contacts: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
