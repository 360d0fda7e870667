//! Every call this service makes to another one (the prison records service, GOV.UK Notify, later webhooks) goes
//! through a client built here, so each gets the same protections:
//!
//! - **Redirects stay on the origin asked** (scheme, host and port, RFC 6454), at most `MAX_REDIRECTS` hops. A
//!   redirect elsewhere is refused: the service configured is the one trusted with the token and the answer, and a
//!   compromised or misconfigured one must not be able to send us to another host (SSRF) or answer through it.
//! - **Connect and total timeouts** on every call, body included.
//! - **Answers are read with a size limit** (`read_limited`), chunk by chunk, stopping as soon as it is passed: a
//!   20 MB answer costs at most the limit in memory, never the whole body.
//!
//! Callers turn each refusal into their own "could not tell": "unknown, check manually" for records, a retry for
//! an email.

use std::fmt;
use std::time::Duration;

use anyhow::Context;
use reqwest::redirect::{Attempt, Policy};
use serde::de::DeserializeOwned;

/// Redirects followed on one call (all on the first URL's origin).
pub const MAX_REDIRECTS: usize = 3;

/// Why a redirect was not followed; the `source` of the `reqwest::Error` (`is_redirect()`) a call then fails with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectRefused {
    /// To another scheme, host or port.
    OtherOrigin,
    /// More than `MAX_REDIRECTS` in a row.
    TooMany,
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectRefused::OtherOrigin => f.write_str("redirected to another host (not followed)"),
            RedirectRefused::TooMany => write!(f, "more than {MAX_REDIRECTS} redirects"),
        }
    }
}

impl std::error::Error for RedirectRefused {}

/// The redirect policy of every outbound client: same origin only, at most `MAX_REDIRECTS` hops.
pub fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let Some(first) = attempt.previous().first() else {
            return attempt.error(RedirectRefused::OtherOrigin);
        };
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(RedirectRefused::TooMany)
        } else if attempt.url().origin() != first.origin() {
            attempt.error(RedirectRefused::OtherOrigin)
        } else {
            attempt.follow()
        }
    })
}

/// A client for one outbound service: same-origin redirects only, `connect_timeout` to connect and `timeout` for
/// the whole call, body included. `what` names the service in the startup error.
pub fn client(what: &str, connect_timeout: Duration, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(same_origin_redirects())
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .build()
        .with_context(|| format!("cannot build the HTTP client for {what}"))
}

/// A call that did not get a usable answer, in a few words safe to log or show staff (no URL, no body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    Timeout,
    Connect,
    Redirect(RedirectRefused),
    /// The answer is longer than the limit (bytes); it was not read past it.
    TooLarge(usize),
    /// The answer is not the JSON expected.
    Shape,
    Other,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Timeout => f.write_str("timed out"),
            CallError::Connect => f.write_str("cannot connect"),
            CallError::Redirect(why) => why.fmt(f),
            CallError::TooLarge(limit) => write!(f, "answer larger than {limit} bytes (not read)"),
            CallError::Shape => f.write_str("answer in an unexpected shape"),
            CallError::Other => f.write_str("request failed"),
        }
    }
}

impl From<&reqwest::Error> for CallError {
    fn from(e: &reqwest::Error) -> CallError {
        if e.is_redirect() {
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                if let Some(refused) = cause.downcast_ref::<RedirectRefused>() {
                    return CallError::Redirect(*refused);
                }
                source = cause.source();
            }
            CallError::Redirect(RedirectRefused::TooMany)
        } else if e.is_timeout() {
            CallError::Timeout
        } else if e.is_connect() {
            CallError::Connect
        } else {
            CallError::Other
        }
    }
}

impl From<reqwest::Error> for CallError {
    fn from(e: reqwest::Error) -> CallError {
        CallError::from(&e)
    }
}

/// The body of `response`, at most `limit` bytes. A declared `Content-Length` over the limit is refused before
/// reading; otherwise chunks are read until the limit is passed, and the rest is left unread (dropping the response
/// closes the connection).
pub async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, CallError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(CallError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(CallError::from)? {
        if body.len() + chunk.len() > limit {
            return Err(CallError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The body of `response` as JSON of type `T`, read with `read_limited`.
pub async fn read_json<T: DeserializeOwned>(response: reqwest::Response, limit: usize) -> Result<T, CallError> {
    let body = read_limited(response, limit).await?;
    serde_json::from_slice(&body).map_err(|_| CallError::Shape)
}
