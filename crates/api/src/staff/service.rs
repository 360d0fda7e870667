//! Signing staff in and out: password checks slowed down and then refused after repeated attempts (per account and
//! per address, reserved in the database before the check so every instance agrees), sessions whose refresh tokens
//! rotate on each use and whose access tokens end with them.

use chrono::Duration;
use domain::api::PrisonSummary;
use domain::error::{FieldError, FieldErrorCode};
use domain::staff::{
    NewStaffAccount, Role, SignInRequest, StaffAccountView, StaffProfile, TokenPair, UpdateStaffAccount,
    check_new_staff_account, check_password, check_staff_name, check_staff_prisons,
};
use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use crate::auth::{self, ACCESS_TTL, StaffUser};
use crate::db;
use crate::error::ApiError;
use crate::rate_limits::{self, Limit};
use crate::state::AppState;
use crate::visits::tokens;

/// Sign-in attempts are counted in fixed windows of this length (OWASP Authentication Cheat Sheet, "Account
/// Lockout"); the limits per account and per address are settings ([`crate::config::LimitSettings`]).
const ATTEMPT_WINDOW: Duration = Duration::minutes(15);
/// Each earlier attempt counted against the account adds this much delay to the next answer.
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

/// Checks an email and password. An attempt is reserved against the account and against the client's address in
/// the database before the password is checked, so that at most the limit of attempts is ever checked however many
/// arrive at once, on however many instances; past it the answer is 429 with `Retry-After` until the window ends.
/// A success clears the account's count and does not count against the address.
pub async fn sign_in(state: &AppState, request: SignInRequest, address: Option<String>) -> Result<TokenPair, ApiError> {
    let email = request.email.trim().to_lowercase();
    let account_limit = Limit::new("sign-in:email", &email, state.limits.sign_in_per_account, ATTEMPT_WINDOW);
    let address_limit =
        address.as_deref().map(|a| Limit::new("sign-in:address", a, state.limits.sign_in_per_address, ATTEMPT_WINDOW));
    let limits: Vec<Limit> = std::iter::once(account_limit.clone()).chain(address_limit.clone()).collect();
    let counts = rate_limits::reserve(state, &limits).await?;

    // This attempt is counted too: the first one of a window waits for nothing.
    let earlier = counts.first().copied().unwrap_or(0).saturating_sub(1);
    if earlier > 0 {
        let delay = SLOWDOWN_PER_FAILURE_MS * u64::try_from(earlier).unwrap_or(0);
        tokio::time::sleep(std::time::Duration::from_millis(delay.min(2_000))).await;
    }

    let account = super::store::find_by_email(&state.db, &email).await?;
    let hash = match &account {
        Some(account) => account.password_hash.clone(),
        None => dummy_hash().await?,
    };
    let password_ok = auth::verify_password_async(request.password, hash).await?;
    let account = match account {
        Some(account) if password_ok && !account.disabled => account,
        _ => {
            // The reservations stay: they are the failures.
            tracing::warn!(failures = earlier + 1, "failed staff sign-in");
            return Err(ApiError::BadCredentials);
        }
    };
    rate_limits::clear(state, &account_limit).await?;
    if let Some(limit) = &address_limit {
        rate_limits::release(state, limit).await?;
    }
    tracing::info!(staff_id = %account.id, "staff signed in");
    let now = state.clock.now();
    issue_tokens(state, &state.db, account.id, Uuid::new_v4(), now).await
}

/// A new refresh token in the session `family_id`, and an access token bound to that session.
async fn issue_tokens(
    state: &AppState,
    db: &impl ConnectionTrait,
    staff_id: Uuid,
    family_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TokenPair, ApiError> {
    let refresh_token = format!("rt_{}", tokens::random_secret());
    super::store::insert_session(db, staff_id, family_id, &tokens::hash(&refresh_token), now, now + REFRESH_TTL)
        .await?;
    Ok(TokenPair {
        access_token: state.jwt.issue(staff_id, family_id, now)?,
        token_type: "Bearer".into(),
        expires_in: u32::try_from(ACCESS_TTL.num_seconds()).unwrap_or(0),
        refresh_token,
        refresh_expires_in: u32::try_from(REFRESH_TTL.num_seconds()).unwrap_or(0),
    })
}

/// Trades a refresh token for a new pair in the same session; the old refresh token is spent (rotation).
/// Presenting a spent or revoked refresh token again ends its whole session, the successor refresh token and every
/// access token included (refresh token reuse detection, RFC 9700 §4.14.2): one of the two holders is not the user.
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let token = super::store::find_refresh_token(&state.db, &tokens::hash(refresh_token))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if token.revoked_at.is_some() {
        end_reused_session(state, &token, now).await?;
        return Err(ApiError::Unauthorized);
    }
    if token.expires_at <= now {
        return Err(ApiError::Unauthorized);
    }
    let account = super::store::find(&state.db, token.staff_id).await?.ok_or(ApiError::Unauthorized)?;
    if account.disabled {
        return Err(ApiError::Unauthorized);
    }
    let tx = state.db.begin().await?;
    if !super::store::revoke_session(&tx, token.id, now).await? {
        // Spent in between, by a request that won the race: the same reuse.
        tx.rollback().await?;
        end_reused_session(state, &token, now).await?;
        return Err(ApiError::Unauthorized);
    }
    let pair = issue_tokens(state, &tx, token.staff_id, token.family_id, now).await?;
    tx.commit().await?;
    Ok(pair)
}

