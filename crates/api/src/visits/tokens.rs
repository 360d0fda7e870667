//! Visitors' status tokens. A token is an HMAC of the visit id under the service secret, so a retried request can be
//! answered with the same token; the database keeps only its SHA-256, so a copy of the database reveals no token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const PREFIX: &str = "vt_";

#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl TokenKey {
    pub fn new(secret: &str) -> TokenKey {
        TokenKey(secret.as_bytes().to_vec())
    }

    /// The visitor's token for a visit.
    pub fn status_token(&self, visit_id: Uuid) -> String {
        // A key of any length is accepted by HMAC, so this cannot fail.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => return String::new(),
        };
        mac.update(b"visit-status-token:");
        mac.update(visit_id.as_bytes());
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }
}

/// What is stored and looked up: the hex SHA-256 of a token.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A cheap shape check before touching the database.
pub fn looks_valid(token: &str) -> bool {
    token.len() == PREFIX.len() + 43
        && token.starts_with(PREFIX)
        && token[PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new random secret for a deployment that did not configure one.
pub fn random_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_visit_and_differ_between_visits_and_secrets() {
        let key = TokenKey::new("0123456789abcdef0123456789abcdef");
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(key.status_token(a), key.status_token(a));
        assert_ne!(key.status_token(a), key.status_token(b));
        assert_ne!(key.status_token(a), TokenKey::new("another secret of enough length!!").status_token(a));
        assert!(looks_valid(&key.status_token(a)), "{}", key.status_token(a));
        assert!(!looks_valid("vt_short"));
        assert_eq!(hash("abc").len(), 64);
        assert_ne!(hash(&key.status_token(a)), key.status_token(a));
    }
}
