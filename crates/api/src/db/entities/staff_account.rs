use domain::staff::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_account")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The tables whose foreign keys point here (see `migrations/`).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::staff_prison::Entity")]
    StaffPrison,
    #[sea_orm(has_many = "super::staff_session::Entity")]
    StaffSession,
}

impl Related<super::staff_prison::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffPrison.def()
    }
}

impl Related<super::staff_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffSession.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
