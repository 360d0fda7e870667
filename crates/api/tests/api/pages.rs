//! The visitor pages the server renders (api::pages): real HTML with the data at the real status, the status link
//! swapped for a cookie that the REST API then accepts, and the language chosen without JavaScript. On both
//! databases; the browser tests (tests/e2e/server-pages.test.mjs) check the same pages in Chromium.

use api::clock::Clock;
use domain::api::VisitingRules;
use reqwest::redirect::Policy;

use crate::helpers::{Db, TestApp, add_test_prison, monday_morning, settings, spawn_app_with_settings, visit_request};
use crate::on_both_databases;

/// A server that serves the web client's pages, with an `index.html` placeholder in a directory of its own. Its
/// client follows no redirect, so the tests see each answer.
async fn spawn_with_pages(db: Db) -> (TestApp, tempdir::Dir) {
    spawn_with_pages_and_clock(db, Clock::fixed(monday_morning())).await
}

/// The same, on `clock`.
pub(crate) async fn spawn_with_pages_and_clock(db: Db, clock: Clock) -> (TestApp, tempdir::Dir) {
    let dir = tempdir::Dir::new();
    std::fs::write(dir.path().join("index.html"), "<p>placeholder</p>").unwrap();
    let mut settings = settings("", false);
    settings.static_dir = dir.path().to_path_buf();
    let mut app = spawn_app_with_settings(db, clock, settings).await;
    app.client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    (app, dir)
}

/// A directory removed when the test ends.
pub(crate) mod tempdir {
    pub struct Dir(std::path::PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            let path = std::env::temp_dir().join(format!("pvb-pages-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }

        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

async fn html(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String, reqwest::header::HeaderMap) {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, response.text().await.unwrap(), headers)
}

async fn the_list_and_a_prison_page_are_rendered_with_their_data_and_an_unknown_one_is_404(db: Db) {
    let (app, _dir) = spawn_with_pages(db).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let details: serde_json::Value = app.get(&format!("/api/v1/prisons/{prison}")).await.json().await.unwrap();
    let name = details["name"].as_str().unwrap().to_owned();

    let (status, body, headers) = html(&app, "/", None).await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("href=\"/prison/{prison}\"")), "the list links the prison: {body}");
    assert!(body.contains(&name));
    assert!(body.contains("<title>Choose a prison - Visit someone in prison</title>"), "{body}");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");

    let (status, body, _) = html(&app, &format!("/prison/{prison}"), None).await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("<h1 class=\"govuk-heading-l\">{name}</h1>")), "{body}");
    assert!(body.contains(&format!("<title>{name} - Visit someone in prison</title>")), "{body}");

    for path in ["/prison/00000000-0000-4000-8000-000000000000", "/prison/not-an-id", "/no/such/page"] {
        let (status, _, _) = html(&app, path, None).await;
        assert_eq!(status, 404, "{path}");
    }
    // A step of the journey is a page too (saying to start again without a draft), and files stay files.
    let (status, body, _) = html(&app, "/book/prisoner", None).await;
    assert_eq!(status, 200);
    assert!(body.contains("Start again") && body.contains("href=\"/\""), "{body}");
    assert_eq!(html(&app, "/missing.js", None).await.0, 404);
}

