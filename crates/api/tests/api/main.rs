//! Integration tests: a real server on a random port, over a fresh SQLite file or PostgreSQL database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod decisions;
mod errors;
mod openapi;
mod prisons;
mod reports;
mod spa;
mod staff_auth;
mod timetables;
mod visits;
