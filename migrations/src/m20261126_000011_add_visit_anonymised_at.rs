//! When the retention job removed a visit's personal data; such visits leave staff lists and search.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    AnonymisedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Visit::Table)
                    .add_column(timestamp_with_time_zone_null(Visit::AnonymisedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::AnonymisedAt).to_owned()).await
    }
}
