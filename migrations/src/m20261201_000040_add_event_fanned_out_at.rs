//! When an integration event's webhook deliveries were queued (`NULL`: not yet). A change now writes only its event
//! in its own transaction; the webhook worker queues one delivery per matching subscription afterwards
//! (`crates/api/src/webhooks/store.rs`, `fan_out`), so a change costs the same however many subscriptions there are.
//! Events recorded before this had their deliveries queued with them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IntegrationEvent {
    Table,
    FannedOutAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationEvent::Table)
                    .add_column(timestamp_with_time_zone_null(IntegrationEvent::FannedOutAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE integration_event SET fanned_out_at = occurred_at").await?;
        // What the worker reads: the events still to fan out, in each prison's order.
        db.execute_unprepared(
            "CREATE INDEX idx_integration_event_unfanned ON integration_event (prison_id, position) \
             WHERE fanned_out_at IS NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX idx_integration_event_unfanned").await?;
        manager
            .alter_table(
                Table::alter().table(IntegrationEvent::Table).drop_column(IntegrationEvent::FannedOutAt).to_owned(),
            )
            .await
    }
}
