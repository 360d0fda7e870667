//! The built-in prison roll: integrators push a prisoner's record, the import command loads CSV files.

use domain::calendar::london_today;
use domain::records::{PrisonerRecord, check_record_on, parse_roll_csv};
use domain::types::PrisonNumber;
use sea_orm::TransactionTrait;

use super::AppState;
use crate::error::ApiError;
use crate::storage;

/// Adds or replaces one prisoner's record; `number` in the path wins over the body's.
pub async fn put(state: &AppState, number: &str, mut record: PrisonerRecord) -> Result<PrisonerRecord, ApiError> {
    let number = PrisonNumber::parse(number).map_err(|_| ApiError::NotFound)?;
    record.number = number.as_str().to_owned();
    let record = check_record_on(&record, london_today(state.clock.now())).map_err(ApiError::Validation)?;
    storage::roll::upsert(&state.db, &record, state.clock.now()).await?;
    Ok(record)
}

pub async fn get(state: &AppState, number: &str) -> Result<PrisonerRecord, ApiError> {
    let number = PrisonNumber::parse(number).map_err(|_| ApiError::NotFound)?;
    storage::roll::find(&state.db, number.as_str()).await?.ok_or(ApiError::NotFound)
}

/// Loads the roll from CSV text (see `parse_roll_csv`), all or nothing. Returns how many prisoners were loaded, or
/// every problem found.
pub async fn import_csv(
    state: &AppState,
    prisoners: &str,
    contacts: &str,
) -> anyhow::Result<Result<usize, Vec<String>>> {
    let records = match parse_roll_csv(prisoners, contacts) {
        Ok(records) => records,
        Err(problems) => return Ok(Err(problems)),
    };
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    for record in &records {
        storage::roll::upsert(&tx, record, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(records.len()))
}
