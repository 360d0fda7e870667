//! API keys for integrators (issue 12): a key (name, scopes, rate limit, expiry, revocation, last use), the prisons
//! it reaches, and its secrets, stored only as SHA-256 hashes. A key has more than one secret while a rotation's
//! overlap lasts: the old one works until its `valid_until`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    Name,
    Scopes,
    RateLimitPerMinute,
    ExpiresAt,
    CreatedAt,
    CreatedById,
    CreatedByName,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ApiKeyPrison {
    Table,
    KeyId,
    PrisonId,
}

#[derive(DeriveIden)]
enum ApiKeySecret {
    Table,
    Hash,
    KeyId,
    Prefix,
    CreatedAt,
    ValidUntil,
}

#[derive(DeriveIden)]
enum Prison {
    Table,
    Id,
}

const SECRET_KEY_INDEX: &str = "idx_api_key_secret_key_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKey::Table)
                    .col(uuid(ApiKey::Id).primary_key())
                    .col(string_len(ApiKey::Name, 100))
                    // Space-separated wire names, as OAuth writes a scope (RFC 6749 §3.3).
                    .col(string_len(ApiKey::Scopes, 200))
                    .col(integer(ApiKey::RateLimitPerMinute))
                    .col(timestamp_with_time_zone_null(ApiKey::ExpiresAt))
                    .col(timestamp_with_time_zone(ApiKey::CreatedAt))
                    // Not a foreign key: the key's history outlives the account that made it.
                    .col(uuid(ApiKey::CreatedById))
                    .col(string_len(ApiKey::CreatedByName, 120))
                    .col(timestamp_with_time_zone_null(ApiKey::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyPrison::Table)
                    .col(uuid(ApiKeyPrison::KeyId))
                    .col(uuid(ApiKeyPrison::PrisonId))
                    .primary_key(Index::create().col(ApiKeyPrison::KeyId).col(ApiKeyPrison::PrisonId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeyPrison::Table, ApiKeyPrison::KeyId)
                            .to(ApiKey::Table, ApiKey::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeyPrison::Table, ApiKeyPrison::PrisonId)
                            .to(Prison::Table, Prison::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeySecret::Table)
                    // Hex SHA-256 of the whole secret: every request finds its key by this primary key.
                    .col(string_len(ApiKeySecret::Hash, 64).primary_key())
                    .col(uuid(ApiKeySecret::KeyId))
                    .col(string_len(ApiKeySecret::Prefix, 40))
                    .col(timestamp_with_time_zone(ApiKeySecret::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeySecret::ValidUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeySecret::Table, ApiKeySecret::KeyId)
                            .to(ApiKey::Table, ApiKey::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name(SECRET_KEY_INDEX).table(ApiKeySecret::Table).col(ApiKeySecret::KeyId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(SECRET_KEY_INDEX).table(ApiKeySecret::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ApiKeySecret::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ApiKeyPrison::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ApiKey::Table).to_owned()).await
    }
}
