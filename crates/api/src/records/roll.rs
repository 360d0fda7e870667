//! The built-in prison roll: integrators push a prisoner's record, the import command loads CSV files.

use domain::calendar::london_today;
use domain::error::{FieldError, FieldErrorCode};
use domain::records::{PrisonerRecord, check_record_on};
use domain::types::PrisonNumber;
use sea_orm::TransactionTrait;

use super::roll_csv::{CsvFile, LineProblem, parse_roll};
use crate::error::ApiError;
use crate::state::AppState;

/// One prisoner's record as sent (JSON): a field a record does not have is refused at its path (422), not ignored
/// (a misspelt `contacts` would read as none); otherwise 400 for the wrong shape, 422 for a value a field does not take.
pub fn parse_record(value: serde_json::Value) -> Result<PrisonerRecord, ApiError> {
    let unknown = domain::records::unknown_record_fields(&value);
    if !unknown.is_empty() {
        return Err(ApiError::Validation(unknown.iter().map(|path| super::roll_sync::unknown_field(path)).collect()));
    }
    crate::json::parse_value(value)
}

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
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let before = super::roll_store::find(&tx, &record.number).await?;
    // The same record again (its lists in any order) changes nothing: no write, no event.
    if before.clone().map(PrisonerRecord::canonical).as_ref() == Some(&record) {
        tx.commit().await?;
        return Ok(record);
    }
    super::roll_store::upsert(&tx, &record, now).await?;
    let change =
        RollChange { from: before.as_ref().and_then(|r| r.prison_code.as_deref()), to: record.prison_code.as_deref() };
    roll_updated(&tx, &[change], now).await?;
    tx.commit().await?;
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
    let numbers: Vec<&str> = roll.prisoners.iter().map(|r| r.number.as_str()).collect();
    let before: std::collections::HashMap<String, Option<String>> =
        super::roll_store::find_many(&tx, &numbers).await?.into_iter().map(|r| (r.number, r.prison_code)).collect();
    super::roll_store::upsert_many(&tx, &roll.prisoners, now).await?;
    let changes: Vec<RollChange> = roll
        .prisoners
        .iter()
        .map(|r| RollChange { from: before.get(&r.number).and_then(Option::as_deref), to: r.prison_code.as_deref() })
        .collect();
    roll_updated(&tx, &changes, now).await?;
    tx.commit().await?;
    Ok(Ok(Imported { prisoners: roll.prisoners.len(), contacts: roll.contacts }))
}

/// A prisoner's record written or removed: the prison whose roll held them before (`from`) and the one that holds
/// them now (`to`); `None` for none.
#[derive(Debug, Clone, Copy)]
pub struct RollChange<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// One `roll.updated` event for each prison (of ours) whose roll `changes` touch, last before commit: the prison a
/// prisoner is now at, and the one they moved away from. A prison code we do not have concerns no integrator of ours.
pub async fn roll_updated(
    tx: &sea_orm::DatabaseTransaction,
    changes: &[RollChange<'_>],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
    for change in changes {
        let to = change.to.map(str::to_ascii_uppercase);
        if let Some(to) = &to {
            *counts.entry(to.clone()).or_default() += 1;
        }
        if let Some(from) = change.from.map(str::to_ascii_uppercase).filter(|from| Some(from) != to.as_ref()) {
            *counts.entry(from).or_default() += 1;
        }
    }
    let codes: Vec<&str> = counts.keys().map(String::as_str).collect();
    let ids = crate::prisons::store::ids_by_code(tx, &codes).await?;
    // In prison id order, the order every writer takes the counters in.
    let mut events: Vec<(uuid::Uuid, u32)> =
        counts.iter().filter_map(|(code, n)| Some((*ids.get(code)?, *n))).collect();
    events.sort_unstable();
    for (prison_id, prisoners) in events {
        crate::events::record(tx, crate::events::NewEvent::roll_updated(prison_id, prisoners), now).await?;
    }
    Ok(())
}
