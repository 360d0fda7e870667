//! Structured logs. Every line logged while serving a request carries that request's id (from the request span).

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    // `try_init`: tests start many apps in one process; only the first installs the subscriber.
    let _ = match format {
        LogFormat::Json => registry.with(fmt::layer().json().with_current_span(false).with_span_list(true)).try_init(),
        LogFormat::Pretty => registry.with(fmt::layer()).try_init(),
    };
}
