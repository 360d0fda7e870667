//! Structured logs. Every line logged while serving a request carries that request's id (from the request span).

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// sea-orm's driver spans record the whole connect options, database password included, at trace level: they are
/// capped at debug whatever `RUST_LOG` asks for, so no log level ever shows a secret.
const NEVER_TRACED: &str = "sea_orm::driver=debug";

/// The log filter: `RUST_LOG` when it is set and valid, a quiet default otherwise, and never sea-orm's driver spans.
fn filter(rust_log: Option<&str>) -> EnvFilter {
    let filter = rust_log
        .and_then(|directives| EnvFilter::try_new(directives).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    match NEVER_TRACED.parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    }
}

pub fn init(format: LogFormat) {
    let registry = tracing_subscriber::registry().with(filter(std::env::var("RUST_LOG").ok().as_deref()));
    // `try_init`: tests start many apps in one process; only the first installs the subscriber.
    let _ = match format {
        LogFormat::Json => registry.with(fmt::layer().json().with_current_span(false).with_span_list(true)).try_init(),
        LogFormat::Pretty => registry.with(fmt::layer()).try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_rust_log_trace_never_records_the_database_drivers_connect_options() {
        for rust_log in [Some("trace"), Some("sea_orm=trace"), Some("not a filter [["), None] {
            let subscriber = tracing_subscriber::registry().with(filter(rust_log));
            tracing::subscriber::with_default(subscriber, || {
                assert!(
                    !tracing::enabled!(target: "sea_orm::driver::sqlx_postgres", tracing::Level::TRACE),
                    "{rust_log:?}"
                );
                if rust_log == Some("trace") {
                    assert!(tracing::enabled!(target: "api::anything", tracing::Level::TRACE), "trace still works");
                }
            });
        }
    }
}
