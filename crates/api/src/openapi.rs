//! The OpenAPI document, collected from the handlers' `#[utoipa::path]` annotations. `openapi/openapi.json` is
//! generated from it (`cargo run -p api -- openapi > openapi/openapi.json`) and a test fails when they differ.

use actix_web::App;
use utoipa::openapi::OpenApi as Spec;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Prison Visit Booking API",
        description = "Book visits to people in prison. Visitors (through the web app) and integrators such as contact \
centres find a prison, see its live availability, request a visit with up to three times in order of preference, and \
follow, withdraw or cancel it with the private status token they were given.\n\nErrors are `application/problem+json` \
(RFC 9457) with a stable `code`. Dates are `YYYY-MM-DD` and times `HH:MM`, both UK local time (Europe/London); instants \
are RFC 3339 in UTC.",
        license(name = "MIT"),
    ),
    tags(
        (name = "prisons", description = "Prisons, their visiting rules and live availability"),
        (name = "visits", description = "Visit requests, as visitors make and follow them"),
        (name = "staff", description = "Staff sign-in and sessions"),
        (name = "admin", description = "Staff accounts, for admins"),
        (name = "operations", description = "Health and readiness probes"),
        (name = "records", description = "The built-in prison roll that prisoner checks read, for integrators"),
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Staff endpoints take a JWT access token from `POST /api/v1/staff/sign-in` as `Authorization: Bearer ...`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Spec) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The whole document, built from the same route table the server serves.
pub fn spec() -> Spec {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(routes::configure_v1))
        .split_for_parts();
    spec
}

/// The document as it is checked in: pretty JSON with a final newline.
pub fn spec_json() -> anyhow::Result<String> {
    Ok(format!("{}\n", spec().to_pretty_json()?))
}
