//! The visitor pages the server renders (api::pages): real HTML with the data at the real status, the status link
//! swapped for a cookie that the REST API then accepts, and the language chosen without JavaScript. On both
//! databases; the browser tests (tests/e2e/server-pages.test.mjs) check the same pages in Chromium.

use api::clock::Clock;
use domain::api::VisitingRules;
use reqwest::redirect::Policy;

use crate::helpers::{Db, TestApp, add_test_prison, monday_morning, settings, spawn_app_with_settings, visit_request};
use crate::on_both_databases;

/// A server that serves the web client's pages, with `index.html` (the placeholder of the steps still drawn in the
/// browser) in a directory of its own. Its client follows no redirect, so the tests see each answer.
async fn spawn_with_pages(db: Db) -> (TestApp, tempdir::Dir) {
    let dir = tempdir::Dir::new();
    std::fs::write(dir.path().join("index.html"), "<p>placeholder</p>").unwrap();
    let mut settings = settings("", false);
    settings.static_dir = dir.path().to_path_buf();
    let mut app = spawn_app_with_settings(db, Clock::fixed(monday_morning()), settings).await;
    app.client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    (app, dir)
}

/// A directory removed when the test ends.
mod tempdir {
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
    // The steps still drawn in the browser get the placeholder page, and files stay files.
    assert_eq!(html(&app, "/book/prisoner", None).await.1, "<p>placeholder</p>");
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
    assert_eq!(response.headers()["location"], format!("/visit/{reference}?lang=cy"), "the token leaves the address");
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.starts_with(&format!("pvb_visit_{reference}={token};")), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
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

    let response = app.client.get(app.url("/?lang=cy")).send().await.unwrap();
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.starts_with("pvb_lang=cy;"), "the choice is kept: {set_cookie}");
    let body = response.text().await.unwrap();
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

on_both_databases!(
    the_list_and_a_prison_page_are_rendered_with_their_data_and_an_unknown_one_is_404,
    the_status_link_is_swapped_for_a_cookie_that_the_page_and_the_api_accept,
    the_language_comes_from_the_link_then_the_cookie_then_the_visit,
);
