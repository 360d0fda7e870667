//! Signing staff in and out: password checks slowed down and then refused after repeated failures (per account and
//! per address, counted in the database so every instance agrees), revocable refresh tokens rotated on each use.

use chrono::Duration;
use domain::api::PrisonSummary;
use domain::error::{FieldError, FieldErrorCode};
use domain::staff::{
    NewStaffAccount, Role, SignInRequest, StaffAccountView, StaffProfile, TokenPair, UpdateStaffAccount,
    check_new_staff_account, check_staff_name, check_staff_prisons,
};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::{AppState, tokens};
use crate::auth::{self, ACCESS_TTL, StaffUser};
use crate::error::ApiError;
use crate::storage;

/// Failures counted within this window...
const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// ...up to this many for one account, after which it is refused...
const FAILURE_LIMIT: i32 = 5;
/// ...or this many from one network address. Higher than an account's: a whole prison's staff may share one
/// address, and one colleague's typos must not lock everyone out, while spraying many accounts still stops.
const ADDRESS_FAILURE_LIMIT: i32 = 20;
/// ...for this long.
const LOCKOUT: Duration = Duration::minutes(15);
/// Each earlier failure of the account adds this much delay to the next answer.
const SLOWDOWN_PER_FAILURE_MS: u64 = 200;
pub const REFRESH_TTL: Duration = Duration::days(14);

/// A hash of a password nobody has, so a sign-in for an unknown email costs the same time as a real one.
async fn dummy_hash() -> Result<String, ApiError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = auth::hash_password_async(tokens::random_secret()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

fn email_key(email: &str) -> String {
    format!("email:{email}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

pub async fn sign_in(state: &AppState, request: SignInRequest, address: Option<String>) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let email = request.email.trim().to_lowercase();
    let keys: Vec<(String, i32)> = std::iter::once((email_key(&email), FAILURE_LIMIT))
        .chain(address.as_deref().map(|a| (address_key(a), ADDRESS_FAILURE_LIMIT)))
        .collect();

    let mut failures = 0;
    for (index, (key, _)) in keys.iter().enumerate() {
        let throttle = storage::staff::throttle(&state.db, key, now - FAILURE_WINDOW).await?;
        if let Some(until) = throttle.locked_until.filter(|until| *until > now) {
            return Err(ApiError::RateLimited { retry_after_secs: (until - now).num_seconds() });
        }
        if index == 0 {
            failures = throttle.failures;
        }
    }
    if failures > 0 {
        let delay = SLOWDOWN_PER_FAILURE_MS * u64::try_from(failures).unwrap_or(0);
        tokio::time::sleep(std::time::Duration::from_millis(delay.min(2_000))).await;
    }

    let account = storage::staff::find_by_email(&state.db, &email).await?;
    let hash = match &account {
        Some(account) => account.password_hash.clone(),
        None => dummy_hash().await?,
    };
    let password_ok = auth::verify_password_async(request.password, hash).await?;
    let account = match account {
        Some(account) if password_ok && !account.disabled => account,
        _ => {
            for (key, limit) in &keys {
                storage::staff::record_failure(&state.db, key, now, FAILURE_WINDOW, *limit, LOCKOUT).await?;
            }
            tracing::warn!(failures = failures + 1, "failed staff sign-in");
            return Err(ApiError::BadCredentials);
        }
    };
    storage::staff::clear_failures(&state.db, &email_key(&email)).await?;
    tracing::info!(staff_id = %account.id, "staff signed in");
    issue_tokens(state, account.id).await
}

async fn issue_tokens(state: &AppState, staff_id: Uuid) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let refresh_token = format!("rt_{}", tokens::random_secret());
    storage::staff::insert_session(&state.db, staff_id, &tokens::hash(&refresh_token), now, now + REFRESH_TTL).await?;
    Ok(TokenPair {
        access_token: state.jwt.issue(staff_id, now)?,
        token_type: "Bearer".into(),
        expires_in: u32::try_from(ACCESS_TTL.num_seconds()).unwrap_or(0),
        refresh_token,
        refresh_expires_in: u32::try_from(REFRESH_TTL.num_seconds()).unwrap_or(0),
    })
}

/// Trades a refresh token for a new pair; the old refresh token stops working (rotation).
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let (session_id, staff_id) = storage::staff::find_live_session(&state.db, &tokens::hash(refresh_token), now)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let account = storage::staff::find(&state.db, staff_id).await?.ok_or(ApiError::Unauthorized)?;
    if account.disabled || !storage::staff::revoke_session(&state.db, session_id, now).await? {
        return Err(ApiError::Unauthorized);
    }
    issue_tokens(state, staff_id).await
}

