use domain::visit::{Actor, VisitState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "visit_state_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    /// The visit's version after this change.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub from_state: Option<VisitState>,
    pub to_state: VisitState,
    pub actor: Actor,
    pub actor_name: Option<String>,
    pub at: DateTimeUtc,
}

/// The foreign keys of `migrations/` (every one `ON DELETE CASCADE`), so joins name a relation, not columns.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::visit::Entity",
        from = "Column::VisitId",
        to = "super::visit::Column::Id",
        on_delete = "Cascade"
    )]
    Visit,
}

impl Related<super::visit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Visit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
