//! `prison-visits [serve|migrate|openapi]`: run the service (default), apply migrations and exit, or print the
//! OpenAPI document.

use anyhow::bail;
use api::config::Settings;
use api::startup::Application;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    match command.as_str() {
        "openapi" => {
            print!("{}", api::openapi::spec_json()?);
            Ok(())
        }
        "migrate" => {
            let settings = Settings::from_env()?;
            api::telemetry::init(settings.log_format);
            let db = api::storage::connect(&settings.database_url, 1).await?;
            api::storage::migrate(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        "serve" => {
            let settings = Settings::from_env()?;
            api::telemetry::init(settings.log_format);
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        }
        other => bail!("unknown command {other:?}; use serve, migrate or openapi"),
    }
}
