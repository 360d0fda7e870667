//! Text messages (issue 14) for visitors who choose them, through a local server speaking GOV.UK Notify's SMS API
//! over a real socket (it checks what Notify checks: a Bearer JWT signed HS256 with the API key's secret, `iss` the
//! service id, `iat` within 30 seconds; a template id; a UK mobile number; personalisation an object): the choice
//! made by REST (a visitor's own request and one taken on their behalf) and read back from the status API; a
//! landline refused; each text in the visit's language with UK times, written with the change, retried when Notify
//! fails and shown to staff beside the emails; and the reminder text with the clock moved forward.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::config::{EmailSettings, TextSettings, TextTransportSettings};
use api::outbox::sms;
use api::outbox::worker::{Pass, Worker};
use chrono::{Duration, TimeZone, Utc};
use domain::api::VisitingRules;
use domain::email::EmailKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::outbox::worker;
use crate::{on_both_databases, on_portable_postgres};

const SERVICE_ID: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";

#[derive(Clone)]
struct Notify {
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

async fn send_sms(req: HttpRequest, body: web::Json<Value>, notify: web::Data<Notify>) -> HttpResponse {
    let Some(token) =
        req.headers().get("authorization").and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer "))
    else {
        return error(401, "AuthError", "Unauthorized: authentication token must be provided");
    };
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let Ok(claims) = decode::<Claims>(token, &DecodingKey::from_secret(SECRET.as_bytes()), &validation) else {
        return error(403, "AuthError", "Invalid token: signature, api token not found");
    };
    if claims.claims.iss != SERVICE_ID || (Utc::now().timestamp() - claims.claims.iat).abs() > 30 {
        return error(403, "AuthError", "Invalid token: service not found or clock skew");
    }
    let body = body.into_inner();
    let template_ok = body["template_id"].as_str().is_some_and(|t| Uuid::parse_str(t).is_ok());
    // Notify's own rule: a UK mobile number, 07 and nine more digits in national form.
    let number = body["phone_number"].as_str().unwrap_or_default();
    let number_ok = number.len() == 11 && number.starts_with("07") && number.bytes().all(|b| b.is_ascii_digit());
    if !(template_ok && number_ok && body["personalisation"]["body"].is_string()) {
        return error(400, "BadRequestError", "phone_number Not a UK mobile number");
    }
    notify.received.lock().unwrap().push(body.clone());
    match notify.status.load(Ordering::SeqCst) {
        201 => HttpResponse::Created().json(json!({
            "id": Uuid::new_v4(), "reference": body["reference"],
            "content": {"body": body["personalisation"]["body"], "from_number": "GOVUK"},
            "template": {"id": body["template_id"], "version": 1}
        })),
        status => error(status, "Exception", "Internal server error"),
    }
}

async fn start_notify() -> (String, Notify) {
    let notify = Notify { received: Default::default(), status: Arc::new(AtomicU16::new(201)) };
    let data = web::Data::new(notify.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new().app_data(data.clone()).route("/v2/notifications/sms", web::post().to(send_sms))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (url, notify)
}

fn templates() -> HashMap<EmailKind, String> {
    EmailKind::ALL.into_iter().filter(|k| k.is_for_visitor()).map(|k| (k, Uuid::new_v4().to_string())).collect()
}

/// A worker sending emails to the log and texts to the Notify at `url`.
fn texting_worker(app: &TestApp, url: &str, templates: &HashMap<EmailKind, String>) -> Worker {
    let email = EmailSettings { public_url: "https://visits.example".into(), ..EmailSettings::default() };
    let texts = TextSettings {
        transport: TextTransportSettings::Notify {
            api_key: format!("prison_visits_test-{SERVICE_ID}-{SECRET}").into(),
            base_url: url.to_owned(),
            templates: templates.clone(),
            sender_id: None,
        },
    };
    worker(app, &email, 10).with_texts(sms::Transport::from_settings(&texts).unwrap())
}

fn request_with(prison: Uuid, day: &str, locale: &str, contact_by: Value) -> Value {
    let mut body = visit_request(prison, &[(day, "14:00", "16:00")]);
    body["locale"] = json!(locale);
    body["lead_visitor"]["contact_by"] = contact_by;
    body
}

fn texts(notify: &Notify) -> Vec<Value> {
    notify.received.lock().unwrap().clone()
}

async fn a_visitor_who_chooses_texts_gets_each_one_in_welsh_retried_and_shown_to_staff(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let (url, notify) = start_notify().await;
    let templates = templates();
    let worker = texting_worker(&app, &url, &templates);

    let created = app.created_visit(&request_with(prison, "2026-12-04", "cy", json!(["email", "sms"]))).await;
    let (id, reference, token) = (
        created["id"].as_str().unwrap().to_owned(),
        created["reference"].as_str().unwrap().to_owned(),
        created["status_token"].as_str().unwrap().to_owned(),
    );
    let status: Value = app.visit_status(&reference, &token).await.json().await.unwrap();
    assert_eq!(status["contact_by"], json!(["email", "sms"]));

    // The visitor's email, their text and the prison's email.
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 3, retrying: 0, failed: 0, dropped: 0 });
    let received = texts(&notify);
    assert_eq!(received.len(), 1);
    let text = &received[0];
    assert_eq!(text["phone_number"], "07700900123");
    assert_eq!(text["template_id"], templates[&EmailKind::RequestReceived]);
    assert!(Uuid::parse_str(text["reference"].as_str().unwrap()).is_ok(), "the outbox id, the same on a retry");
    let body = text["personalisation"]["body"].as_str().unwrap();
    assert_eq!(
        body,
        format!(
            "Rydym wedi cael eich cais am ymweliad yn HMP Testbridge. Bydd y carchar yn ateb erbyn dydd Iau 3 Rhagfyr. \
Cyfeirnod {reference}. Gweld neu ganslo: https://visits.example/visit/{reference}?token={token}"
        )
    );
    assert_eq!(text["personalisation"]["reference"], reference.as_str());

