//! Visits: the request with its visitors and chosen slots, its state history, and idempotency keys.

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::Locale;
use domain::request::ValidVisitRequest;
use domain::slot::Slot;
use domain::support::SupportNeeds;
use domain::visit::{Actor, CancellationReason, Channel, VisitState, VisitorOutcome};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::db::entities::{idempotency_key, visit, visit_slot_choice, visit_state_change, visitor};

/// Everything written when a visitor submits a request.
pub struct NewVisit<'a> {
    pub id: Uuid,
    pub reference: &'a str,
    pub request: &'a ValidVisitRequest,
    pub token_hash: &'a str,
    pub confirm_by: NaiveDate,
    pub actor: Actor,
    /// Who made the request, for the timeline: a staff member's or a key's name (`None` for the visitor).
    pub actor_name: Option<&'a str>,
    /// How the request came in.
    pub channel: Channel,
    pub now: DateTime<Utc>,
    /// The prisoner checks' results as JSON, when records were consulted.
    pub records_checks: Option<&'a str>,
    /// `requested`, or `waiting` for a visitor joining the waiting list.
    pub state: VisitState,
}

/// A visit's own row, in domain terms.
#[derive(Debug, Clone)]
pub struct VisitRow {
    pub id: Uuid,
    pub reference: String,
    pub prison_id: Uuid,
    pub state: VisitState,
    pub prisoner_first_name: String,
    pub prisoner_last_name: String,
    pub prisoner_dob: NaiveDate,
    pub prisoner_number: String,
    pub email: String,
    pub phone: String,
    pub locale: Locale,
    pub confirm_by: NaiveDate,
    pub booked_slot: Option<Slot>,
    pub closed_visit: bool,
    pub booking_reference: Option<String>,
    pub cancellation_reason: Option<CancellationReason>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// True once the retention job removed the personal data.
    pub anonymised: bool,
    /// The prisoner checks made when the request arrived.
    pub records_checks: Vec<domain::records::CheckResult>,
    /// How the request came in.
    pub channel: Channel,
    /// How the visitor chose to be told: by email, by text message, or both.
    pub contact_by: domain::email::ContactChoice,
    /// What support the party needs (empty when none, or once anonymised).
    pub support_needs: SupportNeeds,
}

#[derive(Debug, Clone)]
pub struct VisitorRow {
    pub position: i16,
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
    pub outcome: Option<VisitorOutcome>,
}

#[derive(Debug, Clone)]
pub struct StateChangeRow {
    pub version: i32,
    pub from: Option<VisitState>,
    pub to: VisitState,
    pub actor: Actor,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
}

pub(crate) fn row(m: visit::Model) -> Result<VisitRow, DbErr> {
    let booked_slot = match (m.booked_date, m.booked_start, m.booked_end) {
        (Some(date), Some(start), Some(end)) => Some(Slot::new(date, start, end)),
        _ => None,
    };
    Ok(VisitRow {
        id: m.id,
        reference: m.reference,
        prison_id: m.prison_id,
        state: m.state,
        prisoner_first_name: m.prisoner_first_name,
        prisoner_last_name: m.prisoner_last_name,
        prisoner_dob: m.prisoner_dob,
        prisoner_number: m.prisoner_number,
        email: m.email,
        phone: m.phone,
        locale: m.locale,
        confirm_by: m.confirm_by,
        booked_slot,
        closed_visit: m.closed_visit,
        booking_reference: m.booking_reference,
        cancellation_reason: m.cancellation_reason,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        anonymised: m.anonymised_at.is_some(),
        records_checks: m.records_checks.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default(),
        channel: m.channel,
        contact_by: domain::email::ContactChoice { email: m.contact_email, sms: m.contact_sms },
        support_needs: SupportNeeds {
            wheelchair_access: m.support_wheelchair_access,
            hearing_loop: m.support_hearing_loop,
            interpreter_language: m.support_interpreter_language,
            other: m.support_other,
        },
    })
}

