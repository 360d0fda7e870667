//! A visit requested on a visitor's behalf: staff taking it on the phone or at the prison (later an integrator's key
//! for a contact centre). It goes through the visitor's own use case, `visits::service::create`: the same rules,
//! visiting allowance, capacity guard, instant booking, `Idempotency-Key` and emails to the lead visitor (with their
//! private link); only who made it (the timeline's actor and name) and how it came in (the channel) differ.

use domain::api::BehalfVisitRequest;
use domain::error::{FieldError, FieldErrorCode};
use domain::visit::Channel;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;
use crate::visits::service::{Created, Requester};

/// Requests (or, at a prison with instant booking, books) a visit for a family.
///
/// - `prisons`: the prisons the caller may act for (`None`: every prison, an admin). Another prison is refused
///   exactly as a prison that does not exist: 422 with `unknown_prison` on `prison_id`.
/// - `allowed_channels`: the channels this caller may record (staff: `phone`, `in_person`; a key: `integrator`).
///   Without a channel, the only allowed one is taken when there is one; otherwise 422 `required` on `channel`.
/// - `requester`: the actor and their name for the timeline and the credential (`Actor::Staff` and the staff member's
///   name, or `Actor::Integrator` and the key's name); its channel is replaced by the one chosen.
///
/// Every other refusal is the visitor's own (`visits::service::create`): 422 with the fields, 422
/// `idempotency_key_reused`, 429 past a request limit (per prisoner and per lead visitor's email; no per-address
/// limit for an authenticated caller).
pub async fn create(
    state: &AppState,
    prisons: Option<&[Uuid]>,
    allowed_channels: &[Channel],
    requester: Requester,
    body: BehalfVisitRequest,
    idempotency_key: Option<String>,
) -> Result<Created, ApiError> {
    let (request, channel) = body.into_parts();
    let mut errors = Vec::new();
    if prisons.is_some_and(|ids| !ids.contains(&request.prison_id)) {
        errors.push(FieldError::new("prison_id", FieldErrorCode::UnknownPrison, "Choose a prison from the list"));
    }
    let channel = match (channel, allowed_channels) {
        (Some(c), allowed) if allowed.contains(&c) => Some(c),
        (None, [only]) => Some(*only),
        (None, _) => {
            errors.push(FieldError::new(
                "channel",
                FieldErrorCode::Required,
                "Select how the request came in: phone or in person",
            ));
            None
        }
        (Some(_), allowed) => {
            let names: Vec<&str> = allowed.iter().map(|c| c.as_str()).collect();
            errors.push(FieldError::new(
                "channel",
                FieldErrorCode::InvalidValue,
                format!("Select how the request came in: one of {}", names.join(", ")),
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let channel = channel.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a channel was checked but not kept")))?;
    let requester = Requester { channel, ..requester };
    crate::visits::service::create(state, request, idempotency_key, &requester, None).await
}
