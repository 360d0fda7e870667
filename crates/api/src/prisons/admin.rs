//! Prisons, as admins add and change them. A new prison starts with an empty timetable for its staff to fill in.

use domain::api::{PrisonDetails, PrisonInput, parse_prison_input};
use domain::error::{FieldError, FieldErrorCode};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

fn duplicate_code() -> ApiError {
    ApiError::validation(FieldError::new("code", FieldErrorCode::AlreadyTaken, "Another prison already has this code"))
}

pub async fn create(state: &AppState, input: PrisonInput) -> Result<PrisonDetails, ApiError> {
    let input = parse_prison_input(&input).map_err(ApiError::Validation)?;
    let id = Uuid::new_v4();
    let lines: Vec<&str> = input.address.lines.iter().map(String::as_str).collect();
    let inserted = super::store::insert(
        &state.db,
        super::store::NewPrison {
            id,
            code: &input.code,
            name: &input.name,
            address_lines: &lines,
            town: &input.address.town,
            postcode: &input.address.postcode,
            email: &input.email,
            phone: &input.phone,
            rules: input.rules.unwrap_or_default(),
            demo: false,
        },
        state.clock.now(),
    )
    .await;
    match inserted {
        Err(e) if db::violates(&e, db::UniqueKey::PrisonCode) => return Err(duplicate_code()),
        other => other?,
    }
    if let Some(days) = input.reminder_days {
        super::store::set_reminder_days(&state.db, id, days).await?;
    }
    super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

pub async fn update(state: &AppState, id: Uuid, input: PrisonInput) -> Result<PrisonDetails, ApiError> {
    let input = parse_prison_input(&input).map_err(ApiError::Validation)?;
    let tx = state.db.begin().await?;
    let updated = super::store::update_details(&tx, id, &input, state.clock.now()).await;
    let found = match updated {
        Err(e) if db::violates(&e, db::UniqueKey::PrisonCode) => return Err(duplicate_code()),
        other => other?,
    };
    if !found {
        return Err(ApiError::NotFound);
    }
    // The rules shape what visitors may book: the change reaches them at once. Absent, they stay as they are.
    if let Some(rules) = &input.rules {
        super::store::update_rules(&tx, id, rules, state.clock.now()).await?;
        // Integrators hear of new rules as of a timetable change (last before commit: see `crate::events`).
        let version = super::store::availability_version(&tx, id).await?.ok_or(ApiError::NotFound)?;
        crate::events::record(&tx, crate::events::NewEvent::timetable_changed(id, version), state.clock.now()).await?;
    }
    tx.commit().await?;
    super::store::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}