pub async fn insert(db: &impl ConnectionTrait, v: &NewVisit<'_>) -> Result<(), DbErr> {
    let r = v.request;
    visit::Entity::insert(visit::ActiveModel {
        id: Set(v.id),
        reference: Set(v.reference.to_owned()),
        prison_id: Set(r.prison_id),
        state: Set(v.state),
        prisoner_first_name: Set(r.prisoner.first_name.as_str().to_owned()),
        prisoner_last_name: Set(r.prisoner.last_name.as_str().to_owned()),
        prisoner_dob: Set(r.prisoner.date_of_birth),
        prisoner_number: Set(r.prisoner.number.as_str().to_owned()),
        email: Set(r.lead_visitor.email.as_str().to_owned()),
        phone: Set(r.lead_visitor.phone.as_str().to_owned()),
        locale: Set(r.locale),
        token_hash: Set(v.token_hash.to_owned()),
        confirm_by: Set(v.confirm_by),
        booked_date: Set(None),
        booked_start: Set(None),
        booked_end: Set(None),
        closed_visit: Set(false),
        booking_reference: Set(None),
        cancellation_reason: Set(None),
        cancellation_acknowledged_at: Set(None),
        version: Set(0),
        created_at: Set(v.now),
        updated_at: Set(v.now),
        anonymised_at: Set(None),
        records_checks: Set(v.records_checks.map(str::to_owned)),
        channel: Set(v.channel),
        reminded_date: Set(None),
        reminded_start: Set(None),
        contact_email: Set(r.lead_visitor.contact_by.email),
        contact_sms: Set(r.lead_visitor.contact_by.sms),
        support_wheelchair_access: Set(r.support_needs.wheelchair_access),
        support_hearing_loop: Set(r.support_needs.hearing_loop),
        support_interpreter_language: Set(r.support_needs.interpreter_language.clone()),
        support_other: Set(r.support_needs.other.clone()),
    })
    .exec_without_returning(db)
    .await?;

    let lead = &r.lead_visitor;
    let visitors = std::iter::once((&lead.first_name, &lead.last_name, lead.date_of_birth))
        .chain(r.other_visitors.iter().map(|o| (&o.first_name, &o.last_name, o.date_of_birth)))
        .enumerate()
        .map(|(position, (first, last, dob))| visitor::ActiveModel {
            visit_id: Set(v.id),
            position: Set(i16::try_from(position).unwrap_or(i16::MAX)),
            first_name: Set(first.as_str().to_owned()),
            last_name: Set(last.as_str().to_owned()),
            dob: Set(dob),
            outcome: Set(None),
            banned_until: Set(None),
        });
    visitor::Entity::insert_many(visitors).exec_without_returning(db).await?;

    let choices = r.slots.iter().enumerate().map(|(rank, slot)| visit_slot_choice::ActiveModel {
        visit_id: Set(v.id),
        rank: Set(i16::try_from(rank).unwrap_or(i16::MAX)),
        slot_date: Set(slot.date),
        start_time: Set(slot.start),
        end_time: Set(slot.end),
    });
    visit_slot_choice::Entity::insert_many(choices).exec_without_returning(db).await?;

    record_change(db, v.id, 0, None, v.state, v.actor, v.actor_name, v.now).await
}

