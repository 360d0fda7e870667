//! Staff authentication: argon2id password hashes, short-lived JWT access tokens (HS256 pinned; issuer, audience,
//! expiry, not-before and token type all checked against the service clock) bound to a session (`sid`), and the
//! extractors that turn a bearer token into the signed-in staff member. Every request checks, in the database, that
//! the token's session is live and loads the account fresh, so that signing out, disabling an account or resetting
//! its password ends its access tokens at once, on every instance.
//!
//! A bearer token that starts with `pvb_` is an integrator's API key instead (`crate::api_keys`), looked up by its
//! hash on every request, so a revoke or an expiry takes effect at once on every instance. Handlers that both may
//! call take a [`Principal`].

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, ResponseError, web};
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use domain::api_keys::Scope;
use domain::staff::Role;
use domain::visit::Actor;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

pub const ISSUER: &str = "prison-visits";
pub const AUDIENCE: &str = "prison-visits-staff";
pub const ACCESS_TOKEN_TYPE: &str = "access";
pub const ACCESS_TTL: Duration = Duration::minutes(15);
/// Tolerance for clocks of different instances disagreeing a little.
const LEEWAY_SECS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub typ: String,
    pub jti: String,
    /// The session (refresh token family) the token was issued for; it works only while that session is live.
    pub sid: String,
}

/// What a valid access token says: who, and in which session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessClaims {
    pub staff_id: Uuid,
    pub session_id: Uuid,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// Derived from the service secret, so every instance signs and checks with the same key.
    pub fn from_secret(secret: &str) -> JwtKeys {
        let key = Sha256::digest(format!("staff-jwt:{secret}").as_bytes());
        JwtKeys { encoding: EncodingKey::from_secret(&key), decoding: DecodingKey::from_secret(&key) }
    }

    pub fn issue(&self, staff_id: Uuid, session_id: Uuid, now: DateTime<Utc>) -> Result<String, ApiError> {
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: staff_id.to_string(),
            exp: (now + ACCESS_TTL).timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            typ: ACCESS_TOKEN_TYPE.into(),
            jti: Uuid::new_v4().to_string(),
            sid: session_id.to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| ApiError::Internal(e.into()))
    }

    /// The staff id and session in a valid access token. Any fault (signature, algorithm, issuer, audience, type,
    /// expiry, not-before, shape, no `sid`) is the same 401. Whether the session is still live is the caller's check.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Time is checked below against the service clock (which tests can move), not the machine's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = decode::<Claims>(token, &self.decoding, &validation).map_err(|_| ApiError::Unauthorized)?.claims;
        let now = now.timestamp();
        if claims.typ != ACCESS_TOKEN_TYPE || claims.exp + LEEWAY_SECS < now || claims.nbf - LEEWAY_SECS > now {
            return Err(ApiError::Unauthorized);
        }
        Ok(AccessClaims {
            staff_id: claims.sub.parse().map_err(|_| ApiError::Unauthorized)?,
            session_id: claims.sid.parse().map_err(|_| ApiError::Unauthorized)?,
        })
    }
}

/// argon2id with the crate's default (OWASP-recommended) parameters. CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot hash a password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub async fn hash_password_async(password: String) -> Result<String, ApiError> {
    web::block(move || hash_password(&password)).await.map_err(|e| ApiError::Internal(e.into()))?
}

pub async fn verify_password_async(password: String, hash: String) -> Result<bool, ApiError> {
    web::block(move || verify_password(&password, &hash)).await.map_err(|e| ApiError::Internal(e.into()))
}

/// The signed-in member of staff, as the database knows them now.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The prisons this account belongs to (for an admin: every prison may be acted on regardless).
    pub prison_ids: Vec<Uuid>,
}

