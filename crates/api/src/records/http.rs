//! The HTTP adapter for an external prison records service: `GET {base}/prisoners/{number}` with a bearer token.
//! A short timeout per try, a few retries with backoff on timeouts, connection failures and 5xx/429, and a circuit
//! breaker: after `threshold` failed lookups in a row it stops calling for `open_for`, then lets one lookup through
//! to test the water. While it is open every lookup is "unavailable" at once, so visitors never wait on it.
//! The client is `outbound::client`: a redirect to another host is not followed and an answer longer than
//! `max_body_bytes` is not read; either makes the lookup "unavailable" (checks "unknown, check manually").

use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::records::PrisonerRecord;
use reqwest::StatusCode;

use super::Lookup;
use crate::outbound::{self, CallError};

/// The longest answer read: a prisoner record with a few hundred contacts is tens of kilobytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct HttpRecordsSettings {
    pub base_url: String,
    pub token: Option<crate::config::SecretString>,
    /// Per try.
    pub timeout: Duration,
    /// Tries after the first.
    pub retries: u32,
    /// Failed lookups in a row that open the circuit.
    pub threshold: u32,
    pub open_for: Duration,
    /// The longest answer read, in bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
}

impl HttpRecordsSettings {
    pub fn new(base_url: &str) -> HttpRecordsSettings {
        HttpRecordsSettings {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: None,
            timeout: Duration::from_secs(2),
            retries: 2,
            threshold: 5,
            open_for: Duration::from_secs(30),
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Breaker {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// One trial lookup is in flight.
    HalfOpen,
}

pub struct HttpRecords {
    client: reqwest::Client,
    settings: HttpRecordsSettings,
    breaker: Mutex<Breaker>,
}

/// One try's outcome.
enum Try {
    Done(Lookup),
    Retry(String),
    GiveUp(String),
}

impl HttpRecords {
    pub fn new(settings: HttpRecordsSettings) -> anyhow::Result<HttpRecords> {
        let client = outbound::client("the prison records service", settings.timeout, settings.timeout)?;
        Ok(HttpRecords { client, settings, breaker: Mutex::new(Breaker::Closed { failures: 0 }) })
    }

    /// True while the circuit is open (no calls are made).
    pub fn is_open(&self) -> bool {
        matches!(self.state(), Breaker::Open { until } if until > Instant::now())
    }

    fn state(&self) -> Breaker {
        // A poisoned lock only means a panic elsewhere mid-update; the state is still a valid value.
        *self.breaker.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, state: Breaker) {
        *self.breaker.lock().unwrap_or_else(|e| e.into_inner()) = state;
    }

    /// May a lookup call the service now? An expired open circuit lets exactly one trial through.
    fn allow(&self) -> bool {
        let mut breaker = self.breaker.lock().unwrap_or_else(|e| e.into_inner());
        match *breaker {
            Breaker::Closed { .. } => true,
            Breaker::Open { until } if until > Instant::now() => false,
            Breaker::Open { .. } => {
                *breaker = Breaker::HalfOpen;
                true
            }
            Breaker::HalfOpen => false,
        }
    }

    fn succeeded(&self) {
        self.set(Breaker::Closed { failures: 0 });
    }

    fn failed(&self) {
        let next = match self.state() {
            Breaker::Closed { failures } if failures + 1 < self.settings.threshold => {
                Breaker::Closed { failures: failures + 1 }
            }
            _ => Breaker::Open { until: Instant::now() + self.settings.open_for },
        };
        self.set(next);
    }

    pub async fn lookup(&self, number: &str) -> Lookup {
        if !self.allow() {
            return Lookup::Unavailable("prison records circuit open after repeated failures".into());
        }
        let mut last = String::new();
        for attempt in 0..=self.settings.retries {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 * (1 << attempt.min(5)))).await;
            }
            match self.try_once(number).await {
                Try::Done(lookup) => {
                    self.succeeded();
                    return lookup;
                }
                Try::Retry(why) => last = why,
                Try::GiveUp(why) => {
                    last = why;
                    break;
                }
            }
        }
        self.failed();
        Lookup::Unavailable(last)
    }

    async fn try_once(&self, number: &str) -> Try {
        let url = format!("{}/prisoners/{}", self.settings.base_url, number);
        let mut request = self.client.get(url).header("accept", "application/json");
        if let Some(token) = &self.settings.token {
            request = request.bearer_auth(secrecy::ExposeSecret::expose_secret(token));
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                return match CallError::from(&e) {
                    CallError::Redirect(why) => Try::GiveUp(format!("prison records {why}")),
                    CallError::Timeout => Try::Retry("prison records timed out".into()),
                    CallError::Connect => Try::Retry("cannot connect to prison records".into()),
                    _ => Try::Retry("prison records request failed".into()),
                };
            }
        };
        match response.status() {
            StatusCode::OK => match outbound::read_json::<PrisonerRecord>(response, self.settings.max_body_bytes).await
            {
                Ok(record) if record.number.eq_ignore_ascii_case(number) => Try::Done(Lookup::Found(Box::new(record))),
                Ok(_) => Try::GiveUp("prison records answered about another prisoner".into()),
                Err(CallError::Timeout) => Try::Retry("prison records timed out".into()),
                Err(CallError::Shape) => Try::GiveUp("prison records answered in an unexpected shape".into()),
                Err(e) => Try::GiveUp(format!("prison records {e}")),
            },
            StatusCode::NOT_FOUND => Try::Done(Lookup::NotFound),
            status if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
                Try::Retry(format!("prison records answered {}", status.as_u16()))
            }
            status => Try::GiveUp(format!("prison records answered {}", status.as_u16())),
        }
    }
}
