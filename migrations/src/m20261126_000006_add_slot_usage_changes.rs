//! A change counter per slot, bumped with every place taken or given back. Cached availability is checked against
//! the prison's version (timetable and rules) plus the sum of these counters over the dates asked for, so grants on
//! different slots no longer all update one row per prison.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SlotUsage {
    Table,
    Changes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SlotUsage::Table)
                    .add_column(big_integer(SlotUsage::Changes).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(SlotUsage::Table).drop_column(SlotUsage::Changes).to_owned()).await
    }
}