impl StaffUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the caller may see and act on the prison's visits.
    pub fn can_access(&self, prison_id: Uuid) -> bool {
        self.is_admin() || self.prison_ids.contains(&prison_id)
    }

    /// The prisons whose work the caller sees; `None` means all (an admin).
    pub fn prison_scope(&self) -> Option<&[Uuid]> {
        if self.is_admin() { None } else { Some(&self.prison_ids) }
    }
}

/// Who sent a request, as far as an `Idempotency-Key` is concerned: a replay matches only its own credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// Anyone without a credential (the visitor's web app).
    Visitor,
    Staff(Uuid),
    ApiKey(Uuid),
}

impl Credential {
    /// As stored beside an idempotency key: `visitor`, `staff:<id>`, `api_key:<id>` (at most 44 characters).
    pub fn stored(&self) -> String {
        match self {
            Credential::Visitor => "visitor".to_owned(),
            Credential::Staff(id) => format!("staff:{id}"),
            Credential::ApiKey(id) => format!("api_key:{id}"),
        }
    }
}

/// A request made with an integrator's API key (see `crate::api_keys`), as the database knows the key now.
#[derive(Debug, Clone)]
pub struct ApiKeyCaller {
    pub id: Uuid,
    /// The key's name: the actor name of every change made with it.
    pub name: String,
    /// The prisons the key reaches.
    pub prison_ids: Vec<Uuid>,
    pub scopes: Vec<Scope>,
    /// Requests a minute, and this request's place in the current window (see `crate::api_keys::service`).
    pub rate: crate::api_keys::service::RateState,
}

/// Whoever called: a member of staff (JWT) or an integrator (API key). The one extractor for endpoints that both
/// may use. A handler says what it needs with [`Principal::require`] (staff always pass: their rights are by role,
/// and admin-only endpoints keep [`AdminUser`]), and limits itself to [`Principal::can_access`] /
/// [`Principal::prison_scope`]; changes record [`Principal::actor`] and [`Principal::actor_name`].
///
/// Endpoints that take [`StaffUser`] or [`AdminUser`] stay staff-only: an API key gets 403 there. An endpoint that
/// reads a body takes [`Scoped`] instead, so that the scope is checked before the body is.
#[derive(Debug, Clone)]
pub enum Principal {
    Staff(StaffUser),
    ApiKey(ApiKeyCaller),
}

impl Principal {
    /// Whether the caller may see and act on the prison's things (staff: their prisons, or all for an admin; a
    /// key: its prisons).
    pub fn can_access(&self, prison_id: Uuid) -> bool {
        match self {
            Principal::Staff(user) => user.can_access(prison_id),
            Principal::ApiKey(key) => key.prison_ids.contains(&prison_id),
        }
    }

    /// The prisons whose work the caller sees; `None` means all (an admin).
    pub fn prison_scope(&self) -> Option<&[Uuid]> {
        match self {
            Principal::Staff(user) => user.prison_scope(),
            Principal::ApiKey(key) => Some(&key.prison_ids),
        }
    }

    /// `Ok` when the caller may do what needs `scope`: a member of staff always, a key when it holds the scope;
    /// otherwise 403 `missing_scope`, naming it.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        match self {
            Principal::Staff(_) => Ok(()),
            Principal::ApiKey(key) if key.scopes.contains(&scope) => Ok(()),
            Principal::ApiKey(_) => Err(ApiError::MissingScope(scope)),
        }
    }

    /// Who a visit's timeline says made a change.
    pub fn actor(&self) -> Actor {
        match self {
            Principal::Staff(_) => Actor::Staff,
            Principal::ApiKey(_) => Actor::Integrator,
        }
    }

    /// The timeline's actor name: the staff member's name or the key's.
    pub fn actor_name(&self) -> &str {
        match self {
            Principal::Staff(user) => &user.name,
            Principal::ApiKey(key) => &key.name,
        }
    }

    pub fn credential(&self) -> Credential {
        match self {
            Principal::Staff(user) => Credential::Staff(user.id),
            Principal::ApiKey(key) => Credential::ApiKey(key.id),
        }
    }

    /// The member of staff, if it is one.
    pub fn staff(&self) -> Option<&StaffUser> {
        match self {
            Principal::Staff(user) => Some(user),
            Principal::ApiKey(_) => None,
        }
    }
}

