use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub staff_id: Uuid,
    /// The sign-in this refresh token belongs to (RFC 9700's token family); access tokens carry it as `sid`.
    pub family_id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
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
}

impl Related<super::staff_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffAccount.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
