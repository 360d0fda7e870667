//! What the visitor app needs from the server it is rendered on (feature `ssr`): the API server gives each page
//! render a [`VisitorData`] (its own services, called directly: the same answers as the REST endpoints the browser
//! calls, without the round trip), the request's language and status token, and a way to set the response's status.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use domain::api::{Availability, Locale, PrisonDetails, PrisonSummary, VisitStatus};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::ApiError;
use crate::store::Draft;

/// A boxed future the server's data source answers with.
pub type Answer<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>> + Send>>;

/// The data the visitor's pages show, as the REST API's endpoints give it (same types, same errors).
pub trait VisitorData: Send + Sync {
    /// As `GET /api/v1/prisons`.
    fn prisons(&self) -> Answer<Vec<PrisonSummary>>;
    /// As `GET /api/v1/prisons/{id}`.
    fn prison(&self, id: Uuid) -> Answer<PrisonDetails>;
    /// As `GET /api/v1/prisons/{id}/availability`.
    fn availability(&self, id: Uuid) -> Answer<Availability>;
    /// As `GET /api/v1/visits/{reference}` with the visit's token.
    fn visit_status(&self, reference: String, token: String) -> Answer<VisitStatus>;
}

/// Everything the server knows about the request being rendered, provided as a context.
#[derive(Clone)]
pub struct ServerPage {
    pub data: Arc<dyn VisitorData>,
    /// The language to render in (`?lang=`, else the visitor's cookie, else the visit's, else English).
    pub locale: Locale,
    /// The status token the browser holds for the visit this page is about (from its cookie), if any.
    pub visit_token: Option<String>,
    /// The request the visitor is making, as the server keeps it for this browser (see `crate::store`), if any.
    pub draft: Option<Draft>,
    /// This site's address as the browser reached it (`https://visits.example`), for links shown whole.
    pub origin: String,
}

/// The request's [`ServerPage`]. Rendering a visitor page without one is a bug in the server's set-up; the pages
/// then show their "could not load" state rather than panic.
pub fn server_page() -> Option<ServerPage> {
    use_context::<ServerPage>()
}

/// Calls the server's data source, or answers as if the network failed when there is none.
pub fn load<T: 'static>(call: impl FnOnce(&dyn VisitorData) -> Answer<T>) -> Answer<T> {
    match server_page() {
        Some(page) => call(page.data.as_ref()),
        None => Box::pin(async { Err(ApiError::Network) }),
    }
}

/// Sets the HTTP status of the page being rendered (404 for an unknown address or prison).
pub fn set_status(status: u16) {
    if let (Some(options), Ok(status)) =
        (use_context::<leptos_actix::ResponseOptions>(), actix_web::http::StatusCode::from_u16(status))
    {
        options.set_status(status);
    }
}

/// Moves a status link of the old form (`/visit/{reference}#vt_…`, sent before the server could read the token) to
/// the form the server swaps for a cookie. A classic script in the head, so it runs before the page is drawn (no
/// flash of the page without the visit); only a token moves (`#main-content`, the skip link's target, stays).
/// No `<`, `>` or `&`: the text is HTML-escaped.
const MIGRATE_LINK: &str = "if(location.hash.indexOf(\"#vt_\")==0)if(location.pathname.indexOf(\"/visit/\")==0)\
location.replace(location.pathname+\"?token=\"+encodeURIComponent(location.hash.slice(1)));";

/// Starts the WebAssembly client, only when JavaScript runs (a page read without it downloads nothing more): the
/// module and its JavaScript glue are fetched side by side. Inline, under the response's CSP nonce, to save the
/// round trip a script file would cost on a slow connection.
const BOOT: &str = "const w=fetch(\"/pkg/frontend_bg.wasm\");\
import(\"/pkg/frontend.js\").then(function(m){return m.default({module_or_path:w});});";

/// The whole HTML document of a server-rendered visitor page: the same head as `index.html` (the placeholder page
/// of the steps still drawn in the browser alone) and the app in the body, marked for the client to hydrate.
///
/// The visitor's draft, if any, is handed to the app as JSON in `<html data-draft>` (escaped as any attribute is),
/// so that the app starts from exactly what the server rendered.
pub fn shell() -> impl IntoView {
    let page = server_page();
    let locale = page.as_ref().map(|page| page.locale).unwrap_or_default();
    let draft = page.and_then(|page| page.draft).and_then(|draft| serde_json::to_string(&draft).ok());
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang=locale.as_str() class="govuk-template" data-rendered="server" data-draft=draft>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b0c0c" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="stylesheet" href="/govuk-frontend.min.css" />
                <link rel="stylesheet" href="/style.css" />
                <script nonce=nonce.clone()>{MIGRATE_LINK}</script>
                <script type="module" nonce=nonce>
                    {BOOT}
                </script>
            </head>
            <body class="govuk-template__body">
                <crate::app::App />
            </body>
        </html>
    }
}
