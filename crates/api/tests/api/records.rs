//! The prison records HTTP adapter against a local HTTP server answering normally, slowly, with errors, and not at
//! all; the circuit breaker opening and closing again. No database: these are the adapter's own behaviours.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::records::http::{HttpRecords, HttpRecordsSettings};
use api::records::roll::Imported;
use api::records::roll_csv::CsvFile;
use api::records::{Lookup, Records};
use chrono::NaiveDate;
use domain::records::{CheckKind, CheckOutcome, CheckRequest, Person};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mail::{Mail, SmtpServer, parse};
use crate::on_both_databases;
use crate::outbox::{smtp_settings, worker};

const NORMAL: u8 = 0;
const SLOW: u8 = 1;
const ERRORS: u8 = 2;
/// 503 twice, then normal.
const FLAKY: u8 = 3;

#[derive(Clone)]
struct Service {
    mode: Arc<AtomicU8>,
    calls: Arc<AtomicUsize>,
}

async fn prisoner(req: HttpRequest, number: web::Path<String>, service: web::Data<Service>) -> HttpResponse {
    let call = service.calls.fetch_add(1, Ordering::SeqCst);
    if req.headers().get("authorization").and_then(|h| h.to_str().ok()) != Some("Bearer records-token") {
        return HttpResponse::Unauthorized().finish();
    }
    match service.mode.load(Ordering::SeqCst) {
        SLOW => tokio::time::sleep(Duration::from_secs(2)).await,
        ERRORS => return HttpResponse::InternalServerError().finish(),
        FLAKY if call < 2 => return HttpResponse::ServiceUnavailable().finish(),
        _ => {}
    }
    if number.as_str() != "A1234BC" {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok().json(json!({
        "number": "A1234BC", "first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12",
        "prison_code": "TBR", "visiting_allowance": 0, "allowance_renews_on": "2026-12-14",
        "contacts": [{"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true}]
    }))
}

async fn start() -> (String, Service) {
    let service = Service { mode: Arc::new(AtomicU8::new(NORMAL)), calls: Default::default() };
    let data = web::Data::new(service.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new().app_data(data.clone()).route("/prisoners/{number}", web::get().to(prisoner))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (url, service)
}

fn adapter(url: &str) -> HttpRecords {
    HttpRecords::new(HttpRecordsSettings {
        token: Some("records-token".into()),
        timeout: Duration::from_millis(300),
        retries: 2,
        threshold: 2,
        open_for: Duration::from_millis(500),
        ..HttpRecordsSettings::new(url)
    })
    .unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Checks for John Smith (A1234BC at TBR, no visit times), visited by `visitors`.
fn john_smith_visited_by<'a>(visitors: &'a [Person<'a>]) -> CheckRequest<'a> {
    CheckRequest {
        prisoner: Person { first_name: "John", last_name: "Smith", date_of_birth: date("1985-04-12") },
        prisoner_number: "A1234BC",
        prison_code: "TBR",
        slots: &[],
        visitors,
        today: date("2026-11-30"),
    }
}

#[tokio::test]
async fn a_normal_answer_gives_checks_with_the_reasons_they_imply() {
    let (url, _) = start().await;
    let records = Records::Http(Arc::new(adapter(&url)));
    let visitors = [Person { first_name: "Mary", last_name: "Smyth", date_of_birth: date("1980-07-01") }];
    let request = john_smith_visited_by(&visitors);
    let results = records.check(&request).await;
    let outcome = |kind| results.iter().find(|r| r.check == kind).unwrap().outcome;
    assert_eq!(outcome(CheckKind::PrisonerDetails), CheckOutcome::Pass);
    assert_eq!(outcome(CheckKind::VisitingAllowance), CheckOutcome::Fail);
    assert_eq!(outcome(CheckKind::Visitor), CheckOutcome::Pass, "a small spelling slip still matches");
    assert_eq!(domain::records::implied_reasons(&results), [domain::visit::RejectionReason::NoAllowance]);
    // An unknown number is a definite answer, not an outage.
    assert_eq!(records.lookup("Z9999ZZ").await, Lookup::NotFound);
}

#[tokio::test]
async fn a_slow_service_times_out_after_its_retries_and_the_checks_are_unknown() {
    let (url, service) = start().await;
    service.mode.store(SLOW, Ordering::SeqCst);
    let adapter = adapter(&url);
    let started = Instant::now();
    let lookup = adapter.lookup("A1234BC").await;
    let took = started.elapsed();
    assert!(matches!(&lookup, Lookup::Unavailable(why) if why.contains("timed out")), "{lookup:?}");
    assert_eq!(service.calls.load(Ordering::SeqCst), 3, "one try and two retries");
    assert!(took < Duration::from_millis(2000), "short timeouts, not the service's 2 s: {took:?}");
}

#[tokio::test]
async fn errors_are_retried_and_a_flaky_service_still_answers() {
    let (url, service) = start().await;
    service.mode.store(FLAKY, Ordering::SeqCst);
    let adapter = adapter(&url);
    assert!(matches!(adapter.lookup("A1234BC").await, Lookup::Found(_)));
    assert_eq!(service.calls.load(Ordering::SeqCst), 3);

    service.mode.store(ERRORS, Ordering::SeqCst);
    let lookup = adapter.lookup("A1234BC").await;
    assert_eq!(lookup, Lookup::Unavailable("prison records answered 500".into()));
}

#[tokio::test]
async fn a_service_that_does_not_answer_at_all_is_unknown_never_pass_or_block() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let records = Records::Http(Arc::new(adapter(&url)));
    let visitors = [Person { first_name: "Mary", last_name: "Smith", date_of_birth: date("1980-07-01") }];
    let request = CheckRequest {
        prisoner: visitors[0].clone(),
        prisoner_number: "A1234BC",
        prison_code: "TBR",
        slots: &[],
        visitors: &visitors,
        today: date("2026-11-30"),
    };
    let results = records.check(&request).await;
    assert_eq!(results.len(), 5);
    assert!(results.iter().all(|r| r.outcome == CheckOutcome::Unknown && r.implies.is_none()));
    assert!(results[0].detail.contains("check manually"));
}

#[tokio::test]
async fn the_circuit_opens_after_repeated_failures_and_closes_when_the_service_is_back() {
    let (url, service) = start().await;
    service.mode.store(ERRORS, Ordering::SeqCst);
    let adapter = adapter(&url);
    for _ in 0..2 {
        assert!(matches!(adapter.lookup("A1234BC").await, Lookup::Unavailable(_)));
    }
    assert!(adapter.is_open());
    let calls = service.calls.load(Ordering::SeqCst);
    let started = Instant::now();
    let lookup = adapter.lookup("A1234BC").await;
    assert!(matches!(&lookup, Lookup::Unavailable(why) if why.contains("circuit open")), "{lookup:?}");
    assert!(started.elapsed() < Duration::from_millis(50), "an open circuit answers at once");
    assert_eq!(service.calls.load(Ordering::SeqCst), calls, "and calls nobody");

    // Back: after the open period one trial goes through, succeeds, and the circuit closes.
    service.mode.store(NORMAL, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(matches!(adapter.lookup("A1234BC").await, Lookup::Found(_)));
    assert!(!adapter.is_open());
    assert!(matches!(adapter.lookup("A1234BC").await, Lookup::Found(_)));
}

/// A server whose prisoner checks read the records service at `url` (300 ms a try, one retry).
async fn app_reading_records_at(db: Db, url: &str) -> TestApp {
    let mut settings = settings("unused", false);
    settings.records = api::config::RecordsSettings::Http(HttpRecordsSettings {
        token: Some("records-token".into()),
        timeout: Duration::from_millis(300),
        retries: 1,
        ..HttpRecordsSettings::new(url)
    });
    spawn_app_with_settings(db, api::clock::Clock::fixed(monday_morning()), settings).await
}

async fn staff_see_each_check_and_the_reasons_to_preselect_and_the_visitor_is_told_early(db: Db) {
    let (records_url, service) = start().await;
    let app = app_reading_records_at(db, &records_url).await;
    let prison = add_test_prison(&app, domain::api::VisitingRules::default()).await;
    let code = api::prisons::store::find(&app.state.db, prison).await.unwrap().unwrap().code;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;

    // The records hold the prisoner at another prison, with no allowance left; the date of birth given is wrong.
    let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    body["prisoner"]["date_of_birth"] = json!("1985-04-13");
    let created = app.created_visit(&body).await;
    assert_eq!(created["prisoner_details_match"], false, "the visitor is told at once");
    let view: Value = app
        .get_as(&officer, &format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    let checks: Vec<(&str, &str)> = view["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("prisoner_details", "fail"),
            ("at_this_prison", "fail"),
            ("visiting_allowance", "fail"),
            ("available_at_chosen_times", "pass"),
            ("visitor", "pass"),
            ("visitor", "fail"),
        ]
    );
    assert_ne!(code, "TBR");
    assert_eq!(
        view["suggested_rejection_reasons"],
        json!(["prisoner_details_incorrect", "prisoner_moved", "no_allowance", "visitor_not_on_contact_list"])
    );
    let smtp = SmtpServer::start().await;
    worker(&app, &smtp_settings(&smtp.url()), 10).run_once().await.unwrap();
    let mails: Vec<Mail> = smtp.received().iter().map(parse).collect();
    let received = mails.iter().find(|m| m.to == "mary.smith@example.com").unwrap();
    assert!(received.text.contains("do not match the prison’s records"), "{}", received.text);

    // Records down: the request is still taken, and every check says to check by hand.
    service.mode.store(ERRORS, Ordering::SeqCst);
    let created = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    assert!(created.get("prisoner_details_match").is_none());
    let view: Value = app
        .get_as(&officer, &format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert!(view["checks"].as_array().unwrap().iter().all(|c| c["outcome"] == "unknown"));
    assert_eq!(view["suggested_rejection_reasons"], json!([]));
}

async fn the_built_in_roll_is_loaded_by_integrators_and_csv_and_checks_read_it(db: Db) {
    let mut settings = settings("unused", false);
    settings.records = api::config::RecordsSettings::BuiltIn;
    let app = spawn_app_with_settings(db, api::clock::Clock::fixed(monday_morning()), settings).await;
    let prison = add_test_prison(&app, domain::api::VisitingRules::default()).await;
    let code = api::prisons::store::find(&app.state.db, prison).await.unwrap().unwrap().code;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let admin = app.access_token("admin@testbridge.example").await;
    let officer = app.access_token("officer@testbridge.example").await;

    // An integrator pushes John Smith, with Mary as an approved contact.
    let record = json!({"number": "ignored", "first_name": " John ", "last_name": "Smith", "date_of_birth": "1985-04-12",
        "prison_code": code.to_lowercase(), "visiting_allowance": 2,
        "contacts": [{"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true}]});
    let put = |body: Value, token: String| {
        let app = &app;
        async move {
            app.client
                .put(app.url("/api/v1/records/prisoners/a1234bc"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(put(record.clone(), officer.clone()).await.status(), 403, "admins only");
    let mut bad = record.clone();
    bad["first_name"] = json!("");
    let errors = field_errors(&problem(put(bad, admin.clone()).await, 422).await);
    assert_eq!(errors[0].0, "first_name");
    // A body naming another prisoner, or an allowance past any real one (and past the column), is refused, not
    // stored as something else.
    let mut other = record.clone();
    other["number"] = json!("D6666DD");
    let errors = field_errors(&problem(put(other, admin.clone()).await, 422).await);
    assert_eq!(errors, [("number".to_owned(), "invalid_value".to_owned())]);
    let mut huge = record.clone();
    huge["visiting_allowance"] = json!(2_147_483_648_u64);
    let errors = field_errors(&problem(put(huge, admin.clone()).await, 422).await);
    assert_eq!(errors, [("visiting_allowance".to_owned(), "out_of_range".to_owned())]);
    let stored: Value = put(record, admin.clone()).await.json().await.unwrap();
    assert_eq!((stored["number"].as_str(), stored["first_name"].as_str()), (Some("A1234BC"), Some("John")));
    assert_eq!(stored["prison_code"], code.to_uppercase());
    let read: Value = app.get_as(&admin, "/api/v1/records/prisoners/A1234BC").await.json().await.unwrap();
    assert_eq!(read, stored);

    // The CSV import loads Amy as a banned contact of the same prisoner (a replacement of the whole record).
    let prisoners = format!(
        "number,first_name,last_name,date_of_birth,prison_code,visiting_allowance\nA1234BC,John,Smith,1985-04-12,{code},2\n"
    );
    let contacts = "number,first_name,last_name,date_of_birth,approved,banned,banned_until\n\
A1234BC,Mary,Smith,1980-07-01,yes,no,\nA1234BC,Amy,Smith,2015-03-09,yes,yes,2027-01-31\n";
    let import = |prisoners: &str, contacts: &str| {
        let (prisoners, contacts) = (prisoners.to_owned(), contacts.to_owned());
        let state = app.state.clone();
        async move {
            api::records::roll::import_csv(
                &state,
                CsvFile { name: "prisoners.csv", bytes: prisoners.as_bytes() },
                CsvFile { name: "contacts.csv", bytes: contacts.as_bytes() },
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(import(&prisoners, contacts).await, Ok(Imported { prisoners: 1, contacts: 2 }));
    let broken = import("number,date_of_birth\nA1234BC,nope\n", "").await;
    assert!(broken.is_err(), "nothing is loaded from a bad file");

    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    assert_eq!(created["prisoner_details_match"], true);
    let view: Value = app
        .get_as(&officer, &format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    let outcomes: Vec<&str> =
        view["checks"].as_array().unwrap().iter().map(|c| c["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["pass", "pass", "pass", "pass", "pass", "fail"]);
    assert_eq!(view["suggested_rejection_reasons"], json!(["visitor_banned"]));
    // A prisoner not on the roll: the details do not match.
    let mut unknown = visit_request(prison, &[("2026-12-05", "14:00", "16:00")]);
    unknown["prisoner"]["number"] = json!("Z9999ZZ");
    assert_eq!(app.created_visit(&unknown).await["prisoner_details_match"], false);
}

async fn records_redirecting_to_another_host_leave_every_check_unknown_for_staff(db: Db) {
    let (elsewhere, calls) = start_impostor().await;
    let redirector = start_redirector(Some(elsewhere)).await;
    let app = app_reading_records_at(db, &redirector).await;
    let prison = add_test_prison(&app, domain::api::VisitingRules::default()).await;
    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    assert!(created.get("prisoner_details_match").is_none(), "not told the details match: {created}");
    let view: Value = app
        .get_as(&officer, &format!("/api/v1/staff/visits/{}", created["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    let outcomes: Vec<&str> =
        view["checks"].as_array().unwrap().iter().map(|c| c["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["unknown"; 6]);
    assert_eq!(view["checks"][0]["detail"], "Prison records unavailable: check manually");
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the other host was asked about the prisoner");
}

on_both_databases!(
    staff_see_each_check_and_the_reasons_to_preselect_and_the_visitor_is_told_early,
    records_redirecting_to_another_host_leave_every_check_unknown_for_staff,
    the_built_in_roll_is_loaded_by_integrators_and_csv_and_checks_read_it,
);

/// A records service that sends every lookup elsewhere with a 302: to `target` (another origin), or, when `None`, to
/// its own `/real/prisoners/{number}`, which answers with the record.
async fn start_redirector(target: Option<String>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let target = web::Data::new(target.unwrap_or_else(|| format!("{url}/real")));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(target.clone())
            .route(
                "/prisoners/{number}",
                web::get().to(|number: web::Path<String>, target: web::Data<String>| async move {
                    HttpResponse::Found()
                        .insert_header(("location", format!("{}/prisoners/{number}", target.as_str())))
                        .finish()
                }),
            )
            .route("/real/prisoners/{number}", web::get().to(prisoner))
            .app_data(web::Data::new(Service { mode: Arc::new(AtomicU8::new(NORMAL)), calls: Default::default() }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    url
}

/// A host that answers anyone asking about A1234BC with a record that passes every check, counting the calls.
async fn start_impostor() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let elsewhere = format!("http://{}", listener.local_addr().unwrap());
    let counter = web::Data::new(calls.clone());
    let impostor = HttpServer::new(move || {
        App::new().app_data(counter.clone()).route(
            "/prisoners/{number}",
            web::get().to(|calls: web::Data<Arc<AtomicUsize>>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                HttpResponse::Ok().json(json!({
                    "number": "A1234BC", "first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12",
                    "prison_code": "TBR", "visiting_allowance": 2,
                    "contacts": [{"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true}]
                }))
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(impostor);
    (elsewhere, calls)
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_the_checks_are_unknown() {
    // The host it redirects to answers anyone with a record that would pass every check.
    let (elsewhere, calls) = start_impostor().await;
    let redirector = start_redirector(Some(elsewhere)).await;
    let records = Records::Http(Arc::new(adapter(&redirector)));
    let lookup = records.lookup("A1234BC").await;
    assert_eq!(lookup, Lookup::Unavailable("prison records redirected to another host (not followed)".into()));
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the other host is never called");
    let visitors = [Person { first_name: "Mary", last_name: "Smith", date_of_birth: date("1980-07-01") }];
    let request = john_smith_visited_by(&visitors);
    let results = records.check(&request).await;
    assert!(results.iter().all(|r| r.outcome == CheckOutcome::Unknown), "{results:?}");
    assert!(results[0].detail.contains("check manually"));

    // A redirect within the same service (a moved path) is still followed.
    let same_origin = start_redirector(None).await;
    assert!(matches!(adapter(&same_origin).lookup("A1234BC").await, Lookup::Found(_)));
}

/// A records service answering a valid record padded to 20 MB with spaces, streamed in 64 KiB chunks without a
/// Content-Length; `served` counts the bytes it has handed to the connection.
async fn start_big(served: Arc<AtomicUsize>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = web::Data::new(served);
    let server = HttpServer::new(move || {
        App::new().app_data(served.clone()).route(
            "/prisoners/{number}",
            web::get().to(|served: web::Data<Arc<AtomicUsize>>| async move {
                let head = r#"{"number": "A1234BC", "first_name": "John", "last_name": "Smith",
                    "date_of_birth": "1985-04-12", "prison_code": "TBR", "visiting_allowance": 2"#;
                HttpResponse::Ok().content_type("application/json").streaming(big_body(
                    head,
                    "}",
                    served.get_ref().clone(),
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

#[tokio::test]
async fn a_20_mb_answer_is_not_read_whole_and_the_checks_are_unknown() {
    let served = Arc::new(AtomicUsize::new(0));
    let url = start_big(served.clone()).await;
    let adapter = HttpRecords::new(HttpRecordsSettings {
        token: Some("records-token".into()),
        timeout: Duration::from_secs(20),
        retries: 0,
        ..HttpRecordsSettings::new(&url)
    })
    .unwrap();
    let lookup = adapter.lookup("A1234BC").await;
    assert_eq!(lookup, Lookup::Unavailable("prison records answer larger than 1048576 bytes (not read)".into()));
    // Reading stopped at the limit: the server got to hand over what the sockets' buffers hold, not the rest.
    let sent = served.load(Ordering::SeqCst);
    assert!(sent < BIG_BODY, "the whole answer was read: {sent} bytes");
}
