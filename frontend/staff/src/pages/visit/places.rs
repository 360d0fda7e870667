//! The places left at each time the visitor chose, from the prison's day list as it is now.

use domain::daylist::DayList;
use domain::slot::Slot;
use domain::visit::VisitState;
use frontend_shared::i18n::Lang;

/// Places at one chosen time, from the prison's day list as it is now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Places {
    /// None when the time is no longer in the timetable.
    pub(super) open_left: Option<u32>,
    pub(super) open_capacity: u32,
    pub(super) closed_left: Option<u32>,
}

impl Places {
    pub(super) fn left(self, closed_visit: bool) -> u32 {
        if closed_visit { self.closed_left.unwrap_or(0) } else { self.open_left.unwrap_or(0) }
    }
}

pub(super) fn places_at(list: &DayList, slot: &Slot) -> Places {
    match list.slots.iter().find(|s| s.slot == *slot) {
        Some(day_slot) => {
            let booked = |closed: bool| {
                day_slot.visits.iter().filter(|v| v.state == VisitState::Booked && v.closed_visit == closed).count()
                    as u32
            };
            Places {
                open_left: Some(day_slot.capacity.saturating_sub(booked(false))),
                open_capacity: day_slot.capacity,
                closed_left: Some(day_slot.closed_capacity.saturating_sub(booked(true))),
            }
        }
        None => Places { open_left: None, open_capacity: 0, closed_left: None },
    }
}

pub(super) fn ordinal(lang: Lang, i: usize) -> &'static str {
    match i {
        0 => lang.t("1st choice", "Dewis cyntaf"),
        1 => lang.t("2nd choice", "Ail ddewis"),
        _ => lang.t("3rd choice", "Trydydd dewis"),
    }
}

pub(super) fn places_text(lang: Lang, place: Option<Places>, closed_visit: bool) -> String {
    match place {
        None => lang.t("Places unknown: check the day list", "Lleoedd yn anhysbys: gwiriwch restr y dydd").to_string(),
        Some(Places { open_left: None, .. }) => {
            lang.t("Full: no visiting at this time any more", "Llawn: dim ymweld ar yr amser hwn mwyach").to_string()
        }
        Some(p) if p.left(closed_visit) == 0 => {
            if closed_visit {
                lang.t("Full for closed visits", "Llawn ar gyfer ymweliadau caeedig").to_string()
            } else {
                lang.t("Full", "Llawn").to_string()
            }
        }
        Some(p) => format!(
            "{} {} {} {} ({} {})",
            p.open_left.unwrap_or(0),
            lang.t("of", "o"),
            p.open_capacity,
            lang.t("places left", "lle ar ôl"),
            lang.t("closed visits:", "ymweliadau caeedig:"),
            p.closed_left.unwrap_or(0)
        ),
    }
}
