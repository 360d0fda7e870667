//! Every word the visitor reads, in one place, so that a Welsh translation can later replace this module
//! without hunting through the views.

use crate::api::ApiError;

pub const SERVICE_NAME: &str = "Visit someone in prison";
pub const SKIP_TO_MAIN: &str = "Skip to main content";
pub const FOOTER_TEXT: &str = "This is a demonstration service. Do not enter real personal details.";

pub const PRISONS_HEADING: &str = "Choose a prison";
pub const PRISONS_INTRO: &str = "These are the prisons you can book a visit to online.";
pub const LOADING_PRISONS: &str = "Loading prisons…";
pub const NO_PRISONS: &str = "No prisons are taking online bookings at the moment.";
pub const DEMO_TAG: &str = "Demo";
pub const TRY_AGAIN: &str = "Try again";
pub const ERROR_TITLE: &str = "There is a problem";

/// What to tell the visitor when a call to the API fails. The technical detail goes to the console, not here.
pub fn api_error(error: &ApiError) -> &'static str {
    match error {
        ApiError::Network => "We could not reach the service. Check your internet connection and try again.",
        ApiError::Status(status) if *status >= 500 => "Sorry, there is a problem with the service. Try again later.",
        ApiError::Status(_) | ApiError::Decode => "Sorry, something went wrong loading this page. Try again later.",
    }
}
