//! Integration events: each change an integrator cares about, written by [`record`] in the transaction of the change
//! (so none is lost and none outlives a rolled-back change), numbered per prison, read back through the change feed
//! (`routes`) and fanned out to webhook subscriptions (`crate::webhooks`).
//!
//! **Positions.** Each prison has a counter row (`integration_event_counter`). [`record`] increments it with one
//! upsert (`... ON CONFLICT DO UPDATE SET last_position = last_position + 1 RETURNING last_position`) and writes the
//! event at that position. The counter's row lock is held until the transaction ends, so a second writer for the
//! same prison waits for the first to commit (or roll back, which frees the number again) before it takes the next
//! number: positions are committed in order and a reader never sees position n+1 before n. That is why callers call
//! [`record`] last, just before commit: the lock is held for the fewest statements, and it is the last lock taken
//! (after the visit's, the slot's and the timetable's), so no two transactions wait on each other crosswise. On
//! SQLite the one writer serialises transactions anyway. Different prisons never wait on each other.

pub mod routes;
pub mod service;
pub mod store;

pub use store::{NewEvent, record};

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the change feed (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::changes);
}
