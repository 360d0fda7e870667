//! Webhook subscriptions (admins, and API keys with the `webhooks:manage` scope), their delivery log and manual
//! redelivery. A key manages only the subscriptions it made; they deliver only while the key could read what they
//! carry (see `store::OWNER_MAY_RECEIVE`).

use chrono::{DateTime, Utc};
use domain::error::{FieldError, FieldErrorCode};
use domain::events::{
    DeliveryPage, DeliveryView, EventType, Subscription, SubscriptionCreated, SubscriptionInput, WebhookDeliveryState,
};
use domain::types::{TextKind::SingleLine, parse_optional_text};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::store::{self, DeliveryRow, SubscriptionRow};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

pub const MAX_DESCRIPTION: usize = 200;
pub const MAX_PRISONS: usize = 200;
/// Delivery log lines per page unless `limit` says otherwise, and the most.
pub const DEFAULT_LOG_LIMIT: u32 = 50;
pub const MAX_LOG_LIMIT: u32 = 200;

fn view(row: SubscriptionRow, prison_ids: Vec<Uuid>, now: DateTime<Utc>) -> Subscription {
    Subscription {
        id: row.id,
        url: row.url,
        event_types: if row.all_events { Vec::new() } else { store::read_types(&row.event_types) },
        prison_ids,
        enabled: row.enabled,
        disabled_reason: row.disabled_reason.filter(|_| !row.enabled),
        description: row.description,
        api_key_id: row.owner_api_key_id,
        previous_secret_until: row.previous_secret_until.filter(|until| *until > now),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// A subscription's settings as checked by [`check`].
struct Checked {
    /// As parsed.
    url: String,
    /// Trimmed, NFC; empty when none was given.
    description: String,
    /// Sorted, no repeats; empty for every type.
    types: Vec<EventType>,
    /// Sorted, no repeats.
    prisons: Vec<Uuid>,
}

/// Every field checked: the URL's form and where it resolves now, the description (the one rule for free text), at
/// least one prison and each one existing and the caller's.
async fn check(state: &AppState, user: &Principal, input: &SubscriptionInput) -> Result<Checked, ApiError> {
    let mut errors = Vec::new();
    let url = match super::address::check_url(&input.url, state.webhooks_allow_loopback).await {
        Ok(url) => Some(url.to_string()),
        Err(refused) => {
            errors.push(FieldError::new("url", FieldErrorCode::UrlNotAllowed, refused.0));
            None
        }
    };
    // The one rule for free text (no control, bidi or invisible character): admins read it in the list.
    let description =
        match parse_optional_text(Some(&input.description), "the description", MAX_DESCRIPTION, SingleLine) {
            Ok(description) => description.unwrap_or_default(),
            Err(mut e) => {
                e.field = "description".into();
                errors.push(e);
                String::new()
            }
        };
    let mut prisons = input.prison_ids.clone();
    prisons.sort_unstable();
    prisons.dedup();
    if prisons.is_empty() {
        errors.push(FieldError::new("prison_ids", FieldErrorCode::Required, "Choose at least one prison"));
    } else if prisons.len() > MAX_PRISONS {
        errors.push(FieldError::new(
            "prison_ids",
            FieldErrorCode::OutOfRange,
            format!("Choose at most {MAX_PRISONS} prisons"),
        ));
    } else {
        for (i, prison) in input.prison_ids.iter().enumerate() {
            // Another's prison is refused as one that does not exist.
            if !user.can_access(*prison) || crate::prisons::store::find(&state.db, *prison).await?.is_none() {
                errors.push(FieldError::new(
                    format!("prison_ids[{i}]"),
                    FieldErrorCode::UnknownPrison,
                    "There is no such prison",
                ));
            }
        }
    }
    let mut types = input.event_types.clone();
    types.sort_unstable();
    types.dedup();
    match url {
        Some(url) if errors.is_empty() => Ok(Checked { url, description, types, prisons }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Whether the caller may see and manage the subscription. A key: only the subscriptions it made (whatever its
/// prisons are now, so that it can still remove one after losing a prison). Staff (admins): one whose every prison
/// is theirs, whoever made it.
fn may_manage(user: &Principal, row: &SubscriptionRow, prisons: &[Uuid]) -> bool {
    match user {
        Principal::ApiKey(key) => row.owner_api_key_id == Some(key.id),
        Principal::Staff(_) => prisons.iter().all(|p| user.can_access(*p)),
    }
}

/// The caller's view of a subscription: 404 when there is none, or when the caller may not manage it
/// ([`may_manage`]), exactly as if there were none.
async fn visible(state: &AppState, user: &Principal, id: Uuid) -> Result<(SubscriptionRow, Vec<Uuid>), ApiError> {
    let row = store::find_subscription(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let prisons = store::prisons_of(&state.db, id).await?;
    if !may_manage(user, &row, &prisons) {
        return Err(ApiError::NotFound);
    }
    Ok((row, prisons))
}

pub async fn create(
    state: &AppState,
    user: &Principal,
    input: SubscriptionInput,
) -> Result<SubscriptionCreated, ApiError> {
    let Checked { url, description, types, prisons } = check(state, user, &input).await?;
    let now = state.clock.now();
    let secret = super::secrets::generate();
    let owner_api_key_id = match user {
        Principal::ApiKey(key) => Some(key.id),
        Principal::Staff(_) => None,
    };
    let row = SubscriptionRow {
        id: Uuid::now_v7(),
        url,
        description,
        owner_api_key_id,
        all_events: types.is_empty(),
        event_types: store::stored_types(&types),
        secret: secret.clone(),
        previous_secret: None,
        previous_secret_until: None,
        enabled: input.enabled,
        disabled_reason: None,
        last_success_at: None,
        created_at: now,
        updated_at: now,
    };
    let tx = state.db.begin().await?;
    store::insert_subscription(&tx, row.clone(), &prisons).await?;
    tx.commit().await?;
    tracing::info!(subscription_id = %row.id, caller = %user, "webhook subscription created");
    Ok(SubscriptionCreated { subscription: view(row, prisons, state.clock.now()), secret })
}

/// The subscriptions the caller may manage ([`may_manage`]).
pub async fn list(state: &AppState, user: &Principal) -> Result<Vec<Subscription>, ApiError> {
    let mut all = Vec::new();
    for row in store::list_subscriptions(&state.db).await? {
        let prisons = store::prisons_of(&state.db, row.id).await?;
        if may_manage(user, &row, &prisons) {
            all.push(view(row, prisons, state.clock.now()));
        }
    }
    Ok(all)
}

pub async fn get(state: &AppState, user: &Principal, id: Uuid) -> Result<Subscription, ApiError> {
    let (row, prisons) = visible(state, user, id).await?;
    Ok(view(row, prisons, state.clock.now()))
}

/// Replaces a subscription's settings (not its secret). Turning it on again clears why it was turned off; events
/// recorded while it was off were not queued for it (the change feed has them).
pub async fn update(
    state: &AppState,
    user: &Principal,
    id: Uuid,
    input: SubscriptionInput,
) -> Result<Subscription, ApiError> {
    visible(state, user, id).await?;
    let Checked { url, description, types, prisons } = check(state, user, &input).await?;
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let mut row = store::find_subscription(&tx, id).await?.ok_or(ApiError::NotFound)?;
    row.url = url;
    row.description = description;
    row.all_events = types.is_empty();
    row.event_types = store::stored_types(&types);
    if input.enabled && !row.enabled {
        row.disabled_reason = None;
        // A fresh start for the rule that turns it off.
        row.last_success_at = Some(now);
    }
    row.enabled = input.enabled;
    row.updated_at = now;
    store::update_subscription(&tx, row.clone()).await?;
    store::set_prisons(&tx, id, &prisons).await?;
    tx.commit().await?;
    tracing::info!(subscription_id = %id, caller = %user, "webhook subscription changed");
    Ok(view(row, prisons, state.clock.now()))
}

pub async fn delete(state: &AppState, user: &Principal, id: Uuid) -> Result<(), ApiError> {
    visible(state, user, id).await?;
    let tx = state.db.begin().await?;
    let deleted = store::delete_subscription(&tx, id).await?;
    tx.commit().await?;
    if !deleted {
        return Err(ApiError::NotFound);
    }
    tracing::info!(subscription_id = %id, caller = %user, "webhook subscription deleted");
    Ok(())
}

/// A new secret; the old one keeps signing beside it for `ROTATION_OVERLAP_HOURS` (both signatures are sent), so
/// the receiver can switch over without losing a delivery.
pub async fn rotate(state: &AppState, user: &Principal, id: Uuid) -> Result<SubscriptionCreated, ApiError> {
    visible(state, user, id).await?;
    let now = state.clock.now();
    let secret = super::secrets::generate();
    let tx = state.db.begin().await?;
    let mut row = store::find_subscription(&tx, id).await?.ok_or(ApiError::NotFound)?;
    row.previous_secret = Some(std::mem::replace(&mut row.secret, secret.clone()));
    row.previous_secret_until = Some(now + chrono::Duration::hours(super::secrets::ROTATION_OVERLAP_HOURS));
    row.updated_at = now;
    store::update_subscription(&tx, row.clone()).await?;
    tx.commit().await?;
    let prisons = store::prisons_of(&state.db, id).await?;
    tracing::info!(subscription_id = %id, caller = %user, "webhook secret rotated");
    Ok(SubscriptionCreated { subscription: view(row, prisons, state.clock.now()), secret })
}

fn delivery_view(row: DeliveryRow) -> Result<DeliveryView, ApiError> {
    let event_type = row.event_type.parse().map_err(|_| {
        ApiError::Internal(anyhow::anyhow!("delivery of event {}: unknown type {:?}", row.event_id, row.event_type))
    })?;
    let waiting = matches!(row.state, WebhookDeliveryState::Pending | WebhookDeliveryState::Retrying);
    Ok(DeliveryView {
        event_id: row.event_id,
        event_type,
        prison_id: row.prison_id,
        state: row.state,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        last_status: row.last_status.and_then(|s| u16::try_from(s).ok()),
        last_latency_ms: row.last_latency_ms.and_then(|s| u32::try_from(s).ok()),
        last_error: row.last_error,
        last_response: row.last_response,
        next_attempt_at: waiting.then_some(row.next_attempt_at),
        created_at: row.created_at,
        updated_at: row.updated_at,
        delivered_at: row.delivered_at,
    })
}

/// A page of the delivery log, newest first; `after` is the `next_cursor` of the page before.
pub async fn deliveries(
    state: &AppState,
    user: &Principal,
    id: Uuid,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<DeliveryPage, ApiError> {
    visible(state, user, id).await?;
    let before = match after {
        None => None,
        Some(cursor) => Some(Uuid::parse_str(cursor).map_err(|_| {
            ApiError::Malformed("`after` must be a `next_cursor` this log gave, or absent for the newest.".into())
        })?),
    };
    let limit = limit.unwrap_or(DEFAULT_LOG_LIMIT);
    if !(1..=MAX_LOG_LIMIT).contains(&limit) {
        return Err(ApiError::Malformed(format!("`limit` must be between 1 and {MAX_LOG_LIMIT}.")));
    }
    let mut rows = store::deliveries(&state.db, id, before, u64::from(limit) + 1).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if more { rows.last().map(|r| r.event_id.to_string()) } else { None };
    let deliveries = rows.into_iter().map(delivery_view).collect::<Result<_, _>>()?;
    Ok(DeliveryPage { deliveries, next_cursor })
}

/// Queues a delivery again now (its tries start over).
pub async fn redeliver(state: &AppState, user: &Principal, id: Uuid, event_id: Uuid) -> Result<DeliveryView, ApiError> {
    visible(state, user, id).await?;
    let now = state.clock.now();
    if !store::redeliver(&state.db, id, event_id, now).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(subscription_id = %id, event_id = %event_id, caller = %user, "webhook redelivery queued");
    let row = store::find_delivery(&state.db, id, event_id).await?.ok_or(ApiError::NotFound)?;
    delivery_view(row)
}
