//! When staff acknowledged a visitor's cancellation, so the inbox shows only the ones still to see.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    CancellationAcknowledgedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Visit::Table)
                    .add_column(timestamp_with_time_zone_null(Visit::CancellationAcknowledgedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Visit::Table).drop_column(Visit::CancellationAcknowledgedAt).to_owned())
            .await
    }
}
