//! Integration events and their webhooks (issue 12): every change an integrator cares about is an
//! `integration_event` row written in the transaction of the change, numbered per prison by the counter row of
//! `integration_event_counter` (taken last, so commits are in position order); webhook subscriptions with the
//! (prison, event type) pairs they want; and a `webhook_delivery` row per event and matching subscription, written in
//! the same transaction and sent by the webhook worker.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IntegrationEventCounter {
    Table,
    PrisonId,
    LastPosition,
}

#[derive(DeriveIden)]
enum IntegrationEvent {
    Table,
    Id,
    PrisonId,
    Position,
    EventType,
    VisitId,
    Payload,
    OccurredAt,
}

#[derive(DeriveIden)]
enum WebhookSubscription {
    Table,
    Id,
    Url,
    Description,
    AllEvents,
    EventTypes,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    Enabled,
    DisabledReason,
    LastSuccessAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookSubscriptionPrison {
    Table,
    SubscriptionId,
    PrisonId,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    SubscriptionId,
    EventId,
    PrisonId,
    OrderKey,
    Position,
    EventType,
    State,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ClaimToken,
    LastStatus,
    LastLatencyMs,
    LastError,
    LastResponse,
    CreatedAt,
    UpdatedAt,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IntegrationEventCounter::Table)
                    .col(uuid(IntegrationEventCounter::PrisonId).primary_key())
                    .col(big_integer(IntegrationEventCounter::LastPosition))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IntegrationEvent::Table)
                    .col(uuid(IntegrationEvent::Id).primary_key())
                    .col(uuid(IntegrationEvent::PrisonId))
                    .col(big_integer(IntegrationEvent::Position))
                    .col(string_len(IntegrationEvent::EventType, 40))
                    .col(uuid_null(IntegrationEvent::VisitId))
                    .col(text(IntegrationEvent::Payload))
                    .col(timestamp_with_time_zone(IntegrationEvent::OccurredAt))
                    .to_owned(),
            )
            .await?;
        // The feed reads a prison's events by position; the unique index also proves no position is given twice.
        manager
            .create_index(
                Index::create()
                    .name("uq_integration_event_position")
                    .table(IntegrationEvent::Table)
                    .col(IntegrationEvent::PrisonId)
                    .col(IntegrationEvent::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscription::Table)
                    .col(uuid(WebhookSubscription::Id).primary_key())
                    .col(string_len(WebhookSubscription::Url, 2000))
                    .col(string_len(WebhookSubscription::Description, 200))
                    .col(boolean(WebhookSubscription::AllEvents))
                    // The wire names, comma-separated, as chosen (for showing); the filter rows below decide.
                    .col(string_len(WebhookSubscription::EventTypes, 400))
                    .col(string_len(WebhookSubscription::Secret, 100))
                    .col(string_len_null(WebhookSubscription::PreviousSecret, 100))
                    .col(timestamp_with_time_zone_null(WebhookSubscription::PreviousSecretUntil))
                    .col(boolean(WebhookSubscription::Enabled))
                    .col(string_len_null(WebhookSubscription::DisabledReason, 300))
                    .col(timestamp_with_time_zone_null(WebhookSubscription::LastSuccessAt))
                    .col(timestamp_with_time_zone(WebhookSubscription::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookSubscription::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscriptionPrison::Table)
                    .col(uuid(WebhookSubscriptionPrison::SubscriptionId))
                    .col(uuid(WebhookSubscriptionPrison::PrisonId))
                    .primary_key(
                        Index::create()
                            .col(WebhookSubscriptionPrison::SubscriptionId)
                            .col(WebhookSubscriptionPrison::PrisonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookSubscriptionPrison::Table, WebhookSubscriptionPrison::SubscriptionId)
                            .to(WebhookSubscription::Table, WebhookSubscription::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Fan-out looks subscriptions up by prison.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_subscription_prison")
                    .table(WebhookSubscriptionPrison::Table)
                    .col(WebhookSubscriptionPrison::PrisonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    // A delivery is its event's to its subscription: the event id names it (and is its
                    // `webhook-id`), at most one per subscription.
                    .col(uuid(WebhookDelivery::SubscriptionId))
                    .col(uuid(WebhookDelivery::EventId))
                    .primary_key(Index::create().col(WebhookDelivery::SubscriptionId).col(WebhookDelivery::EventId))
                    .col(uuid(WebhookDelivery::PrisonId))
                    // The visit's id, or the prison's for an event without a visit: deliveries with one key go out
                    // in position order.
                    .col(uuid(WebhookDelivery::OrderKey))
                    .col(big_integer(WebhookDelivery::Position))
                    .col(string_len(WebhookDelivery::EventType, 40))
                    .col(string_len(WebhookDelivery::State, 20))
                    .col(integer(WebhookDelivery::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDelivery::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::LockedUntil))
                    .col(uuid_null(WebhookDelivery::ClaimToken))
                    .col(integer_null(WebhookDelivery::LastStatus))
                    .col(integer_null(WebhookDelivery::LastLatencyMs))
                    .col(string_len_null(WebhookDelivery::LastError, 300))
                    .col(string_len_null(WebhookDelivery::LastResponse, 300))
                    .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookDelivery::UpdatedAt))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDelivery::Table, WebhookDelivery::SubscriptionId)
                            .to(WebhookSubscription::Table, WebhookSubscription::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The order check looks for an earlier undelivered one of the same subscription and key.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_delivery_order")
                    .table(WebhookDelivery::Table)
                    .col(WebhookDelivery::SubscriptionId)
                    .col(WebhookDelivery::OrderKey)
                    .col(WebhookDelivery::Position)
                    .to_owned(),
            )
            .await?;
        // What the worker claims: only the waiting rows, by when they are due (as `idx_outbox_waiting`).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_webhook_delivery_waiting ON webhook_delivery (next_attempt_at, event_id) \
                 WHERE state IN ('pending', 'retrying')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WebhookDelivery::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WebhookSubscriptionPrison::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WebhookSubscription::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(IntegrationEvent::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(IntegrationEventCounter::Table).to_owned()).await
    }
}
