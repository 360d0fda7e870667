//! The prison records HTTP adapter against a local HTTP server answering normally, slowly, with errors, and not at
//! all; the circuit breaker opening and closing again. No database: these are the adapter's own behaviours.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::records::http::{HttpRecords, HttpRecordsSettings};
use api::records::{Lookup, Records};
use chrono::NaiveDate;
use domain::records::{CheckKind, CheckOutcome, CheckRequest, Person};
use serde_json::json;

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

#[tokio::test]
async fn a_normal_answer_gives_checks_with_the_reasons_they_imply() {
    let (url, _) = start().await;
    let records = Records::Http(Arc::new(adapter(&url)));
    let visitors = [Person { first_name: "Mary", last_name: "Smyth", date_of_birth: date("1980-07-01") }];
    let request = CheckRequest {
        prisoner: Person { first_name: "John", last_name: "Smith", date_of_birth: date("1985-04-12") },
        prisoner_number: "A1234BC",
        prison_code: "TBR",
        slots: &[],
        visitors: &visitors,
        today: date("2026-11-30"),
    };
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
