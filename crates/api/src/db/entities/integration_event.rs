use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub prison_id: Uuid,
    pub position: i64,
    /// A `domain::events::EventType` wire name.
    pub event_type: String,
    pub visit_id: Option<Uuid>,
    /// The whole versioned payload, as sent in webhooks.
    pub payload: String,
    pub occurred_at: DateTimeUtc,
    /// When its webhook deliveries were queued; `None` until the worker does (`crate::webhooks::store::fan_out`).
    pub fanned_out_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
