use domain::api::Locale;
use domain::visit::{CancellationReason, Channel, VisitState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "visit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub reference: String,
    pub prison_id: Uuid,
    pub state: VisitState,
    pub prisoner_first_name: String,
    pub prisoner_last_name: String,
    pub prisoner_dob: Date,
    pub prisoner_number: String,
    pub email: String,
    pub phone: String,
    pub locale: Locale,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub confirm_by: Date,
    pub booked_date: Option<Date>,
    pub booked_start: Option<Time>,
    pub booked_end: Option<Time>,
    pub closed_visit: bool,
    pub booking_reference: Option<String>,
    pub cancellation_reason: Option<CancellationReason>,
    pub cancellation_acknowledged_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub anonymised_at: Option<DateTimeUtc>,
    pub records_checks: Option<String>,
    pub channel: Channel,
    /// The booked time (UK date and start) the visit's reminder was queued for; none yet when null.
    pub reminded_date: Option<Date>,
    pub reminded_start: Option<Time>,
    /// How the visitor chose to be told: by email, by text message (to `phone`), or both.
    pub contact_email: bool,
    pub contact_sms: bool,
    /// Support needs (issue 14): see `domain::support::SupportNeeds`.
    pub support_wheelchair_access: bool,
    pub support_hearing_loop: bool,
    pub support_interpreter_language: Option<String>,
    pub support_other: Option<String>,
}

/// The foreign keys of `migrations/` (every one `ON DELETE CASCADE`), so joins name a relation, not columns.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::prison::Entity",
        from = "Column::PrisonId",
        to = "super::prison::Column::Id",
        on_delete = "Cascade"
    )]
    Prison,
    #[sea_orm(has_many = "super::idempotency_key::Entity")]
    IdempotencyKey,
    #[sea_orm(has_many = "super::visit_message::Entity")]
    VisitMessage,
    #[sea_orm(has_many = "super::visit_rejection_reason::Entity")]
    VisitRejectionReason,
    #[sea_orm(has_many = "super::visit_slot_choice::Entity")]
    VisitSlotChoice,
    #[sea_orm(has_many = "super::visit_state_change::Entity")]
    VisitStateChange,
    #[sea_orm(has_many = "super::visitor::Entity")]
    Visitor,
}

impl Related<super::prison::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Prison.def()
    }
}

impl Related<super::idempotency_key::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IdempotencyKey.def()
    }
}

impl Related<super::visit_message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VisitMessage.def()
    }
}

impl Related<super::visit_rejection_reason::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VisitRejectionReason.def()
    }
}

impl Related<super::visit_slot_choice::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VisitSlotChoice.def()
    }
}

impl Related<super::visit_state_change::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VisitStateChange.def()
    }
}

impl Related<super::visitor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Visitor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
