//! sea-orm entities: one per table, mirroring `migrations/`. Only the storage layer uses them.

pub mod closed_date;
pub mod idempotency_key;
pub mod prison;
pub mod replacement_slot;
pub mod service_secret;
pub mod timetable_slot;
pub mod visit;
pub mod visit_slot_choice;
pub mod visit_state_change;
pub mod visitor;
