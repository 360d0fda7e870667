//! Counters for rate limits shared by every instance: attempts reserved under a key (a hash of "what:who") within a
//! fixed window. They replace the failed sign-in counters, which were read before a password was checked and
//! counted after it, so that many attempts at once were all checked (issue 10).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimit {
    Table,
    Key,
    Count,
    WindowStartedAt,
}

#[derive(DeriveIden)]
enum SignInThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimit::Table)
                    .col(string_len(RateLimit::Key, 64).primary_key())
                    .col(integer(RateLimit::Count))
                    .col(timestamp_with_time_zone(RateLimit::WindowStartedAt))
                    .to_owned(),
            )
            .await?;
        // Its counts lasted 15 minutes: nothing worth carrying over.
        manager.drop_table(Table::drop().table(SignInThrottle::Table).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInThrottle::Table)
                    .col(string_len(SignInThrottle::Key, 300).primary_key())
                    .col(integer(SignInThrottle::Failures))
                    .col(timestamp_with_time_zone(SignInThrottle::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(SignInThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(RateLimit::Table).to_owned()).await
    }
}
