//! A counter on each prison, bumped in the same transaction as anything that changes what visitors can book there
//! (a booking, a cancellation of a booked visit, a timetable change). Instances cache a prison's availability
//! keyed by this counter, so a cached answer is never older than the database.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Prison {
    Table,
    AvailabilityVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Prison::Table)
                    .add_column(big_integer(Prison::AvailabilityVersion).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Prison::Table).drop_column(Prison::AvailabilityVersion).to_owned())
            .await
    }
}
