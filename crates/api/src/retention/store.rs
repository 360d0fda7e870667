//! Removing the personal data of old visits. What the metrics need stays: prison, state, dates, times, reasons,
//! the timeline and the number of visitors.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::db::entities::{idempotency_key, visit, visit_message, visit_rejection_reason, visit_slot_choice, visitor};

/// What a date of birth becomes: a date no real visitor has, in a NOT NULL column.
pub fn placeholder_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

/// Visits not yet anonymised whose last change was before `cutoff` and none of whose dates (booked or chosen) is on
/// or after `cutoff_date`.
pub async fn due(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    cutoff_date: NaiveDate,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    let recent_choices = Query::select()
        .column(visit_slot_choice::Column::VisitId)
        .from(visit_slot_choice::Entity)
        .and_where(Expr::col(visit_slot_choice::Column::SlotDate).gte(cutoff_date))
        .to_owned();
    visit::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .filter(visit::Column::AnonymisedAt.is_null())
        .filter(visit::Column::UpdatedAt.lt(cutoff))
        .filter(
            sea_orm::Condition::any()
                .add(visit::Column::BookedDate.is_null())
                .add(visit::Column::BookedDate.lt(cutoff_date)),
        )
        .filter(Expr::col(visit::Column::Id).not_in_subquery(recent_choices))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Blanks the personal data of these visits. Call it in a transaction.
pub async fn anonymise(db: &impl ConnectionTrait, ids: &[Uuid], now: DateTime<Utc>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    for id in ids {
        // The status link dies with the data: the token hash is unique, so each visit gets its own dead value.
        visit::Entity::update_many()
            .col_expr(visit::Column::PrisonerFirstName, Expr::value(""))
            .col_expr(visit::Column::PrisonerLastName, Expr::value(""))
            .col_expr(visit::Column::PrisonerDob, Expr::value(placeholder_date()))
            .col_expr(visit::Column::PrisonerNumber, Expr::value(""))
            .col_expr(visit::Column::Email, Expr::value(""))
            .col_expr(visit::Column::Phone, Expr::value(""))
            // The choice of texts goes with the number it was for: an anonymised visit is email-only, to nobody.
            .col_expr(visit::Column::ContactEmail, Expr::value(true))
            .col_expr(visit::Column::ContactSms, Expr::value(false))
            .col_expr(visit::Column::TokenHash, Expr::value(format!("anonymised:{id}")))
            .col_expr(visit::Column::AnonymisedAt, Expr::value(now))
            // The checks' details may name people.
            .col_expr(visit::Column::RecordsChecks, Expr::value(Option::<String>::None))
            // Support needs say something of someone's health or language.
            .col_expr(visit::Column::SupportWheelchairAccess, Expr::value(false))
            .col_expr(visit::Column::SupportHearingLoop, Expr::value(false))
            .col_expr(visit::Column::SupportInterpreterLanguage, Expr::value(Option::<String>::None))
            .col_expr(visit::Column::SupportOther, Expr::value(Option::<String>::None))
            .filter(visit::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    let ids = ids.iter().copied();
    visitor::Entity::update_many()
        .col_expr(visitor::Column::FirstName, Expr::value(""))
        .col_expr(visitor::Column::LastName, Expr::value(""))
        .col_expr(visitor::Column::Dob, Expr::value(placeholder_date()))
        .filter(visitor::Column::VisitId.is_in(ids.clone()))
        .exec(db)
        .await?;
    visit_message::Entity::update_many()
        .col_expr(visit_message::Column::Body, Expr::value(""))
        .filter(visit_message::Column::VisitId.is_in(ids.clone()))
        .exec(db)
        .await?;
    visit_rejection_reason::Entity::update_many()
        .col_expr(visit_rejection_reason::Column::Detail, Expr::value(Option::<String>::None))
        .filter(visit_rejection_reason::Column::VisitId.is_in(ids.clone()))
        .exec(db)
        .await?;
    idempotency_key::Entity::delete_many().filter(idempotency_key::Column::VisitId.is_in(ids)).exec(db).await?;
    Ok(())
}
