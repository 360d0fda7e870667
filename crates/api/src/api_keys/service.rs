//! API keys: making them (the secret shown once, kept only as a hash), changing, rotating and revoking them, and
//! authenticating a request made with one.
//!
//! A secret is `pvb_` + the first 8 hex digits of the key's id + `_` + 32 random bytes in unpadded base64url
//! (43 characters): 56 characters in all, recognisable by its prefix (secret scanners, logs) and by its id
//! fragment (which key). With 256 bits of randomness nobody can guess one, so a single SHA-256 (not a slow password
//! hash) is the right way to store it: it protects a leaked table just as well, and costs nothing per request.
//!
//! Every request with a key reads the key in the database (by the hash, a primary key lookup), so a revoke, an
//! expiry or a change of scope or prisons takes effect at once on every instance. No cache.
//!
//! Rotation gives the same key a new secret. The old secret keeps working until the end of the overlap the admin
//! chooses (`overlap_minutes`, default 24 hours, 0 = ends at once); a second rotation during an overlap does not
//! extend an older secret's end (it only ever comes sooner).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use domain::api_keys::{
    ApiKeyCreated, ApiKeyView, NewApiKey, RotateApiKey, UpdateApiKey, check_expiry, check_name, check_overlap,
    check_prison_ids, check_rate_limit, check_scopes,
};
use domain::error::{FieldError, FieldErrorCode};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::store::{self, KeyRecord};
use crate::auth::{ApiKeyCaller, StaffUser};
use crate::error::ApiError;
use crate::rate_limits::{self, Limit};
use crate::state::AppState;
use crate::visits::tokens;

/// Every secret starts with this.
pub const SECRET_PREFIX: &str = "pvb_";
/// Hex digits of the key's id in the secret.
const ID_FRAGMENT_LEN: usize = 8;
/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;
/// Characters of base64url for [`SECRET_BYTES`] (no padding).
const SECRET_CHARS: usize = 43;
/// The whole secret's length.
const SECRET_LEN: usize = SECRET_PREFIX.len() + ID_FRAGMENT_LEN + 1 + SECRET_CHARS;
/// Characters of a secret shown in lists: the prefix, the id fragment, `_` and 4 of the random part.
const SHOWN_CHARS: usize = SECRET_PREFIX.len() + ID_FRAGMENT_LEN + 1 + 4;

/// Where a key stands against its rate limit for this request: a fixed one-minute window counted in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    /// Requests a minute the key may make.
    pub limit: u32,
    /// This request's number in the window (1 for the first).
    pub count: i32,
    /// Seconds until the window ends (at least 1).
    pub resets_in_secs: i64,
}

impl RateState {
    /// Over the limit: the request is answered 429.
    pub fn over(&self) -> bool {
        i64::from(self.count) > i64::from(self.limit)
    }