/// Ends the session behind a refresh token. Unknown tokens are ignored: signing out always succeeds.
pub async fn sign_out(state: &AppState, refresh_token: &str) -> Result<(), ApiError> {
    let now = state.clock.now();
    if let Some((session_id, _)) =
        storage::staff::find_live_session(&state.db, &tokens::hash(refresh_token), now).await?
    {
        storage::staff::revoke_session(&state.db, session_id, now).await?;
    }
    Ok(())
}

pub async fn profile(state: &AppState, user: &StaffUser) -> Result<StaffProfile, ApiError> {
    let prisons: Vec<PrisonSummary> =
        storage::prisons::list(&state.db).await?.into_iter().filter(|p| user.can_access(p.id)).collect();
    Ok(StaffProfile { id: user.id, email: user.email.clone(), name: user.name.clone(), role: user.role, prisons })
}

async fn view(state: &AppState, account: storage::staff::StaffRow) -> Result<StaffAccountView, ApiError> {
    Ok(StaffAccountView {
        prison_ids: storage::staff::prisons_of(&state.db, account.id).await?,
        id: account.id,
        email: account.email,
        name: account.name,
        role: Role::parse(&account.role).unwrap_or(Role::Staff),
        disabled: account.disabled,
        created_at: account.created_at,
    })
}

pub async fn list_accounts(state: &AppState) -> Result<Vec<StaffAccountView>, ApiError> {
    let mut views = Vec::new();
    for account in storage::staff::list(&state.db).await? {
        views.push(view(state, account).await?);
    }
    Ok(views)
}

async fn check_prisons(state: &AppState, prison_ids: &[Uuid]) -> Result<(), ApiError> {
    for (i, id) in prison_ids.iter().enumerate() {
        if storage::prisons::find(&state.db, *id).await?.is_none() {
            return Err(ApiError::validation(FieldError::new(
                format!("prison_ids[{i}]"),
                FieldErrorCode::UnknownPrison,
                "Choose prisons from the list",
            )));
        }
    }
    Ok(())
}

/// Creates an account (admins only). The password is checked against the password rules.
pub async fn create_account(state: &AppState, new: NewStaffAccount) -> Result<StaffAccountView, ApiError> {
    let new = check_new_staff_account(&new).map_err(ApiError::Validation)?;
    check_prisons(state, &new.prison_ids).await?;
    let email = new.email.as_str().to_lowercase();
    let name = new.name;
    let hash = auth::hash_password_async(new.password).await?;
    let id = Uuid::new_v4();
    let tx = state.db.begin().await?;
    let inserted = storage::staff::insert(
        &tx,
        storage::staff::NewStaff { id, email: &email, name: &name, password_hash: &hash, role: new.role.as_str() },
        state.clock.now(),
    )
    .await;
    match inserted {
        Err(e) if storage::is_unique_violation(&e) => {
            return Err(ApiError::validation(FieldError::new(
                "email",
                FieldErrorCode::AlreadyTaken,
                "An account with this email address already exists",
            )));
        }
        other => other?,
    }
    storage::staff::set_prisons(&tx, id, &new.prison_ids).await?;
    tx.commit().await?;
    let account = storage::staff::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    view(state, account).await
}

/// Changes an account (admins only). Disabling it also ends all its sessions at once.
pub async fn update_account(
    state: &AppState,
    id: Uuid,
    update: UpdateStaffAccount,
) -> Result<StaffAccountView, ApiError> {
    let name =
        update.name.as_deref().map(check_staff_name).transpose().map_err(|e| ApiError::validation(e.under("name")))?;
    let current = storage::staff::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    if let Some(prison_ids) = &update.prison_ids {
        let role = update.role.or_else(|| Role::parse(&current.role)).unwrap_or(Role::Staff);
        let errors = check_staff_prisons(role, prison_ids);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        check_prisons(state, prison_ids).await?;
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let found = storage::staff::update(
        &tx,
        id,
        storage::staff::StaffUpdate {
            name: name.as_deref(),
            role: update.role.map(Role::as_str),
            disabled: update.disabled,
            password_hash: None,
        },
        now,
    )
    .await?;
    if !found {
        return Err(ApiError::NotFound);
    }
    if let Some(prison_ids) = &update.prison_ids {
        storage::staff::set_prisons(&tx, id, prison_ids).await?;
    }
    if update.disabled == Some(true) {
        storage::staff::revoke_all_sessions(&tx, id, now).await?;
    }
    tx.commit().await?;
    let account = storage::staff::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    view(state, account).await
}

/// The first admin, from the command line (`prison-visits create-admin`). Fails if the email is taken.
pub async fn create_admin(state: &AppState, email: &str, name: &str, password: String) -> Result<Uuid, ApiError> {
    let account = create_account(
        state,
        NewStaffAccount {
            email: email.to_owned(),
            name: name.to_owned(),
            password: Some(password),
            role: Role::Admin,
            prison_ids: Vec::new(),
        },
    )
    .await?;
    Ok(account.id)
}
