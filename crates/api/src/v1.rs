//! The `/api/v1` route table: each resource registers its own endpoints. The server and the OpenAPI document are
//! both built from it, so what is documented is what is served.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    api_keys, events, feedback, health, notifications, prisons, records, reports, staff, staff_visits, visits,
    waiting_list, webhooks,
};

/// Everything under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure)
        .configure(prisons::configure)
        .configure(visits::configure)
        .configure(staff::configure)
        .configure(prisons::configure_admin)
        .configure(staff_visits::configure)
        .configure(notifications::configure)
        .configure(records::configure)
        .configure(reports::configure)
        .configure(prisons::configure_timetable)
        .configure(api_keys::configure)
        .configure(waiting_list::configure)
        .configure(events::configure)
        .configure(webhooks::configure)
        .configure(feedback::configure);
}
