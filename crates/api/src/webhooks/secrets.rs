//! Signing secrets and signatures (Standard Webhooks, through the `standardwebhooks` crate, the specification's own).
//!
//! **Storage.** A secret must be recoverable (the service signs with it), unlike a password, so it cannot be hashed.
//! It is stored as is, in `webhook_subscription.secret`, and shown only on create and rotate. Encrypting it with a
//! key derived from the service secret would add nothing here: without `SECRET_KEY` that secret lives in the same
//! database (`service_secret`), so whoever reads one reads both; with `SECRET_KEY` set it would help, and is the
//! place to add it (`seal`/`open` around these two columns) if the database is ever read by others.

use base64::Engine;
use chrono::{DateTime, Utc};

/// The prefix the specification gives secrets.
pub const PREFIX: &str = "whsec_";
/// How long a rotated secret keeps signing beside the new one (receivers switch over meanwhile).
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// A new secret: `whsec_` and the base64 of 32 random bytes.
pub fn generate() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` for each secret, separated
/// by spaces (the new secret first, then a rotated one still in its overlap).
pub fn signature_header(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let mut signatures = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let webhook =
            standardwebhooks::Webhook::new(secret).map_err(|_| "the signing secret is unreadable".to_owned())?;
        signatures.push(webhook.sign(id, timestamp, body.as_bytes()).map_err(|e| e.to_string())?);
    }
    Ok(signatures.join(" "))
}

/// The secrets that sign now: the current one, and the previous one until its overlap ends.
pub fn signing<'a>(
    current: &'a str,
    previous: Option<&'a str>,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<&'a str> {
    let mut secrets = vec![current];
    if let (Some(previous), Some(until)) = (previous, until)
        && now < until
    {
        secrets.push(previous);
    }
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    #[test]
    fn a_secret_is_whsec_and_32_random_bytes() {
        let secret = generate();
        let bytes = base64::engine::general_purpose::STANDARD.decode(secret.strip_prefix(PREFIX).unwrap()).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(generate(), secret);
    }

    #[test]
    fn signatures_are_the_hmac_of_id_timestamp_and_body_for_each_secret() {
        let (a, b) = (generate(), generate());
        let header = signature_header(&[&a, &b], "msg_1", 1_700_000_000, r#"{"x":1}"#).unwrap();
        let signatures: Vec<&str> = header.split(' ').collect();
        assert_eq!(signatures.len(), 2);
        for (secret, signature) in [(&a, signatures[0]), (&b, signatures[1])] {
            let key = base64::engine::general_purpose::STANDARD.decode(&secret[PREFIX.len()..]).unwrap();
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
            mac.update(br#"msg_1.1700000000.{"x":1}"#);
            let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            assert_eq!(signature, format!("v1,{expected}"));
        }
    }
}
