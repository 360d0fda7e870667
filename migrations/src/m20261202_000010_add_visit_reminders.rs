//! Visit reminders (issue 14): each prison's lead time in days (`prison.reminder_days`, 0 for off, 2 to start
//! with), and on each visit the booked time its reminder was sent for (`visit.reminded_date`, `reminded_start`),
//! so a visit is reminded once per booked time by whichever instance claims it first, and again if it moves.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Prison {
    Table,
    ReminderDays,
}

#[derive(DeriveIden)]
enum Visit {
    Table,
    RemindedDate,
    RemindedStart,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Prison::Table)
                    .add_column(small_integer(Prison::ReminderDays).default(2))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Visit::Table).add_column(date_null(Visit::RemindedDate)).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Visit::Table).add_column(time_null(Visit::RemindedStart)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::RemindedStart).to_owned()).await?;
        manager.alter_table(Table::alter().table(Visit::Table).drop_column(Visit::RemindedDate).to_owned()).await?;
        manager.alter_table(Table::alter().table(Prison::Table).drop_column(Prison::ReminderDays).to_owned()).await
    }
}
