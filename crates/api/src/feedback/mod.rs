//! Feedback on the service from visitors and staff (issue 14): sent by anyone (rate limited per address), stored
//! with no personal data unless the sender adds it, read and exported as CSV by admins.

pub mod feedback_csv;
pub mod routes;
pub mod service;
pub mod store;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the feedback endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::send_feedback).service(routes::list_feedback).service(routes::export_feedback);
}
