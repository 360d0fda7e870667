use domain::api::Locale;
use domain::feedback::{FeedbackSource, Satisfaction};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub source: FeedbackSource,
    pub satisfaction: Satisfaction,
    #[sea_orm(column_type = "Text", nullable)]
    pub improvement: Option<String>,
    /// Only when the sender gave one.
    #[sea_orm(column_type = "Text", nullable)]
    pub email: Option<String>,
    pub locale: Locale,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
