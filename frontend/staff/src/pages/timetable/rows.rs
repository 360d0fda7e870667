//! One time's row (weekly or on a replacement day) and the prison's rules, as form fields.

use domain::api::VisitingRules;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{Lang, tx, use_lang};
use leptos::prelude::*;

use super::draft::{Draft, Row};
use crate::ui::Issue;

pub(super) fn weekday_label(lang: Lang, i: usize) -> &'static str {
    match i {
        0 => lang.t("Monday", "Dydd Llun"),
        1 => lang.t("Tuesday", "Dydd Mawrth"),
        2 => lang.t("Wednesday", "Dydd Mercher"),
        3 => lang.t("Thursday", "Dydd Iau"),
        4 => lang.t("Friday", "Dydd Gwener"),
        5 => lang.t("Saturday", "Dydd Sadwrn"),
        _ => lang.t("Sunday", "Dydd Sul"),
    }
}

/// Where focus goes once row `index` of the list `prefix` is removed and `left` rows remain: the Remove button of
/// the row that took its place, else of the row before, else the list's heading.
pub(super) fn after_removal(prefix: &str, index: usize, left: usize) -> String {
    match left {
        0 => format!("{prefix}-title"),
        n => format!("{prefix}-{}-remove", index.min(n - 1)),
    }
}

