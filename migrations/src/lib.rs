//! The database schema as an ordered list of migrations. The same files run on SQLite and PostgreSQL, and the
//! service applies any that are pending when it starts. A migration that has shipped is never edited: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_core_tables;
mod m20261126_000002_create_staff_tables;
mod m20261126_000003_add_prison_availability_version;
mod m20261126_000004_create_decision_tables;
mod m20261126_000005_add_cancellation_acknowledged;
mod m20261126_000006_add_slot_usage_changes;
mod m20261126_000010_create_outbox;
mod m20261126_000011_add_visit_anonymised_at;
mod m20261126_000012_add_visit_records_checks;
mod m20261126_000013_create_prisoner_roll;
mod m20261126_000014_add_outbox_waiting_index;
mod m20261130_000001_add_slot_usage_capacity;
mod m20261130_000010_add_staff_session_family;
mod m20261130_000011_create_rate_limit;
mod m20261201_000001_create_api_keys;
mod m20261201_000002_scope_idempotency_keys;
mod m20261201_000010_create_integration_events;
mod m20261201_000020_add_visit_channel;
mod m20261201_000030_add_webhook_subscription_owner;
mod m20261201_000040_add_event_fanned_out_at;
mod m20261202_000010_add_visit_reminders;
mod m20261202_000100_create_waiting_list;
mod m20261203_000010_create_journey_drafts;
mod m20261204_000020_add_text_messages;
mod m20261204_000300_add_visit_support_needs;
mod m20261204_000310_create_feedback;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_core_tables::Migration),
            Box::new(m20261126_000002_create_staff_tables::Migration),
            Box::new(m20261126_000003_add_prison_availability_version::Migration),
            Box::new(m20261126_000004_create_decision_tables::Migration),
            Box::new(m20261126_000005_add_cancellation_acknowledged::Migration),
            Box::new(m20261126_000006_add_slot_usage_changes::Migration),
            Box::new(m20261126_000010_create_outbox::Migration),
            Box::new(m20261126_000011_add_visit_anonymised_at::Migration),
            Box::new(m20261126_000012_add_visit_records_checks::Migration),
            Box::new(m20261126_000013_create_prisoner_roll::Migration),
            Box::new(m20261126_000014_add_outbox_waiting_index::Migration),
            Box::new(m20261130_000001_add_slot_usage_capacity::Migration),
            Box::new(m20261130_000010_add_staff_session_family::Migration),
            Box::new(m20261130_000011_create_rate_limit::Migration),
            Box::new(m20261201_000001_create_api_keys::Migration),
            Box::new(m20261201_000002_scope_idempotency_keys::Migration),
            Box::new(m20261201_000010_create_integration_events::Migration),
            Box::new(m20261201_000020_add_visit_channel::Migration),
            Box::new(m20261201_000030_add_webhook_subscription_owner::Migration),
            Box::new(m20261201_000040_add_event_fanned_out_at::Migration),
            Box::new(m20261202_000010_add_visit_reminders::Migration),
            Box::new(m20261202_000100_create_waiting_list::Migration),
            Box::new(m20261203_000010_create_journey_drafts::Migration),
            Box::new(m20261204_000020_add_text_messages::Migration),
            Box::new(m20261204_000300_add_visit_support_needs::Migration),
            Box::new(m20261204_000310_create_feedback::Migration),
        ]
    }
}
