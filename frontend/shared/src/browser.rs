//! The browser's clock, storage and cookies, for both apps. The visitor app's pages are also rendered on the server
//! (feature `ssr`), where there is no browser: there the clock is the server's, given for each request as a
//! [`ServerNow`] context (so tests that move the server's clock move the pages' "today" with it), and there is no
//! storage.

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::Locale;
use web_sys::Storage;

const LOCALE_KEY: &str = "pvb.locale";
/// The cookie that carries the visitor's language choice to the server, which renders pages in it.
pub const LOCALE_COOKIE: &str = "pvb_lang";

/// On the server: the moment the request is being answered, by the server's clock.
#[derive(Debug, Clone, Copy)]
pub struct ServerNow(pub DateTime<Utc>);

/// Milliseconds since the Unix epoch.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds since the Unix epoch: the request's [`ServerNow`], else the system clock.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    match leptos::prelude::use_context::<ServerNow>() {
        Some(now) => now.0.timestamp_millis() as f64,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or_default(),
    }
}

/// Today's date in the UK, from the device's clock (on the server, the server's).
pub fn today() -> NaiveDate {
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms() as i64).unwrap_or_default();
    domain::calendar::london_today(now)
}

#[inline]
pub fn local_storage() -> Option<Storage> {
    if cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    web_sys::window()?.local_storage().ok()?
}

#[inline]
pub fn session_storage() -> Option<Storage> {
    if cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    web_sys::window()?.session_storage().ok()?
}

/// The language chosen on this device, if one ever was: the cookie (which a page used without JavaScript sets
/// too), else what this device kept before the cookie existed.
pub fn load_locale() -> Option<Locale> {
    locale_cookie().or_else(|| local_storage()?.get_item(LOCALE_KEY).ok()??.parse().ok())
}

#[cfg(target_arch = "wasm32")]
fn locale_cookie() -> Option<Locale> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?;
    let cookies = document.cookie().ok()?;
    cookies.split(';').find_map(|pair| pair.trim().strip_prefix(LOCALE_COOKIE)?.strip_prefix('=')?.parse().ok())
}

#[cfg(not(target_arch = "wasm32"))]
fn locale_cookie() -> Option<Locale> {
    None
}

/// Keeps the choice on this device, and in a cookie (a year, this site only) so that the server renders the next
/// page in it.
pub fn save_locale(locale: Locale) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LOCALE_KEY, locale.as_str());
    }
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = document.and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) {
            let cookie = format!("{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.as_str());
            let _ = document.set_cookie(&cookie);
        }
    }
}
