//! The prisoner checks made against the prison's records when the request arrived (JSON), for staff to see.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    RecordsChecks,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Visit::Table).add_column(text_null(Visit::RecordsChecks)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::RecordsChecks).to_owned()).await
    }
}
