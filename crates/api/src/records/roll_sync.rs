//! A prison's whole roll in one call (`PUT /api/v1/records/prisons/{prison}/roll`): every prisoner held there now,
//! judged all or nothing with every bad prisoner reported at its place in the body, then written in one
//! transaction that adds, replaces and removes only what differs, so the same roll sent twice changes nothing.

use std::collections::{HashMap, HashSet};

use domain::api::PrisonDetails;
use domain::calendar::london_today;
use domain::error::{FieldError, FieldErrorCode};
use domain::records::{MAX_ROLL_PRISONERS, PrisonerRecord, RollSyncOutcome, check_roll};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::error::ApiError;
use crate::json;
use crate::state::AppState;

/// Largest roll body accepted: 10,000 prisoners with a dozen contacts each fit in about 16 MB of JSON.
pub const ROLL_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The body's outline (`domain::records::PrisonRoll`): each prisoner is read on its own, so one bad prisoner does
/// not hide the others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RollOutline {
    prisoners: Vec<Value>,
    #[serde(default)]
    allow_empty: bool,
}

/// The prison by its id or its code (any case); 404 for neither.
async fn prison(state: &AppState, prison: &str) -> Result<PrisonDetails, ApiError> {
    let id = Uuid::parse_str(prison).ok();
    crate::prisons::store::list_details(&state.db)
        .await?
        .into_iter()
        .find(|p| Some(p.id) == id || p.code.eq_ignore_ascii_case(prison))
        .ok_or(ApiError::NotFound)
}

