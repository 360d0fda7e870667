//! GOV.UK Notify's HTTP API, shared by the email and text message transports: one API key for both, each request
//! signed with a short-lived JWT made from it (HS256, `iss` the service id, `iat` now), as Notify's own clients do.
//! The client is `outbound::client`: a redirect to another host is not followed (the send is retried later) and an
//! error answer is read up to `MAX_ERROR_BODY_BYTES` only.

use std::time::Duration;

use anyhow::bail;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde::Serialize;
use serde_json::Value;

use super::email::{SendError, summarise_error};
use crate::outbound::{self, CallError};

/// The longest error answer read: Notify's are a few hundred bytes of JSON.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: i64,
}

/// The service id and the secret inside an API key: `{key name}-{service id}-{secret}`, each id 36 characters.
pub fn split_api_key(api_key: &str) -> anyhow::Result<(String, String)> {
    let len = api_key.len();
    if len < 74 || !api_key.is_char_boundary(len - 73) {
        bail!("NOTIFY_API_KEY is not a Notify API key");
    }
    let service_id = &api_key[len - 73..len - 37];
    let secret = &api_key[len - 36..];
    if uuid::Uuid::parse_str(service_id).is_err() || uuid::Uuid::parse_str(secret).is_err() {
        bail!("NOTIFY_API_KEY is not a Notify API key (it ends in the service id and the secret key)");
    }
    Ok((service_id.to_owned(), secret.to_owned()))
}

/// Notify's API at one base URL, signed with one key.
pub struct NotifyApi {
    client: reqwest::Client,
    service_id: String,
    key: EncodingKey,
    base_url: String,
}

impl NotifyApi {
    pub fn new(api_key: &str, base_url: &str) -> anyhow::Result<NotifyApi> {
        let (service_id, secret) = split_api_key(api_key)?;
        let client = outbound::client("Notify", Duration::from_secs(5), Duration::from_secs(20))?;
        Ok(NotifyApi {
            client,
            service_id,
            key: EncodingKey::from_secret(secret.as_bytes()),
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    /// A fresh token per request: Notify refuses one whose `iat` is more than 30 seconds from its own clock, so this
    /// uses the machine's clock, not the service's (which tests move).
    fn token(&self) -> Result<String, SendError> {
        let claims = Claims { iss: &self.service_id, iat: chrono::Utc::now().timestamp() };
        encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|e| SendError::Permanent(format!("cannot sign the Notify token: {e}")))
    }

    /// Posts a notification (`path` such as `/v2/notifications/sms`). A 400 is permanent (the request itself is
    /// wrong and will stay wrong); a 403 (a key being rotated), 429, 5xx or no answer may pass later.
    pub async fn send(&self, path: &str, body: &Value) -> Result<(), SendError> {
        let response = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(self.token()?)
            .json(body)
            .send()
            .await
            .map_err(|e| SendError::Transient(summarise_error(&format!("notify: {}", CallError::from(&e)))))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Notify explains itself as {"errors": [{"error": "BadRequestError", "message": "..."}]}.
        let detail = match outbound::read_json::<Value>(response, MAX_ERROR_BODY_BYTES).await {
            Ok(v) => v["errors"][0]["message"].as_str().map(str::to_owned).unwrap_or_default(),
            Err(CallError::Shape) => String::new(),
            Err(e) => format!("({e})"),
        };
        let summary = summarise_error(&format!("notify {}: {detail}", status.as_u16()));
        if status.as_u16() == 400 { Err(SendError::Permanent(summary)) } else { Err(SendError::Transient(summary)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_key_holds_the_service_id_and_the_secret() {
        let key = "my_test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";
        let (service, secret) = split_api_key(key).unwrap();
        assert_eq!(service, "26785a09-ab16-4eb0-8407-a37497a57506");
        assert_eq!(secret, "3d844edf-8d35-48ac-975b-e847b4f122b0");
        assert!(split_api_key("not-a-key").is_err());
    }
}
