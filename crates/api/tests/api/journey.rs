//! The visitor's journey as HTML forms, without JavaScript (api::journey): every step posted to the server, checked
//! with the app's own rules, kept in the browser's draft, and sent through the REST API's service, so that the
//! visit is the one `POST /api/v1/visits` makes. On both databases; tests/e2e/journey-no-js.test.mjs walks the same
//! journey in Chromium.

use std::collections::BTreeMap;

use api::clock::Clock;
use domain::api::{Locale, VisitingRules};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

use crate::helpers::{Db, TestApp, TestClock, add_test_prison, monday_morning, visit_request};
use crate::on_both_databases;
use crate::pages::spawn_with_pages_and_clock;

/// A browser without JavaScript: it keeps cookies, posts forms from this site's pages, and follows no redirect
/// (each test looks at the answer first).
struct Browser<'a> {
    app: &'a TestApp,
    cookies: BTreeMap<String, String>,
}

struct Page {
    status: u16,
    body: String,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Browser<'a> {
        Browser { app, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn take(&mut self, response: reqwest::Response) -> Page {
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (name, rest) = set.split_once('=').unwrap();
            let value = rest.split(';').next().unwrap();
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers.get("location").map(|l| l.to_str().unwrap().to_owned());
        Page { status, body: response.text().await.unwrap(), location, headers }
    }

    async fn get(&mut self, path: &str) -> Page {
        let response =
            self.app.client.get(self.app.url(path)).header("cookie", self.cookie_header()).send().await.unwrap();
        self.take(response).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let response = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.take(response).await
    }

    /// Posts a step and expects to be sent on to `to`.
    async fn answer(&mut self, path: &str, form: &[(&str, &str)], to: &str) {
        let page = self.post(path, form).await;
        assert_eq!((page.status, page.location.as_deref()), (303, Some(to)), "{path}: {}", page.body);
    }
}

const PRISONER: [(&str, &str); 6] = [
    ("prisoner-first_name", "John"),
    ("prisoner-last_name", "Smith"),
    ("prisoner-date_of_birth-day", "12"),
    ("prisoner-date_of_birth-month", "4"),
    ("prisoner-date_of_birth-year", "1985"),
    ("prisoner-number", "a1234bc"),
];

const VISITORS: [(&str, &str); 14] = [
    ("lead_visitor-first_name", "Mary"),
    ("lead_visitor-last_name", "Smith"),
    ("lead_visitor-date_of_birth-day", "1"),
    ("lead_visitor-date_of_birth-month", "7"),
    ("lead_visitor-date_of_birth-year", "1980"),
    ("lead_visitor-email", "mary.smith@example.com"),
    ("lead_visitor-email_confirm", "mary.smith@example.com"),
    ("lead_visitor-phone", "07700 900123"),
    ("lead_visitor-contact_by", "both"),
    ("other_visitors-0-first_name", "Amy"),
    ("other_visitors-0-last_name", "Smith"),
    ("other_visitors-0-date_of_birth-day", "9"),
    ("other_visitors-0-date_of_birth-month", "3"),
    ("other_visitors-0-date_of_birth-year", "2015"),
];

/// Support needs as the support step's checkboxes send them: a ticked box's text goes with it, an unticked one's
/// (typed, then unticked) does not.
const SUPPORT: [(&str, &str); 4] = [
    ("support_needs-wheelchair_access", "yes"),
    ("support_needs-interpreter", "yes"),
    ("support_needs-interpreter_language", " Polish "),
    ("support_needs-other_details", "typed before the box was unticked"),
];

/// What the REST API is sent for the same answers: `visit_request` with the texts and support needs chosen above.
fn same_request(prison: uuid::Uuid) -> Value {
    let mut request = visit_request(prison, &[SLOT]);
    request["lead_visitor"]["contact_by"] = serde_json::json!(["email", "sms"]);
    request["support_needs"] = serde_json::json!({"wheelchair_access": true, "interpreter": true,
        "interpreter_language": "Polish"});
    request
}

/// The time `visit_request` asks for in these tests, as the times step's checkbox sends it.
const SLOT: (&str, &str, &str) = ("2026-12-04", "14:00", "16:00");
const SLOT_ID: &str = "slot-2026-12-04-1400";

/// Walks a browser from the prison's page to "Check your answers"; returns that page.
async fn fill_in(browser: &mut Browser<'_>, prison: uuid::Uuid) -> Page {
    let page = browser.get(&format!("/prison/{prison}")).await;
    let start = format!("/book/prisoner?prison={prison}");
    assert!(page.body.contains(&format!("href=\"{start}\"")), "Start now is a link: {}", page.body);
    let page = browser.get(&start).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/book/prisoner")));
    browser.answer("/book/prisoner", &PRISONER, "/book/times").await;
    let page = browser.get("/book/times").await;
    assert!(page.body.contains(&format!("value=\"{SLOT_ID}\"")), "the times are checkboxes: {}", page.body);
    browser.answer("/book/times", &[("slots", SLOT_ID)], "/book/visitors").await;
    browser.answer("/book/visitors", &VISITORS, "/book/support").await;
    browser.answer("/book/support", &SUPPORT, "/book/check").await;
    let page = browser.get("/book/check").await;
    assert_eq!(page.status, 200);
    page
}

/// The draft a page hands to the app (`<html data-draft>`).
fn handed_over(page: &Page) -> frontend::store::Draft {
    let (_, rest) = page.body.split_once("data-draft=\"").expect("the page hands over its draft");
    let json = rest.split('"').next().unwrap().replace("&quot;", "\"").replace("&amp;", "&");
    serde_json::from_str(&json).expect("a draft")
}

/// The key "Send" will use, made when "Check your answers" is shown.
fn idempotency_key(check: &Page) -> String {
    handed_over(check).idempotency_key.expect("the check page's draft has a key")
}

/// The status link on the confirmation page: (reference, token).
fn status_link(done: &Page) -> (String, String) {
    let (_, rest) = done.body.split_once("id=\"status-link\" href=\"").expect("the page links the visit");
    let href = rest.split('"').next().unwrap().replace("&amp;", "&");
    let (path, token) = href.split_once("?token=").unwrap();
    (path.trim_start_matches("/visit/").to_owned(), token.to_owned())
}

/// The emails queued for a visit (its status as the API gives it), with its own reference, token and id taken out:
/// (kind, payload).
async fn emails(app: &TestApp, status: &Value, token: &str) -> Vec<(String, String)> {
    let db = &app.state.db;
    let reference = status["reference"].as_str().unwrap();
    let id = status["id"].as_str().unwrap();
    let sql = format!(
        "SELECT o.kind || ' by ' || o.channel AS kind, o.payload FROM outbox_message o \
         JOIN visit v ON v.id = o.visit_id WHERE v.reference = '{reference}' ORDER BY o.kind, o.channel"
    );
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter()
        .map(|row| {
            let payload: String = row.try_get("", "payload").unwrap();
            let payload = payload.replace(reference, "REF").replace(token, "TOKEN").replace(id, "ID");
            (row.try_get("", "kind").unwrap(), payload)
        })
        .collect()
}

async fn a_visitor_without_javascript_makes_the_visit_the_rest_api_makes(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let mut browser = Browser::new(&app);
    let check = fill_in(&mut browser, prison).await;
    assert!(check.body.contains("John Smith") && check.body.contains("Amy Smith"), "{}", check.body);
    for shown in ["Email and text message", "Wheelchair access", "Interpreter: Polish"] {
        assert!(check.body.contains(shown), "{shown} on Check your answers: {}", check.body);
    }
    assert_eq!(check.headers["cache-control"], "no-store", "a page of what the visitor typed is not kept");
    let content_types: Vec<_> = check.headers.get_all("content-type").iter().collect();
    assert_eq!(content_types, ["text/html; charset=utf-8"], "one Content-Type, with the character set");
    let answers = serde_json::to_value(handed_over(&check)).unwrap();

    let draft_cookie = browser.cookies["pvb_draft"].clone();
    let key = idempotency_key(&check);
    let page = browser.post("/book/check", &[("idempotency_key", &key)]).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/book/done")));
    let done = browser.get("/book/done").await;
    assert!(done.body.contains("Request sent"), "{}", done.body);
    // What it promises follows the choice of texts as well as email.
    assert!(done.body.contains("email you and send you a text message by"), "{}", done.body);
    assert!(done.body.contains("by email and in a text message too"), "{}", done.body);
    let (reference, token) = status_link(&done);

    // The same answers through the REST API.
    let rest = app.created_visit(&same_request(prison)).await;
    let (rest_reference, rest_token) = (rest["reference"].as_str().unwrap(), rest["status_token"].as_str().unwrap());
    let by_form: Value = app.visit_status(&reference, &token).await.json().await.unwrap();
    let by_rest: Value = app.visit_status(rest_reference, rest_token).await.json().await.unwrap();
    let but_ids = |status: &Value| {
        let mut status = status.clone();
        status["reference"] = Value::Null;
        status["id"] = Value::Null;
        status
    };
    assert_eq!(but_ids(&by_form), but_ids(&by_rest));
    assert_eq!(by_form["state"], "requested");
    assert_eq!(by_form["support_needs"]["interpreter_language"], "Polish");
    assert_eq!(by_form["contact_by"], serde_json::json!(["email", "sms"]));
    let emailed = emails(&app, &by_form, &token).await;
    assert_eq!(emailed, emails(&app, &by_rest, rest_token).await);
    assert!(emailed.iter().any(|(kind, _)| kind == "request_received by email"), "{emailed:?}");
    assert!(emailed.iter().any(|(kind, _)| kind == "request_received by sms"), "a text as well: {emailed:?}");
    // The status page shows the support asked for and how updates come, as "Check your answers" did.
    browser.get(&format!("/visit/{reference}?token={token}")).await;
    let status_page = browser.get(&format!("/visit/{reference}")).await;
    for shown in ["id=\"support-needs\"", "Wheelchair access", "Interpreter: Polish", "Email and text message"] {
        assert!(status_page.body.contains(shown), "{shown} on the status page: {}", status_page.body);
    }

    // A tab left open with the answers cannot reopen the sent draft to send them again; a new start can.
    let cookie = browser.cookie_header();
    let put = |body: &Value| {
        app.client
            .put(app.url("/book/draft"))
            .header("cookie", cookie.clone())
            .header("origin", app.address.clone())
            .json(body)
            .send()
    };
    assert_eq!(put(&answers).await.unwrap().status(), 409);
    assert!(browser.get("/book/done").await.body.contains(&reference), "still the confirmation");
    let fresh = serde_json::json!({"prison": answers["prison"]});
    assert_eq!(put(&fresh).await.unwrap().status(), 204);

    // HEAD, as link checkers and monitors ask: GET's status, no body.
    let head = app.client.head(app.url("/book/check")).header("cookie", browser.cookie_header()).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.bytes().await.unwrap().is_empty());

