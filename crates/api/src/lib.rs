//! The Prison Visit Booking service: the REST API for visitors, staff and integrators, and the host of the web
//! client, whose visitor pages it renders (`pages`). `startup` wires it together and `v1` lists the resources. Each resource module (`visits`,
//! `staff_visits`, `api_keys`, `prisons`, `staff`, `records`, `reports`, `notifications`) holds its `routes` (thin HTTP), its use cases and
//! their transactions, and its `store` (SQL) side by side; the rest is the shared core.

// The resources.
pub mod api_keys;
pub mod events;
pub mod feedback;
pub mod notifications;
pub mod prisons;
pub mod records;
pub mod reminders;
pub mod reports;
pub mod staff;
pub mod staff_visits;
pub mod visits;
pub mod waiting_list;
pub mod webhooks;

// The shared core.
pub mod auth;
pub mod cache;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod db;
pub mod edge;
pub mod error;
pub mod health;
pub mod journey;
pub mod json;
pub mod openapi;
pub mod outbound;
pub mod outbox;
pub mod pages;
pub mod rate_limits;
pub mod retention;
pub mod seed;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod telemetry;
pub mod v1;
