//! The web clients' compiled assets (`/pkg/...` for visitors, `/staff-pkg/...` for staff: the WebAssembly modules,
//! the split-off modules of the visitor client's later pages and their JavaScript glue) and the stylesheets
//! (`/{name}.css`), served pre-compressed when the build left a Brotli copy beside them (`name.br`, compressed once
//! at the highest quality, about a fifth smaller than what on-the-fly compression can afford per request). Browsers
//! that do not accept Brotli get the plain file, compressed on the fly by the `Compress` middleware as before.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, AcceptEncoding, Encoding, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

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

/// Whether the browser takes Brotli, as actix reads `Accept-Encoding` (RFC 9110 section 12.5.3) when it chooses
/// between the Brotli copy and the plain file: `br` with a q-value above 0, ahead of the plain file when that is
/// refused or weighed lower. A lone `*` or no header at all is read as no preference, which gets the plain file, as
/// the `Compress` middleware answers the same request; a header that cannot be read gets the plain file too.
fn accepts_brotli(req: &HttpRequest) -> bool {
    const CHOICES: [Encoding; 2] = [Encoding::brotli(), Encoding::identity()];
    req.get_header::<AcceptEncoding>()
        .and_then(|accepted| accepted.negotiate(CHOICES.iter()))
        .is_some_and(|chosen| chosen == Encoding::brotli())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn accepts_brotli_with(values: &[&str]) -> bool {
        let mut req = TestRequest::default();
        for value in values {
            req = req.append_header(("accept-encoding", *value));
        }
        accepts_brotli(&req.to_http_request())
    }

    #[test]
    fn brotli_is_used_only_when_the_browser_accepts_it() {
        let with = |value: &str| accepts_brotli_with(&[value]);
        assert!(with("gzip, deflate, br, zstd"));
        assert!(with("BR;q=0.5"));
        assert!(!with("gzip, deflate"));
        assert!(!with("br;q=0, gzip"));
        assert!(!with("brotli"));
        assert!(!accepts_brotli_with(&[]));
    }

    #[test]
    fn q_values_wildcards_and_refusals_are_read_as_actix_reads_them() {
        let with = |value: &str| accepts_brotli_with(&[value]);
        // Refused outright, however it is written.
        assert!(!with("br;q=0"));
        assert!(!with("br; q=0.000"));
        assert!(!with("gzip;q=1, br;q=0"));
        // Weighed lower than another coding the plain file can still be compressed to: the Brotli copy is the only
        // compressed one we have, and any acceptable coding beats none.
        assert!(with("gzip, br;q=0.5"));
        assert!(with("br;q=0.001"));
        // A lone `*` states no preference (the plain file, as Compress answers it); `*` refusing everything but br,
        // or the plain file refused, leaves br.
        assert!(!with("*"));
        assert!(with("br, *;q=0"));
        assert!(with("identity;q=0, br"));
        assert!(!with("identity;q=0"));
        // Several header lines are one list.
        assert!(accepts_brotli_with(&["gzip", "br"]));
        // Unreadable: the plain file.
        assert!(!with("br;q=2"));
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
