//! Every refresh token of one sign-in shares a `family_id`: the session that access tokens name in their `sid`
//! claim, so that signing out, disabling an account, resetting a password or replaying a spent refresh token
//! (RFC 9700 §4.14.2) ends all of them at once, on every instance (issue 10). Rows written before this migration
//! each start a family of their own.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    Id,
    FamilyId,
}

const INDEX: &str = "idx_staff_session_family";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(StaffSession::Table).add_column(uuid_null(StaffSession::FamilyId)).to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(StaffSession::Table)
                    .value(StaffSession::FamilyId, Expr::col(StaffSession::Id))
                    .to_owned(),
            )
            .await?;
        // Every signed-in request asks whether its session is live: one index lookup.
        manager
            .create_index(Index::create().name(INDEX).table(StaffSession::Table).col(StaffSession::FamilyId).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).table(StaffSession::Table).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(StaffSession::Table).drop_column(StaffSession::FamilyId).to_owned())
            .await
    }
}
