//! The Prison Visit Booking web client: a Leptos single-page app, rendered in the browser and compiled to
//! WebAssembly. `scripts/build-frontend.sh` builds it into `frontend/dist/`, which the API server serves at `/`.
//! Each step of the visitor's journey has its own URL, so Back, Forward and reload work.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod store;

/// The visitor app (shell, routes, entry point). Left out of the staff bundle, which shares the modules above:
/// its lazy routes export their split-off code, which would drag every visitor page into the staff module.
#[cfg(feature = "visitor-app")]
pub mod app;
