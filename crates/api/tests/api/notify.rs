//! The GOV.UK Notify transport against a local HTTP server that checks what Notify checks: a Bearer JWT signed
//! HS256 with the API key's secret, `iss` the service id, `iat` within 30 seconds; a template id and an email
//! address; personalisation an object. It answers as Notify does, or with the error it is told to.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::config::{EmailSettings, EmailTransportSettings};
use api::outbox::worker::Pass;
use chrono::Duration;
use domain::api::VisitingRules;
use domain::email::EmailKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::on_both_databases;
use crate::outbox::worker;

const SERVICE_ID: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";

#[derive(Clone)]
struct Notify {
    /// Every request, signed or not.
    calls: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Value>>>,
    status: Arc<AtomicU16>,
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    iat: i64,
}

fn error(status: u16, kind: &str, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({"status_code": status, "errors": [{"error": kind, "message": message}]}))
}

async fn send_email(req: HttpRequest, body: web::Json<Value>, notify: web::Data<Notify>) -> HttpResponse {
    notify.calls.fetch_add(1, Ordering::SeqCst);
    let Some(token) =
        req.headers().get("authorization").and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer "))
    else {
        return error(401, "AuthError", "Unauthorized: authentication token must be provided");
    };
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let claims = match decode::<Claims>(token, &DecodingKey::from_secret(SECRET.as_bytes()), &validation) {
        Ok(data) => data.claims,
        Err(_) => return error(403, "AuthError", "Invalid token: signature, api token not found"),
    };
    if claims.iss != SERVICE_ID {
        return error(403, "AuthError", "Invalid token: service not found");
    }
    if (chrono::Utc::now().timestamp() - claims.iat).abs() > 30 {
        return error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds");
    }
    let body = body.into_inner();
    let template_ok = body["template_id"].as_str().is_some_and(|t| Uuid::parse_str(t).is_ok());
    let address_ok = body["email_address"].as_str().is_some_and(|a| a.contains('@'));
    let personalisation_ok =
        body["personalisation"]["subject"].is_string() && body["personalisation"]["body"].is_string();
    if !(template_ok && address_ok && personalisation_ok) {
        return error(400, "BadRequestError", "Missing personalisation: subject, body");
    }
    notify.received.lock().unwrap().push(body.clone());
    match notify.status.load(Ordering::SeqCst) {
        201 => HttpResponse::Created().json(json!({
            "id": Uuid::new_v4(), "reference": body["reference"],
            "content": {"subject": body["personalisation"]["subject"], "body": body["personalisation"]["body"]},
            "template": {"id": body["template_id"], "version": 1}
        })),
        400 => error(400, "BadRequestError", "Can’t send to this recipient using a team-only API key"),
        status => error(status, "Exception", "Internal server error"),
    }
}

async fn start_notify() -> (String, Notify) {
    let notify =
        Notify { calls: Default::default(), received: Default::default(), status: Arc::new(AtomicU16::new(201)) };
    let data = web::Data::new(notify.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new().app_data(data.clone()).route("/v2/notifications/email", web::post().to(send_email))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (url, notify)
}

fn templates() -> HashMap<EmailKind, String> {
    EmailKind::ALL.into_iter().map(|k| (k, Uuid::new_v4().to_string())).collect()
}

fn notify_settings(url: &str, secret: &str, templates: &HashMap<EmailKind, String>) -> EmailSettings {
    EmailSettings {
        transport: EmailTransportSettings::Notify {
            api_key: format!("prison_visits_test-{SERVICE_ID}-{secret}").into(),
            base_url: url.to_owned(),
            templates: templates.clone(),
        },
        from: "Prison Visit Booking <no-reply@visits.example>".into(),
        public_url: "https://visits.example".into(),
    }
}

async fn notify_gets_each_email_signed_with_its_template_and_personalisation(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let (url, notify) = start_notify().await;
    let templates = templates();
    let worker = worker(&app, &notify_settings(&url, SECRET, &templates), 10);

    let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    body["locale"] = json!("cy");
    let created = app.created_visit(&body).await;
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 2, retrying: 0, failed: 0, dropped: 0 });
    let received = notify.received.lock().unwrap().clone();
    let to_visitor = received.iter().find(|r| r["email_address"] == "mary.smith@example.com").unwrap();
    assert_eq!(to_visitor["template_id"], templates[&EmailKind::RequestReceived]);
    let personalisation = &to_visitor["personalisation"];
    assert!(personalisation["subject"].as_str().unwrap().starts_with("Cais i ymweld wedi dod i law"));
    assert!(personalisation["body"].as_str().unwrap().contains("Bydd y carchar yn ateb erbyn"));
    assert_eq!(personalisation["reference"], created["reference"]);
    assert!(personalisation["status_url"].as_str().unwrap().starts_with("https://visits.example/visit/"));
    assert!(Uuid::parse_str(to_visitor["reference"].as_str().unwrap()).is_ok(), "the outbox id, the same on a retry");
    let to_prison = received.iter().find(|r| r["email_address"] == "visits@testbridge.example").unwrap();
    assert_eq!(to_prison["template_id"], templates[&EmailKind::PrisonNewRequest]);

    // Notify failing: retried later; refusing the request: failed at once.
    notify.status.store(500, Ordering::SeqCst);
    app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 0, retrying: 2, failed: 0, dropped: 0 });
    notify.status.store(400, Ordering::SeqCst);
    clock.advance(Duration::minutes(5));
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 0, retrying: 0, failed: 2, dropped: 0 });

    // A key with the wrong secret is refused by Notify (403): kept for a retry once the key is fixed.
    notify.status.store(201, Ordering::SeqCst);
    let wrong = worker_with_secret(&app, &url, "00000000-0000-0000-0000-000000000000", &templates);
    let third = app.created_visit(&visit_request(prison, &[("2026-12-06", "14:00", "16:00")])).await;
    assert_eq!(wrong.run_once().await.unwrap(), Pass { sent: 0, retrying: 2, failed: 0, dropped: 0 });
    let staff = app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    assert!(!staff.is_nil());
    let officer = app.access_token("officer@testbridge.example").await;
    let view: Value = app
        .get_as(&officer, &format!("/api/v1/staff/visits/{}", third["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["emails"][0]["state"], "retrying");
    let error = view["emails"][0]["last_error"].as_str().unwrap();
    assert!(error.starts_with("notify 403") && !error.contains(SECRET), "{error}");
    clock.advance(Duration::minutes(5));
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 2, retrying: 0, failed: 0, dropped: 0 });
}

