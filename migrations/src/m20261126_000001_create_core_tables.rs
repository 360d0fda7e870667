//! Prisons and their timetables, visits with their visitors, chosen slots and state history, idempotency keys,
//! and the service's own secret (shared by every instance, so it lives here rather than in one process).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Prison {
    Table,
    Id,
    Code,
    Name,
    AddressLine1,
    AddressLine2,
    Town,
    Postcode,
    Email,
    Phone,
    AdultAge,
    MaxVisitors,
    MaxAdults,
    BookingWindowDays,
    ProcessingDays,
    WeekendProcessing,
    InstantBooking,
    Demo,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TimetableSlot {
    Table,
    Id,
    PrisonId,
    Weekday,
    StartTime,
    EndTime,
    Capacity,
    ClosedCapacity,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden)]
enum ClosedDate {
    Table,
    PrisonId,
    Date,
    Reason,
}

#[derive(DeriveIden)]
enum ReplacementSlot {
    Table,
    Id,
    PrisonId,
    Date,
    StartTime,
    EndTime,
    Capacity,
    ClosedCapacity,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // column names, not a naming choice
enum Visit {
    Table,
    Id,
    Reference,
    PrisonId,
    State,
    PrisonerFirstName,
    PrisonerLastName,
    PrisonerDob,
    PrisonerNumber,
    Email,
    Phone,
    Locale,
    TokenHash,
    ConfirmBy,
    BookedDate,
    BookedStart,
    BookedEnd,
    ClosedVisit,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Visitor {
    Table,
    VisitId,
    Position,
    FirstName,
    LastName,
    Dob,
}

#[derive(DeriveIden)]
enum VisitSlotChoice {
    Table,
    VisitId,
    Rank,
    SlotDate,
    StartTime,
    EndTime,
}

#[derive(DeriveIden)]
enum VisitStateChange {
    Table,
    VisitId,
    Version,
    FromState,
    ToState,
    Actor,
    ActorName,
    At,
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    Key,
    RequestHash,
    VisitId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ServiceSecret {
    Table,
    Id,
    Secret,
    CreatedAt,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, to_col).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Prison::Table)
                    .col(pk_uuid(Prison::Id))
                    .col(string_len_uniq(Prison::Code, 16))
                    .col(string_len(Prison::Name, 120))
                    .col(string_len(Prison::AddressLine1, 120))
                    .col(string_len_null(Prison::AddressLine2, 120))
                    .col(string_len(Prison::Town, 80))
                    .col(string_len(Prison::Postcode, 10))
                    .col(string_len(Prison::Email, 254))
                    .col(string_len(Prison::Phone, 32))
                    .col(small_integer(Prison::AdultAge))
                    .col(small_integer(Prison::MaxVisitors))
                    .col(small_integer(Prison::MaxAdults))
                    .col(small_integer(Prison::BookingWindowDays))
                    .col(small_integer(Prison::ProcessingDays))
                    .col(boolean(Prison::WeekendProcessing))
                    .col(boolean(Prison::InstantBooking))
                    .col(boolean(Prison::Demo))
                    .col(timestamp_with_time_zone(Prison::CreatedAt))
                    .col(timestamp_with_time_zone(Prison::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TimetableSlot::Table)
                    .col(pk_uuid(TimetableSlot::Id))
                    .col(uuid(TimetableSlot::PrisonId))
                    // ISO weekday: 1 = Monday ... 7 = Sunday.
                    .col(small_integer(TimetableSlot::Weekday))
                    .col(time(TimetableSlot::StartTime))
                    .col(time(TimetableSlot::EndTime))
                    .col(integer(TimetableSlot::Capacity))
                    .col(integer(TimetableSlot::ClosedCapacity))
                    .col(date_null(TimetableSlot::ValidFrom))
                    .col(date_null(TimetableSlot::ValidTo))
                    .foreign_key(&mut fk(TimetableSlot::Table, TimetableSlot::PrisonId, Prison::Table, Prison::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_timetable_slot_prison")
                    .table(TimetableSlot::Table)
                    .col(TimetableSlot::PrisonId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ClosedDate::Table)
                    .col(uuid(ClosedDate::PrisonId))
                    .col(date(ClosedDate::Date))
                    .col(string_len_null(ClosedDate::Reason, 200))
                    .primary_key(Index::create().col(ClosedDate::PrisonId).col(ClosedDate::Date))
                    .foreign_key(&mut fk(ClosedDate::Table, ClosedDate::PrisonId, Prison::Table, Prison::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReplacementSlot::Table)
                    .col(pk_uuid(ReplacementSlot::Id))
                    .col(uuid(ReplacementSlot::PrisonId))
                    .col(date(ReplacementSlot::Date))
                    .col(time(ReplacementSlot::StartTime))
                    .col(time(ReplacementSlot::EndTime))
                    .col(integer(ReplacementSlot::Capacity))
                    .col(integer(ReplacementSlot::ClosedCapacity))
                    .foreign_key(&mut fk(ReplacementSlot::Table, ReplacementSlot::PrisonId, Prison::Table, Prison::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_replacement_slot_prison_date")
                    .table(ReplacementSlot::Table)
                    .col(ReplacementSlot::PrisonId)
                    .col(ReplacementSlot::Date)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Visit::Table)
                    .col(pk_uuid(Visit::Id))
                    .col(string_len_uniq(Visit::Reference, 8))
                    .col(uuid(Visit::PrisonId))
                    .col(string_len(Visit::State, 16))
                    .col(string_len(Visit::PrisonerFirstName, 60))
                    .col(string_len(Visit::PrisonerLastName, 60))
                    .col(date(Visit::PrisonerDob))
                    .col(string_len(Visit::PrisonerNumber, 7))
                    .col(string_len(Visit::Email, 254))
                    .col(string_len(Visit::Phone, 16))
                    .col(string_len(Visit::Locale, 2))
                    .col(string_len_uniq(Visit::TokenHash, 64))
                    .col(date(Visit::ConfirmBy))
                    .col(date_null(Visit::BookedDate))
                    .col(time_null(Visit::BookedStart))
                    .col(time_null(Visit::BookedEnd))
                    .col(boolean(Visit::ClosedVisit).default(false))
                    .col(integer(Visit::Version).default(0))
                    .col(timestamp_with_time_zone(Visit::CreatedAt))
                    .col(timestamp_with_time_zone(Visit::UpdatedAt))
                    .foreign_key(&mut fk(Visit::Table, Visit::PrisonId, Prison::Table, Prison::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_prison_state_created")
                    .table(Visit::Table)
                    .col(Visit::PrisonId)
                    .col(Visit::State)
                    .col(Visit::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_prison_booked_date")
                    .table(Visit::Table)
                    .col(Visit::PrisonId)
                    .col(Visit::BookedDate)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_prisoner_number")
                    .table(Visit::Table)
                    .col(Visit::PrisonerNumber)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Visitor::Table)
                    .col(uuid(Visitor::VisitId))
                    // 0 is the lead visitor.
                    .col(small_integer(Visitor::Position))
                    .col(string_len(Visitor::FirstName, 60))
                    .col(string_len(Visitor::LastName, 60))
                    .col(date(Visitor::Dob))
                    .primary_key(Index::create().col(Visitor::VisitId).col(Visitor::Position))
                    .foreign_key(&mut fk(Visitor::Table, Visitor::VisitId, Visit::Table, Visit::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(VisitSlotChoice::Table)
                    .col(uuid(VisitSlotChoice::VisitId))
                    // 0 is the most wanted.
                    .col(small_integer(VisitSlotChoice::Rank))
                    .col(date(VisitSlotChoice::SlotDate))
                    .col(time(VisitSlotChoice::StartTime))
                    .col(time(VisitSlotChoice::EndTime))
                    .primary_key(Index::create().col(VisitSlotChoice::VisitId).col(VisitSlotChoice::Rank))
                    .foreign_key(&mut fk(VisitSlotChoice::Table, VisitSlotChoice::VisitId, Visit::Table, Visit::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(VisitStateChange::Table)
                    .col(uuid(VisitStateChange::VisitId))
                    // The visit's version after the change: orders the timeline and records optimistic concurrency.
                    .col(integer(VisitStateChange::Version))
                    .col(string_len_null(VisitStateChange::FromState, 16))
                    .col(string_len(VisitStateChange::ToState, 16))
                    .col(string_len(VisitStateChange::Actor, 16))
                    .col(string_len_null(VisitStateChange::ActorName, 120))
                    .col(timestamp_with_time_zone(VisitStateChange::At))
                    .primary_key(Index::create().col(VisitStateChange::VisitId).col(VisitStateChange::Version))
                    .foreign_key(&mut fk(VisitStateChange::Table, VisitStateChange::VisitId, Visit::Table, Visit::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(string_len(IdempotencyKey::Key, 255).primary_key())
                    .col(string_len(IdempotencyKey::RequestHash, 64))
                    .col(uuid(IdempotencyKey::VisitId))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .foreign_key(&mut fk(IdempotencyKey::Table, IdempotencyKey::VisitId, Visit::Table, Visit::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceSecret::Table)
                    .col(integer(ServiceSecret::Id).primary_key())
                    .col(string_len(ServiceSecret::Secret, 128))
                    .col(timestamp_with_time_zone(ServiceSecret::CreatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ServiceSecret::Table.into_iden(),
            IdempotencyKey::Table.into_iden(),
            VisitStateChange::Table.into_iden(),
            VisitSlotChoice::Table.into_iden(),
            Visitor::Table.into_iden(),
            Visit::Table.into_iden(),
            ReplacementSlot::Table.into_iden(),
            ClosedDate::Table.into_iden(),
            TimetableSlot::Table.into_iden(),
            Prison::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