/// For logs: `staff:<id>` or `api_key:<id>`.
impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.credential().stored())
    }
}

/// The bearer token of the request, if it has one.
fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    // Two credentials in one request are refused, not one of them chosen: a proxy in front may choose the other.
    if req.headers().get_all("authorization").nth(1).is_some() {
        return Err(ApiError::Unauthorized);
    }
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok()).ok_or(ApiError::Unauthorized)?;
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)
}

async fn authenticate(req: HttpRequest) -> Result<Principal, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or(ApiError::Unauthorized)?;
    let token = bearer(&req)?;
    if token.starts_with(crate::api_keys::service::SECRET_PREFIX) {
        return Ok(Principal::ApiKey(crate::api_keys::service::authenticate(state, token).await?));
    }
    let now = state.clock.now();
    let AccessClaims { staff_id, session_id } = state.jwt.verify(token, now)?;
    if !crate::staff::store::session_is_live(&state.db, session_id, staff_id, now).await? {
        return Err(ApiError::Unauthorized);
    }
    let (account, prison_ids) =
        crate::staff::store::find_with_prisons(&state.db, staff_id).await?.ok_or(ApiError::Unauthorized)?;
    if account.disabled {
        return Err(ApiError::Unauthorized);
    }
    Ok(Principal::Staff(StaffUser {
        id: account.id,
        email: account.email,
        name: account.name,
        role: account.role,
        prison_ids,
    }))
}

/// The caller as [`authenticate_first`] found them: `None` when the bearer token was missing or not accepted.
#[derive(Clone)]
struct Caller(Option<Principal>);

/// Middleware that settles who is calling before a handler's extractors run. Actix polls a handler's extractors
/// together, so with the database lookup inside the extractor a request both unauthorised and malformed got a 400
/// or a 401/403 depending on which finished first; here the answer to "who" always comes first. A database failure
/// during the lookup is answered at once (503 or 500).
///
/// A request made with an API key is counted against the key's rate limit here, in the database (so across every
/// instance), whatever it asks for: over the limit it is answered 429 at once, and every answer to a key carries
/// the `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers).
pub async fn authenticate_first(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut rate = None;
    if req.headers().contains_key(header::AUTHORIZATION) {
        let caller = match authenticate(req.request().clone()).await {
            Ok(principal) => Caller(Some(principal)),
            Err(ApiError::Unauthorized) => Caller(None),
            Err(other) => return Err(other.into()),
        };
        if let Some(Principal::ApiKey(key)) = &caller.0 {
            rate = Some(key.rate);
            if key.rate.over() {
                let mut response = ApiError::RateLimited { retry_after_secs: key.rate.resets_in_secs }.error_response();
                key.rate.add_headers(response.headers_mut());
                return Ok(req.into_response(response));
            }
        }
        req.extensions_mut().insert(caller);
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    if let Some(rate) = rate {
        rate.add_headers(response.headers_mut());
    }
    Ok(response)
}

fn caller(req: &HttpRequest) -> Result<Principal, ApiError> {
    req.extensions().get::<Caller>().and_then(|caller| caller.0.clone()).ok_or(ApiError::Unauthorized)
}

/// A member of staff; an API key gets 403 (staff-only endpoint), no or a bad credential 401.
fn staff_caller(req: &HttpRequest) -> Result<StaffUser, ApiError> {
    match caller(req)? {
        Principal::Staff(user) => Ok(user),
        Principal::ApiKey(_) => Err(ApiError::Forbidden),
    }
}

impl FromRequest for StaffUser {
    type Error = ApiError;
    type Future = Ready<Result<StaffUser, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(staff_caller(req))
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Principal, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller(req))
    }
}

