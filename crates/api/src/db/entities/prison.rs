use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "prison")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub town: String,
    pub postcode: String,
    pub email: String,
    pub phone: String,
    pub adult_age: i16,
    pub max_visitors: i16,
    pub max_adults: i16,
    pub booking_window_days: i16,
    pub processing_days: i16,
    pub weekend_processing: bool,
    pub instant_booking: bool,
    /// Days before a booked visit its reminder is sent; 0: reminders off.
    pub reminder_days: i16,
    pub demo: bool,
    pub availability_version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The tables whose foreign keys point here (see `migrations/`).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::closed_date::Entity")]
    ClosedDate,
    #[sea_orm(has_one = "super::prison_notification::Entity")]
    PrisonNotification,
    #[sea_orm(has_many = "super::replacement_slot::Entity")]
    ReplacementSlot,
    #[sea_orm(has_many = "super::slot_usage::Entity")]
    SlotUsage,
    #[sea_orm(has_many = "super::staff_prison::Entity")]
    StaffPrison,
    #[sea_orm(has_many = "super::timetable_slot::Entity")]
    TimetableSlot,
    #[sea_orm(has_many = "super::visit::Entity")]
    Visit,
}

impl Related<super::closed_date::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ClosedDate.def()
    }
}

impl Related<super::prison_notification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PrisonNotification.def()
    }
}

impl Related<super::replacement_slot::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ReplacementSlot.def()
    }
}

impl Related<super::slot_usage::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SlotUsage.def()
    }
}

impl Related<super::staff_prison::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffPrison.def()
    }
}

impl Related<super::timetable_slot::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TimetableSlot.def()
    }
}

impl Related<super::visit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Visit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
