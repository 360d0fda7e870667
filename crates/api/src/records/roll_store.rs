//! The built-in prison roll: prisoners with their prison, allowance, days away and contacts.

use chrono::{DateTime, Utc};
use domain::records::PrisonerRecord;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::db::entities::prisoner_roll;

/// Rows per INSERT of a bulk load: 10 columns each, 10,000 bind parameters, well under the limits of SQLite
/// (32,766) and PostgreSQL (65,535), and few enough statements that 50,000 prisoners take seconds.
const ROWS_PER_INSERT: usize = 1_000;

fn row(record: &PrisonerRecord, now: DateTime<Utc>) -> Result<prisoner_roll::ActiveModel, DbErr> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| DbErr::Custom(format!("cannot encode the record: {e}")));
    Ok(prisoner_roll::ActiveModel {
        number: Set(record.number.clone()),
        first_name: Set(record.first_name.clone()),
        last_name: Set(record.last_name.clone()),
        date_of_birth: Set(record.date_of_birth),
        prison_code: Set(record.prison_code.clone()),
        visiting_allowance: Set(i32::try_from(record.visiting_allowance).unwrap_or(i32::MAX)),
        allowance_renews_on: Set(record.allowance_renews_on),
        unavailable: Set(json(serde_json::to_string(&record.unavailable))?),
        contacts: Set(json(serde_json::to_string(&record.contacts))?),
        updated_at: Set(now),
    })
}

/// A record replaces the one with its number, whole.
fn replace_on_conflict() -> OnConflict {
    OnConflict::column(prisoner_roll::Column::Number)
        .update_columns([
            prisoner_roll::Column::FirstName,
            prisoner_roll::Column::LastName,
            prisoner_roll::Column::DateOfBirth,
            prisoner_roll::Column::PrisonCode,
            prisoner_roll::Column::VisitingAllowance,
            prisoner_roll::Column::AllowanceRenewsOn,
            prisoner_roll::Column::Unavailable,
            prisoner_roll::Column::Contacts,
            prisoner_roll::Column::UpdatedAt,
        ])
        .to_owned()
}

/// Adds or replaces a prisoner's record.
pub async fn upsert(db: &impl ConnectionTrait, record: &PrisonerRecord, now: DateTime<Utc>) -> Result<(), DbErr> {
    upsert_many(db, std::slice::from_ref(record), now).await
}

/// Adds or replaces many records, `ROWS_PER_INSERT` to a statement. The numbers must be distinct (one statement
/// cannot touch a row twice on PostgreSQL); run it in a transaction for all or nothing.
pub async fn upsert_many(
    db: &impl ConnectionTrait,
    records: &[PrisonerRecord],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in records.chunks(ROWS_PER_INSERT) {
        let rows = chunk.iter().map(|r| row(r, now)).collect::<Result<Vec<_>, _>>()?;
        prisoner_roll::Entity::insert_many(rows).on_conflict(replace_on_conflict()).exec_without_returning(db).await?;
    }
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, number: &str) -> Result<Option<PrisonerRecord>, DbErr> {
    prisoner_roll::Entity::find_by_id(number.to_owned()).one(db).await?.map(record).transpose()
}

fn record(row: prisoner_roll::Model) -> Result<PrisonerRecord, DbErr> {
    let corrupt = |e: serde_json::Error| DbErr::Custom(format!("prisoner_roll {}: {e}", row.number));
    Ok(PrisonerRecord {
        unavailable: serde_json::from_str(&row.unavailable).map_err(corrupt)?,
        contacts: serde_json::from_str(&row.contacts).map_err(corrupt)?,
        number: row.number,
        first_name: row.first_name,
        last_name: row.last_name,
        date_of_birth: row.date_of_birth,
        prison_code: row.prison_code,
        visiting_allowance: u32::try_from(row.visiting_allowance).unwrap_or(0),
        allowance_renews_on: row.allowance_renews_on,
    })
}

/// Every prisoner on a prison's roll (`prison_code` as stored: upper case).
pub async fn at_prison(db: &impl ConnectionTrait, prison_code: &str) -> Result<Vec<PrisonerRecord>, DbErr> {
    prisoner_roll::Entity::find()
        .filter(prisoner_roll::Column::PrisonCode.eq(prison_code))
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect()
}

/// The records of these prison numbers, wherever they are held, `ROWS_PER_INSERT` numbers to a query.
pub async fn find_many(db: &impl ConnectionTrait, numbers: &[&str]) -> Result<Vec<PrisonerRecord>, DbErr> {
    let mut found = Vec::new();
    for chunk in numbers.chunks(ROWS_PER_INSERT) {
        let rows = prisoner_roll::Entity::find()
            .filter(prisoner_roll::Column::Number.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for row in rows {
            found.push(record(row)?);
        }
    }
    Ok(found)
}

/// Removes these prisoners' records, `ROWS_PER_INSERT` to a statement.
pub async fn remove_many(db: &impl ConnectionTrait, numbers: &[&str]) -> Result<(), DbErr> {
    for chunk in numbers.chunks(ROWS_PER_INSERT) {
        prisoner_roll::Entity::delete_many()
            .filter(prisoner_roll::Column::Number.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}
