//! Each dated slot's places, kept on its usage row beside the places taken, so that taking a place compares the two
//! in one statement and a timetable change that lowers the places takes the same row locks as the bookings it must
//! see (issue 10: a slot is never booked past its capacity, whatever writes at once). NULL means "not stamped yet":
//! rows written before this migration; the next booking or timetable change stamps them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SlotUsage {
    Table,
    CapacityOpen,
    CapacityClosed,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [SlotUsage::CapacityOpen, SlotUsage::CapacityClosed] {
            manager
                .alter_table(Table::alter().table(SlotUsage::Table).add_column(integer_null(column)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [SlotUsage::CapacityOpen, SlotUsage::CapacityClosed] {
            manager.alter_table(Table::alter().table(SlotUsage::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
