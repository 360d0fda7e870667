//! The rules of prison visiting, as plain Rust. Shared by the API server and the WebAssembly client, so that a
//! rule is written once: the server enforces it and the client explains it before the visitor hits it.
//! No I/O and no clock here: callers pass "now" and "today" in.

pub mod api;
pub mod api_keys;
pub mod bank_holidays;
pub mod calendar;
pub mod daylist;
pub mod decision;
pub mod email;
pub mod error;
pub mod events;
pub mod feedback;
pub mod i18n;
pub mod ics;
pub mod metrics;
pub mod party;
pub mod records;
pub mod reminder;
pub mod request;
pub mod rules;
pub mod slot;
pub mod staff;
pub mod support;
pub mod timetable;
pub mod timetable_change;
pub mod types;
pub mod visit;
pub mod waiting_list;
#[cfg(test)]
mod wire_names;