#[component]
pub(super) fn TimeRow(
    draft: RwSignal<Draft>,
    issues: RwSignal<Vec<Issue>>,
    index: usize,
    weekly: bool,
) -> impl IntoView {
    let lang = use_lang();
    let prefix = if weekly { "weekly" } else { "replacements" };
    let read = move |f: fn(&Row) -> String| {
        move || draft.with(|d| (if weekly { &d.weekly } else { &d.replacements }).get(index).map(f).unwrap_or_default())
    };
    let write = move |f: fn(&mut Row, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            draft.update(|d| {
                let rows = if weekly { &mut d.weekly } else { &mut d.replacements };
                if let Some(row) = rows.get_mut(index) {
                    f(row, value);
                }
            });
        }
    };
    let field = move |name: &'static str,
                      label: (&'static str, &'static str),
                      kind: &'static str,
                      width: &'static str,
                      get: fn(&Row) -> String,
                      set: fn(&mut Row, String)| {
        let id = format!("{prefix}-{index}-{name}");
        let key = StoredValue::new(id.clone());
        let error =
            move || issues.with(|all| key.with_value(|id| all.iter().find(|i| i.id == *id).map(|i| i.text(lang))));
        let has_error = move || error().is_some();
        let error_id = move || key.with_value(|id| format!("{id}-error"));
        view! {
            <div class="govuk-form-group app-row-field" class:govuk-form-group--error=has_error>
                <label class="govuk-label" for=id.clone()>{tx(label.0, label.1)}</label>
                {move || error().map(|text| view! { <p class="govuk-error-message" id=error_id()><span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {text}</p> })}
                <input class=format!("govuk-input {width}") id=id type=kind inputmode=(kind == "text").then_some("numeric")
                    class:govuk-input--error=has_error
                    aria-describedby=move || has_error().then(error_id)
                    prop:value=read(get) on:change=write(set) />
            </div>
        }
    };
    let remove = move |_| {
        draft.update(|d| {
            let rows = if weekly { &mut d.weekly } else { &mut d.replacements };
            if index < rows.len() {
                rows.remove(index);
            }
        });
        let left = draft.with_untracked(|d| if weekly { d.weekly.len() } else { d.replacements.len() });
        focus_id(after_removal(prefix, index, left));
    };
    let day_id = format!("{prefix}-{index}-weekday");
    view! {
        <li class="app-card app-time-row">
            {if weekly {
                view! {
                    <div class="govuk-form-group app-row-field">
                        <label class="govuk-label" for=day_id.clone()>{tx("Day", "Diwrnod")}</label>
                        <select class="govuk-select" id=day_id on:change=move |ev| {
                            let value = event_target_value(&ev).parse::<usize>().unwrap_or(0);
                            draft.update(|d| if let Some(row) = d.weekly.get_mut(index) { row.weekday = value; });
                        }>
                            {(0..7).map(|w| view! {
                                <option value=w.to_string() selected=move || draft.with(|d| d.weekly.get(index).map(|r| r.weekday) == Some(w))>{move || weekday_label(lang, w)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            } else {
                field("date", ("Date", "Dyddiad"), "date", "govuk-input--width-10", |r| r.date.clone(), |r, v| r.date = v).into_any()
            }}
            {field("start", ("From", "O"), "time", "govuk-input--width-5 app-time-input", |r| r.start.clone(), |r, v| r.start = v)}
            {field("end", ("To", "I"), "time", "govuk-input--width-5 app-time-input", |r| r.end.clone(), |r, v| r.end = v)}
            {field("capacity", ("Places", "Lleoedd"), "text", "govuk-input--width-3", |r| r.capacity.clone(), |r, v| r.capacity = v)}
            {field("closed_capacity", ("Closed-visit places", "Lleoedd ymweliad caeedig"), "text", "govuk-input--width-3", |r| r.closed_capacity.clone(), |r, v| r.closed_capacity = v)}
            <button type="button" class="govuk-button govuk-button--secondary app-small-button" id=format!("{prefix}-{index}-remove") on:click=remove>
                {tx("Remove", "Dileu")} <span class="govuk-visually-hidden">" " {tx("this time", "yr amser hwn")}</span>
            </button>
        </li>
    }
}

#[component]
pub(super) fn Rules(draft: RwSignal<Draft>, issues: RwSignal<Vec<Issue>>) -> impl IntoView {
    let lang = use_lang();
    let number = move |name: &'static str,
                       label: (&'static str, &'static str),
                       get: fn(&VisitingRules) -> u16,
                       set: fn(&mut VisitingRules, u16)| {
        let id = format!("rules-{name}");
        let key = StoredValue::new(id.clone());
        let error =
            move || issues.with(|all| key.with_value(|id| all.iter().find(|i| i.id == *id).map(|i| i.text(lang))));
        let has_error = move || error().is_some();
        view! {
            <div class="govuk-form-group" class:govuk-form-group--error=has_error>
                <label class="govuk-label" for=id.clone()>{tx(label.0, label.1)}</label>
                {move || error().map(|text| view! { <p class="govuk-error-message"><span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {text}</p> })}
                <input class="govuk-input govuk-input--width-3" id=id type="text" inputmode="numeric"
                    prop:value=move || draft.with(|d| get(&d.rules).to_string())
                    on:change=move |ev| {
                        let value = event_target_value(&ev).trim().parse::<u16>().unwrap_or(0);
                        draft.update(|d| set(&mut d.rules, value));
                    } />
            </div>
        }
    };
    let flag = move |name: &'static str,
                     label: (&'static str, &'static str),
                     get: fn(&VisitingRules) -> bool,
                     set: fn(&mut VisitingRules, bool)| {
        let id = format!("rules-{name}");
        view! {
            <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id=id.clone() type="checkbox"
                    prop:checked=move || draft.with(|d| get(&d.rules))
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| set(&mut d.rules, on)); } />
                <label class="govuk-label govuk-checkboxes__label" for=id>{tx(label.0, label.1)}</label>
            </div>
        }
    };
    view! {
        {number("adult_age", ("Visitors count as adults from this age", "Mae ymwelwyr yn cyfrif fel oedolion o’r oed hwn"), |r| u16::from(r.adult_age), |r, v| r.adult_age = u8::try_from(v).unwrap_or(u8::MAX))}
        {number("max_visitors", ("Most visitors in one visit", "Uchafswm ymwelwyr mewn un ymweliad"), |r| u16::from(r.max_visitors), |r, v| r.max_visitors = u8::try_from(v).unwrap_or(u8::MAX))}
        {number("max_adults", ("Most adults in one visit", "Uchafswm oedolion mewn un ymweliad"), |r| u16::from(r.max_adults), |r, v| r.max_adults = u8::try_from(v).unwrap_or(u8::MAX))}
        {number("booking_window_days", ("Days ahead visits can be requested", "Dyddiau ymlaen llaw y gellir gofyn am ymweliadau"), |r| r.booking_window_days, |r, v| r.booking_window_days = v)}
        {number("processing_days", ("Processing days to decide a request", "Diwrnodau prosesu i benderfynu ar gais"), |r| u16::from(r.processing_days), |r, v| r.processing_days = u8::try_from(v).unwrap_or(u8::MAX))}
        <div class="govuk-form-group">
            <div class="govuk-checkboxes govuk-checkboxes--small">
                {flag("weekend_processing", ("Requests are processed at weekends and on bank holidays", "Caiff ceisiadau eu prosesu ar benwythnosau a gwyliau banc"), |r| r.weekend_processing, |r, v| r.weekend_processing = v)}
                {flag("instant_booking", ("Instant booking: book at once when a chosen time has room", "Trefnu ar unwaith: trefnu’n syth pan fo lle ar amser a ddewiswyd"), |r| r.instant_booking, |r, v| r.instant_booking = v)}
            </div>
        </div>
    }
}
