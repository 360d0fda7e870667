use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscription")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    pub description: String,
    /// The API key that made it (`None`: an admin). See `crate::webhooks::store::OWNER_MAY_RECEIVE`.
    pub owner_api_key_id: Option<Uuid>,
    pub all_events: bool,
    /// The chosen wire names between commas (`,visit.booked,visit.cancelled,`), so that fan-out matches one with LIKE.
    pub event_types: String,
    /// `whsec_...`, stored as is (see `crate::webhooks::secrets`).
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub last_success_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
