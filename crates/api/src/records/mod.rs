//! The records port: where prisoner checks read the prison's records. Adapters: none (no checks are made), the
//! prison roll kept in our own database (`roll_store`, loaded from CSV by `prison-visits import-roll` through
//! `roll_csv`, or pushed by integrators), or an external prison records service over HTTP (`http`), whose contract is
//! `openapi/prison-records.json` (`contract`). Unreachable records give "unknown", never a block and never a pass.

pub mod contract;
pub mod http;
pub mod roll;
pub mod roll_csv;
pub mod roll_store;
pub mod roll_sync;
pub mod routes;

use std::sync::Arc;

use domain::records::{CheckRequest, CheckResult, PrisonerRecord, evaluate, unknown};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the prison roll endpoints (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::get_prisoner).service(routes::put_prisoner).service(routes::put_roll);
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Box<PrisonerRecord>),
    /// The records answered: no prisoner with that number.
    NotFound,
    /// The records could not be read (timeout, errors, circuit open), with a few words why.
    Unavailable(String),
}

#[derive(Clone, Default)]
pub enum Records {
    /// No records service configured.
    #[default]
    None,
    /// The prison roll in our database.
    BuiltIn(sea_orm::DatabaseConnection),
    Http(Arc<http::HttpRecords>),
}

impl Records {
    pub async fn lookup(&self, number: &str) -> Lookup {
        match self {
            Records::None => Lookup::Unavailable("no prison records service is configured".into()),
            Records::BuiltIn(db) => match crate::records::roll_store::find(db, number).await {
                Ok(Some(record)) => Lookup::Found(Box::new(record)),
                Ok(None) => Lookup::NotFound,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the prison roll");
                    Lookup::Unavailable("cannot read the prison roll".into())
                }
            },
            Records::Http(http) => http.lookup(number).await,
        }
    }

    /// Every check for a request.
    pub async fn check(&self, request: &CheckRequest<'_>) -> Vec<CheckResult> {
        match self.lookup(request.prisoner_number).await {
            Lookup::Found(record) => evaluate(request, Some(&record)),
            Lookup::NotFound => evaluate(request, None),
            Lookup::Unavailable(why) => {
                tracing::warn!(reason = %why, "prison records unavailable; checks are unknown");
                unknown(request)
            }
        }
    }
}
