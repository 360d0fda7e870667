//! Integration tests: a real server on a random port, over a fresh SQLite file or PostgreSQL database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
mod mail;

mod api_keys;
mod capacity;
mod cli;
mod decisions;
mod errors;
mod events;
mod feedback;
mod input;
mod journey;
mod notify;
mod openapi;
mod ops;
mod outbox;
mod pages;
mod prisons;
mod records;
mod reminders;
mod reports;
mod retention;
mod roll_import;
mod roll_sync;
mod sessions;
mod spa;
mod staff_auth;
mod staff_booking;
mod support_needs;
mod texts;
mod time_rules;
mod timetables;
mod unreadable_rows;
mod visit_limits;
mod visits;
mod waiting_list;
mod webhooks;