/// A key reaches only its own prisons' rolls: a prisoner on another prison's roll cannot be moved onto this one by
/// it (an admin can). Every such prisoner is reported at its place (`prisoners[i].number`); nothing is written.
async fn refuse_unreachable_moves(
    tx: &sea_orm::DatabaseTransaction,
    reachable: &[Uuid],
    records: &[PrisonerRecord],
    moved: &[PrisonerRecord],
) -> Result<(), ApiError> {
    let codes: Vec<&str> = moved.iter().filter_map(|r| r.prison_code.as_deref()).collect();
    let ids = crate::prisons::store::ids_by_code(tx, &codes).await?;
    let held_elsewhere: HashSet<&str> = moved
        .iter()
        .filter(|r| {
            r.prison_code
                .as_deref()
                .is_some_and(|code| ids.get(&code.to_ascii_uppercase()).is_none_or(|id| !reachable.contains(id)))
        })
        .map(|r| r.number.as_str())
        .collect();
    let errors: Vec<FieldError> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| held_elsewhere.contains(r.number.as_str()))
        .map(|(i, r)| {
            FieldError::new(
                format!("prisoners[{i}].number"),
                FieldErrorCode::InvalidValue,
                format!("{} is on the roll of a prison this key does not reach", r.number),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Replaces the roll of `prison` (its id or code) with the JSON `body` (`domain::records::PrisonRoll`).
///
/// Refusals, nothing written: 404 no such prison, or not one of `caller_prisons` (`None`: every prison); 422 on
/// `prisoners[i].number` for a prisoner on another prison's roll that `caller_prisons` does not hold; 400 not JSON or
/// not an object with a `prisoners` array; 422 for a field it does not know (at any depth, at its path), or no
/// prisoners without `allow_empty`; 422 with
/// every problem of every prisoner in `errors`, each a path from the body's root
/// (`prisoners[3].contacts[0].date_of_birth`), or over `MAX_ROLL_PRISONERS` (`prisoners`, `out_of_range`).
///
/// Prisoners in the roll are added, or replace their record wherever it was (a prisoner moved here); prisoners on
/// this prison's roll before and missing from this one are removed (their records deleted: a check then finds no
/// such prisoner, rather than guessing where they went). Rows whose record is unchanged are not written.
pub async fn sync(
    state: &AppState,
    caller_prisons: Option<&[Uuid]>,
    prison_key: &str,
    body: &[u8],
) -> Result<RollSyncOutcome, ApiError> {
    let prison = prison(state, prison_key).await?;
    if caller_prisons.is_some_and(|ids| !ids.contains(&prison.id)) {
        return Err(ApiError::NotFound);
    }
    let now = state.clock.now();
    let records = parse(body, &prison.code, london_today(now))?;

    let code = records.first().and_then(|r| r.prison_code.clone()).unwrap_or_else(|| prison.code.to_ascii_uppercase());
    let tx = state.db.begin().await?;
    // Syncs of one prison take turns (on PostgreSQL; SQLite has one writer), so each compares against the roll the
    // previous one left.
    crate::prisons::store::lock_availability_version(&tx, prison.id).await?;
    let before = super::roll_store::at_prison(&tx, &code).await?;
    let on_roll: HashSet<&str> = records.iter().map(|r| r.number.as_str()).collect();
    let elsewhere: Vec<&str> = {
        let here: HashSet<&str> = before.iter().map(|r| r.number.as_str()).collect();
        on_roll.iter().copied().filter(|n| !here.contains(n)).collect()
    };
    let moved = super::roll_store::find_many(&tx, &elsewhere).await?;
    if let Some(reachable) = caller_prisons {
        refuse_unreachable_moves(&tx, reachable, &records, &moved).await?;
    }
    let known: HashMap<&str, &PrisonerRecord> =
        before.iter().chain(moved.iter()).map(|r| (r.number.as_str(), r)).collect();

    let (mut added, mut updated, mut unchanged) = (0u32, 0u32, 0u32);
    let mut writes = Vec::new();
    for record in &records {
        match known.get(record.number.as_str()) {
            // Stored before lists were put in one order, a record may differ from its canonical self only in order.
            Some(old) if (*old).clone().canonical() == *record => unchanged += 1,
            Some(_) => {
                updated += 1;
                writes.push(record.clone());
            }
            None => {
                added += 1;
                writes.push(record.clone());
            }
        }
    }
    let gone: Vec<&str> = before.iter().map(|r| r.number.as_str()).filter(|n| !on_roll.contains(n)).collect();
    super::roll_store::upsert_many(&tx, &writes, now).await?;
    super::roll_store::remove_many(&tx, &gone).await?;
    let removed = u32::try_from(gone.len()).unwrap_or(u32::MAX);
    let changed = added + updated + removed > 0;
    // This prison's event counts every prisoner written here and every one gone; a prison a prisoner was moved
    // from gets its own.
    let changes: Vec<super::roll::RollChange> = writes
        .iter()
        .map(|r| super::roll::RollChange {
            from: known.get(r.number.as_str()).and_then(|old| old.prison_code.as_deref()),
            to: Some(code.as_str()),
        })
        .chain(gone.iter().map(|_| super::roll::RollChange { from: Some(code.as_str()), to: None }))
        .collect();
    super::roll::roll_updated(&tx, &changes, now).await?;
    tx.commit().await?;
    tracing::info!(prison_id = %prison.id, added, updated, removed, unchanged, "prison roll synced");
    Ok(RollSyncOutcome {
        prison_code: code,
        prisoners: u32::try_from(records.len()).unwrap_or(u32::MAX),
        added,
        updated,
        removed,
        unchanged,
        changed,
    })
}

/// The roll's records, checked and normalised, or every problem in the order of the body.
fn parse(body: &[u8], prison_code: &str, today: chrono::NaiveDate) -> Result<Vec<PrisonerRecord>, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::Malformed(format!("The JSON body is not valid: {e}")))?;
    let outline: RollOutline = json::from_value(value).map_err(|e| match e.kind() {
        json::Kind::Shape => ApiError::Malformed(format!("The JSON body is not valid: {e}")),
        json::Kind::Value => ApiError::validation(FieldError::new(e.path(), FieldErrorCode::InvalidValue, e.message())),
    })?;
    if outline.prisoners.is_empty() && !outline.allow_empty {
        return Err(ApiError::validation(FieldError::new(
            "prisoners",
            FieldErrorCode::Required,
            "A roll with no prisoners would take every prisoner off this prison’s roll: send \"allow_empty\": true \
             if the prison really holds nobody now",
        )));
    }
    if outline.prisoners.len() > MAX_ROLL_PRISONERS {
        return Err(ApiError::validation(FieldError::new(
            "prisoners",
            FieldErrorCode::OutOfRange,
            format!("A roll holds at most {MAX_ROLL_PRISONERS} prisoners; this one has {}", outline.prisoners.len()),
        )));
    }
    let mut errors: Vec<(usize, FieldError)> = Vec::new();
    let mut records = Vec::with_capacity(outline.prisoners.len());
    for (i, value) in outline.prisoners.into_iter().enumerate() {
        let unknown = domain::records::unknown_record_fields(&value);
        if !unknown.is_empty() {
            errors.extend(unknown.into_iter().map(|path| (i, unknown_field(&format!("prisoners[{i}].{path}")))));
            continue;
        }
        match json::from_value::<PrisonerRecord>(value) {
            Ok(record) => records.push((i, record)),
            Err(e) => errors.push((i, unreadable(i, &e))),
        }
    }
    match check_roll(&records, prison_code, today) {
        Ok(checked) if errors.is_empty() => return Ok(checked),
        Ok(_) => {}
        Err(found) => errors.extend(found.into_iter().map(|e| (index_of(&e.field), e))),
    }
    // Stable: each prisoner's problems keep their order.
    errors.sort_by_key(|(i, _)| *i);
    Err(ApiError::Validation(errors.into_iter().map(|(_, e)| e).collect()))
}

/// A prisoner that is not a record at all (a missing field, a string where a number belongs, a date that does not
/// exist), at its path in the body.
fn unreadable(i: usize, e: &json::Error) -> FieldError {
    let at = format!("prisoners[{i}]");
    let inner = e.path();
    let field = if inner.is_empty() {
        at
    } else if inner.starts_with('[') {
        format!("{at}{inner}")
    } else {
        format!("{at}.{inner}")
    };
    // "missing field `number`": the field is required.
    if let Some(name) = e.message().strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
        return FieldError::new(format!("{field}.{name}"), FieldErrorCode::Required, format!("Enter {name}"));
    }
    FieldError::new(
        field,
        FieldErrorCode::InvalidValue,
        format!("This value is not one the field takes: {}", e.message()),
    )
}

/// A field a prisoner record does not have (`domain::records::unknown_record_fields`), at its path in the body.
pub fn unknown_field(path: &str) -> FieldError {
    let name = path.rsplit('.').next().unwrap_or(path);
    FieldError::new(
        path,
        FieldErrorCode::InvalidValue,
        format!("A prisoner record has no field “{name}”: check its spelling"),
    )
}

/// The prisoner's index in a path `prisoners[12]...`.
fn index_of(field: &str) -> usize {
    field
        .strip_prefix("prisoners[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}
