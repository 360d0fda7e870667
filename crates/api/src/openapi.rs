//! The OpenAPI document, collected from the handlers' `#[utoipa::path]` annotations. `openapi/openapi.json` is
//! generated from it (`cargo run -p api -- openapi > openapi/openapi.json`) and a test fails when they differ.

use actix_web::App;
use utoipa::openapi::OpenApi as Spec;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::PROBLEM_JSON;

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
        (name = "feedback", description = "Feedback on the service from visitors and staff, and its export for admins"),
        (name = "records", description = "The built-in prison roll that prisoner checks read, for integrators"),
        (name = "integrations", description = "The change feed: every integration event of a prison, in order"),
        (name = "webhooks", description = "Webhook subscriptions (Standard Webhooks), their delivery log, and the \
events they deliver (the document's `webhooks` section)"),
    ),
    components(schemas(
        domain::events::VisitEventData,
        domain::events::TimetableEventData,
        domain::events::RollEventData
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Staff endpoints take a JWT access token from `POST /api/v1/staff/sign-in` as `Authorization: Bearer ...`;
/// those integrators may use also take an API key (`api_key`, with the scope they need).
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Spec) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pvb_<8 hex digits>_<43 base64url characters>")
                    .description(Some(
                        "An integrator's API key, made by an admin (`POST /api/v1/api-keys`), sent as `Authorization: \
Bearer pvb_...`. A key reaches only its prisons (another prison's things answer 404, as if they did not exist) and \
does only what its scopes allow (else 403 `missing_scope`); the scopes an operation needs are listed with this \
scheme. Each key has a rate limit per minute across every instance: every answer carries `RateLimit-Policy` and \
`RateLimit` headers, and past the limit the answer is 429 with `Retry-After`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The whole document, built from the same route table the server serves.
pub fn spec() -> Spec {
    let (_, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::v1::configure))
        .split_for_parts();
    declare_edge_responses(&mut spec);
    crate::webhooks::openapi::add(&mut spec);
    spec
}

fn problem_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
            .build(),
    )
}

/// The answers every operation can give before its handler runs, declared on each so that the document lists every
/// status the server can answer: 400 where a body or a query string is read (`crate::json`, the query extractor),
/// 413 and 422 where a body is (`crate::json::JSON_LIMIT`, values of the right type that the field does not take).
fn declare_edge_responses(spec: &mut Spec) {
    for item in spec.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            let has_body = operation.request_body.is_some();
            let has_query = operation.parameters.iter().flatten().any(|p| matches!(p.parameter_in, ParameterIn::Query));
            let responses = &mut operation.responses.responses;
            if has_body || has_query {
                responses.entry("400".into()).or_insert_with(|| {
                    problem_response(if has_body {
                        "The body is not JSON, or not of the documented shape (a value of the wrong type, an array \
where an object belongs); `detail` names the field"
                    } else {
                        "A query parameter is not of the documented type"
                    })
                });
            }
            if has_body {
                responses
                    .entry("413".into())
                    .or_insert_with(|| problem_response("The body is larger than the service accepts (32 KB)"));
                responses.entry("422".into()).or_insert_with(|| {
                    problem_response("A value is not one its field takes; see `errors`, each with the field's path")
                });
            }
        }
    }
}

/// The methods the document declares for each path, to answer any other method with 405 and an `Allow` header
/// (RFC 9110) instead of a 404 that would say the resource does not exist.
#[derive(Debug, Clone, Default)]
pub struct Methods(Vec<(Vec<String>, Vec<&'static str>)>);

impl Methods {
    pub fn from_spec(spec: &Spec) -> Methods {
        let table = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.trim_matches('/').split('/').map(str::to_owned).collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect();
        Methods(table)
    }

    /// The methods allowed at `path` (`/api/v1/prisons/123`), or `None` when no documented path matches it.
    pub fn allowed(&self, path: &str) -> Option<&[&'static str]> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0
            .iter()
            .find(|(template, _)| {
                template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| if t.starts_with('{') && t.ends_with('}') { !s.is_empty() } else { t == s })
            })
            .map(|(_, methods)| methods.as_slice())
    }
}

/// The document as it is checked in: pretty JSON with a final newline.
pub fn spec_json() -> anyhow::Result<String> {
    Ok(format!("{}\n", spec().to_pretty_json()?))
}