    // What was typed is gone from the server; only the confirmation is kept (for 20 minutes).
    let stored = app.scalar("SELECT COUNT(*) AS n FROM journey_draft WHERE draft LIKE '%1985%'").await;
    assert_eq!(stored, 0);
    assert_ne!(draft_cookie, "", "the browser was given a draft cookie");
}

async fn pressing_send_twice_or_in_the_app_then_the_form_makes_one_visit(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;

    // Twice at once, from the form.
    let mut browser = Browser::new(&app);
    let check = fill_in(&mut browser, prison).await;
    let key = idempotency_key(&check);
    let (cookie, url) = (browser.cookie_header(), app.url("/book/check"));
    let send = || {
        app.client
            .post(&url)
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .form(&[("idempotency_key", key.as_str())])
            .send()
    };
    let (first, second) = tokio::join!(send(), send());
    for answer in [first.unwrap(), second.unwrap()] {
        assert_eq!((answer.status().as_u16(), answer.headers()["location"].to_str().unwrap()), (303, "/book/done"));
    }
    assert_eq!(app.count("visit").await, 1);

    // Six at once from two tabs of one browser, each posting a key of its own or none: still one visit (the key is
    // the draft's, not the form's).
    let mut browser = Browser::new(&app);
    fill_in(&mut browser, prison).await;
    let cookie = browser.cookie_header();
    let keys = ["", "k1", "k2", "k3", "", "k4"];
    let sends: Vec<_> = keys
        .iter()
        .map(|key| {
            let send = app
                .client
                .post(&url)
                .header("cookie", &cookie)
                .header("sec-fetch-site", "same-origin")
                .form(&[("idempotency_key", *key)])
                .send();
            tokio::spawn(send)
        })
        .collect();
    for send in sends {
        assert_eq!(send.await.unwrap().unwrap().status().as_u16(), 303);
    }
    assert_eq!(app.count("visit").await, 2);

    // In the app (its call carries the page's key), then the form: the form finds the same visit.
    let mut browser = Browser::new(&app);
    let check = fill_in(&mut browser, prison).await;
    let key = idempotency_key(&check);
    let draft = handed_over(&check);
    let request = serde_json::to_value(draft.request(Locale::En)).unwrap();
    let by_app = app.create_visit(&request, Some(&key)).await;
    assert_eq!(by_app.status(), 201);
    let by_app: Value = by_app.json().await.unwrap();
    browser.answer("/book/check", &[("idempotency_key", &key)], "/book/done").await;
    let (reference, _) = status_link(&browser.get("/book/done").await);
    assert_eq!(reference, by_app["reference"].as_str().unwrap());
    assert_eq!(app.count("visit").await, 3);
}

