//! The visitor app of Prison Visit Booking, in Leptos. The API server renders its pages at their URLs (feature
//! `ssr`); compiled to WebAssembly (feature `hydrate`, built into `frontend/dist/` by `scripts/build-frontend.sh`),
//! it takes them over in the browser. Each step of the visitor's journey has its own URL, so Back, Forward and
//! reload work.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod journey;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod store;
