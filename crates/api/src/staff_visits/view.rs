//! One visit as staff see it: its record read in one go, and the view assembled from it.

use domain::api::PrisonSummary;
use domain::calendar::{is_overdue, london_today};
use domain::staff::{
    LeadVisitorContact, StaffPrisonerView, StaffTimelineEntry, StaffVisitView, StaffVisitorView, VisitMessage,
};
use domain::visit::VisitState;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use crate::visits::record::VisitRecord;

/// The visit with everything about it, if the caller may see it; otherwise the same 404 as for a visit that does
/// not exist.
pub(super) async fn visible_record(
    state: &AppState,
    user: &Principal,
    visit_id: Uuid,
) -> Result<VisitRecord, ApiError> {
    crate::visits::record::find(&state.db, visit_id, state.postgres_fast_paths)
        .await?
        .filter(|r| user.can_access(r.visit.prison_id))
        .ok_or(ApiError::NotFound)
}

/// Everything staff see about one visit.
pub async fn view(state: &AppState, user: &Principal, visit_id: Uuid) -> Result<StaffVisitView, ApiError> {
    let mut view = assemble(state, visible_record(state, user, visit_id).await?);
    with_held_slot(state, &mut view).await?;
    Ok(view)
}

/// The place a request holds from the waiting list, read beside its record (only a request can hold one).
pub(super) async fn with_held_slot(state: &AppState, view: &mut StaffVisitView) -> Result<(), ApiError> {
    if view.state == VisitState::Requested {
        view.held_slot = crate::waiting_list::store::held_slot(&state.db, view.id).await?;
    }
    Ok(())
}

/// The staff view of a visit the caller may see, from its record as read.
pub(super) fn assemble(state: &AppState, record: VisitRecord) -> StaffVisitView {
    let VisitRecord { visit, prison, choices, visitors, timeline, messages, rejection_reasons, emails, .. } = record;
    let today = london_today(state.clock.now());
    // A request offered a place from the waiting list is due counting from the offer (its move out of `waiting`).
    let requested_at = timeline
        .iter()
        .rev()
        .find(|c| c.from == Some(VisitState::Waiting) && c.to == VisitState::Requested)
        .map_or(visit.created_at, |c| c.at);
    let overdue = visit.state == VisitState::Requested
        && is_overdue(london_today(requested_at), today, &prison.rules, state.holidays);
    let cancellation_reason = visit.cancellation_reason;
    StaffVisitView {
        id: visit.id,
        reference: visit.reference,
        prison: PrisonSummary { id: prison.id, name: prison.name, code: prison.code, demo: prison.demo },
        state: visit.state,
        version: visit.version,
        prisoner: StaffPrisonerView {
            first_name: visit.prisoner_first_name,
            last_name: visit.prisoner_last_name,
            date_of_birth: visit.prisoner_dob,
            number: visit.prisoner_number,
        },
        lead_visitor: LeadVisitorContact {
            email: visit.email,
            phone: visit.phone,
            contact_by: visit.contact_by.channels(),
        },
        visitors: visitors
            .into_iter()
            .map(|v| StaffVisitorView {
                index: usize::try_from(v.position).unwrap_or(0),
                lead: v.position == 0,
                first_name: v.first_name,
                last_name: v.last_name,
                date_of_birth: v.dob,
                outcome: v.outcome,
            })
            .collect(),
        slot_choices: choices,
        booked_slot: visit.booked_slot,
        held_slot: None,
        closed_visit: visit.closed_visit,
        booking_reference: visit.booking_reference,
        // Reasons are recorded only with a rejection, which is final.
        rejection_reasons: if visit.state == VisitState::Rejected { rejection_reasons } else { Vec::new() },
        cancellation_reason,
        confirm_by: visit.confirm_by,
        overdue,
        locale: visit.locale,
        created_at: visit.created_at,
        channel: visit.channel,
        messages: messages
            .into_iter()
            .map(|m| VisitMessage { at: m.at, author: m.author, author_name: m.author_name, text: m.body })
            .collect(),
        timeline: timeline
            .into_iter()
            .map(|c| StaffTimelineEntry {
                reason: (c.to == VisitState::Cancelled)
                    .then(|| cancellation_reason.map(|r| r.as_str().to_owned()))
                    .flatten(),
                from: c.from,
                to: c.to,
                actor: c.actor,
                actor_name: c.actor_name,
                at: c.at,
            })
            .collect(),
        emails,
        suggested_rejection_reasons: domain::records::implied_reasons(&visit.records_checks),
        checks: visit.records_checks,
        support_needs: visit.support_needs,
    }
}
