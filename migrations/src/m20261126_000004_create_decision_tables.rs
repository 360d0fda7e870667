//! What staff decide: places taken per concrete slot (the counter that makes overbooking impossible), the reasons a
//! request was rejected, per-visitor outcomes, the prison's booking reference, cancellation reasons and messages.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SlotUsage {
    Table,
    PrisonId,
    SlotDate,
    StartTime,
    EndTime,
    BookedOpen,
    BookedClosed,
}

#[derive(DeriveIden)]
enum VisitRejectionReason {
    Table,
    VisitId,
    Reason,
    AllowanceRenewsOn,
    Detail,
}

#[derive(DeriveIden)]
enum VisitMessage {
    Table,
    Id,
    VisitId,
    At,
    Author,
    AuthorName,
    Body,
}

#[derive(DeriveIden)]
enum Visit {
    Table,
    Id,
    BookingReference,
    CancellationReason,
}

#[derive(DeriveIden)]
enum Visitor {
    Table,
    Outcome,
    BannedUntil,
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
                    .table(SlotUsage::Table)
                    .col(uuid(SlotUsage::PrisonId))
                    .col(date(SlotUsage::SlotDate))
                    .col(time(SlotUsage::StartTime))
                    .col(time(SlotUsage::EndTime))
                    .col(integer(SlotUsage::BookedOpen).default(0))
                    .col(integer(SlotUsage::BookedClosed).default(0))
                    .primary_key(
                        Index::create()
                            .col(SlotUsage::PrisonId)
                            .col(SlotUsage::SlotDate)
                            .col(SlotUsage::StartTime)
                            .col(SlotUsage::EndTime),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SlotUsage::Table, SlotUsage::PrisonId)
                            .to(Prison::Table, Prison::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(Expr::col(SlotUsage::BookedOpen).gte(0).and(Expr::col(SlotUsage::BookedClosed).gte(0)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VisitRejectionReason::Table)
                    .col(uuid(VisitRejectionReason::VisitId))
                    .col(string_len(VisitRejectionReason::Reason, 40))
                    .col(date_null(VisitRejectionReason::AllowanceRenewsOn))
                    .col(text_null(VisitRejectionReason::Detail))
                    .primary_key(Index::create().col(VisitRejectionReason::VisitId).col(VisitRejectionReason::Reason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VisitRejectionReason::Table, VisitRejectionReason::VisitId)
                            .to(Visit::Table, Visit::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VisitMessage::Table)
                    .col(pk_uuid(VisitMessage::Id))
                    .col(uuid(VisitMessage::VisitId))
                    .col(timestamp_with_time_zone(VisitMessage::At))
                    .col(string_len(VisitMessage::Author, 16))
                    .col(string_len_null(VisitMessage::AuthorName, 120))
                    .col(text(VisitMessage::Body))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VisitMessage::Table, VisitMessage::VisitId)
                            .to(Visit::Table, Visit::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_message_visit")
                    .table(VisitMessage::Table)
                    .col(VisitMessage::VisitId)
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        for column in [string_len_null(Visit::BookingReference, 30), string_len_null(Visit::CancellationReason, 40)] {
            manager.alter_table(Table::alter().table(Visit::Table).add_column(column).to_owned()).await?;
        }
        for column in [string_len_null(Visitor::Outcome, 24), date_null(Visitor::BannedUntil)] {
            manager.alter_table(Table::alter().table(Visitor::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Visitor::Outcome.into_iden(), Visitor::BannedUntil.into_iden()] {
            manager.alter_table(Table::alter().table(Visitor::Table).drop_column(column).to_owned()).await?;
        }
        for column in [Visit::BookingReference.into_iden(), Visit::CancellationReason.into_iden()] {
            manager.alter_table(Table::alter().table(Visit::Table).drop_column(column).to_owned()).await?;
        }
        for table in
            [VisitMessage::Table.into_iden(), VisitRejectionReason::Table.into_iden(), SlotUsage::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
