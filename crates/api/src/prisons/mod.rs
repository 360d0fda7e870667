//! Prisons: the list, each prison's details and live availability, its rules and timetable as its own staff keep
//! them, prisons as admins add and change them, and the places each dated slot has and has taken.

pub mod admin;
pub mod admin_routes;
pub mod places;
pub mod routes;
pub mod service;
pub mod store;
pub mod timetable;
pub mod timetable_routes;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers what visitors and integrators read (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::list_prisons).service(routes::get_prison).service(routes::get_availability);
}

/// Registers what admins change: adding a prison, changing its details (under `/api/v1`).
pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(admin_routes::create_prison).service(admin_routes::update_prison);
}

/// Registers a prison's rules and timetable, for its staff and admins (under `/api/v1`).
pub fn configure_timetable(cfg: &mut ServiceConfig) {
    cfg.service(timetable_routes::get_timetable).service(timetable_routes::put_timetable);
}
