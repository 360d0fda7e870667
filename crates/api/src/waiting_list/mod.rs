//! The waiting list for full slots (issue 14): visitors whose chosen times are all full join it
//! (`POST /visits` with `waiting_list: true`, in `crate::visits`); a place freed in one of those times is offered to
//! the first in line in the transaction that frees it (`service`); staff see the line per slot (`routes`).

pub mod routes;
pub mod service;
pub mod store;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the staff's waiting-list endpoint (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::waiting_list);
}
