//! The built-in prison roll: integrators push a prisoner's record, the import command loads CSV files.

use domain::calendar::london_today;
use domain::error::{FieldError, FieldErrorCode};
use domain::records::{PrisonerRecord, check_record_on};
use domain::types::PrisonNumber;
use sea_orm::TransactionTrait;

use super::roll_csv::{CsvFile, LineProblem, parse_roll};
use crate::error::ApiError;
use crate::state::AppState;

/// Adds or replaces one prisoner's record; `number` in the path wins over the body's.
pub async fn put(state: &AppState, number: &str, mut record: PrisonerRecord) -> Result<PrisonerRecord, ApiError> {
    let number = PrisonNumber::parse(number).map_err(|_| ApiError::NotFound)?;
    // The address names the record; a body naming another prisoner is a mistake, not a rename.
    if PrisonNumber::parse(&record.number).is_ok_and(|body| body != number) {
        return Err(ApiError::validation(FieldError::new(
            "number",
            FieldErrorCode::InvalidValue,
            format!("The prison number must be the one in the address, {}", number.as_str()),
        )));
    }
    record.number = number.as_str().to_owned();
    let record = check_record_on(&record, london_today(state.clock.now())).map_err(ApiError::Validation)?;
    super::roll_store::upsert(&state.db, &record, state.clock.now()).await?;
    Ok(record)
}

pub async fn get(state: &AppState, number: &str) -> Result<PrisonerRecord, ApiError> {
    let number = PrisonNumber::parse(number).map_err(|_| ApiError::NotFound)?;
    super::roll_store::find(&state.db, number.as_str()).await?.ok_or(ApiError::NotFound)
}

/// What an import loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub prisoners: usize,
    pub contacts: usize,
}

/// Loads the roll from two CSV files (columns and rules in `records::roll_csv`), judged on today in London, all or
/// nothing in one transaction: what was loaded, or every problem with its file and line (nothing loaded).
/// `Err` only when the database fails.
pub async fn import_csv(
    state: &AppState,
    prisoners: CsvFile<'_>,
    contacts: CsvFile<'_>,
) -> anyhow::Result<Result<Imported, Vec<LineProblem>>> {
    let now = state.clock.now();
    let roll = match parse_roll(prisoners, contacts, london_today(now)) {
        Ok(roll) => roll,
        Err(problems) => return Ok(Err(problems)),
    };
    let tx = state.db.begin().await?;
    super::roll_store::upsert_many(&tx, &roll.prisoners, now).await?;
    tx.commit().await?;
    Ok(Ok(Imported { prisoners: roll.prisoners.len(), contacts: roll.contacts }))
}
