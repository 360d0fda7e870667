//! A prison's choice of how its visits mailbox hears about new requests.

use domain::email::PrisonNotificationSettings;
use domain::types::Email;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn get(state: &AppState, prison_id: Uuid) -> Result<PrisonNotificationSettings, ApiError> {
    crate::prisons::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    let (mode, mailbox) = crate::outbox::store::prison_notification(&state.db, prison_id).await?;
    Ok(PrisonNotificationSettings { mode, mailbox })
}

pub async fn set(
    state: &AppState,
    prison_id: Uuid,
    settings: PrisonNotificationSettings,
) -> Result<PrisonNotificationSettings, ApiError> {
    crate::prisons::store::find(&state.db, prison_id).await?.ok_or(ApiError::NotFound)?;
    // Blank is "the prison's own address"; anything else (an invisible character is not blank) must be an address.
    let mailbox = match settings.mailbox.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => Some(
            Email::parse_as(m, "the visits mailbox’s email address")
                .map_err(|e| ApiError::validation(e.under("mailbox")))?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    crate::outbox::store::set_prison_notification(
        &state.db,
        prison_id,
        settings.mode,
        mailbox.as_deref(),
        state.clock.now(),
    )
    .await?;
    get(state, prison_id).await
}
