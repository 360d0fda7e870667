//! The visitor app of Prison Visit Booking: a Leptos single-page app, rendered in the browser and compiled to
//! WebAssembly. `scripts/build-frontend.sh` builds it into `frontend/dist/`, which the API server serves at `/`.
//! Each step of the visitor's journey has its own URL, so Back, Forward and reload work.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod store;