/// A scope as a type, for [`Scoped`]: `Scoped<scope::VisitsDecide>`.
pub trait ScopeMarker {
    const SCOPE: Scope;
}

/// One marker type per [`Scope`], for [`Scoped`].
pub mod scope {
    use super::{Scope, ScopeMarker};

    macro_rules! markers {
        ($($name:ident),*) => {$(
            #[derive(Debug, Clone, Copy)]
            pub struct $name;
            impl ScopeMarker for $name {
                const SCOPE: Scope = Scope::$name;
            }
        )*};
    }
    markers!(VisitsRead, VisitsWrite, VisitsDecide, RecordsWrite, ReportsRead, WebhooksManage);
}

/// A [`Principal`] that holds scope `S` (see [`Principal::require`]), checked as the request is extracted, before
/// its body is read: a key without the scope gets 403 whatever it sent, as a member of staff without the right
/// does on staff-only endpoints. Derefs to the [`Principal`].
#[derive(Debug, Clone)]
pub struct Scoped<S>(pub Principal, std::marker::PhantomData<S>);

impl<S> std::ops::Deref for Scoped<S> {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl<S> std::fmt::Display for Scoped<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: ScopeMarker> FromRequest for Scoped<S> {
    type Error = ApiError;
    type Future = Ready<Result<Scoped<S>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller(req).and_then(|p| p.require(S::SCOPE).map(|()| Scoped(p, std::marker::PhantomData))))
    }
}

/// An admin, or an API key holding scope `S` (for its own prisons): for what only admins manage among staff but an
/// integrator may manage for itself (webhook subscriptions). Other staff get 403, before the body is read.
#[derive(Debug, Clone)]
pub struct AdminOrKey<S>(pub Principal, std::marker::PhantomData<S>);

impl<S> std::ops::Deref for AdminOrKey<S> {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl<S> std::fmt::Display for AdminOrKey<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: ScopeMarker> FromRequest for AdminOrKey<S> {
    type Error = ApiError;
    type Future = Ready<Result<AdminOrKey<S>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller(req).and_then(|p| match &p {
            Principal::Staff(user) if !user.is_admin() => Err(ApiError::Forbidden),
            _ => p.require(S::SCOPE).map(|()| AdminOrKey(p, std::marker::PhantomData)),
        }))
    }
}

/// The caller on an endpoint open to everyone: `None` without an `Authorization` header, the principal with a
/// valid one, and 401 with one that is not accepted (a bad credential never silently becomes anonymous).
#[derive(Debug, Clone)]
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequest for MaybePrincipal {
    type Error = ApiError;
    type Future = Ready<Result<MaybePrincipal, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return ready(Ok(MaybePrincipal(None)));
        }
        ready(caller(req).map(|p| MaybePrincipal(Some(p))))
    }
}

/// A signed-in admin; anyone else gets 403 (or 401 when not signed in). An API key is never an admin.
#[derive(Debug, Clone)]
pub struct AdminUser(pub StaffUser);

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Ready<Result<AdminUser, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            staff_caller(req)
                .and_then(|user| if user.is_admin() { Ok(AdminUser(user)) } else { Err(ApiError::Forbidden) }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapler", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_refused_outside_their_lifetime() {
        let keys = JwtKeys::from_secret("a secret of at least thirty-two characters");
        let now = Utc::now();
        let (id, sid) = (Uuid::new_v4(), Uuid::new_v4());
        let token = keys.issue(id, sid, now).unwrap();
        assert_eq!(keys.verify(&token, now).unwrap(), AccessClaims { staff_id: id, session_id: sid });
        assert!(keys.verify(&token, now + ACCESS_TTL + Duration::minutes(1)).is_err());
        assert!(keys.verify(&token, now - Duration::minutes(5)).is_err());
        let other = JwtKeys::from_secret("another secret of at least thirty-two characters");
        assert!(other.verify(&token, now).is_err());
    }
}
