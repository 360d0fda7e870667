//! Webhooks (Standard Webhooks): subscriptions (`service`, `routes`), their signing secrets (`secrets`), the SSRF
//! rules for their addresses (`address`), and the delivery worker (`worker`) that sends each event's deliveries,
//! written with the event by `crate::events::record`.

pub mod address;
pub mod openapi;
pub mod routes;
pub mod secrets;
pub mod service;
pub mod store;
pub mod worker;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the webhook endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create_subscription)
        .service(routes::list_subscriptions)
        .service(routes::get_subscription)
        .service(routes::update_subscription)
        .service(routes::delete_subscription)
        .service(routes::rotate_secret)
        .service(routes::list_deliveries)
        .service(routes::redeliver);
}
