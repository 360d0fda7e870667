//! The day list: a prison's booked (and cancelled) visits on one date, grouped by slot, as staff print it (the
//! server also writes it as a CSV file, in `api::reports::csv`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::slot::Slot;
use crate::visit::VisitState;

/// One visitor on the day list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayListVisitor {
    /// First and last name.
    #[cfg_attr(feature = "openapi", schema(example = "Mary Smith"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "1980-07-01"))]
    pub date_of_birth: NaiveDate,
    /// True for the lead visitor.
    pub lead: bool,
    /// True when staff excluded this visitor: they must not be let in, although the visit goes ahead.
    pub excluded: bool,
}

/// One visit on the day list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayListVisit {
    pub visit_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2M9XD"))]
    pub reference: String,
    /// The prison's own reference for the booking, when staff gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "RCI-2026-0412"))]
    pub booking_reference: Option<String>,
    /// `booked` or `cancelled`.
    pub state: VisitState,
    /// True for a closed visit (no contact, across a screen).
    pub closed_visit: bool,
    #[cfg_attr(feature = "openapi", schema(example = "John Smith"))]
    pub prisoner_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "A1234BC"))]
    pub prisoner_number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "1985-04-12"))]
    pub prisoner_dob: NaiveDate,
    /// Lead visitor first.
    pub visitors: Vec<DayListVisitor>,
    /// How the request came in: `website`, `phone`, `in_person` or `integrator`.
    #[serde(default)]
    pub channel: crate::visit::Channel,
    /// The support the visitor said the party needs (all false and absent when none).
    #[serde(default)]
    pub support_needs: crate::support::SupportNeeds,
}

/// One slot of the day, with its capacity and the visits in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayListSlot {
    #[serde(flatten)]
    pub slot: Slot,
    /// Places for open visits.
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub capacity: u32,
    /// Places for closed visits.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub closed_capacity: u32,
    /// Places for open visits held by requests offered them from the waiting list, while staff decide: taken, as the
    /// booked visits' are (those requests are not in `visits`; they are in the inbox).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub held: u32,
    pub visits: Vec<DayListVisit>,
}

/// A prison's booked and cancelled visits on one date, slot by slot in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayList {
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-01"))]
    pub date: NaiveDate,
    pub slots: Vec<DayListSlot>,
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn list(visits: Vec<DayListVisit>) -> DayList {
        DayList {
            prison_id: Uuid::nil(),
            date: date(2026, 12, 1),
            slots: vec![DayListSlot {
                slot: Slot::new(date(2026, 12, 1), time(14, 0), time(16, 10)),
                capacity: 10,
                closed_capacity: 2,
                held: 0,
                visits,
            }],
        }
    }

    #[test]
    fn the_day_list_json_puts_the_slot_times_beside_the_capacity() {
        let json = serde_json::to_value(list(vec![])).unwrap();
        assert_eq!(json["slots"][0]["start"], "14:00");
        assert_eq!(json["slots"][0]["end"], "16:10");
        assert_eq!(json["slots"][0]["capacity"], 10);
        let back: DayList = serde_json::from_value(json).unwrap();
        assert_eq!(back, list(vec![]));
    }
}
