//! The service's clock: "now" comes from here, never from `Utc::now()` directly, so tests can move time.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};

/// "Now", injectable so tests can move the clock (a visit that has started, a request that is overdue).
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock(Arc::new(move || at))
    }

    /// A clock read from `now` (tests move it forward: a retry falls due, a lease runs out, months pass).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// Microsecond precision: what PostgreSQL stores, so an answer made now equals the same answer read back later.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)().trunc_subsecs(6)
    }
}
