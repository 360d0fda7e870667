//! The visitor's visits: requesting one (with the per-visitor limits), following it with its private status token,
//! withdrawing or cancelling it; and the visit's rows and its whole record as the rest of the service reads them.

pub mod record;
pub mod routes;
pub mod service;
pub mod store;
pub mod tokens;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the visitor's endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create_visit)
        .service(routes::get_visit)
        .service(routes::withdraw_visit)
        .service(routes::cancel_visit);
}
