use domain::email::{DeliveryState, EmailKind, MessageChannel};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub visit_id: Option<Uuid>,
    pub prison_id: Option<Uuid>,
    pub kind: EmailKind,
    pub payload: String,
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub locked_until: Option<DateTimeUtc>,
    pub claim_token: Option<Uuid>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// `email` or `sms`: the same kind of message goes to the visitor once by each channel they chose.
    pub channel: MessageChannel,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
