use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "timetable_slot")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub prison_id: Uuid,
    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    pub weekday: i16,
    pub start_time: Time,
    pub end_time: Time,
    pub capacity: i32,
    pub closed_capacity: i32,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
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
