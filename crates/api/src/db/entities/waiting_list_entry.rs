use sea_orm::entity::prelude::*;

/// A visit's place on its prison's waiting list (see the migration that creates the table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waiting_list_entry")]
pub struct Model {
    /// The order of joining: from the database's counter, unique and increasing.
    #[sea_orm(primary_key)]
    pub position: i32,
    #[sea_orm(unique)]
    pub visit_id: Uuid,
    pub prison_id: Uuid,
    pub joined_at: DateTimeUtc,
    /// When a freed place was offered to the visit (it left the line).
    pub offered_at: Option<DateTimeUtc>,
    pub offered_date: Option<Date>,
    pub offered_start: Option<Time>,
    pub offered_end: Option<Time>,
    /// True while the visit, a request waiting for staff, holds the offered place in `slot_usage`.
    pub place_held: bool,
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
