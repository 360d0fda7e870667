//! The waiting list (issue 14): a visitor whose chosen times are all full joins the line for them. The visit itself
//! is in the `waiting` state (its reference, status link, emails and timeline work as for any visit); this table
//! holds its place in the line (`position`, from the database's own counter, so concurrent joins on any instance get
//! distinct, increasing positions) and, once a freed place was offered to it, the slot offered and whether the visit
//! still holds that place (a request at a prison that does not book instantly holds it until staff decide).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WaitingListEntry {
    Table,
    Position,
    VisitId,
    PrisonId,
    JoinedAt,
    OfferedAt,
    OfferedDate,
    OfferedStart,
    OfferedEnd,
    PlaceHeld,
}

#[derive(DeriveIden)]
enum Visit {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WaitingListEntry::Table)
                    .col(pk_auto(WaitingListEntry::Position))
                    .col(uuid_uniq(WaitingListEntry::VisitId))
                    .col(uuid(WaitingListEntry::PrisonId))
                    .col(timestamp_with_time_zone(WaitingListEntry::JoinedAt))
                    .col(timestamp_with_time_zone_null(WaitingListEntry::OfferedAt))
                    .col(date_null(WaitingListEntry::OfferedDate))
                    .col(time_null(WaitingListEntry::OfferedStart))
                    .col(time_null(WaitingListEntry::OfferedEnd))
                    .col(boolean(WaitingListEntry::PlaceHeld).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WaitingListEntry::Table, WaitingListEntry::VisitId)
                            .to(Visit::Table, Visit::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // What an offer reads: a prison's line in order.
        manager
            .create_index(
                Index::create()
                    .name("idx_waiting_list_entry_prison_position")
                    .table(WaitingListEntry::Table)
                    .col(WaitingListEntry::PrisonId)
                    .col(WaitingListEntry::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WaitingListEntry::Table).to_owned()).await
    }
}
