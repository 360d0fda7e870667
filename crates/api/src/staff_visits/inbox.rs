//! The lists staff work from: the inbox of requests waiting for a decision, and search by reference or prison number.

use domain::calendar::{is_overdue, london_today};
use domain::staff::{CancellationNotice, Inbox, InboxItem, PrisonCount};
use domain::types::{PrisonNumber, Reference};
use domain::visit::VisitState;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use crate::visits::store::VisitRow;

async fn summaries(state: &AppState, visits: Vec<VisitRow>) -> Result<Vec<InboxItem>, ApiError> {
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    let (mut visitors, mut choices) = crate::visits::store::visitors_and_choices(&state.db, &ids).await?;
    let prisons = crate::prisons::store::list_details(&state.db).await?;
    // A request offered a place from the waiting list is due counting from the offer.
    let offered = crate::waiting_list::store::offered_at(&state.db, &ids).await?;
    let today = london_today(state.clock.now());
    Ok(visits
        .into_iter()
        .filter_map(|v| {
            let prison = prisons.iter().find(|p| p.id == v.prison_id)?;
            let people = visitors.remove(&v.id).unwrap_or_default();
            let lead = people.first().map(|l| format!("{} {}", l.first_name, l.last_name)).unwrap_or_default();
            Some(InboxItem {
                visit_id: v.id,
                reference: v.reference,
                prison_id: v.prison_id,
                prison_name: prison.name.clone(),
                prisoner_name: format!("{} {}", v.prisoner_first_name, v.prisoner_last_name),
                prisoner_number: v.prisoner_number,
                lead_visitor_name: lead,
                visitor_count: u32::try_from(people.len()).unwrap_or(0),
                slot_choices: choices.remove(&v.id).unwrap_or_default(),
                overdue: v.state == VisitState::Requested && {
                    let requested_at = offered.get(&v.id).copied().flatten().unwrap_or(v.created_at);
                    is_overdue(london_today(requested_at), today, &prison.rules, state.holidays)
                },
                created_at: v.created_at,
                confirm_by: v.confirm_by,
                version: v.version,
                channel: v.channel,
            })
        })
        .collect())
}

/// Requests waiting for a decision in the caller's prisons (optionally one of them), oldest first, with counts per
/// prison and the visitor cancellations of visits still to come.
pub async fn inbox(state: &AppState, user: &Principal, prison: Option<Uuid>) -> Result<Inbox, ApiError> {
    let scope: Option<Vec<Uuid>> = match prison {
        Some(id) if !user.can_access(id) => return Err(ApiError::NotFound),
        Some(id) => Some(vec![id]),
        None => user.prison_scope().map(<[Uuid]>::to_vec),
    };
    let requested = crate::visits::store::requested(&state.db, scope.as_deref()).await?;
    let items = summaries(state, requested).await?;
    let today = london_today(state.clock.now());
    let cancelled = crate::visits::store::cancelled_by_visitors(&state.db, scope.as_deref(), today).await?;
    let cancellations: Vec<CancellationNotice> = cancelled
        .into_iter()
        .filter_map(|v| {
            Some(CancellationNotice {
                visit_id: v.id,
                reference: v.reference,
                prison_id: v.prison_id,
                prisoner_name: format!("{} {}", v.prisoner_first_name, v.prisoner_last_name),
                slot: v.booked_slot?,
                cancelled_at: v.updated_at,
            })
        })
        .collect();
    let mut counts: Vec<PrisonCount> = Vec::new();
    for prison in crate::prisons::store::list_details(&state.db).await?.into_iter().filter(|p| match &scope {
        Some(ids) => ids.contains(&p.id),
        None => true,
    }) {
        let mine = items.iter().filter(|i| i.prison_id == prison.id);
        counts.push(PrisonCount {
            prison_id: prison.id,
            requested: u32::try_from(mine.clone().count()).unwrap_or(0),
            overdue: u32::try_from(mine.filter(|i| i.overdue).count()).unwrap_or(0),
            cancellations_to_acknowledge: u32::try_from(
                cancellations.iter().filter(|c| c.prison_id == prison.id).count(),
            )
            .unwrap_or(0),
            prison_name: prison.name,
        });
    }
    Ok(Inbox { items, counts, cancellations })
}

/// Visits by reference or prison number (whichever the query looks like), in the caller's prisons.
pub async fn search(state: &AppState, user: &Principal, query: &str) -> Result<Vec<InboxItem>, ApiError> {
    let number = PrisonNumber::parse(query).ok();
    let reference = if number.is_none() { Reference::parse(query).ok() } else { None };
    if number.is_none() && reference.is_none() {
        return Err(ApiError::validation(domain::error::FieldError::new(
            "q",
            domain::error::FieldErrorCode::InvalidReference,
            "Enter a booking reference (8 characters) or a prison number, like A1234BC",
        )));
    }
    let visits = crate::visits::store::search(
        &state.db,
        user.prison_scope(),
        reference.as_ref().map(|r| r.as_str()),
        number.as_ref().map(|n| n.as_str()),
    )
    .await?;
    summaries(state, visits).await
}
