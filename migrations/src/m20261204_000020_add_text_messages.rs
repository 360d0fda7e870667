//! Text messages (issue 14): how each visitor chose to be told (`visit.contact_email`, `visit.contact_sms`; every
//! visit before this change chose email), and the channel of each outbox message (`outbox_message.channel`,
//! `email` or `sms`; every message before this change was an email).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    ContactEmail,
    ContactSms,
}

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Channel,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter().table(Visit::Table).add_column(boolean(Visit::ContactEmail).default(true)).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Visit::Table).add_column(boolean(Visit::ContactSms).default(false)).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessage::Table)
                    .add_column(string_len(OutboxMessage::Channel, 10).default("email"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(OutboxMessage::Table).drop_column(OutboxMessage::Channel).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::ContactSms).to_owned()).await?;
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::ContactEmail).to_owned()).await
    }
}
