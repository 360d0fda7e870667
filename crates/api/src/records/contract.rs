//! The contract we expect of an external prison records service, as an OpenAPI document of its own
//! (`openapi/prison-records.json`, regenerated with `prison-visits records-openapi`). We call it; it does not call us.

use domain::error::Problem;
use domain::records::{Contact, PrisonerRecord, Unavailability};
use utoipa::openapi::OpenApi as Spec;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// One prisoner's record: who they are, where they are held, their visiting allowance, the days they are away, and
/// their contacts with any ban. Answer within 2 seconds; the service tries twice more on a timeout, a 429 or a 5xx.
#[utoipa::path(
    get,
    path = "/prisoners/{number}",
    tag = "prisoners",
    security(("bearer_auth" = [])),
    params(("number" = String, Path, description = "The prison number, upper case, e.g. A1234BC")),
    responses(
        (status = 200, description = "The prisoner", body = PrisonerRecord),
        (status = 404, description = "No prisoner with that number (a definite answer: the details are wrong)"),
        (status = 401, description = "Missing or wrong token", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Unavailable: the service retries, then tells staff to check manually", body = Problem, content_type = "application/problem+json"),
    )
)]
#[allow(dead_code)]
fn get_prisoner() {}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Prison records service (as Prison Visit Booking calls it)",
        description = "What Prison Visit Booking expects of a prison records service to check visit requests. \
Configure it with RECORDS_URL (and RECORDS_TOKEN, sent as a bearer token). When it is slow, failing or unreachable the \
checks say \"unknown, check manually\": a visitor is never blocked and a check never passes without an answer.",
        license(name = "MIT"),
    ),
    paths(get_prisoner),
    components(schemas(PrisonerRecord, Contact, Unavailability, Problem)),
    modifiers(&BearerAuth)
)]
pub struct RecordsApi;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Spec) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as it is checked in: pretty JSON with a final newline.
pub fn spec_json() -> anyhow::Result<String> {
    Ok(format!("{}\n", RecordsApi::openapi().to_pretty_json()?))
}
