use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_prison")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub prison_id: Uuid,
}

/// The foreign keys of `migrations/` (every one `ON DELETE CASCADE`), so joins name a relation, not columns.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::staff_account::Entity",
        from = "Column::StaffId",
        to = "super::staff_account::Column::Id",
        on_delete = "Cascade"
    )]
    StaffAccount,
    #[sea_orm(
        belongs_to = "super::prison::Entity",
        from = "Column::PrisonId",
        to = "super::prison::Column::Id",
        on_delete = "Cascade"
    )]
    Prison,
}

impl Related<super::staff_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffAccount.def()
    }
}

impl Related<super::prison::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Prison.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
