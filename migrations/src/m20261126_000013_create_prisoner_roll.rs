//! The prison roll kept by the service itself (the built-in records adapter): one row per prisoner, loaded by the
//! CSV import command or pushed by integrators. Contacts and days away travel with the prisoner as JSON: the roll is
//! replaced a prisoner at a time, never edited piecemeal.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PrisonerRoll {
    Table,
    Number,
    FirstName,
    LastName,
    DateOfBirth,
    PrisonCode,
    VisitingAllowance,
    AllowanceRenewsOn,
    Unavailable,
    Contacts,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PrisonerRoll::Table)
                    .col(string_len(PrisonerRoll::Number, 7).primary_key())
                    .col(string_len(PrisonerRoll::FirstName, 60))
                    .col(string_len(PrisonerRoll::LastName, 60))
                    .col(date(PrisonerRoll::DateOfBirth))
                    .col(string_len_null(PrisonerRoll::PrisonCode, 20))
                    .col(integer(PrisonerRoll::VisitingAllowance))
                    .col(date_null(PrisonerRoll::AllowanceRenewsOn))
                    .col(text(PrisonerRoll::Unavailable))
                    .col(text(PrisonerRoll::Contacts))
                    .col(timestamp_with_time_zone(PrisonerRoll::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PrisonerRoll::Table).to_owned()).await
    }
}
