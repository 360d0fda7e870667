//! The waiting list as staff see it: per slot of a date, the visits waiting for a place there, first in line first.
//! Who is first is decided by the server (the order of joining); a place freed in a slot goes to the first entry
//! that wants that slot (`crates/api/src/waiting_list`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::Locale;
use crate::error::{FieldError, FieldErrorCode};
use crate::i18n::describe_slot;
use crate::slot::Slot;
use crate::timetable::Timetable;
use crate::visit::has_started;

/// Whether a place can still come up at `slot` for the waiting list: the timetable runs it, on a date not closed,
/// with places for open visits (the waiting list is for open visits, as instant booking is), and it has not started
/// at `now`. A time that fails this cannot be joined, and a wait whose every time fails it ends.
pub fn can_wait_for(timetable: &Timetable, slot: &Slot, now: DateTime<Utc>) -> bool {
    !has_started(slot, now)
        && timetable.slots_on(slot.date).iter().any(|s| s.slot == *slot && !s.closed && s.capacity > 0)
}

/// The errors of a visitor joining the waiting list for `slots` (each already checked as full by
/// `timetable::check_waiting_list_choices`): `already_waiting` for each time in `held` (the same prisoner already
/// waits for it or has a visit then), `slot_not_offered` for each time with no places for open visits at all. One
/// error per choice, under `slots[i]`.
pub fn check_joining(slots: &[Slot], held: &[Slot], timetable: &Timetable, now: DateTime<Utc>) -> Vec<FieldError> {
    slots
        .iter()
        .enumerate()
        .filter_map(|(i, slot)| {
            let when = describe_slot(slot, Locale::En);
            let (code, message) = if held.contains(slot) {
                (
                    FieldErrorCode::AlreadyWaiting,
                    format!(
                        "This prisoner already has a visit or a place on the waiting list on {when}. Choose another time"
                    ),
                )
            } else if !can_wait_for(timetable, slot, now) {
                (
                    FieldErrorCode::SlotNotOffered,
                    format!("The prison does not offer open visits on {when}. Choose another time"),
                )
            } else {
                return None;
            };
            Some(FieldError::new(format!("slots[{i}]"), code, message))
        })
        .collect()
}

/// One visit waiting for a place in a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingListEntry {
    /// The place in this slot's line: 1 is offered the next place freed in the slot (unless an earlier place in
    /// another of its times reaches it first).
    #[cfg_attr(feature = "openapi", schema(example = 1, minimum = 1))]
    pub position: u32,
    pub visit_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    /// When the visitor joined the waiting list (UTC).
    pub joined_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = "John Smith"))]
    pub prisoner_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "A1234BC"))]
    pub prisoner_number: String,
    #[cfg_attr(feature = "openapi", schema(example = "Mary Smith"))]
    pub lead_visitor_name: String,
    /// Everyone in the party, the lead visitor included.
    #[cfg_attr(feature = "openapi", schema(example = 2, minimum = 1))]
    pub visitor_count: u32,
    /// Every time the visitor is waiting for, most wanted first.
    pub slot_choices: Vec<Slot>,
}

/// One slot of the date with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingListSlot {
    #[serde(flatten)]
    pub slot: Slot,
    /// First in line first.
    pub entries: Vec<WaitingListEntry>,
}

/// A prison's waiting list on one date: only the slots someone is waiting for, in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingList {
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-04"))]
    pub date: NaiveDate,
    pub slots: Vec<WaitingListSlot>,
}
