//! The built-in prison roll: prisoners with their prison, allowance, days away and contacts.

use chrono::{DateTime, Utc};
use domain::records::PrisonerRecord;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::entities::prisoner_roll;

/// Adds or replaces a prisoner's record.
pub async fn upsert(db: &impl ConnectionTrait, record: &PrisonerRecord, now: DateTime<Utc>) -> Result<(), DbErr> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| DbErr::Custom(format!("cannot encode the record: {e}")));
    prisoner_roll::Entity::insert(prisoner_roll::ActiveModel {
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
    .on_conflict(
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
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

pub async fn find(db: &impl ConnectionTrait, number: &str) -> Result<Option<PrisonerRecord>, DbErr> {
    let Some(row) = prisoner_roll::Entity::find_by_id(number.to_owned()).one(db).await? else {
        return Ok(None);
    };
    let corrupt = |e: serde_json::Error| DbErr::Custom(format!("prisoner_roll {}: {e}", row.number));
    Ok(Some(PrisonerRecord {
        unavailable: serde_json::from_str(&row.unavailable).map_err(corrupt)?,
        contacts: serde_json::from_str(&row.contacts).map_err(corrupt)?,
        number: row.number,
        first_name: row.first_name,
        last_name: row.last_name,
        date_of_birth: row.date_of_birth,
        prison_code: row.prison_code,
        visiting_allowance: u32::try_from(row.visiting_allowance).unwrap_or(0),
        allowance_renews_on: row.allowance_renews_on,
    }))
}