async fn end_reused_session(
    state: &AppState,
    token: &super::store::RefreshTokenRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    super::store::revoke_family(&state.db, token.family_id, now).await?;
    tracing::warn!(
        staff_id = %token.staff_id,
        session_id = %token.family_id,
        "a spent refresh token was presented again: its session is ended (RFC 9700 4.14.2)"
    );
    Ok(())
}

/// Ends the session behind a refresh token: its refresh tokens and access tokens stop working at once. Unknown
/// tokens are ignored: signing out always succeeds.
pub async fn sign_out(state: &AppState, refresh_token: &str) -> Result<(), ApiError> {
    let now = state.clock.now();
    if let Some(token) = super::store::find_refresh_token(&state.db, &tokens::hash(refresh_token)).await? {
        super::store::revoke_family(&state.db, token.family_id, now).await?;
    }
    Ok(())
}

pub async fn profile(state: &AppState, user: &StaffUser) -> Result<StaffProfile, ApiError> {
    let prisons: Vec<PrisonSummary> =
        crate::prisons::store::list(&state.db).await?.into_iter().filter(|p| user.can_access(p.id)).collect();
    Ok(StaffProfile { id: user.id, email: user.email.clone(), name: user.name.clone(), role: user.role, prisons })
}

async fn view(state: &AppState, account: super::store::StaffRow) -> Result<StaffAccountView, ApiError> {
    Ok(StaffAccountView {
        prison_ids: super::store::prisons_of(&state.db, account.id).await?,
        id: account.id,
        email: account.email,
        name: account.name,
        role: account.role,
        disabled: account.disabled,
        created_at: account.created_at,
    })
}

pub async fn list_accounts(state: &AppState) -> Result<Vec<StaffAccountView>, ApiError> {
    let mut views = Vec::new();
    for account in super::store::list(&state.db).await? {
        views.push(view(state, account).await?);
    }
    Ok(views)
}

async fn check_prisons(state: &AppState, prison_ids: &[Uuid]) -> Result<(), ApiError> {
    for (i, id) in prison_ids.iter().enumerate() {
        if crate::prisons::store::find(&state.db, *id).await?.is_none() {
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
    let inserted = super::store::insert(
        &tx,
        super::store::NewStaff { id, email: &email, name: &name, password_hash: &hash, role: new.role },
        state.clock.now(),
    )
    .await;
    match inserted {
        Err(e) if db::violates(&e, db::UniqueKey::StaffEmail) => {
            return Err(ApiError::validation(FieldError::new(
                "email",
                FieldErrorCode::AlreadyTaken,
                "An account with this email address already exists",
            )));
        }
        other => other?,
    }
    super::store::set_prisons(&tx, id, &new.prison_ids).await?;
    tx.commit().await?;
    let account = super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    view(state, account).await
}

/// Changes an account (admins only). Disabling it or resetting its password also ends all its sessions at once,
/// with their access tokens.
pub async fn update_account(
    state: &AppState,
    id: Uuid,
    update: UpdateStaffAccount,
) -> Result<StaffAccountView, ApiError> {
    let name =
        update.name.as_deref().map(check_staff_name).transpose().map_err(|e| ApiError::validation(e.under("name")))?;
    let current = super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    if let Some(password) = &update.password {
        check_password(password, &current.email).map_err(|e| ApiError::validation(e.under("password")))?;
    }
    if let Some(prison_ids) = &update.prison_ids {
        let role = update.role.unwrap_or(current.role);
        let errors = check_staff_prisons(role, prison_ids);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        check_prisons(state, prison_ids).await?;
    }
    let password_hash = match update.password.clone() {
        Some(password) => Some(auth::hash_password_async(password).await?),
        None => None,
    };
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let found = super::store::update(
        &tx,
        id,
        super::store::StaffUpdate {
            name: name.as_deref(),
            role: update.role,
            disabled: update.disabled,
            password_hash: password_hash.as_deref(),
        },
        now,
    )
    .await?;
    if !found {
        return Err(ApiError::NotFound);
    }
    if let Some(prison_ids) = &update.prison_ids {
        super::store::set_prisons(&tx, id, prison_ids).await?;
    }
    // In the same transaction as the change: no request sees the new password or the disabled flag with a session
    // of before still live.
    if update.disabled == Some(true) || password_hash.is_some() {
        super::store::revoke_all_sessions(&tx, id, now).await?;
    }
    tx.commit().await?;
    let account = super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
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
