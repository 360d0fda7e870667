//! Staff and their accounts: signing in and out, sessions and their tokens, the signed-in profile, and the accounts
//! admins keep.

pub mod routes;
pub mod service;
pub mod store;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the sign-in, session and account endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::sign_in)
        .service(routes::refresh)
        .service(routes::sign_out)
        .service(routes::me)
        .service(routes::list_accounts)
        .service(routes::create_account)
        .service(routes::update_account);
}
