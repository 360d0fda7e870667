//! A prison's notification settings: how its visits mailbox hears about new requests (each one, a daily digest, or
//! none). The emails themselves go through the `outbox`.

pub mod routes;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the prison notification settings endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::get_prison_notifications).service(routes::put_prison_notifications);
}
