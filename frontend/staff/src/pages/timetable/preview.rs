//! The next 28 days as the edited timetable makes them, and the booked visits a change touches.

use chrono::{Duration, NaiveDate};
use domain::i18n::{describe_date, describe_slot, describe_times};
use domain::slot::Slot;
use domain::timetable::Timetable;
use domain::timetable_change::AffectedVisit;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;

use super::PREVIEW_DAYS;
use crate::ui::today;

/// A time in the preview: the slot, its open and closed-visit places, and whether its date is closed.
pub(super) type PreviewSlot = (Slot, u32, u32, bool);

/// The next 28 days as the timetable makes them, day by day.
#[component]
pub(super) fn Preview(timetable: Timetable) -> impl IntoView {
    let lang = use_lang();
    let from = today();
    let to = from + Duration::days(PREVIEW_DAYS - 1);
    let slots = timetable.slots_between(from, to);
    let days: Vec<(NaiveDate, Vec<PreviewSlot>)> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let on: Vec<_> = slots
                .iter()
                .filter(|s| s.slot.date == date)
                .map(|s| (s.slot, s.capacity, s.closed_capacity, s.closed))
                .collect();
            (date, on)
        })
        .filter(|(_, on)| !on.is_empty())
        .collect();
    view! {
        <dl class="govuk-summary-list app-preview__list" id="preview-days">
            {days.into_iter().map(|(date, on)| {
                let closed = on.iter().all(|(_, _, _, closed)| *closed);
                view! {
                    <div class="govuk-summary-list__row" data-date=date.to_string() data-closed=closed.to_string()>
                        <dt class="govuk-summary-list__key">{move || describe_date(date, lang.get())}</dt>
                        <dd class="govuk-summary-list__value">
                            {if closed {
                                view! { <strong class="govuk-tag govuk-tag--grey">{tx("Closed", "Ar gau")}</strong> }.into_any()
                            } else {
                                view! {
                                    <ul class="govuk-list govuk-!-margin-bottom-0">
                                        {on.into_iter().map(|(slot, capacity, closed_capacity, _)| view! {
                                            <li>{move || describe_times(&slot, lang.get())} " – " {capacity} " " {tx("places", "lle")} {(closed_capacity > 0).then(|| view! { " (+" {closed_capacity} " " {tx("closed", "caeedig")} ")" })}</li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

#[component]
pub(super) fn AffectedList(affected: Vec<AffectedVisit>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="govuk-list govuk-list--bullet" id="affected-visits">
            {affected.into_iter().map(|a| {
                let slot = a.slot;
                view! {
                    <li>
                        <a class="govuk-link" href=format!("/staff/visits/{}", a.visit_id)><span class="app-reference">{a.reference}</span></a>
                        ", " {move || describe_slot(&slot, lang.get())} ": " {a.why}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
