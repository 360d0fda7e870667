//! The signed-in member of staff. The access token lives in memory only; the refresh token in this tab's
//! sessionStorage, so a reload keeps the session and closing the tab ends it. The access token is renewed a minute
//! before it expires (and once more if the server refuses it); when renewal fails the session ends everywhere at
//! once, so no screen is left half working.

use std::cell::RefCell;
use std::time::Duration;

use domain::staff::{RefreshRequest, StaffProfile, TokenPair};
use frontend_shared::api::{self as shared, ApiError};
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use web_sys::Storage;

const REFRESH_KEY: &str = "pvb.staff.refresh";
const PRISON_KEY: &str = "pvb.staff.prison";
/// Renew the access token this long before it expires.
const RENEW_EARLY_SECS: u32 = 60;

/// The token renewal under way, shared by every call waiting for it.
type Renewal = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

thread_local! {
    static ACCESS: RefCell<Option<String>> = const { RefCell::new(None) };
    static RENEWING: RefCell<Option<Renewal>> = const { RefCell::new(None) };
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A refresh token was found at start: renewing it.
    Starting,
    SignedOut,
    SignedIn,
}

/// Why the last session ended, told on the sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    SignedOut,
    Expired,
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub phase: RwSignal<Phase>,
    pub profile: RwSignal<Option<StaffProfile>>,
    /// The prison whose work is shown.
    pub prison: RwSignal<Option<Uuid>>,
    pub ended: RwSignal<Option<Ended>>,
    /// Set when the start-up renewal could not reach the server.
    pub offline: RwSignal<bool>,
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session {
        phase: RwSignal::new(Phase::SignedOut),
        profile: RwSignal::new(None),
        prison: RwSignal::new(None),
        ended: RwSignal::new(None),
        offline: RwSignal::new(false),
    })
}

impl Session {
    /// Provides the session to the app and, when this tab holds a refresh token, signs back in with it.
    pub fn provide() -> Session {
        let has_token = load(REFRESH_KEY).is_some();
        let session = Session {
            phase: RwSignal::new(if has_token { Phase::Starting } else { Phase::SignedOut }),
            profile: RwSignal::new(None),
            prison: RwSignal::new(load(PRISON_KEY).and_then(|id| id.parse().ok())),
            ended: RwSignal::new(None),
            offline: RwSignal::new(false),
        };
        provide_context(session);
        Effect::new(move |_| {
            if let Some(id) = session.prison.get() {
                save(PRISON_KEY, &id.to_string());
            }
        });
        if has_token {
            spawn_local(async move { session.resume().await });
        }
        session
    }

    async fn resume(self) {
        match self.renew().await {
            Ok(()) => self.load_profile().await,
            Err(ApiError::Network) => self.offline.set(true),
            Err(_) => self.end(Ended::Expired),
        }
    }

    /// Takes the tokens of a successful sign-in and loads who they belong to.
    pub async fn signed_in(self, pair: TokenPair) {
        self.accept(pair);
        self.ended.set(None);
        self.load_profile().await;
    }

    /// Loads the profile again (an admin's list of prisons after adding one).
    pub async fn reload_profile(self) {
        self.load_profile().await;
    }

    async fn load_profile(self) {
        match get::<StaffProfile>(self, "/api/v1/staff/me".into()).await {
            Ok(profile) => {
                let chosen = self.prison.get_untracked();
                if !chosen.is_some_and(|id| profile.prisons.iter().any(|p| p.id == id)) {
                    self.prison.set(profile.prisons.first().map(|p| p.id));
                }
                self.profile.set(Some(profile));
                // Set only when it changes: every page behind sign-in is rebuilt when the phase is set.
                if self.offline.get_untracked() {
                    self.offline.set(false);
                }
                if self.phase.get_untracked() != Phase::SignedIn {
                    self.phase.set(Phase::SignedIn);
                }
            }
            Err(ApiError::Network) => self.offline.set(true),
            Err(_) => self.end(Ended::Expired),
        }
    }

    fn accept(self, pair: TokenPair) {
        ACCESS.with(|a| *a.borrow_mut() = Some(pair.access_token));
        save(REFRESH_KEY, &pair.refresh_token);
        let early = pair.expires_in.saturating_sub(RENEW_EARLY_SECS).max(5);
        let handle = set_timeout_with_handle(
            move || {
                spawn_local(async move {
                    if let Err(error) = self.renew().await
                        && error != ApiError::Network
                    {
                        self.end(Ended::Expired);
                    }
                })
            },
            Duration::from_secs(u64::from(early)),
        )
        .ok();
        TIMER.with(|t| {
            if let Some(old) = t.replace(handle) {
                old.clear();
            }
        });
    }

