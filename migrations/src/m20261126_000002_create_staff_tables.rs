//! Staff accounts, the prisons each belongs to, their sign-in sessions (revocable refresh tokens), and the counters
//! that slow down and then refuse repeated failed sign-ins (per account and per address, shared by all instances).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffAccount {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffPrison {
    Table,
    StaffId,
    PrisonId,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    Id,
    StaffId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SignInThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
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
                    .table(StaffAccount::Table)
                    .col(pk_uuid(StaffAccount::Id))
                    .col(string_len_uniq(StaffAccount::Email, 254))
                    .col(string_len(StaffAccount::Name, 120))
                    .col(string_len(StaffAccount::PasswordHash, 255))
                    .col(string_len(StaffAccount::Role, 16))
                    .col(boolean(StaffAccount::Disabled).default(false))
                    .col(timestamp_with_time_zone(StaffAccount::CreatedAt))
                    .col(timestamp_with_time_zone(StaffAccount::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffPrison::Table)
                    .col(uuid(StaffPrison::StaffId))
                    .col(uuid(StaffPrison::PrisonId))
                    .primary_key(Index::create().col(StaffPrison::StaffId).col(StaffPrison::PrisonId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffPrison::Table, StaffPrison::StaffId)
                            .to(StaffAccount::Table, StaffAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffPrison::Table, StaffPrison::PrisonId)
                            .to(Prison::Table, Prison::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffSession::Table)
                    .col(pk_uuid(StaffSession::Id))
                    .col(uuid(StaffSession::StaffId))
                    .col(string_len_uniq(StaffSession::TokenHash, 64))
                    .col(timestamp_with_time_zone(StaffSession::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSession::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffSession::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffSession::Table, StaffSession::StaffId)
                            .to(StaffAccount::Table, StaffAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_staff_session_staff")
                    .table(StaffSession::Table)
                    .col(StaffSession::StaffId)
                    .to_owned(),
            )
            .await?;
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SignInThrottle::Table.into_iden(),
            StaffSession::Table.into_iden(),
            StaffPrison::Table.into_iden(),
            StaffAccount::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
