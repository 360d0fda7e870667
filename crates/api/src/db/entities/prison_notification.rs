use domain::email::PrisonNotifyMode;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prison_notification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub prison_id: Uuid,
    pub mode: PrisonNotifyMode,
    pub mailbox: Option<String>,
    pub updated_at: DateTimeUtc,
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
}

impl Related<super::prison::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Prison.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