    // Notify down when the visit is booked: the email goes, the text waits for a retry, and staff see both.
    notify.status.store(500, Ordering::SeqCst);
    app.book(id.parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 1, retrying: 1, failed: 0, dropped: 0 });
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["lead_visitor"]["contact_by"], json!(["email", "sms"]));
    let deliveries: Vec<(String, String, String)> = view["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["channel"].as_str().unwrap().into(),
                e["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("request_received", "email", "sent"),
        ("request_received", "sms", "sent"),
        ("booked", "email", "sent"),
        ("booked", "sms", "retrying"),
    ]
    .iter()
    .map(|(k, c, s)| ((*k).into(), (*c).into(), (*s).into()))
    .collect();
    let visitor_deliveries: Vec<_> =
        deliveries.into_iter().filter(|(kind, _, _)| kind != "prison_new_request").collect();
    assert_eq!(visitor_deliveries, expected);
    let failing = view["emails"].as_array().unwrap().iter().find(|e| e["state"] == "retrying").unwrap();
    assert!(failing["last_error"].as_str().unwrap().starts_with("notify 500"), "{failing}");
    assert!(failing["next_attempt_at"].is_string());

    notify.status.store(201, Ordering::SeqCst);
    clock.advance(Duration::minutes(5));
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 1, retrying: 0, failed: 0, dropped: 0 });
    let received = texts(&notify);
    let booked = received.last().unwrap();
    assert_eq!(booked["template_id"], templates[&EmailKind::Booked]);
    // UK wall-clock time, the day softened after "ar", the apostrophe plain so the text stays in the GSM alphabet.
    assert_eq!(
        booked["personalisation"]["body"],
        format!(
            "Mae eich ymweliad yn HMP Testbridge wedi'i drefnu ar ddydd Gwener 4 Rhagfyr, 2yp i 4yp. Cyfeirnod \
{reference}. Gweld neu ganslo: https://visits.example/visit/{reference}?token={token}"
        )
    );
    assert_eq!(received.len(), 3, "the failed try and the retry of the booking text");
    assert_eq!(received[1]["reference"], received[2]["reference"], "a retry is the same notification");
}