fn worker_with_secret(
    app: &TestApp,
    url: &str,
    secret: &str,
    templates: &HashMap<EmailKind, String>,
) -> api::outbox::worker::Worker {
    worker(app, &notify_settings(url, secret, templates), 10)
}

/// A server at `POST /v2/notifications/email` that answers a 307 to `target` (another origin), or, with `target`
/// `None`, a 500 whose body is 20 MB streamed in 64 KiB chunks, counting in `served` the bytes handed over.
async fn start_misbehaving(target: Option<String>, served: Arc<AtomicUsize>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = web::Data::new((target, served));
    let server = HttpServer::new(move || {
        App::new().app_data(state.clone()).route(
            "/v2/notifications/email",
            web::post().to(|state: web::Data<(Option<String>, Arc<AtomicUsize>)>| async move {
                if let Some(target) = &state.0 {
                    return HttpResponse::TemporaryRedirect()
                        .insert_header(("location", format!("{target}/v2/notifications/email")))
                        .finish();
                }
                HttpResponse::InternalServerError().content_type("application/json").streaming(big_body(
                    "",
                    "",
                    state.1.clone(),
                ))
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    url
}

async fn notify_redirecting_to_another_host_or_answering_20_mb_is_retried_and_nothing_goes_elsewhere(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let templates = templates();
    let last_error = |visit: Value| {
        let (app, officer) = (&app, &officer);
        async move {
            let path = format!("/api/v1/staff/visits/{}", visit["id"].as_str().unwrap());
            let view: Value = app.get_as(officer, &path).await.json().await.unwrap();
            (view["emails"][0]["state"].clone(), view["emails"][0]["last_error"].clone())
        }
    };

    // Another host that would accept the emails, signed with our key: it must never see them.
    let (elsewhere, impostor) = start_notify().await;
    let served = Arc::new(AtomicUsize::new(0));
    let redirecting = start_misbehaving(Some(elsewhere), served.clone()).await;
    let worker = worker(&app, &notify_settings(&redirecting, SECRET, &templates), 10);
    let visit = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 0, retrying: 2, failed: 0, dropped: 0 });
    assert_eq!(impostor.calls.load(Ordering::SeqCst), 0, "an email (names, address) went to the other host");
    assert_eq!(
        last_error(visit).await,
        (json!("retrying"), json!("notify: redirected to another host (not followed)"))
    );

    // A 20 MB error answer: read up to the limit only, and the email is retried later.
    let huge = start_misbehaving(None, served.clone()).await;
    let worker = worker_with_url(&app, &huge, &templates);
    clock.advance(Duration::minutes(5));
    let visit = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let pass = worker.run_once().await.unwrap();
    assert_eq!(pass.sent, 0);
    assert_eq!(pass.failed, 0);
    let (state, error) = last_error(visit).await;
    assert_eq!(state, "retrying");
    assert_eq!(error, "notify 500: (answer larger than 65536 bytes (not read))");
    let sent = served.load(Ordering::SeqCst);
    assert!(sent < BIG_BODY, "the whole answer was read: {sent} bytes");
}

fn worker_with_url(app: &TestApp, url: &str, templates: &HashMap<EmailKind, String>) -> api::outbox::worker::Worker {
    worker(app, &notify_settings(url, SECRET, templates), 10)
}

on_both_databases!(
    notify_gets_each_email_signed_with_its_template_and_personalisation,
    notify_redirecting_to_another_host_or_answering_20_mb_is_retried_and_nothing_goes_elsewhere,
);
