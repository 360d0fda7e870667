//! The browser's clock and the language choice kept in localStorage, for both apps.

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::Locale;
use web_sys::Storage;

const LOCALE_KEY: &str = "pvb.locale";

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Today's date in the UK, from the device's clock.
pub fn today() -> NaiveDate {
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms() as i64).unwrap_or_default();
    domain::calendar::london_today(now)
}

#[inline]
pub fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok()?
}

#[inline]
pub fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The language chosen on this device, if one ever was.
pub fn load_locale() -> Option<Locale> {
    local_storage()?.get_item(LOCALE_KEY).ok()??.parse().ok()
}

pub fn save_locale(locale: Locale) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LOCALE_KEY, locale.as_str());
    }
}
