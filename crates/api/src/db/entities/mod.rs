//! sea-orm entities: one per table, mirroring `migrations/`. Only the resources' `store` modules use them.

pub mod closed_date;
pub mod idempotency_key;
pub mod outbox_message;
pub mod prison;
pub mod prison_notification;
pub mod prisoner_roll;
pub mod rate_limit;
pub mod replacement_slot;
pub mod service_secret;
pub mod slot_usage;
pub mod staff_account;
pub mod staff_prison;
pub mod staff_session;
pub mod timetable_slot;
pub mod visit;
pub mod visit_message;
pub mod visit_rejection_reason;
pub mod visit_slot_choice;
pub mod visit_state_change;
pub mod visitor;