#[allow(clippy::too_many_arguments)]
async fn record_change(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    version: i32,
    from: Option<VisitState>,
    to: VisitState,
    actor: Actor,
    actor_name: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    visit_state_change::Entity::insert(visit_state_change::ActiveModel {
        visit_id: Set(visit_id),
        version: Set(version),
        from_state: Set(from),
        to_state: Set(to),
        actor: Set(actor),
        actor_name: Set(actor_name.map(str::to_owned)),
        at: Set(at),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<VisitRow>, DbErr> {
    visit::Entity::find_by_id(id).one(db).await?.map(row).transpose()
}

pub async fn find_by_token_hash(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<VisitRow>, DbErr> {
    visit::Entity::find().filter(visit::Column::TokenHash.eq(token_hash)).one(db).await?.map(row).transpose()
}

pub async fn visitors(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<VisitorRow>, DbErr> {
    Ok(visitor::Entity::find()
        .filter(visitor::Column::VisitId.eq(visit_id))
        .order_by_asc(visitor::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(visitor_row)
        .collect())
}

pub(crate) fn visitor_row(v: visitor::Model) -> VisitorRow {
    VisitorRow {
        outcome: v.outcome.map(|kind| VisitorOutcome::from_parts(kind, v.banned_until)),
        position: v.position,
        first_name: v.first_name,
        last_name: v.last_name,
        dob: v.dob,
    }
}

pub async fn slot_choices(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<Slot>, DbErr> {
    Ok(visit_slot_choice::Entity::find()
        .filter(visit_slot_choice::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_slot_choice::Column::Rank)
        .all(db)
        .await?
        .into_iter()
        .map(choice_slot)
        .collect())
}

pub(crate) fn choice_slot(c: visit_slot_choice::Model) -> Slot {
    Slot::new(c.slot_date, c.start_time, c.end_time)
}

pub async fn timeline(db: &impl ConnectionTrait, visit_id: Uuid) -> Result<Vec<StateChangeRow>, DbErr> {
    visit_state_change::Entity::find()
        .filter(visit_state_change::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_state_change::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(state_change_row)
        .collect()
}

pub(crate) fn state_change_row(c: visit_state_change::Model) -> Result<StateChangeRow, DbErr> {
    Ok(StateChangeRow {
        version: c.version,
        from: c.from_state,
        to: c.to_state,
        actor: c.actor,
        actor_name: c.actor_name,
        at: c.at,
    })
}

/// Moves a visit from `from` to `to` if nobody changed it since `version` was read, and records the change. A place
/// the visit held (booked, or a request offered one from the waiting list) comes back and goes to the first in that
/// slot's waiting list, in this transaction. Returns `None` (and writes nothing) when the visit had moved on: the
/// caller re-reads and reports the conflict; otherwise the events of the place offered, which the caller records
/// after its own (every row lock is taken by then: see `crate::events`).
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    version: i32,
    from: VisitState,
    to: VisitState,
    actor: Actor,
    actor_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Vec<crate::events::NewEvent>>, DbErr> {
    let result = visit::Entity::update_many()
        .col_expr(visit::Column::State, Expr::value(to))
        .col_expr(visit::Column::Version, Expr::value(version + 1))
        .col_expr(visit::Column::UpdatedAt, Expr::value(now))
        .filter(visit::Column::Id.eq(visit_id))
        .filter(visit::Column::State.eq(from))
        .filter(visit::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(None);
    }
    record_change(db, visit_id, version + 1, Some(from), to, actor, actor_name, now).await?;
    let mut offered = Vec::new();
    if from == VisitState::Booked {
        // The place comes back to the slot, and goes to the first in its waiting list, if anyone waits for it.
        let visit = visit::Entity::find_by_id(visit_id)
            .one(db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("visit {visit_id}")))?;
        if let (Some(date), Some(start), Some(end)) = (visit.booked_date, visit.booked_start, visit.booked_end) {
            let slot = Slot::new(date, start, end);
            offered.extend(
                crate::waiting_list::service::place_freed(db, visit.prison_id, slot, visit.closed_visit, now).await?,
            );
        }
    } else if from == VisitState::Requested
        && let Some(slot) = crate::waiting_list::store::held_slot(db, visit_id).await?
    {
        // A request offered a place from the waiting list held it; it comes back the same way.
        crate::waiting_list::store::clear_held(db, visit_id).await?;
        let visit = visit::Entity::find_by_id(visit_id)
            .one(db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("visit {visit_id}")))?;
        offered.extend(crate::waiting_list::service::place_freed(db, visit.prison_id, slot, false, now).await?);
    }
    Ok(Some(offered))
}

/// Where a visit goes when the waiting list offers it a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Booked into the slot (an instant-booking prison).
    Booked(Slot),
    /// A request for staff, holding the slot's place, to decide by `confirm_by` (counted from the offer, not from
    /// when the visitor joined the line).
    Requested { confirm_by: NaiveDate },
}

/// Moves a waiting visit out of the line if nobody changed it since `version` was read, and records the change
/// (by the service itself). False, and nothing written, when it had moved on (left the line, or offered a place
/// by another change first). The place is the caller's: see `waiting_list::service::offer`.
pub async fn leave_waiting(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    version: i32,
    offer: Offer,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = visit::Entity::update_many()
        .col_expr(visit::Column::Version, Expr::value(version + 1))
        .col_expr(visit::Column::UpdatedAt, Expr::value(now));
    let to = match offer {
        Offer::Booked(slot) => {
            update = update
                .col_expr(visit::Column::BookedDate, Expr::value(slot.date))
                .col_expr(visit::Column::BookedStart, Expr::value(slot.start))
                .col_expr(visit::Column::BookedEnd, Expr::value(slot.end))
                .col_expr(visit::Column::ClosedVisit, Expr::value(false));
            VisitState::Booked
        }
        Offer::Requested { confirm_by } => {
            update = update.col_expr(visit::Column::ConfirmBy, Expr::value(confirm_by));
            VisitState::Requested
        }
    };
    let result = update
        .col_expr(visit::Column::State, Expr::value(to))
        .filter(visit::Column::Id.eq(visit_id))
        .filter(visit::Column::State.eq(VisitState::Waiting))
        .filter(visit::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    record_change(db, visit_id, version + 1, Some(VisitState::Waiting), to, Actor::System, None, now).await?;
    Ok(true)
}

/// Books a requested visit into `slot` if nobody changed it since `version` was read (capacity is the caller's
/// concern: see `decisions::grant`). False, and nothing written, when the visit had moved on.
#[allow(clippy::too_many_arguments)]
pub async fn book(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    version: i32,
    slot: Slot,
    closed_visit: bool,
    booking_reference: Option<&str>,
    actor: Actor,
    actor_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = visit::Entity::update_many()
        .col_expr(visit::Column::State, Expr::value(VisitState::Booked))
        .col_expr(visit::Column::BookedDate, Expr::value(slot.date))
        .col_expr(visit::Column::BookedStart, Expr::value(slot.start))
        .col_expr(visit::Column::BookedEnd, Expr::value(slot.end))
        .col_expr(visit::Column::ClosedVisit, Expr::value(closed_visit))
        .col_expr(visit::Column::BookingReference, Expr::value(booking_reference))
        .col_expr(visit::Column::Version, Expr::value(version + 1))
        .col_expr(visit::Column::UpdatedAt, Expr::value(now))
        .filter(visit::Column::Id.eq(visit_id))
        .filter(visit::Column::State.eq(VisitState::Requested))
        .filter(visit::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    // The place is taken with `places::take_place`, which also marks the slot's availability as changed.
    record_change(db, visit_id, version + 1, Some(VisitState::Requested), VisitState::Booked, actor, actor_name, now)
        .await?;
    Ok(true)
}

pub struct IdempotencyRecord {
    pub request_hash: String,
    pub visit_id: Uuid,
}

/// The visit an `Idempotency-Key` made, when this credential (`auth::Credential::stored`) sent it before.
pub async fn find_idempotency_key(
    db: &impl ConnectionTrait,
    credential: &str,
    key: &str,
) -> Result<Option<IdempotencyRecord>, DbErr> {
    Ok(idempotency_key::Entity::find_by_id((credential.to_owned(), key.to_owned()))
        .one(db)
        .await?
        .map(|r| IdempotencyRecord { request_hash: r.request_hash, visit_id: r.visit_id }))
}

pub async fn insert_idempotency_key(
    db: &impl ConnectionTrait,
    credential: &str,
    key: &str,
    request_hash: &str,
    visit_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        credential: Set(credential.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        visit_id: Set(visit_id),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Visits waiting for a decision, oldest first, in the given prisons (`None`: every prison).
pub async fn requested(db: &impl ConnectionTrait, prisons: Option<&[Uuid]>) -> Result<Vec<VisitRow>, DbErr> {
    let mut query = visit::Entity::find()
        .filter(visit::Column::State.eq(VisitState::Requested))
        .filter(visit::Column::AnonymisedAt.is_null());
    if let Some(prisons) = prisons {
        query = query.filter(visit::Column::PrisonId.is_in(prisons.iter().copied()));
    }
    query.order_by_asc(visit::Column::CreatedAt).all(db).await?.into_iter().map(row).collect()
}

/// Booked visits that their visitors cancelled and staff have not acknowledged yet, for visits from `from_date` on.
pub async fn cancelled_by_visitors(
    db: &impl ConnectionTrait,
    prisons: Option<&[Uuid]>,
    from_date: NaiveDate,
) -> Result<Vec<VisitRow>, DbErr> {
    let mut query = visit::Entity::find()
        .filter(visit::Column::State.eq(VisitState::Cancelled))
        .filter(visit::Column::CancellationReason.eq(domain::visit::CancellationReason::VisitorCancelled))
        .filter(visit::Column::CancellationAcknowledgedAt.is_null())
        .filter(visit::Column::AnonymisedAt.is_null())
        .filter(visit::Column::BookedDate.gte(from_date));
    if let Some(prisons) = prisons {
        query = query.filter(visit::Column::PrisonId.is_in(prisons.iter().copied()));
    }
    query.order_by_asc(visit::Column::BookedDate).all(db).await?.into_iter().map(row).collect()
}

/// Visits by reference or prison number, newest first, in the given prisons.
pub async fn search(
    db: &impl ConnectionTrait,
    prisons: Option<&[Uuid]>,
    reference: Option<&str>,
    prisoner_number: Option<&str>,
) -> Result<Vec<VisitRow>, DbErr> {
    // Staff reach back as far as personal data is kept.
    let mut query = visit::Entity::find().filter(visit::Column::AnonymisedAt.is_null());
    if let Some(reference) = reference {
        query = query.filter(visit::Column::Reference.eq(reference));
    }
    if let Some(number) = prisoner_number {
        query = query.filter(visit::Column::PrisonerNumber.eq(number));
    }
    if let Some(prisons) = prisons {
        query = query.filter(visit::Column::PrisonId.is_in(prisons.iter().copied()));
    }
    query.order_by_desc(visit::Column::CreatedAt).limit(200).all(db).await?.into_iter().map(row).collect()
}

/// Visitors and slot choices of many visits in two queries.
pub async fn visitors_and_choices(
    db: &impl ConnectionTrait,
    visit_ids: &[Uuid],
) -> Result<(std::collections::HashMap<Uuid, Vec<VisitorRow>>, std::collections::HashMap<Uuid, Vec<Slot>>), DbErr> {
    let mut visitors: std::collections::HashMap<Uuid, Vec<VisitorRow>> = Default::default();
    let mut choices: std::collections::HashMap<Uuid, Vec<Slot>> = Default::default();
    if visit_ids.is_empty() {
        return Ok((visitors, choices));
    }
    for v in visitor::Entity::find()
        .filter(visitor::Column::VisitId.is_in(visit_ids.iter().copied()))
        .order_by_asc(visitor::Column::Position)
        .all(db)
        .await?
    {
        visitors.entry(v.visit_id).or_default().push(VisitorRow {
            outcome: v.outcome.map(|kind| VisitorOutcome::from_parts(kind, v.banned_until)),
            position: v.position,
            first_name: v.first_name,
            last_name: v.last_name,
            dob: v.dob,
        });
    }
    for c in visit_slot_choice::Entity::find()
        .filter(visit_slot_choice::Column::VisitId.is_in(visit_ids.iter().copied()))
        .order_by_asc(visit_slot_choice::Column::Rank)
        .all(db)
        .await?
    {
        choices.entry(c.visit_id).or_default().push(Slot::new(c.slot_date, c.start_time, c.end_time));
    }
    Ok((visitors, choices))
}

/// Booked and cancelled visits of a prison on one date (the day list), by start time.
pub async fn on_date(db: &impl ConnectionTrait, prison_id: Uuid, date: NaiveDate) -> Result<Vec<VisitRow>, DbErr> {
    visit::Entity::find()
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::BookedDate.eq(date))
        .filter(visit::Column::AnonymisedAt.is_null())
        .filter(visit::Column::State.is_in([VisitState::Booked, VisitState::Cancelled]))
        .order_by_asc(visit::Column::BookedStart)
        .order_by_asc(visit::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect()
}

/// Visits of a prison created in `[from, to)`, and every visit still waiting whatever its age (for metrics).
pub async fn for_metrics(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<VisitRow>, DbErr> {
    use sea_orm::Condition;
    visit::Entity::find()
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(
            Condition::any()
                .add(Condition::all().add(visit::Column::CreatedAt.gte(from)).add(visit::Column::CreatedAt.lt(to)))
                .add(visit::Column::State.eq(VisitState::Requested)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect()
}

/// When each of these visits was decided (booked or rejected): its one change from `requested` to either, or the
/// offer that booked a waiting-list visit at once (an instant-booking prison).
pub async fn decision_times(
    db: &impl ConnectionTrait,
    visit_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, DateTime<Utc>>, DbErr> {
    if visit_ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(visit_state_change::Entity::find()
        .filter(visit_state_change::Column::VisitId.is_in(visit_ids.iter().copied()))
        // The one decision of a request (or the offer that booked a waiting-list visit at an instant-booking prison).
        .filter(visit_state_change::Column::FromState.is_in([VisitState::Requested, VisitState::Waiting]))
        .filter(visit_state_change::Column::ToState.is_in([VisitState::Booked, VisitState::Rejected]))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.visit_id, c.at))
        .collect())
}

/// The latest date among the chosen times of a prison's requests still waiting for a decision: a grant can book
/// any of them, however far ahead the booking window reached when they were made.
pub async fn latest_requested_choice(db: &impl ConnectionTrait, prison_id: Uuid) -> Result<Option<NaiveDate>, DbErr> {
    visit_slot_choice::Entity::find()
        .select_only()
        .column(visit_slot_choice::Column::SlotDate)
        .join(
            sea_orm::JoinType::InnerJoin,
            visit_slot_choice::Entity::belongs_to(visit::Entity)
                .from(visit_slot_choice::Column::VisitId)
                .to(visit::Column::Id)
                .into(),
        )
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::State.eq(VisitState::Requested))
        .order_by_desc(visit_slot_choice::Column::SlotDate)
        .limit(1)
        .into_tuple::<NaiveDate>()
        .one(db)
        .await
}

/// Booked visits of a prison from `from` on (what a timetable change could touch).
pub async fn booked_from(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: NaiveDate,
) -> Result<Vec<domain::timetable_change::BookedVisit>, DbErr> {
    visit::Entity::find()
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::State.eq(VisitState::Booked))
        .filter(visit::Column::BookedDate.gte(from))
        .order_by_asc(visit::Column::BookedDate)
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            // A booked visit without its time is an unreadable row: an error, not a visit a timetable change misses.
            let (Some(date), Some(start), Some(end)) = (v.booked_date, v.booked_start, v.booked_end) else {
                return Err(DbErr::Type(format!("visit {}: booked without a booked time", v.id)));
            };
            Ok(domain::timetable_change::BookedVisit {
                slot: Slot::new(date, start, end),
                visit_id: v.id,
                reference: v.reference,
                closed_visit: v.closed_visit,
            })
        })
        .collect()
}

/// Records that staff have seen a visitor's cancellation. False when it is not one, or was already acknowledged.
pub async fn acknowledge_cancellation(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = visit::Entity::update_many()
        .col_expr(visit::Column::CancellationAcknowledgedAt, Expr::value(now))
        .filter(visit::Column::Id.eq(visit_id))
        .filter(visit::Column::State.eq(VisitState::Cancelled))
        .filter(visit::Column::CancellationReason.eq(domain::visit::CancellationReason::VisitorCancelled))
        .filter(visit::Column::CancellationAcknowledgedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Visits of a prison created in `[from, to)`, oldest first (a prison's daily digest).
pub async fn created_between(
    db: &impl ConnectionTrait,
    prison_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<VisitRow>, DbErr> {
    visit::Entity::find()
        .filter(visit::Column::PrisonId.eq(prison_id))
        .filter(visit::Column::CreatedAt.gte(from))
        .filter(visit::Column::CreatedAt.lt(to))
        .filter(visit::Column::AnonymisedAt.is_null())
        .order_by_asc(visit::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect()
}
