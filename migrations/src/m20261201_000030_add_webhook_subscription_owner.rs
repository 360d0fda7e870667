//! Two things for sharing webhooks fairly and safely between integrators.
//!
//! Which API key made a webhook subscription (`NULL`: an admin made it). A key sees and manages only its own
//! subscriptions, and they deliver only while the key is valid (not revoked, not expired), still holds
//! `webhooks:manage`, and still reaches the event's prison: see `crates/api/src/webhooks/store.rs`.
//!
//! And an index for the worker's fair claim, which takes each subscription's due deliveries apart (so that one
//! slow receiver with a backlog cannot hold every delivery slot): the waiting rows of one subscription by when due.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscription {
    Table,
    OwnerApiKeyId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(WebhookSubscription::Table)
                    .add_column(uuid_null(WebhookSubscription::OwnerApiKeyId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_subscription_owner")
                    .table(WebhookSubscription::Table)
                    .col(WebhookSubscription::OwnerApiKeyId)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_webhook_delivery_subscription_waiting \
                 ON webhook_delivery (subscription_id, next_attempt_at, event_id) \
                 WHERE state IN ('pending', 'retrying')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX idx_webhook_delivery_subscription_waiting").await?;
        manager
            .drop_index(
                Index::drop().name("idx_webhook_subscription_owner").table(WebhookSubscription::Table).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(WebhookSubscription::Table)
                    .drop_column(WebhookSubscription::OwnerApiKeyId)
                    .to_owned(),
            )
            .await
    }
}