async fn the_status_link_is_swapped_for_a_cookie_that_the_page_and_the_api_accept(db: Db) {
    let (app, _dir) = spawn_with_pages(db).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let reference = created["reference"].as_str().unwrap();
    let token = created["status_token"].as_str().unwrap();
    let link = created["status_path"].as_str().unwrap();
    assert_eq!(link, format!("/visit/{reference}?token={token}"));

    let response = app.client.get(app.url(&format!("{link}&lang=cy"))).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], format!("/visit/{reference}"), "the token leaves the address");
    let set_cookies = set_cookies(&response);
    let set_cookie = set_cookies.iter().find(|c| c.starts_with("pvb_visit_")).unwrap();
    assert!(set_cookie.starts_with(&format!("pvb_visit_{reference}={token};")), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
    assert!(
        set_cookies.iter().any(|c| c.starts_with("pvb_lang=cy;")),
        "the language asked for is kept: {set_cookies:?}"
    );
    let cookie = format!("pvb_visit_{reference}={token}");

    let (status, body, headers) = html(&app, &format!("/visit/{reference}"), Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(body.contains(reference) && body.contains("data-state=\"requested\""), "{body}");
    assert!(body.contains("John Smith") && body.contains("Mary Smith"), "{body}");
    assert!(!body.contains(token), "the page never shows the token");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");

    // The web app's calls carry the cookie instead of the header.
    let api = app.client.get(app.url(&format!("/api/v1/visits/{reference}"))).header("cookie", &cookie).send().await;
    assert_eq!(api.unwrap().status().as_u16(), 200);
    let withdraw = app.client.post(app.url(&format!("/api/v1/visits/{reference}/withdraw"))).header("cookie", &cookie);
    assert_eq!(withdraw.send().await.unwrap().status().as_u16(), 200);

    // Without the cookie, or with another visit's, the page is a 404 saying the link is not valid.
    let (status, body, _) = html(&app, &format!("/visit/{reference}"), None).await;
    assert_eq!(status, 404);
    assert!(body.contains("This link is not valid"), "{body}");
    let other = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let theirs = format!("pvb_visit_{}={token}", other["reference"].as_str().unwrap());
    assert_eq!(html(&app, &format!("/visit/{}", other["reference"].as_str().unwrap()), Some(&theirs)).await.0, 404);
}

async fn the_language_comes_from_the_link_then_the_cookie_then_the_visit(db: Db) {
    let (app, _dir) = spawn_with_pages(db).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;

    // Without JavaScript the switch is a link: the choice is kept and the same page shown without it.
    let response = app.client.get(app.url("/prison/x?lang=cy&q=a")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/prison/x?q=a");
    assert!(set_cookies(&response).iter().any(|c| c.starts_with("pvb_lang=cy;")), "the choice is kept");
    let body = html(&app, "/", Some("pvb_lang=cy")).await.1;
    assert!(body.contains("<html lang=\"cy\"") && body.contains("Dewiswch garchar"), "{body}");
    assert!(html(&app, "/", Some("pvb_lang=cy")).await.1.contains("Dewiswch garchar"));
    assert!(html(&app, "/", None).await.1.contains("Choose a prison"));

    let mut welsh = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
    welsh["locale"] = "cy".into();
    let created = app.created_visit(&welsh).await;
    let cookie =
        format!("pvb_visit_{}={}", created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap());
    let page = format!("/visit/{}", created["reference"].as_str().unwrap());
    let (_, body, _) = html(&app, &page, Some(&cookie)).await;
    assert!(body.contains("<html lang=\"cy\"") && body.contains("Eich cais am ymweliad"), "never chosen: the visit's");
    let (_, body, _) = html(&app, &page, Some(&format!("{cookie}; pvb_lang=en"))).await;
    assert!(body.contains("<html lang=\"en\"") && body.contains("Your visit request"), "chosen: the choice");
}

async fn only_a_token_that_opens_the_visit_becomes_its_cookie(db: Db) {
    let (app, _dir) = spawn_with_pages(db).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let reference = created["reference"].as_str().unwrap();
    let other = app.created_visit(&visit_request(prison, &[("2026-12-05", "14:00", "16:00")])).await;
    let others_token = other["status_token"].as_str().unwrap();
    for token in [
        "",
        "not-a-token",
        "junk%3B%20Domain%3Dexample.test",
        "vt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        others_token,
    ] {
        let response = app.client.get(app.url(&format!("/visit/{reference}?token={token}"))).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303, "{token}");
        assert_eq!(response.headers()["location"], format!("/visit/{reference}"), "{token}");
        assert_eq!(set_cookies(&response), Vec::<String>::new(), "{token} sets no cookie, nor replaces a good one");
    }
    // A reference that is not one sets nothing either, and is sent on as it came.
    let response = app.client.get(app.url("/visit/a%2520b?token=vt_x")).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/visit/a%2520b");
    assert_eq!(set_cookies(&response), Vec::<String>::new());
}

async fn a_change_the_cookie_authorises_must_come_from_the_services_own_pages(db: Db) {
    let (app, _dir) = spawn_with_pages(db).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
    let (reference, token) = (created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap());
    let cookie = format!("pvb_visit_{reference}={token}");
    let withdraw = |headers: &[(&str, &str)]| {
        let mut request =
            app.client.post(app.url(&format!("/api/v1/visits/{reference}/withdraw"))).header("cookie", &cookie);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    let this_origin = app.address.clone();
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site"), ("origin", "http://evil.example")],
        vec![("sec-fetch-site", "same-site"), ("origin", "http://127.0.0.1:1")],
        vec![("sec-fetch-site", "cross-site"), ("origin", this_origin.as_str())],
    ] {
        let response = withdraw(&headers).await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{headers:?}");
    }
    assert_eq!(
        app.visit_status(reference, token).await.json::<serde_json::Value>().await.unwrap()["state"],
        "requested"
    );
    let response = withdraw(&[("sec-fetch-site", "same-origin"), ("origin", this_origin.as_str())]).await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "from the service's own page");
}

