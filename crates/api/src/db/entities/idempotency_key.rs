use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    /// Who sent the key: `visitor` (anonymous), `staff:<id>` or `api_key:<id>`; a replay matches only its own.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub request_hash: String,
    pub visit_id: Uuid,
    pub created_at: DateTimeUtc,
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