async fn texts_only_means_no_visitor_emails_and_a_request_taken_by_phone_can_choose_them(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let (url, notify) = start_notify().await;
    let worker = texting_worker(&app, &url, &templates());

    let mut behalf = request_with(prison, "2026-12-04", "en", json!(["sms"]));
    behalf["channel"] = json!("phone");
    behalf["lead_visitor"]["phone"] = json!("+44 7911 123456");
    let response = app.post_as(&officer, "/api/v1/staff/visits", &behalf).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    // The prison's email, and the visitor's text: no email to the visitor.
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 2, retrying: 0, failed: 0, dropped: 0 });
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["lead_visitor"]["contact_by"], json!(["sms"]));
    let visitor_channels: Vec<&Value> = view["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "request_received")
        .map(|e| &e["channel"])
        .collect();
    assert_eq!(visitor_channels, vec![&json!("sms")]);
    let received = texts(&notify);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["phone_number"], "07911123456");
    assert!(
        received[0]["personalisation"]["body"]
            .as_str()
            .unwrap()
            .starts_with("We have your request to visit HMP Testbridge.")
    );

    // Saying nothing is email only, as before texts existed.
    let plain = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let status: Value = app
        .visit_status(plain["reference"].as_str().unwrap(), plain["status_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["contact_by"], json!(["email"]));
}

async fn texts_to_a_landline_or_to_nobody_are_refused_field_by_field(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;

    let mut landline = request_with(prison, "2026-12-04", "en", json!(["email", "sms"]));
    landline["lead_visitor"]["phone"] = json!("01632 960 001");
    let refused = problem(app.create_visit(&landline, None).await, 422).await;
    assert_eq!(field_errors(&refused), vec![("lead_visitor.phone".to_owned(), "not_a_mobile_number".to_owned())]);
    assert_eq!(refused["errors"][0]["message"], "Enter a UK mobile number, like 07700 900 982, to get text messages");

    let nobody = request_with(prison, "2026-12-04", "en", json!([]));
    let refused = problem(app.create_visit(&nobody, None).await, 422).await;
    assert_eq!(field_errors(&refused), vec![("lead_visitor.contact_by".to_owned(), "required".to_owned())]);

    let fax = request_with(prison, "2026-12-04", "en", json!(["fax"]));
    let refused = problem(app.create_visit(&fax, None).await, 422).await;
    assert_eq!(field_errors(&refused), vec![("lead_visitor.contact_by[0]".to_owned(), "invalid_value".to_owned())]);

    // A landline is fine for emails.
    landline["lead_visitor"]["contact_by"] = json!(["email"]);
    assert_eq!(app.create_visit(&landline, None).await.status(), 201);
    assert_eq!(app.count("outbox_message").await, 2, "nothing written for the refused requests");
}

async fn the_reminder_text_goes_when_the_clock_reaches_the_prisons_lead_time(db: Db) {
    let clock = TestClock::at(monday_morning());
    let app = spawn_app_with_clock(db, clock.clock()).await;
    let prison = add_test_prison_with_capacity(&app, VisitingRules::default(), 20).await;
    let (url, notify) = start_notify().await;
    let templates = templates();
    let worker = texting_worker(&app, &url, &templates);
    let created = app.created_visit(&request_with(prison, "2026-12-04", "en", json!(["sms"]))).await;
    let reference = created["reference"].as_str().unwrap().to_owned();
    app.book(created["id"].as_str().unwrap().parse().unwrap(), slot("2026-12-04", "14:00", "16:00")).await;
    worker.run_once().await.unwrap();
    assert_eq!(texts(&notify).len(), 2, "received and booked");

    // Wednesday 2 December at 14:00 (GMT) is two days before the Friday 14:00 visit.
    let wednesday_2pm = Utc.with_ymd_and_hms(2026, 12, 2, 14, 0, 0).unwrap();
    clock.advance(wednesday_2pm - Duration::minutes(1) - clock.now());
    assert_eq!(worker.remind().await.unwrap().queued, 0);
    worker.run_once().await.unwrap();
    assert_eq!(texts(&notify).len(), 2, "no reminder a minute early");

    clock.advance(Duration::minutes(1));
    assert_eq!(worker.remind().await.unwrap().queued, 1);
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 1, retrying: 0, failed: 0, dropped: 0 });
    let received = texts(&notify);
    let reminder = received.last().unwrap();
    assert_eq!(reminder["template_id"], templates[&EmailKind::Reminder]);
    let body = reminder["personalisation"]["body"].as_str().unwrap();
    assert!(
        body.starts_with(&format!(
            "Reminder: visit to HMP Testbridge on Friday 4 December, 2pm to 4pm. Bring photo ID for every adult. \
Reference {reference}. Cannot come? Cancel: https://visits.example/visit/{reference}?token="
        )),
        "{body}"
    );
    assert_eq!(worker.remind().await.unwrap().queued, 0, "once");
}

// The booking is granted by the PostgreSQL fast path too: that run checks its statement writes the text.
on_portable_postgres!(a_visitor_who_chooses_texts_gets_each_one_in_welsh_retried_and_shown_to_staff);

on_both_databases!(
    a_visitor_who_chooses_texts_gets_each_one_in_welsh_retried_and_shown_to_staff,
    texts_only_means_no_visitor_emails_and_a_request_taken_by_phone_can_choose_them,
    texts_to_a_landline_or_to_nobody_are_refused_field_by_field,
    the_reminder_text_goes_when_the_clock_reaches_the_prisons_lead_time,
);
