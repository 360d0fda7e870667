use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slot_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub prison_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub slot_date: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub start_time: Time,
    #[sea_orm(primary_key, auto_increment = false)]
    pub end_time: Time,
    pub booked_open: i32,
    pub booked_closed: i32,
    /// Bumped with every place taken or given back (see the migration that adds it).
    pub changes: i64,
    /// The slot's places for open and closed visits, stamped by the booking that created the row and by every
    /// timetable change since; NULL on rows written before the column existed (see the migration that adds it).
    pub capacity_open: Option<i32>,
    pub capacity_closed: Option<i32>,
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
