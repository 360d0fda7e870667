//! `static-baseline FILE`: serve FILE as `application/json` at every path, nothing else. `scripts/bench.sh` runs it
//! beside the service to measure what actix-web alone manages on this machine for a response of the same size.
//!
//! Settings come from the environment like the service's: `HOST` (default 127.0.0.1), `PORT` (default 8081) and
//! `WORKERS` (default: actix-web's own default, one per core, the same as the service).

use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, HttpServer};
use anyhow::{Context, bail};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        bail!("usage: static-baseline FILE (serves FILE as application/json at every path; env HOST, PORT, WORKERS)");
    };
    if args.next().is_some() {
        bail!("static-baseline takes exactly one argument, the file to serve");
    }
    let body = Bytes::from(std::fs::read(&path).with_context(|| format!("cannot read {path:?}"))?);

    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p.parse().with_context(|| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 8081,
    };
    let workers: Option<usize> = match std::env::var("WORKERS") {
        Ok(n) => Some(n.parse().with_context(|| format!("WORKERS must be a number, got {n:?}"))?),
        Err(_) => None,
    };

    let size = body.len();
    let data = web::Data::new(body);
    let mut server = HttpServer::new(move || {
        App::new().app_data(data.clone()).default_service(web::to(|body: web::Data<Bytes>| async move {
            HttpResponse::Ok().content_type("application/json").body(body.get_ref().clone())
        }))
    })
    .bind((host.as_str(), port))
    .with_context(|| format!("cannot listen on {host}:{port}"))?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    eprintln!("static-baseline: serving {path} ({size} bytes) on {host}:{port}");
    server.run().await.context("the server stopped with an error")
}
