//! How each request came in (`website`, `phone`, `in_person`, `integrator`: `domain::visit::Channel`). Every visit
//! made before this was a visitor's own, so existing rows are `website`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    Channel,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Visit::Table).add_column(text(Visit::Channel).default("website")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::Channel).to_owned()).await
    }
}
