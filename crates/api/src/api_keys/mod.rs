//! Integrators' API keys: admins make, list, change, rotate and revoke them; every request made with one is
//! authenticated here (by the secret's hash, checked in the database each time) and counted against its rate limit.

pub mod routes;
pub mod service;
pub mod store;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the API key endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create)
        .service(routes::list)
        .service(routes::get)
        .service(routes::update)
        .service(routes::revoke)
        .service(routes::rotate);
}
