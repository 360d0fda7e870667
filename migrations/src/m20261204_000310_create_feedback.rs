//! Feedback on the service (issue 14) from visitors and staff: an answer, optional words and an optional email
//! address, and nothing else about the sender (no network address, no staff account).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    CreatedAt,
    Source,
    Satisfaction,
    Improvement,
    Email,
    Locale,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Feedback::Table)
                    .col(pk_uuid(Feedback::Id))
                    .col(timestamp_with_time_zone(Feedback::CreatedAt))
                    .col(text(Feedback::Source))
                    .col(text(Feedback::Satisfaction))
                    .col(text_null(Feedback::Improvement))
                    .col(text_null(Feedback::Email))
                    .col(text(Feedback::Locale))
                    .to_owned(),
            )
            .await?;
        // Admins read it by period, newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_feedback_created_at")
                    .table(Feedback::Table)
                    .col(Feedback::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Feedback::Table).to_owned()).await
    }
}