async fn a_step_refuses_answers_as_the_app_does_and_keeps_what_was_typed(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let mut browser = Browser::new(&app);
    browser.get(&format!("/book/prisoner?prison={prison}")).await;

    let typed = [("prisoner-first_name", "Jo"), ("prisoner-number", "not a number")];
    browser.answer("/book/prisoner", &typed, "/book/prisoner").await;
    let page = browser.get("/book/prisoner").await;
    assert!(
        page.body.contains("<title>Error: The prisoner’s details - Visit someone in prison</title>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("There is a problem"), "{}", page.body);
    assert!(page.body.contains("href=\"#prisoner-last_name\""), "the summary links the field: {}", page.body);
    assert!(page.body.contains("value=\"Jo\""), "what was typed stays: {}", page.body);

    // In Welsh, the same errors in Welsh.
    browser.cookies.insert("pvb_lang".into(), "cy".into());
    let page = browser.get("/book/prisoner").await;
    assert!(page.body.contains("Mae problem wedi codi"), "{}", page.body);
    browser.cookies.remove("pvb_lang");

    // A fourth time, ticked without the app, is refused by the same rule as the API's.
    browser.answer("/book/prisoner", &PRISONER, "/book/times").await;
    let times = browser.get("/book/times").await;
    let ids: Vec<&str> = times
        .body
        .split("name=\"slots\" type=\"checkbox\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .take(4)
        .collect();
    assert_eq!(ids.len(), 4, "{}", times.body);
    let four: Vec<(&str, &str)> = ids.iter().map(|id| ("slots", *id)).collect();
    browser.answer("/book/times", &four, "/book/times").await;
    let page = browser.get("/book/times").await;
    assert!(page.body.contains("There is a problem") && page.body.contains("checked"), "{}", page.body);
    // "Remove" takes one off, and Continue goes on with three.
    browser.answer("/book/times", &[("slots", ids[0]), ("slots", ids[1]), ("slots", ids[2])], "/book/visitors").await;

    // Adding and removing visitors without the app.
    browser.answer("/book/visitors", &[("add_visitor", "")], "/book/visitors#other_visitors-0-first_name").await;
    let page = browser.get("/book/visitors").await;
    assert!(page.body.contains("id=\"other_visitors-0-first_name\""), "{}", page.body);
    browser
        .answer(
            "/book/visitors",
            &[("other_visitors-0-first_name", "Amy"), ("remove_visitor", "0")],
            "/book/visitors#other_visitors",
        )
        .await;
    let page = browser.get("/book/visitors").await;
    assert!(!page.body.contains("id=\"other_visitors-0-first_name\""), "{}", page.body);

    // Texts to a landline: refused on the phone number, by the API's own rule.
    let mut landline = VISITORS.to_vec();
    landline.retain(|(name, _)| *name != "lead_visitor-phone" && *name != "lead_visitor-contact_by");
    landline.extend([("lead_visitor-phone", "020 7946 0000"), ("lead_visitor-contact_by", "sms")]);
    browser.answer("/book/visitors", &landline, "/book/visitors").await;
    let page = browser.get("/book/visitors").await;
    assert!(page.body.contains("href=\"#lead_visitor-phone\"") && page.body.contains("mobile"), "{}", page.body);
    assert!(page.body.contains("value=\"sms\" checked"), "the choice stays: {}", page.body);
    landline.pop();
    browser.answer("/book/visitors", &landline, "/book/support").await;

    // An interpreter with no language: the support step says so, in Welsh too, and keeps the boxes ticked.
    let ticked = [("support_needs-interpreter", "yes"), ("support_needs-other", "yes")];
    browser.answer("/book/support", &ticked, "/book/support").await;
    let page = browser.get("/book/support").await;
    assert!(page.body.contains("href=\"#support_needs-interpreter_language\""), "{}", page.body);
    assert!(page.body.contains("href=\"#support_needs-other_details\""), "{}", page.body);
    let (_, rest) = page.body.split_once("id=\"support_needs-interpreter\"").unwrap();
    let tag = rest.split('>').next().unwrap();
    assert!(tag.contains(" checked"), "the box stays ticked: {tag}");
    assert!(tag.contains("aria-controls=\"support_needs-interpreter-conditional\""), "{tag}");
    browser.cookies.insert("pvb_lang".into(), "cy".into());
    let page = browser.get("/book/support").await;
    assert!(page.body.contains("Rhowch yr iaith y dylai’r cyfieithydd ei siarad"), "{}", page.body);
    browser.cookies.remove("pvb_lang");
    // Nothing ticked: no one needs support, and the visitor goes on.
    browser.answer("/book/support", &[], "/book/check").await;
}

async fn a_visitor_without_javascript_joins_the_waiting_list_for_a_full_time(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let rules = VisitingRules { instant_booking: true, ..VisitingRules::default() };
    let prison = crate::helpers::add_test_prison_with_capacity(&app, rules, 1).await;
    // Someone else's visit, booked at once, takes the only place.
    let mut first = visit_request(prison, &[SLOT]);
    first["prisoner"]["number"] = serde_json::json!("B1234CD");
    app.created_visit(&first).await;

    let mut browser = Browser::new(&app);
    browser.get(&format!("/book/prisoner?prison={prison}")).await;
    browser.answer("/book/prisoner", &PRISONER, "/book/times").await;
    let times = browser.get("/book/times").await;
    assert!(!times.body.contains(&format!("value=\"{SLOT_ID}\"")), "a full time cannot be ticked: {}", times.body);
    assert!(times.body.contains("id=\"join-waiting-list\""), "the waiting list is offered: {}", times.body);

    browser.answer("/book/times", &[("waiting_list", "on")], "/book/times#slots").await;
    let times = browser.get("/book/times").await;
    assert!(times.body.contains("Choose times to wait for"), "{}", times.body);
    assert!(times.body.contains(&format!("value=\"{SLOT_ID}\"")), "now the full time can be ticked: {}", times.body);
    // A time with places is for a request, not the waiting list: refused by the API's own rule.
    let open: Vec<&str> = times
        .body
        .split("name=\"slots\" type=\"checkbox\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(open, [SLOT_ID], "only full times can be ticked while joining the waiting list");

    browser.answer("/book/times", &[("slots", SLOT_ID)], "/book/visitors").await;
    browser.answer("/book/visitors", &VISITORS, "/book/support").await;
    browser.answer("/book/support", &[], "/book/check").await;
    let check = browser.get("/book/check").await;
    assert!(
        check.body.contains("Join the waiting list") && check.body.contains("joining-waiting-list"),
        "{}",
        check.body
    );
    browser.answer("/book/check", &[], "/book/done").await;
    let done = browser.get("/book/done").await;
    assert!(done.body.contains("You are on the waiting list"), "{}", done.body);
    let (reference, token) = status_link(&done);
    let status: Value = app.visit_status(&reference, &token).await.json().await.unwrap();
    assert_eq!(status["state"], "waiting");
    // The status page offers to leave the list, and its form does so without JavaScript.
    browser.get(&format!("/visit/{reference}?token={token}")).await;
    let page = browser.get(&format!("/visit/{reference}")).await;
    assert!(page.body.contains("href=\"?confirm=leave\""), "{}", page.body);
    let left = browser.post(&format!("/visit/{reference}/leave"), &[]).await;
    let back = format!("/visit/{reference}?done=leave");
    assert_eq!((left.status, left.location.as_deref()), (303, Some(back.as_str())));
    assert!(browser.get(&back).await.body.contains("You have left the waiting list"));
    let status: Value = app.visit_status(&reference, &token).await.json().await.unwrap();
    assert_eq!(status["state"], "withdrawn");

    // Back to times with places: the choice starts again.
    let mut other = Browser::new(&app);
    other.get(&format!("/book/prisoner?prison={prison}")).await;
    other.answer("/book/times", &[("waiting_list", "on")], "/book/times#slots").await;
    other.answer("/book/times", &[("slots", SLOT_ID), ("waiting_list", "off")], "/book/times#slots").await;
    assert!(!handed_over(&other.get("/book/times").await).waiting_list);
}

/// At a prison where staff decide, a place offered from the waiting list is kept for the visitor while staff
/// decide: their status page says which time, in English and Welsh, instead of only the times they waited for.
async fn the_status_page_shows_the_place_kept_from_the_waiting_list(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let prison = crate::helpers::add_test_prison_with_capacity(&app, VisitingRules::default(), 1).await;
    let mut first = visit_request(prison, &[SLOT, ("2026-12-05", "14:00", "16:00")]);
    first["prisoner"]["number"] = serde_json::json!("B1234CD");
    let booked = app.created_visit(&first).await;
    let booked_id: uuid::Uuid = booked["id"].as_str().unwrap().parse().unwrap();
    app.book(booked_id, crate::helpers::slot(SLOT.0, SLOT.1, SLOT.2)).await;
    let mut waiting = visit_request(prison, &[SLOT]);
    waiting["waiting_list"] = serde_json::json!(true);
    let waiting = app.created_visit(&waiting).await;
    let (reference, token) = (waiting["reference"].as_str().unwrap(), waiting["status_token"].as_str().unwrap());

    app.add_staff("officer@testbridge.example", "staff", &[prison]).await;
    let officer = app.access_token("officer@testbridge.example").await;
    let cancel = serde_json::json!({"reason": "capacity_issues", "expected_version": 1});
    let cancelled = app.post_as(&officer, &format!("/api/v1/staff/visits/{booked_id}/cancel"), &cancel).await;
    assert_eq!(cancelled.status(), 200);

    let mut browser = Browser::new(&app);
    browser.get(&format!("/visit/{reference}?token={token}")).await;
    let page = browser.get(&format!("/visit/{reference}")).await;
    let kept = page.body.split_once("id=\"booked-slot\"").map(|(_, rest)| &rest[..rest.len().min(400)]);
    let kept = kept.unwrap_or_else(|| panic!("no kept place on the page: {}", page.body));
    assert!(kept.contains("Place kept for you") && kept.contains("Friday 4 December"), "{kept}");
    browser.cookies.insert("pvb_lang".into(), "cy".into());
    let page = browser.get(&format!("/visit/{reference}")).await;
    assert!(page.body.contains("Lle wedi’i gadw i chi"), "{}", page.body);
    assert!(page.body.contains("Bydd y carchar yn ateb erbyn dydd "), "erbyn does not soften: {}", page.body);
    browser.cookies.remove("pvb_lang");

    // Staff book it while the visitor, on the page loaded before, presses "withdraw": told it was booked first.
    let waiting_id = waiting["id"].as_str().unwrap();
    let view: Value = app.get_as(&officer, &format!("/api/v1/staff/visits/{waiting_id}")).await.json().await.unwrap();
    let grant = serde_json::json!({"outcome": "grant", "expected_version": view["version"],
        "slot": {"date": SLOT.0, "start": SLOT.1, "end": SLOT.2}});
    let granted = app.post_as(&officer, &format!("/api/v1/staff/visits/{waiting_id}/decision"), &grant).await;
    assert_eq!(granted.status(), 200);
    let refused = browser.post(&format!("/visit/{reference}/withdraw"), &[]).await;
    let back = format!("/visit/{reference}?problem=changed");
    assert_eq!((refused.status, refused.location.as_deref()), (303, Some(back.as_str())));
    let page = browser.get(&back).await;
    assert!(page.body.contains("Your visit was booked before your change reached us"), "{}", page.body);
}

/// Markup typed in any field of any form comes back as text on the page that shows it again: in an input's value,
/// and in a text area, whose content Leptos does not escape by itself. `&lt;` typed stays `&lt;`.
async fn markup_typed_in_any_field_comes_back_as_text(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let typed = "</textarea></title>\"'><b id=\"injected\">x</b> &lt;3";
    let mut browser = Browser::new(&app);
    browser.get(&format!("/book/prisoner?prison={prison}")).await;
    let steps: [(&str, Vec<&str>); 4] = [
        (
            "/book/prisoner",
            vec!["prisoner-first_name", "prisoner-last_name", "prisoner-number", "prisoner-date_of_birth-day"],
        ),
        (
            "/book/visitors",
            vec![
                "lead_visitor-first_name",
                "lead_visitor-email",
                "lead_visitor-email_confirm",
                "lead_visitor-phone",
                "other_visitors-0-first_name",
                "other_visitors-0-date_of_birth-year",
            ],
        ),
        ("/book/support", vec!["support_needs-interpreter_language", "support_needs-other_details"]),
        ("/feedback", vec!["improvement", "email"]),
    ];
    for (path, fields) in steps {
        let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, typed)).collect();
        form.extend([("support_needs-interpreter", "yes"), ("support_needs-other", "yes")]);
        let answer = browser.post(path, &form).await;
        assert_eq!(answer.status, 303, "{path}");
        let page = browser.get(path).await;
        assert!(!page.body.contains("<b id=\"injected\">"), "{path} shows typed markup as markup: {}", page.body);
        assert!(page.body.contains("&amp;lt;3"), "{path} keeps `&lt;` as typed: {}", page.body);
    }
}

async fn feedback_without_javascript_is_sent_or_comes_back_with_what_to_fix(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let mut browser = Browser::new(&app);
    let home = browser.get("/").await;
    assert!(home.body.contains("href=\"/feedback\""), "every page's footer links the form: {}", home.body);

    // No answer to the one required question: back to the form, which says so and keeps what was typed.
    let typed = [("improvement", "The times page was hard to read"), ("email", "not an address")];
    browser.answer("/feedback", &typed, "/feedback").await;
    let page = browser.get("/feedback").await;
    assert!(page.body.contains("href=\"#satisfaction\"") && page.body.contains("href=\"#email\""), "{}", page.body);
    assert!(page.body.contains("The times page was hard to read</textarea>"), "{}", page.body);
    assert_eq!(app.count("feedback").await, 0);

    let answered = [("satisfaction", "dissatisfied"), ("improvement", "The times page was hard to read")];
    browser.answer("/feedback", &answered, "/feedback?sent=yes").await;
    let page = browser.get("/feedback?sent=yes").await;
    assert!(page.body.contains("Thank you for your feedback"), "{}", page.body);
    assert!(!page.body.contains("hard to read"), "the form is emptied once sent: {}", page.body);
    assert_eq!(app.count("feedback").await, 1);
    let source = app.scalar("SELECT COUNT(*) AS n FROM feedback WHERE source = 'visitor' AND email IS NULL").await;
    assert_eq!(source, 1, "a visitor's, with no address they did not give");

    // From another site: refused, and nothing stored.
    let forged = app
        .client
        .post(app.url("/feedback"))
        .header("sec-fetch-site", "cross-site")
        .form(&answered)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.count("feedback").await, 1);
}

async fn a_draft_is_the_browsers_own_and_goes_after_20_minutes_idle(db: Db) {
    let clock = TestClock::at(monday_morning());
    let (app, _dir) = spawn_with_pages_and_clock(db, clock.clock()).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let mut browser = Browser::new(&app);
    let start = browser.get(&format!("/book/prisoner?prison={prison}")).await;
    let set_cookie = start.headers["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["pvb_draft=dr_", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
    assert!(!set_cookie.contains("Max-Age") && !set_cookie.contains("Expires"), "gone when the browser closes");
    let token = browser.cookies["pvb_draft"].clone();
    let stored = app.scalar(&format!("SELECT COUNT(*) AS n FROM journey_draft WHERE id = '{token}'")).await;
    assert_eq!(stored, 0, "the database holds the cookie's hash, not the cookie");
    let hash = api::visits::tokens::hash(&token);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) AS n FROM journey_draft WHERE id = '{hash}'")).await, 1);
    browser.answer("/book/prisoner", &PRISONER, "/book/times").await;

    // Another browser has a draft of its own.
    let mut other = Browser::new(&app);
    assert!(other.get("/book/prisoner").await.body.contains("Start again"));

    // Each step opened keeps it; 20 minutes without one, it is gone: deleted as soon as it is read.
    clock.advance(chrono::Duration::minutes(15));
    assert!(browser.get("/book/prisoner").await.body.contains("value=\"John\""));
    clock.advance(chrono::Duration::minutes(15));
    assert!(browser.get("/book/prisoner").await.body.contains("value=\"John\""), "opening a step counts");
    other.get(&format!("/book/prisoner?prison={prison}")).await;
    assert_eq!(app.count("journey_draft").await, 2);
    clock.advance(chrono::Duration::minutes(21));
    let page = browser.get("/book/prisoner").await;
    assert!(page.body.contains("Start again") && !page.body.contains("John"), "{}", page.body);
    assert_eq!(app.count("journey_draft").await, 1, "read idle, the draft is deleted");
    // One nobody reads again goes with the sweep the worker runs every minute.
    let idle_since = clock.now() - api::journey::IDLE_LIMIT;
    assert_eq!(api::journey::store::delete_idle(&app.state.db, idle_since).await.unwrap(), 1);
    assert_eq!(app.count("journey_draft").await, 0);
}

async fn forms_and_drafts_from_elsewhere_are_refused(db: Db) {
    let (app, _dir) = spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let mut browser = Browser::new(&app);
    browser.get(&format!("/book/prisoner?prison={prison}")).await;
    let cookie = browser.cookie_header();

    let forged = app
        .client
        .post(app.url("/book/prisoner"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .form(&PRISONER)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let put = |body: String, origin: &str| {
        app.client
            .put(app.url("/book/draft"))
            .header("cookie", &cookie)
            .header("origin", origin.to_owned())
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(put("{}".into(), "https://evil.example").await.unwrap().status(), 403);
    let this = app.address.clone();
    assert_eq!(put("[1,2".into(), &this).await.unwrap().status(), 400);
    let huge = format!("{{\"phone\":\"{}\"}}", "x".repeat(40 * 1024));
    // (Each of these is JSON, as the app sends it.)
    assert_eq!(put(huge, &this).await.unwrap().status(), 413);
    // The app's save replaces the draft; an empty one deletes it.
    let saved = put("{\"phone\":\"07700 900123\"}".into(), &this).await.unwrap();
    assert_eq!(saved.status(), 204);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM journey_draft WHERE draft LIKE '%07700 900123%'").await, 1);
    assert_eq!(put("{}".into(), &this).await.unwrap().status(), 204);
    assert_eq!(app.count("journey_draft").await, 0);
    // Start now from a link on another site does not touch the draft: it leads to the prison's page.
    let mut browser = Browser::new(&app);
    browser.get(&format!("/book/prisoner?prison={prison}")).await;
    let other_prison = add_test_prison(&app, VisitingRules::default()).await;
    let response = app
        .client
        .get(app.url(&format!("/book/prisoner?prison={other_prison}")))
        .header("cookie", browser.cookie_header())
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], format!("/prison/{other_prison}").as_str());
    assert_eq!(handed_over(&browser.get("/book/prisoner").await).prison.unwrap().id, prison);

    // The app's draft cannot say what the server knows: a prison's details, or a request it never sent.
    let this = app.address.clone();
    let mut forged = serde_json::to_value(handed_over(&browser.get("/book/prisoner").await)).unwrap();
    forged["prison"]["name"] = "HMP Elsewhere".into();
    forged["created"] = serde_json::json!({"id": uuid::Uuid::new_v4(), "reference": "AAAAAAAA", "state": "requested",
        "status_token": format!("vt_{}", "a".repeat(43)), "status_path": format!("/visit/AAAAAAAA?token=vt_{}", "a".repeat(43)),
        "confirm_by": "2026-12-04", "created_at": "2026-11-30T09:00:00Z", "prisoner_details_match": null});
    let saved = app
        .client
        .put(app.url("/book/draft"))
        .header("cookie", browser.cookie_header())
        .header("origin", this.clone())
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 204);
    let kept = handed_over(&browser.get("/book/prisoner").await);
    assert_ne!(kept.prison.unwrap().name, "HMP Elsewhere");
    assert_eq!(kept.created, None);
    let plain = app.client.put(app.url("/book/draft")).header("cookie", &cookie).header("origin", this).body("{}");
    assert_eq!(plain.send().await.unwrap().status(), 400, "a draft is JSON");

    // A step posted with no draft (or a forged cookie) changes nothing and says to start again.
    let mut stranger = Browser::new(&app);
    stranger.cookies.insert("pvb_draft".into(), "dr_forged".into());
    stranger.answer("/book/check", &[], "/book/check").await;
    assert_eq!(app.count("visit").await, 0);
}

on_both_databases!(
    a_visitor_without_javascript_makes_the_visit_the_rest_api_makes,
    pressing_send_twice_or_in_the_app_then_the_form_makes_one_visit,
    a_step_refuses_answers_as_the_app_does_and_keeps_what_was_typed,
    a_draft_is_the_browsers_own_and_goes_after_20_minutes_idle,
    forms_and_drafts_from_elsewhere_are_refused,
    feedback_without_javascript_is_sent_or_comes_back_with_what_to_fix,
    a_visitor_without_javascript_joins_the_waiting_list_for_a_full_time,
    markup_typed_in_any_field_comes_back_as_text,
    the_status_page_shows_the_place_kept_from_the_waiting_list,
);
