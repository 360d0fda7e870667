//! How the server splits paths: the staff back office has its own page (and bundle) under `/staff`, the steps of
//! the journey drawn in the browser get the visitor app's placeholder page, every other visitor path a page the
//! server renders, and unknown API paths stay JSON 404s.

use api::clock::Clock;
use api::startup::Application;

use crate::helpers::{Db, TestDb, monday_morning, settings};

async fn spawn_with_client(dir: &std::path::Path) -> (String, TestDb) {
    let test_db = TestDb::new(Db::Sqlite).await;
    let mut settings = settings(&test_db.url, false);
    settings.static_dir = dir.to_path_buf();
    let app = Application::build_with_clock(settings, Clock::fixed(monday_morning())).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (address, test_db)
}

async fn page(address: &str, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("{address}{path}")).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn staff_paths_get_the_staff_page_and_every_other_client_path_the_visitor_page() {
    let dir = std::env::temp_dir().join(format!("pvb-spa-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<p>visitor app</p>").unwrap();
    std::fs::write(dir.join("staff.html"), "<p>staff app</p>").unwrap();
    let (address, _db) = spawn_with_client(&dir).await;

    for path in ["/staff", "/staff/", "/staff/inbox", "/staff/visits/0b3c7f1e-1d2a-4c1b-9a57-0e6f3c2d1b00"] {
        assert_eq!(page(&address, path).await, (200, "<p>staff app</p>".to_string()), "{path}");
    }
    // Every other path is a visitor page the server renders (tests/api/pages.rs).
    for path in ["/", "/prison/abc", "/visit/7KQ2M9XD", "/staffing", "/book/prisoner", "/book/staff"] {
        let (_, body) = page(&address, path).await;
        assert!(body.contains("data-rendered=\"server\""), "{path}: {body}");
    }
    assert_eq!(page(&address, "/book/staff").await.0, 404);
    let (status, body) = page(&address, "/api/v1/staff/nothing-here").await;
    assert_eq!(status, 404);
    assert!(body.contains("not_found"), "{body}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn without_a_staff_page_the_staff_paths_fall_back_to_the_visitor_app() {
    let dir = std::env::temp_dir().join(format!("pvb-spa-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<p>visitor app</p>").unwrap();
    let (address, _db) = spawn_with_client(&dir).await;
    assert_eq!(page(&address, "/staff/inbox").await, (200, "<p>visitor app</p>".to_string()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_icon_is_served_as_an_icon_and_a_missing_file_is_a_404_not_the_app() {
    let dir = std::env::temp_dir().join(format!("pvb-spa-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<p>visitor app</p>").unwrap();
    let icon = [0u8, 0, 1, 0, 1, 0];
    std::fs::write(dir.join("favicon.ico"), icon).unwrap();
    let (address, _db) = spawn_with_client(&dir).await;

    let response = reqwest::get(format!("{address}/favicon.ico")).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.contains("icon"), "served as an icon, not {content_type}");
    assert_eq!(response.bytes().await.unwrap().as_ref(), icon);

    for path in ["/foo.png", "/apple-touch-icon.png", "/robots.txt", "/visit/7KQ2M9XD/calendar.ics", "/staff/x.js"] {
        let (status, body) = page(&address, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("visitor app"), "{path} is not answered with the app's page");
    }
    // Pages of the app are still pages.
    for path in ["/", "/visit/7KQ2M9XD", "/book/times"] {
        assert!(page(&address, path).await.1.contains("data-rendered=\"server\""), "{path}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
