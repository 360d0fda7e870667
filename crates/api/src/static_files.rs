//! The web clients' compiled assets (`/pkg/...` for visitors, `/staff-pkg/...` for staff: the WebAssembly modules,
//! the split-off modules of the visitor client's later pages and their JavaScript glue) and the stylesheets
//! (`/{name}.css`), served pre-compressed when the build left a Brotli copy beside them (`name.br`, compressed once
//! at the highest quality, about a fifth smaller than what on-the-fly compression can afford per request). Browsers
//! that do not accept Brotli get the plain file, compressed on the fly by the `Compress` middleware as before.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

/// Where the assets are: the static directory, whose `pkg` and `staff-pkg` folders hold them.
#[derive(Clone)]
pub struct Assets(pub PathBuf);

/// The route: `GET /{folder}/{name}` for the two asset folders.
pub const ROUTE: &str = "/{folder:pkg|staff-pkg}/{name}";

/// The route for the stylesheets at the top of the static directory: `GET /{name}.css`.
pub const STYLESHEET_ROUTE: &str = r"/{name:[^/]+\.css}";

/// `GET /pkg/{name}` and `GET /staff-pkg/{name}`.
pub async fn asset(req: HttpRequest, path: web::Path<(String, String)>, assets: web::Data<Assets>) -> HttpResponse {
    let (folder, name) = path.into_inner();
    serve(&req, &assets.0.join(folder), &name).await
}

/// `GET /{name}.css`.
pub async fn stylesheet(req: HttpRequest, name: web::Path<String>, assets: web::Data<Assets>) -> HttpResponse {
    serve(&req, &assets.0, &name).await
}

/// The file `name` in `folder`, or its Brotli copy to a browser that accepts Brotli.
async fn serve(req: &HttpRequest, folder: &Path, name: &str) -> HttpResponse {
    if !is_plain_file_name(name) {
        return HttpResponse::NotFound().finish();
    }
    let plain = folder.join(name);
    let compressed = PathBuf::from(format!("{}.br", plain.display()));
    let brotli = accepts_brotli(req) && compressed.is_file();
    let file = match NamedFile::open_async(if brotli { &compressed } else { &plain }).await {
        Ok(file) => file.set_content_type(actix_files::file_extension_to_mime(extension(&plain))),
        Err(_) => return HttpResponse::NotFound().finish(),
    };
    let mut response = file.into_response(req);
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if brotli {
        // Also tells the Compress middleware to leave the body alone.
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
    }
    response
}

/// A name inside the folder: no separators, no `..`, nothing hidden.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// Whether `Accept-Encoding` lists `br` without `q=0`.
fn accepts_brotli(req: &HttpRequest) -> bool {
    req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts
                .any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0));
            name.eq_ignore_ascii_case("br") && !refused
        },
    )
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn brotli_is_used_only_when_the_browser_accepts_it() {
        let with = |value: &str| {
            accepts_brotli(&TestRequest::default().insert_header(("accept-encoding", value)).to_http_request())
        };
        assert!(with("gzip, deflate, br, zstd"));
        assert!(with("BR;q=0.5"));
        assert!(!with("gzip, deflate"));
        assert!(!with("br;q=0, gzip"));
        assert!(!with("brotli"));
        assert!(!accepts_brotli(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn only_plain_names_inside_the_folder_are_served() {
        assert!(is_plain_file_name("frontend_bg.wasm"));
        assert!(is_plain_file_name("__wasm_split.js"));
        assert!(is_plain_file_name("split_journey_step_17353756601514817524.wasm"));
        assert!(is_plain_file_name("govuk-frontend.min.css"));
        assert!(!is_plain_file_name("../index.html"));
        assert!(!is_plain_file_name(".build-stamp"));
        assert!(!is_plain_file_name("a/b.js"));
        assert!(!is_plain_file_name(""));
    }
}
