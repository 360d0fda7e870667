use domain::visit::VisitorOutcomeKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "visitor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    /// 0 is the lead visitor.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i16,
    pub first_name: String,
    pub last_name: String,
    pub dob: Date,
    pub outcome: Option<VisitorOutcomeKind>,
    pub banned_until: Option<Date>,
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
