//! What staff print and count: a prison's day list (JSON, and CSV in `day_list_csv`) and its metrics over a period.

pub mod day_list_csv;
pub mod routes;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the day list and metrics endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::day_list).service(routes::day_list_csv).service(routes::metrics);
}
