//! The transactional outbox: every message someone must receive is a row written in the same transaction as the
//! change it tells about, delivered later by the worker. Also each prison's choice of how its mailbox hears of new
//! requests (one email each, a daily digest, or none).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Id,
    VisitId,
    PrisonId,
    Kind,
    Payload,
    DedupeKey,
    State,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ClaimToken,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum PrisonNotification {
    Table,
    PrisonId,
    Mode,
    Mailbox,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Prison {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessage::Table)
                    .col(uuid(OutboxMessage::Id).primary_key())
                    .col(uuid_null(OutboxMessage::VisitId))
                    .col(uuid_null(OutboxMessage::PrisonId))
                    .col(string_len(OutboxMessage::Kind, 40))
                    .col(text(OutboxMessage::Payload))
                    // A message that must exist once whoever writes it (a prison's digest for one day).
                    .col(string_len_null(OutboxMessage::DedupeKey, 120).unique_key())
                    .col(string_len(OutboxMessage::State, 20))
                    .col(integer(OutboxMessage::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMessage::NextAttemptAt))
                    // A worker's claim: until then no other worker takes the row; after it, a crashed send is retried.
                    .col(timestamp_with_time_zone_null(OutboxMessage::LockedUntil))
                    .col(uuid_null(OutboxMessage::ClaimToken))
                    .col(string_len_null(OutboxMessage::LastError, 300))
                    .col(timestamp_with_time_zone(OutboxMessage::CreatedAt))
                    .col(timestamp_with_time_zone_null(OutboxMessage::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::State)
                    .col(OutboxMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_visit")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::VisitId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrisonNotification::Table)
                    .col(uuid(PrisonNotification::PrisonId).primary_key())
                    .col(string_len(PrisonNotification::Mode, 20))
                    .col(string_len_null(PrisonNotification::Mailbox, 254))
                    .col(timestamp_with_time_zone(PrisonNotification::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PrisonNotification::Table, PrisonNotification::PrisonId)
                            .to(Prison::Table, Prison::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PrisonNotification::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OutboxMessage::Table).to_owned()).await
    }
}
