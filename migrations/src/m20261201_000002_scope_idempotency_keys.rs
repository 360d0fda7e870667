//! `Idempotency-Key` replays are scoped to the credential that sent the key (issue 12): the stored key gains the
//! credential (`visitor` for anonymous requests, `staff:<id>`, `api_key:<id>`) and the primary key becomes
//! (credential, key), so the same key string from two credentials makes two visits. SQLite cannot change a primary
//! key in place, so on both engines the table is copied aside, made again and filled back; every row written before
//! came from an anonymous request (`POST /visits` took no credential), so it becomes the visitor's.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    Credential,
    Key,
    RequestHash,
    VisitId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeyCopy {
    Table,
}

#[derive(DeriveIden)]
enum Visit {
    Table,
    Id,
}

/// The credential of every anonymous request (and of every row written before this migration).
const VISITOR: &str = "visitor";

fn table(scoped: bool) -> TableCreateStatement {
    let mut create = Table::create();
    create.table(IdempotencyKey::Table);
    if scoped {
        create
            .col(string_len(IdempotencyKey::Credential, 64))
            .col(string_len(IdempotencyKey::Key, 255))
            .primary_key(Index::create().col(IdempotencyKey::Credential).col(IdempotencyKey::Key));
    } else {
        create.col(string_len(IdempotencyKey::Key, 255).primary_key());
    }
    create
        .col(string_len(IdempotencyKey::RequestHash, 64))
        .col(uuid(IdempotencyKey::VisitId))
        .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
        .foreign_key(
            ForeignKey::create()
                .from(IdempotencyKey::Table, IdempotencyKey::VisitId)
                .to(Visit::Table, Visit::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

async fn copy_aside(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager.rename_table(Table::rename().table(IdempotencyKey::Table, IdempotencyKeyCopy::Table).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        copy_aside(manager).await?;
        // PostgreSQL keeps the old primary key's name with the renamed table: free it for the new table's.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE idempotency_key_copy RENAME CONSTRAINT idempotency_key_pkey TO idempotency_key_copy_pkey",
                )
                .await?;
        }
        manager.create_table(table(true)).await?;
        let select = Query::select()
            .expr(Expr::val(VISITOR))
            .columns([
                IdempotencyKey::Key,
                IdempotencyKey::RequestHash,
                IdempotencyKey::VisitId,
                IdempotencyKey::CreatedAt,
            ])
            .from(IdempotencyKeyCopy::Table)
            .to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(IdempotencyKey::Table)
                    .columns([
                        IdempotencyKey::Credential,
                        IdempotencyKey::Key,
                        IdempotencyKey::RequestHash,
                        IdempotencyKey::VisitId,
                        IdempotencyKey::CreatedAt,
                    ])
                    .select_from(select)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(IdempotencyKeyCopy::Table).to_owned()).await
    }

    /// Keeps the anonymous visitors' keys; keys sent with a staff or API key credential are dropped (their replay
    /// could not be told apart from another credential's any more).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        copy_aside(manager).await?;
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE idempotency_key_copy RENAME CONSTRAINT idempotency_key_pkey TO idempotency_key_copy_pkey",
                )
                .await?;
        }
        manager.create_table(table(false)).await?;
        let select = Query::select()
            .columns([
                IdempotencyKey::Key,
                IdempotencyKey::RequestHash,
                IdempotencyKey::VisitId,
                IdempotencyKey::CreatedAt,
            ])
            .from(IdempotencyKeyCopy::Table)
            .and_where(Expr::col(IdempotencyKey::Credential).eq(VISITOR))
            .to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(IdempotencyKey::Table)
                    .columns([
                        IdempotencyKey::Key,
                        IdempotencyKey::RequestHash,
                        IdempotencyKey::VisitId,
                        IdempotencyKey::CreatedAt,
                    ])
                    .select_from(select)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(IdempotencyKeyCopy::Table).to_owned()).await
    }
}