async fn pages_rendered_at_once_each_get_their_own_answer(db: Db) {
    let (app, _dir) = spawn_with_pages(db).await;
    let prison = add_test_prison(&app, VisitingRules::default()).await;
    let details: serde_json::Value = app.get(&format!("/api/v1/prisons/{prison}")).await.json().await.unwrap();
    let name = details["name"].as_str().unwrap().to_owned();
    let mut visits = Vec::new();
    for (i, locale) in ["en", "cy", "en"].into_iter().enumerate() {
        let mut body = visit_request(prison, &[("2026-12-04", "14:00", "16:00")]);
        body["locale"] = locale.into();
        body["lead_visitor"]["email"] = format!("mary{i}@example.com").into();
        let created = app.created_visit(&body).await;
        let reference = created["reference"].as_str().unwrap().to_owned();
        let cookie = format!("pvb_visit_{reference}={}", created["status_token"].as_str().unwrap());
        visits.push((reference, cookie, locale));
    }
    // Different pages rendered at the same moment: each answered whole, with its own data and language.
    let mut loads = Vec::new();
    for round in 0..20 {
        let (reference, cookie, locale) = visits[round % visits.len()].clone();
        let app = &app;
        let name = name.clone();
        loads.push(async move {
            let (status, body, _) = html(app, "/", None).await;
            assert_eq!(status, 200, "{body}");
            assert!(body.contains("Choose a prison") && body.contains(&name));
            let (status, body, _) = html(app, &format!("/prison/{prison}"), Some("pvb_lang=cy")).await;
            assert_eq!(status, 200, "{body}");
            assert!(body.contains(&format!("<title>{name} - Ymweld â rhywun yn y carchar</title>")), "{body}");
            let (status, body, _) = html(app, &format!("/visit/{reference}"), Some(&cookie)).await;
            assert_eq!(status, 200, "{body}");
            assert!(body.contains(&reference) && body.contains(&format!("<html lang=\"{locale}\"")), "{body}");
            assert_eq!(html(app, "/no/such/page", None).await.0, 404);
        });
    }
    futures_util::future::join_all(loads).await;
}

on_both_databases!(
    only_a_token_that_opens_the_visit_becomes_its_cookie,
    a_change_the_cookie_authorises_must_come_from_the_services_own_pages,
    pages_rendered_at_once_each_get_their_own_answer,
    the_list_and_a_prison_page_are_rendered_with_their_data_and_an_unknown_one_is_404,
    the_status_link_is_swapped_for_a_cookie_that_the_page_and_the_api_accept,
    the_language_comes_from_the_link_then_the_cookie_then_the_visit,
);

mod forms {
    use super::*;

    /// Without JavaScript, the status page's withdraw is a form posted to the page: done from the service's own
    /// page, refused from anywhere else, and a second press finds the visit already withdrawn.
    async fn the_status_page_withdraws_with_a_form_from_its_own_page_only(db: Db) {
        let (app, _dir) = spawn_with_pages(db).await;
        let prison = add_test_prison(&app, VisitingRules::default()).await;
        let created = app.created_visit(&visit_request(prison, &[("2026-12-04", "14:00", "16:00")])).await;
        let (reference, token) = (created["reference"].as_str().unwrap(), created["status_token"].as_str().unwrap());
        let cookie = format!("pvb_visit_{reference}={token}");

        let (status, body, _) = html(&app, &format!("/visit/{reference}?confirm=withdraw"), Some(&cookie)).await;
        assert_eq!(status, 200);
        assert!(body.contains(&format!("action=\"/visit/{reference}/withdraw\"")), "the question is asked: {body}");
        let post = |origin: &str| {
            app.client
                .post(app.url(&format!("/visit/{reference}/withdraw")))
                .header("cookie", &cookie)
                .header("origin", origin)
                .header("content-type", "application/x-www-form-urlencoded")
                .send()
        };
        assert_eq!(post("http://evil.example").await.unwrap().status().as_u16(), 403);
        let done = post(&app.address).await.unwrap();
        assert_eq!(done.status().as_u16(), 303);
        assert_eq!(done.headers()["location"], format!("/visit/{reference}?done=withdraw"));
        let (_, body, _) = html(&app, &format!("/visit/{reference}?done=withdraw"), Some(&cookie)).await;
        assert!(
            body.contains("You have withdrawn your request") && body.contains("data-state=\"withdrawn\""),
            "{body}"
        );
        let again = post(&app.address).await.unwrap();
        let changed = format!("/visit/{reference}?problem=changed");
        assert_eq!(again.headers()["location"], changed, "pressed twice: the page as it is, saying so");
        let (_, body, _) = html(&app, &changed, Some(&cookie)).await;
        assert!(body.contains("The visit changed before your change reached us"), "{body}");
        let visit = app.visit_status(reference, token).await.json::<serde_json::Value>().await.unwrap();
        assert_eq!(visit["state"], "withdrawn");
    }

    on_both_databases!(the_status_page_withdraws_with_a_form_from_its_own_page_only);
}
