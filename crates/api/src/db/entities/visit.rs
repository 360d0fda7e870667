use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "visit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub reference: String,
    pub prison_id: Uuid,
    pub state: String,
    pub prisoner_first_name: String,
    pub prisoner_last_name: String,
    pub prisoner_dob: Date,
    pub prisoner_number: String,
    pub email: String,
    pub phone: String,
    pub locale: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub confirm_by: Date,
    pub booked_date: Option<Date>,
    pub booked_start: Option<Time>,
    pub booked_end: Option<Time>,
    pub closed_visit: bool,
    pub booking_reference: Option<String>,
    pub cancellation_reason: Option<String>,
    pub cancellation_acknowledged_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub anonymised_at: Option<DateTimeUtc>,
    pub records_checks: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
