//! The visitor's half-finished request, kept by the server for one browser (issue 13): what lets the journey work
//! without JavaScript, and a reload or a page rendered by another instance show what was typed. Keyed by the
//! SHA-256 of the browser's random cookie, so a copy of the database opens no draft; gone after 20 minutes idle.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JourneyDraft {
    Table,
    Id,
    Draft,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JourneyDraft::Table)
                    .col(string_len(JourneyDraft::Id, 64).primary_key())
                    .col(text(JourneyDraft::Draft))
                    .col(timestamp_with_time_zone(JourneyDraft::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // Idle drafts are deleted by age.
        manager
            .create_index(
                Index::create()
                    .name("idx_journey_draft_updated_at")
                    .table(JourneyDraft::Table)
                    .col(JourneyDraft::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(JourneyDraft::Table).to_owned()).await
    }
}