    /// Exchanges the refresh token for a new pair. Calls that need it at the same moment share one exchange
    /// (each refresh token works once).
    async fn renew(self) -> Result<(), ApiError> {
        let running = RENEWING.with(|r| r.borrow().clone());
        let future = match running {
            Some(future) => future,
            None => {
                let future = async move {
                    let token = load(REFRESH_KEY).ok_or(ApiError::Status(401))?;
                    let body = serde_json::to_string(&RefreshRequest { refresh_token: token })
                        .map_err(|_| ApiError::Decode)?;
                    let pair: TokenPair =
                        shared::call("POST", "/api/v1/staff/token/refresh".into(), Some(body), &[], false).await?;
                    self.accept(pair);
                    Ok(())
                }
                .boxed_local()
                .shared();
                RENEWING.with(|r| *r.borrow_mut() = Some(future.clone()));
                future
            }
        };
        let result = future.await;
        RENEWING.with(|r| *r.borrow_mut() = None);
        result
    }

    /// Signs out on the server (the refresh token stops working) and here.
    pub async fn sign_out(self) {
        if let Some(token) = load(REFRESH_KEY)
            && let Ok(body) = serde_json::to_string(&RefreshRequest { refresh_token: token })
        {
            let _ = shared::send("POST", "/api/v1/staff/sign-out", Some(body), &[], false).await;
        }
        self.end(Ended::SignedOut);
    }

    /// Forgets the tokens and who was signed in; every page behind sign-in goes to the sign-in page at once.
    pub fn end(self, why: Ended) {
        ACCESS.with(|a| *a.borrow_mut() = None);
        TIMER.with(|t| {
            if let Some(old) = t.borrow_mut().take() {
                old.clear();
            }
        });
        remove(REFRESH_KEY);
        self.ended.set(Some(why));
        self.profile.set(None);
        self.phase.set(Phase::SignedOut);
    }

    pub fn is_admin_untracked(self) -> bool {
        self.profile.with_untracked(|p| p.as_ref().is_some_and(|p| p.role.is_admin()))
    }

    pub fn is_admin(self) -> bool {
        self.profile.with(|p| p.as_ref().is_some_and(|p| p.role.is_admin()))
    }

    /// The current prison's name.
    pub fn prison_name(self) -> String {
        let id = self.prison.get();
        self.profile.with(|p| {
            p.as_ref()
                .and_then(|p| p.prisons.iter().find(|prison| Some(prison.id) == id))
                .map(|p| p.name.clone())
                .unwrap_or_default()
        })
    }
}

/// An authenticated call returning the body as text. A refused access token is renewed once and the call
/// retried; if renewal fails too, the session ends.
pub async fn send(session: Session, method: &str, path: &str, body: Option<String>) -> Result<String, ApiError> {
    send_with(session, method, path, body, &[]).await
}

/// As `send`, with more request headers (an `Idempotency-Key`).
pub async fn send_with(
    session: Session,
    method: &str,
    path: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> Result<String, ApiError> {
    let mut renewed = false;
    loop {
        let token = ACCESS.with(|a| a.borrow().clone());
        let result = match token {
            Some(token) => {
                let auth = format!("Bearer {token}");
                let mut all = vec![("Authorization", auth.as_str())];
                all.extend_from_slice(headers);
                shared::send(method, path, body.clone(), &all, false).await
            }
            None => Err(ApiError::Status(401)),
        };
        match result {
            Err(error) if error.status() == Some(401) && !renewed => {
                renewed = true;
                match session.renew().await {
                    Ok(()) => continue,
                    Err(ApiError::Network) => return Err(ApiError::Network),
                    Err(_) => {
                        session.end(Ended::Expired);
                        return Err(error);
                    }
                }
            }
            Err(error) if error.status() == Some(401) => {
                session.end(Ended::Expired);
                return Err(error);
            }
            other => return other,
        }
    }
}

pub async fn call<T: DeserializeOwned>(
    session: Session,
    method: &str,
    path: String,
    body: Option<String>,
) -> Result<T, ApiError> {
    let text = send(session, method, &path, body).await?;
    serde_json::from_str(&text).map_err(|error| {
        leptos::logging::error!("{method} {path}: unexpected body: {error}");
        ApiError::Decode
    })
}

pub async fn get<T: DeserializeOwned>(session: Session, path: String) -> Result<T, ApiError> {
    call(session, "GET", path, None).await
}

fn storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?.filter(|v| !v.is_empty())
}

fn save(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}