    /// `RateLimit-Policy: "default";q=600;w=60` and `RateLimit: "default";r=12;t=30` (draft-ietf-httpapi-ratelimit-
    /// headers): the quota per window, and the requests remaining and seconds until the window ends.
    pub fn add_headers(&self, headers: &mut actix_web::http::header::HeaderMap) {
        use actix_web::http::header::{HeaderName, HeaderValue};
        let remaining = (i64::from(self.limit) - i64::from(self.count)).max(0);
        let policy = format!("\"default\";q={};w=60", self.limit);
        let now = format!("\"default\";r={remaining};t={}", self.resets_in_secs.max(0));
        for (name, value) in [("ratelimit-policy", policy), ("ratelimit", now)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
}

/// A new secret for key `id`, and what lists show of it.
fn new_secret(id: Uuid) -> (String, String) {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    let fragment = &id.simple().to_string()[..ID_FRAGMENT_LEN];
    let secret = format!("{SECRET_PREFIX}{fragment}_{}", URL_SAFE_NO_PAD.encode(bytes));
    let shown = secret.chars().take(SHOWN_CHARS).collect();
    (secret, shown)
}

/// The shape of a secret, checked before the database is asked: anything else is the same 401.
fn looks_like_secret(token: &str) -> bool {
    let bytes = token.as_bytes();
    token.len() == SECRET_LEN
        && token.starts_with(SECRET_PREFIX)
        && bytes[SECRET_PREFIX.len()..SECRET_PREFIX.len() + ID_FRAGMENT_LEN]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && bytes[SECRET_PREFIX.len() + ID_FRAGMENT_LEN] == b'_'
        && bytes[SECRET_PREFIX.len() + ID_FRAGMENT_LEN + 1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// The key behind a bearer token that starts with [`SECRET_PREFIX`], if it is live now: the secret is known, the
/// key is not revoked or expired, and a rotated-out secret is still in its overlap. Counts the request against the
/// key's rate limit (the caller answers 429 when [`RateState::over`]) and notes its use at most once a minute.
/// Every refusal is the same [`ApiError::Unauthorized`].
pub async fn authenticate(state: &AppState, token: &str) -> Result<ApiKeyCaller, ApiError> {
    if !looks_like_secret(token) {
        return Err(ApiError::Unauthorized);
    }
    let now = state.clock.now();
    let (key, valid_until) =
        store::find_by_secret(&state.db, &tokens::hash(token)).await?.ok_or(ApiError::Unauthorized)?;
    let live = key.revoked_at.is_none()
        && key.expires_at.is_none_or(|at| at > now)
        && valid_until.is_none_or(|until| until > now);
    if !live {
        return Err(ApiError::Unauthorized);
    }
    let prison_ids = store::prisons_of(&state.db, key.id).await?;
    let limit = Limit::new("api-key", &key.id.to_string(), key.rate_limit_per_minute, Duration::minutes(1));
    let (count, resets_in_secs) = rate_limits::reserve_one(&state.db, now, &limit).await?;
    if key.last_used_at.is_none_or(|at| at <= now - Duration::minutes(1)) {
        store::touch(&state.db, key.id, now).await?;
    }
    Ok(ApiKeyCaller {
        id: key.id,
        name: key.name,
        prison_ids,
        scopes: key.scopes,
        rate: RateState { limit: key.rate_limit_per_minute, count, resets_in_secs },
    })
}

/// The prisons asked for, each existing; errors name the field `prison_ids[i]`.
async fn check_prisons(state: &AppState, asked: &[Uuid]) -> Result<Result<Vec<Uuid>, Vec<FieldError>>, ApiError> {
    let ids = match check_prison_ids(asked) {
        Ok(ids) => ids,
        Err(e) => return Ok(Err(vec![e])),
    };
    let known: Vec<Uuid> = crate::prisons::store::list_details(&state.db).await?.into_iter().map(|p| p.id).collect();
    let errors: Vec<FieldError> = asked
        .iter()
        .enumerate()
        .filter(|(_, id)| !known.contains(id))
        .map(|(i, _)| {
            FieldError::new(format!("prison_ids[{i}]"), FieldErrorCode::UnknownPrison, "Choose a prison from the list")
        })
        .collect();
    Ok(if errors.is_empty() { Ok(ids) } else { Err(errors) })
}

fn collect<T>(result: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Makes a key. Every field is checked and every problem reported at once (422); the secret is in the answer only.
pub async fn create(state: &AppState, admin: &StaffUser, new: NewApiKey) -> Result<ApiKeyCreated, ApiError> {
    let now = state.clock.now();
    let mut errors = Vec::new();
    let name = collect(check_name(&new.name), &mut errors);
    let scopes = collect(check_scopes(&new.scopes), &mut errors);
    let expires_at = collect(check_expiry(new.expires_at, now), &mut errors);
    let rate = collect(check_rate_limit(new.rate_limit_per_minute), &mut errors);
    let prisons = match check_prisons(state, &new.prison_ids).await? {
        Ok(ids) => Some(ids),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let (Some(name), Some(scopes), Some(expires_at), Some(rate), Some(prisons)) =
        (name, scopes, expires_at, rate, prisons)
    else {
        return Err(ApiError::Validation(errors));
    };
    let id = Uuid::new_v4();
    let (secret, shown) = new_secret(id);
    let tx = state.db.begin().await?;
    let key = store::NewKey {
        id,
        name: &name,
        scopes: &scopes,
        rate_limit_per_minute: rate,
        expires_at,
        created_by_id: admin.id,
        created_by_name: &admin.name,
        now,
    };
    store::insert(&tx, &key).await?;
    store::set_prisons(&tx, id, &prisons).await?;
    store::insert_secret(&tx, id, &tokens::hash(&secret), &shown, now).await?;
    tx.commit().await?;
    tracing::info!(api_key_id = %id, staff_id = %admin.id, "api key created");
    Ok(ApiKeyCreated { key: get(state, id).await?, secret })
}

fn view(
    key: KeyRecord,
    prisons: Vec<Uuid>,
    secrets: &[(Uuid, String, Option<DateTime<Utc>>)],
    now: DateTime<Utc>,
) -> ApiKeyView {
    let mine = secrets.iter().filter(|(k, _, _)| *k == key.id);
    let prefix =
        mine.clone().filter(|(_, _, until)| until.is_none()).map(|(_, p, _)| p.clone()).next_back().unwrap_or_default();
    let previous = mine.filter_map(|(_, _, until)| *until).filter(|until| *until > now).max();
    ApiKeyView {
        id: key.id,
        name: key.name,
        prefix,
        prison_ids: prisons,
        scopes: key.scopes,
        rate_limit_per_minute: key.rate_limit_per_minute,
        created_at: key.created_at,
        created_by: key.created_by_name,
        expires_at: key.expires_at,
        last_used_at: key.last_used_at,
        revoked_at: key.revoked_at,
        previous_secret_valid_until: if key.revoked_at.is_some() { None } else { previous },
    }
}

/// Every key, newest first, revoked ones included.
pub async fn list(state: &AppState) -> Result<Vec<ApiKeyView>, ApiError> {
    let keys = store::list(&state.db).await?;
    let prisons = store::all_prisons(&state.db).await?;
    let secrets = store::secrets(&state.db, None).await?;
    let now = state.clock.now();
    Ok(keys
        .into_iter()
        .map(|k| {
            let mine = prisons.iter().filter(|(key, _)| *key == k.id).map(|(_, p)| *p).collect();
            view(k, mine, &secrets, now)
        })
        .collect())
}

/// One key; 404 when there is none.
pub async fn get(state: &AppState, id: Uuid) -> Result<ApiKeyView, ApiError> {
    let key = store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let prisons = store::prisons_of(&state.db, id).await?;
    let secrets = store::secrets(&state.db, Some(id)).await?;
    Ok(view(key, prisons, &secrets, state.clock.now()))
}

fn revoked() -> ApiError {
    ApiError::KeyRevoked
}

/// Changes what is sent: name, prisons, scopes, expiry, rate limit. A revoked key cannot be changed (409).
pub async fn update(state: &AppState, id: Uuid, change: UpdateApiKey) -> Result<ApiKeyView, ApiError> {
    let current = store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    if current.revoked_at.is_some() {
        return Err(revoked());
    }
    let now = state.clock.now();
    let mut errors = Vec::new();
    let name = change.name.as_deref().map(check_name).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let scopes = change.scopes.as_deref().map(check_scopes).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let rate = change
        .rate_limit_per_minute
        .map(|r| check_rate_limit(Some(r)))
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let expires_at = if change.clear_expiry {
        if change.expires_at.is_some() {
            errors.push(FieldError::new(
                "clear_expiry",
                FieldErrorCode::InvalidValue,
                "Send either an expiry or clear_expiry, not both",
            ));
        }
        Some(None)
    } else {
        match change.expires_at {
            Some(at) => collect(check_expiry(Some(at), now), &mut errors).map(|_| Some(at)),
            None => None,
        }
    };
    let prisons = match &change.prison_ids {
        Some(asked) => match check_prisons(state, asked).await? {
            Ok(ids) => Some(ids),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let tx = state.db.begin().await?;
    let changes =
        store::Changes { name: name.as_deref(), scopes: scopes.as_deref(), expires_at, rate_limit_per_minute: rate };
    if !store::update(&tx, id, &changes).await? {
        tx.rollback().await?;
        return Err(revoked());
    }
    if let Some(prisons) = &prisons {
        store::set_prisons(&tx, id, prisons).await?;
    }
    tx.commit().await?;
    get(state, id).await
}

/// Revokes a key: from this moment no request with any of its secrets is accepted, on any instance. Revoking a
/// revoked key changes nothing.
pub async fn revoke(state: &AppState, admin: &StaffUser, id: Uuid) -> Result<ApiKeyView, ApiError> {
    store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    store::revoke(&state.db, id, state.clock.now()).await?;
    tracing::info!(api_key_id = %id, staff_id = %admin.id, "api key revoked");
    get(state, id).await
}

/// A new secret for the key; the old ones keep working until the overlap ends (see the module's notes).
pub async fn rotate(
    state: &AppState,
    admin: &StaffUser,
    id: Uuid,
    request: RotateApiKey,
) -> Result<ApiKeyCreated, ApiError> {
    let overlap = check_overlap(request.overlap_minutes).map_err(ApiError::validation)?;
    let key = store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    if key.revoked_at.is_some() {
        return Err(revoked());
    }
    let now = state.clock.now();
    let (secret, shown) = new_secret(id);
    let tx = state.db.begin().await?;
    store::retire_secrets(&tx, id, now + Duration::minutes(i64::from(overlap)), now).await?;
    store::insert_secret(&tx, id, &tokens::hash(&secret), &shown, now).await?;
    tx.commit().await?;
    tracing::info!(api_key_id = %id, staff_id = %admin.id, overlap_minutes = overlap, "api key rotated");
    Ok(ApiKeyCreated { key: get(state, id).await?, secret })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_secret_has_the_documented_shape() {
        let id = Uuid::new_v4();
        let (secret, shown) = new_secret(id);
        assert_eq!(secret.len(), SECRET_LEN);
        assert!(looks_like_secret(&secret), "{secret}");
        assert!(secret.starts_with(&format!("pvb_{}_", &id.simple().to_string()[..8])));
        assert!(secret.starts_with(&shown) && shown.len() == SHOWN_CHARS);
        assert_ne!(new_secret(id).0, secret);
        assert!(!looks_like_secret(&secret[..SECRET_LEN - 1]));
        assert!(!looks_like_secret(&format!("{}!", &secret[..SECRET_LEN - 1])));
    }
}
