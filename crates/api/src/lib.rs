//! The Prison Visit Booking service: the REST API for visitors, staff and integrators, and the host of the web
//! client. `startup` wires it together; `routes` speak HTTP, `services` hold the use cases and their transactions,
//! `storage` holds the SQL.

pub mod auth;
pub mod cache;
pub mod client_address;
pub mod config;
pub mod edge;
pub mod email;
pub mod error;
pub mod jobs;
pub mod json;
pub mod openapi;
pub mod outbound;
pub mod records;
pub mod routes;
pub mod seed;
pub mod services;
pub mod startup;
pub mod static_files;
pub mod storage;
pub mod telemetry;
