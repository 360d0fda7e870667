//! Step 3: up to three visit times, in order of preference, from the prison's live availability. A list of days
//! grouped by week, each day a group of checkboxes: works with a keyboard, a screen reader and on a 320 px screen.
//! Full, closed and out-of-window times are listed as such, without a checkbox.

use chrono::{NaiveDate, Weekday};
use domain::api::{Availability, AvailabilityDay, SlotAvailability, SlotState};
use domain::error::FieldError;
use domain::i18n::{after_word_cy, describe_date, describe_day, describe_slot, describe_times};
use domain::request::MAX_SLOT_CHOICES;
use domain::slot::Slot;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::prisoner::{clear_server_errors, next_step, step_errors};
use super::{LoadError, Loading};
use crate::api;
use crate::components::{
    BackLink, DefaultSubmit, ErrorSummary, RequirePrison, focus_id, form_action, on_step_load, show_errors,
};
use crate::i18n::{Lang, tx, use_lang, use_title};
use crate::journey::{FormStep, slot_id};
use crate::store::use_form;

#[component]
pub fn TimesPage() -> impl IntoView {
    view! {
        <BackLink href="/book/prisoner" />
        <RequirePrison>
            <TimesForm />
        </RequirePrison>
    }
}

#[component]
fn TimesForm() -> impl IntoView {
    let form = use_form();
    let navigate = use_navigate();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    on_step_load(errors, FormStep::Times);
    use_title(
        |lang| lang.t("Choose visit times", "Dewis amseroedd ymweld").into(),
        move || errors.with(|e| !e.is_empty()),
    );
    let prison_id = form.draft.with_untracked(|d| d.prison.as_ref().map(|p| p.id).unwrap_or_default());
    // Loaded on the server with the page (and handed over), live in the browser after that.
    let availability = Resource::new(move || prison_id, api::availability);
    // Said aloud when a time is added or removed.
    let announcement = RwSignal::new(String::new());
    // What was said is not left behind in the other language when the visitor switches.
    let lang = use_lang();
    Effect::new(move |first: Option<()>| {
        lang.get();
        if first.is_some() {
            announcement.set(String::new());
        }
    });
    // A time ticked when 3 were already chosen: refused, with the reason shown beside it.
    let refused = RwSignal::new(None::<Slot>);
    // Choosing fully booked times for the waiting list, rather than times with places.
    let waiting = Memo::new(move |_| form.draft.with(|d| d.waiting_list));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let loaded = availability.get_untracked().and_then(Result::ok);
        let found = step_errors(FormStep::Times, loaded.as_ref());
        if found.is_empty() {
            clear_server_errors(FormStep::Times);
            errors.set(Vec::new());
            navigate(next_step(FormStep::Times), NavigateOptions::default());
        } else {
            show_errors(errors, found);
        }
    };

    view! {
        <ErrorSummary errors />
        <form method="post" action=form_action() novalidate on:submit=submit>
            <DefaultSubmit />
            <span class="govuk-caption-l">{tx("Step 3 of 6", "Cam 3 o 6")}</span>
            {move || match waiting.get() {
                false => view! {
                    <h1 class="govuk-heading-l">{tx("Choose visit times", "Dewis amseroedd ymweld")}</h1>
                    <p class="govuk-body">
                        {tx("Choose up to 3 times, in order of preference: the first one you choose is the one you most want. The prison will book one of them if it can.", "Dewiswch hyd at 3 amser, yn nhrefn eich dewis: yr un cyntaf a ddewiswch yw’r un rydych ei eisiau fwyaf. Bydd y carchar yn trefnu un ohonynt os gall.")}
                    </p>
                }
                .into_any(),
                true => view! {
                    <h1 class="govuk-heading-l">{tx("Choose times to wait for", "Dewis amseroedd i aros amdanynt")}</h1>
                    <p class="govuk-body" id="waiting-list-explained">
                        {tx("Choose up to 3 fully booked times, in order of preference. If a place comes up at one of them, it goes to the first person waiting for it, and we will tell you. You can leave the waiting list at any time.", "Dewiswch hyd at 3 amser sy’n llawn, yn nhrefn eich dewis. Os daw lle ar gael yn un ohonynt, bydd yn mynd i’r person cyntaf sy’n aros amdano, a byddwn yn rhoi gwybod i chi. Gallwch adael y rhestr aros unrhyw bryd.")}
                    </p>
                }
                .into_any(),
            }}
            <Chosen errors announcement refused />
            <Transition fallback=|| view! { <Loading text=("Loading visit times…", "Wrthi’n llwytho amseroedd ymweld…") /> }>
                {move || {
                    availability
                        .get()
                        .map(|result| match result {
                            Ok(availability) => {
                                let waiting = waiting.get();
                                view! { <Calendar availability announcement refused waiting errors /> }.into_any()
                            }
                            Err(error) => view! { <LoadError error on_retry=move || availability.refetch() /> }.into_any(),
                        })
                }}
            </Transition>
            <div class="govuk-visually-hidden" role="status" aria-live="polite">{move || announcement.get()}</div>
            <button type="submit" class="govuk-button" id="continue">
                {tx("Continue", "Parhau")}
            </button>
        </form>
    }
}

/// "1st choice" for `n` = 0. Past the third, which only a form posted without the app can reach (and which the
/// page then refuses), numbered plainly.
fn ordinal(lang: Lang, n: usize) -> String {
    match (lang.is_cy(), n) {
        (false, 0) => "1st choice".into(),
        (false, 1) => "2nd choice".into(),
        (false, 2) => "3rd choice".into(),
        (false, n) => format!("Choice {}", n + 1),
        (true, 0) => "Dewis cyntaf".into(),
        (true, 1) => "Ail ddewis".into(),
        (true, 2) => "Trydydd dewis".into(),
        (true, n) => format!("Dewis {}", n + 1),
    }
}

/// The times chosen so far, in order, each with a way to remove it.
#[component]
fn Chosen(
    errors: RwSignal<Vec<FieldError>>,
    announcement: RwSignal<String>,
    refused: RwSignal<Option<Slot>>,
) -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    let error = move || {
        let rules = form.draft.with(|d| d.prison.as_ref().map(|p| p.rules.clone()));
        errors.with(|e| {
            e.iter()
                .filter(|e| e.field.starts_with("slots"))
                .map(|e| crate::i18n::field_message(lang.get(), e, rules.as_ref()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="govuk-form-group app-chosen" class:govuk-form-group--error=move || !error().is_empty()>
            <h2 class="govuk-heading-m" id="slots" tabindex="-1">
                {tx("Your choices", "Eich dewisiadau")}
            </h2>
            {move || {
                error()
                    .into_iter()
                    .map(|message| {
                        view! {
                            <p class="govuk-error-message">
                                <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                                " "
                                {message}
                            </p>
                        }
                    })
                    .collect_view()
            }}
            {move || {
                let slots = form.draft.with(|d| d.slots.clone());
                if slots.is_empty() {
                    return view! {
                        <p class="govuk-body app-hint">
                            {lang.t("You have not chosen any times yet.", "Nid ydych wedi dewis unrhyw amser eto.")}
                        </p>
                    }
                        .into_any();
                }
                view! {
                    <ol class="govuk-list app-chosen__list">
                        {slots
                            .into_iter()
                            .enumerate()
                            .map(|(i, slot)| {
                                let text = describe_slot(&slot, lang.get());
                                let removed = text.clone();
                                view! {
                                    <li class="app-chosen__item">
                                        <span>
                                            <strong>{ordinal(lang, i)}</strong>
                                            ": "
                                            {text}
                                        </span>
                                        <button
                                            type="submit"
                                            name="remove_choice"
                                            value=slot_id(&slot)
                                            class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-small-button"
                                            id=format!("remove-{i}")
                                            on:click=move |ev| {
                                                // Without the app, the button posts the form instead.
                                                ev.prevent_default();
                                                form.draft.update(|d| d.slots.retain(|s| *s != slot));
                                                refused.set(None);
                                                // Focus stays in the list: on the choice that took this one's
                                                // place, else the one before, else the list's heading.
                                                let left = form.draft.with_untracked(|d| d.slots.len());
                                                focus_id(match left {
                                                    0 => "slots".to_string(),
                                                    n => format!("remove-{}", i.min(n - 1)),
                                                });
                                                announcement
                                                    .set(
                                                        format!(
                                                            "{} {removed}",
                                                            lang.t("Removed:", "Wedi tynnu:"),
                                                        ),
                                                    );
                                            }
                                        >
                                            {lang.t("Remove", "Tynnu")}
                                            <span class="govuk-visually-hidden">" " {describe_slot(&slot, lang.get())}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </div>
    }
}

/// The state of the times a visitor can tick: those with places, or (joining the waiting list) those fully booked.
fn choosable(waiting: bool) -> SlotState {
    if waiting { SlotState::FullyBooked } else { SlotState::Available }
}

/// "Join the waiting list instead" (when some times are fully booked), or back to the times with places: a button of
/// the form (`waiting_list=on|off`, answered by the server without the app). Either way the choice starts again.
#[component]
fn WaitingListSwitch(waiting: bool, any_full: bool, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let form = use_form();
    let switch = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        form.draft.update(|d| {
            d.waiting_list = !waiting;
            d.slots.clear();
        });
        errors.set(Vec::new());
        focus_id("slots".into());
    };
    match (waiting, any_full) {
        (false, false) => ().into_any(),
        (false, true) => view! {
            <div class="govuk-inset-text" id="waiting-list-offer">
                <p class="govuk-body">
                    {tx("If the times you want are fully booked, you can join the waiting list for up to 3 of them instead.", "Os yw’r amseroedd rydych eu heisiau yn llawn, gallwch ymuno â’r rhestr aros ar gyfer hyd at 3 ohonynt yn lle hynny.")}
                </p>
                <button type="submit" name="waiting_list" value="on" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" id="join-waiting-list" on:click=switch>
                    {tx("Join the waiting list instead", "Ymuno â’r rhestr aros yn lle hynny")}
                </button>
            </div>
        }
        .into_any(),
        (true, _) => view! {
            <p class="govuk-body">
                <button type="submit" name="waiting_list" value="off" class="govuk-button govuk-button--secondary" id="leave-waiting-list" on:click=switch>
                    {tx("Choose times with places instead", "Dewis amseroedd gyda lleoedd yn lle hynny")}
                </button>
            </p>
        }
        .into_any(),
    }
}

/// The Monday of the week a date is in.
fn week_of(date: NaiveDate) -> NaiveDate {
    date.week(Weekday::Mon).first_day()
}

#[component]
fn Calendar(
    availability: Availability,
    announcement: RwSignal<String>,
    refused: RwSignal<Option<Slot>>,
    /// Whether the visitor is choosing fully booked times for the waiting list.
    waiting: bool,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let lang = use_lang();
    let any_full = availability.days.iter().flat_map(|d| &d.slots).any(|s| s.state == SlotState::FullyBooked);
    let first = availability.first_bookable;
    let last = availability.last_bookable;
    let confirm_by = availability.confirm_by;
    let mut weeks: Vec<(NaiveDate, Vec<AvailabilityDay>)> = Vec::new();
    for day in availability.days {
        let monday = week_of(day.date);
        match weeks.last_mut() {
            Some((week, days)) if *week == monday => days.push(day),
            _ => weeks.push((monday, vec![day])),
        }
    }
    view! {
        <h2 class="govuk-heading-m">{tx("Visit times", "Amseroedd ymweld")}</h2>
        <p class="govuk-body">
            {move || {
                let (first, last) = (describe_day(first, lang.get()), describe_day(last, lang.get()));
                // Joining the waiting list, no answer comes by a date: only when a place does.
                if waiting && lang.is_cy() {
                    format!(
                        "Gallwch ddewis amseroedd {} {}. Mae’r amseroedd yn amser y DU.",
                        after_word_cy("o", &first),
                        after_word_cy("hyd at", &last),
                    )
                } else if waiting {
                    format!("You can choose times from {first} to {last}. Times are UK time.")
                } else if lang.is_cy() {
                    format!(
                        "Gallwch ddewis amseroedd {} {}. Bydd y carchar yn rhoi gwybod i chi {}. Mae’r amseroedd yn amser y DU.",
                        after_word_cy("o", &first),
                        after_word_cy("hyd at", &last),
                        after_word_cy("erbyn", &describe_date(confirm_by, lang.get())),
                    )
                } else {
                    format!(
                        "You can choose times from {first} to {last}. The prison will tell you by {}. Times are UK time.",
                        describe_date(confirm_by, lang.get()),
                    )
                }
            }}
        </p>
        {weeks
            .into_iter()
            .map(|(monday, days)| {
                view! {
                    <section class="app-week">
                        <h3 class="govuk-heading-s app-week__title">
                            {move || {
                                format!(
                                    "{} {}",
                                    lang.t("Week starting", "Wythnos yn dechrau"),
                                    describe_day(monday, lang.get()),
                                )
                            }}
                        </h3>
                        {days.into_iter().map(|day| view! { <Day day announcement refused waiting /> }).collect_view()}
                    </section>
                }
            })
            .collect_view()}
        <WaitingListSwitch waiting any_full errors />
    }
}

#[component]
fn Day(
    day: AvailabilityDay,
    announcement: RwSignal<String>,
    refused: RwSignal<Option<Slot>>,
    waiting: bool,
) -> impl IntoView {
    let lang = use_lang();
    let date = day.date;
    let any_available = day.slots.iter().any(|s| s.state == choosable(waiting));
    let legend = move || describe_day(date, lang.get());
    if !any_available {
        // Nothing to choose: a plain line, so keyboard users do not tab through it.
        let why = if day.closed {
            SlotState::Closed
        } else {
            day.slots.first().map(|s| s.state).unwrap_or(SlotState::OutsideWindow)
        };
        let slots = day.slots;
        return view! {
            <div class="app-day app-day--unavailable">
                <p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{legend}</p>
                <ul class="govuk-list app-day__slots">
                    {slots
                        .into_iter()
                        .map(|s| {
                            let state = if day.closed { why } else { s.state };
                            view! { <li><Unavailable avail=s state /></li> }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
        .into_any();
    }
    let refused_here = move || refused.with(|r| r.is_some_and(|slot| slot.date == date));
    view! {
        <div class="govuk-form-group app-day" class:govuk-form-group--error=refused_here>
            <fieldset class="govuk-fieldset">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
                {move || {
                    refused_here()
                        .then(|| {
                            view! {
                                <p class="govuk-error-message" id=format!("day-{date}-error")>
                                    <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                                    " "
                                    {lang.t(
                                        "You have already chosen 3 times. Remove one of your choices to choose this one.",
                                        "Rydych chi eisoes wedi dewis 3 amser. Tynnwch un o’ch dewisiadau i ddewis yr un hwn.",
                                    )}
                                </p>
                            }
                        })
                }}
                <div class="govuk-checkboxes govuk-checkboxes--small">
                    {day.slots.into_iter().map(|s| view! { <SlotOption avail=s announcement refused waiting /> }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
    .into_any()
}

#[component]
fn Unavailable(avail: SlotAvailability, state: SlotState) -> impl IntoView {
    let lang = use_lang();
    let slot_value = avail.slot;
    let reason = move || match state {
        SlotState::FullyBooked => lang.t("Fully booked", "Llawn"),
        SlotState::Closed => lang.t("Closed", "Ar gau"),
        SlotState::OutsideWindow => lang.t("Cannot be booked", "Ni ellir ei drefnu"),
        SlotState::Available => lang.t("Available", "Ar gael"),
    };
    view! {
        <span class="app-slot app-slot--unavailable" data-state=format!("{state:?}")>
            {move || describe_times(&slot_value, lang.get())}
            " "
            <strong class="govuk-tag govuk-tag--grey">{reason}</strong>
        </span>
    }
}

#[component]
fn SlotOption(
    avail: SlotAvailability,
    announcement: RwSignal<String>,
    refused: RwSignal<Option<Slot>>,
    waiting: bool,
) -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    if avail.state != choosable(waiting) {
        let state = avail.state;
        let slot = avail;
        return view! {
            <div class="govuk-checkboxes__item app-slot-unavailable-item">
                <Unavailable avail=slot state />
            </div>
        }
        .into_any();
    }
    let value: Slot = avail.slot;
    let id = slot_id(&value);
    let hint_id = format!("{id}-hint");
    let places = avail.places_left;
    let checked = move || form.draft.with(|d| d.slots.contains(&value));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let text = describe_slot(&value, lang.get());
        if on {
            let full = form.draft.with_untracked(|d| d.slots.len() >= MAX_SLOT_CHOICES);
            if full {
                // Undo the tick: the visitor must remove a choice first.
                if let Some(input) =
                    ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                {
                    input.set_checked(false);
                }
                refused.set(Some(value));
                announcement.set(
                    lang.t(
                        "You have already chosen 3 times. Remove one of your choices to choose this one.",
                        "Rydych chi eisoes wedi dewis 3 amser. Tynnwch un o’ch dewisiadau i ddewis yr un hwn.",
                    )
                    .into(),
                );
                return;
            }
            refused.set(None);
            form.draft.update(|d| d.slots.push(value));
            let n = form.draft.with_untracked(|d| d.slots.len());
            announcement.set(format!("{}: {text}", ordinal(lang, n - 1)));
        } else {
            refused.set(None);
            form.draft.update(|d| d.slots.retain(|s| *s != value));
            announcement.set(format!("{} {text}", lang.t("Removed:", "Wedi tynnu:")));
        }
    };
    view! {
        <div class="govuk-checkboxes__item">
            <input
                class="govuk-checkboxes__input"
                id=id.clone()
                name="slots"
                type="checkbox"
                value=id.clone()
                aria-describedby={
                    let hint_id = hint_id.clone();
                    move || {
                        if refused.get() == Some(value) {
                            format!("day-{}-error {hint_id}", value.date)
                        } else {
                            hint_id.clone()
                        }
                    }
                }
                checked=checked
                prop:checked=checked
                on:change=toggle
            />
            <label class="govuk-label govuk-checkboxes__label" for=id>
                {move || describe_times(&value, lang.get())}
                <span class="govuk-visually-hidden">", " {move || describe_day(value.date, lang.get())}</span>
            </label>
            <div class="govuk-hint govuk-checkboxes__hint" id=hint_id>
                {move || {
                    let choice = form.draft.with(|d| d.slots.iter().position(|s| *s == value));
                    match choice {
                        Some(i) => ordinal(lang, i),
                        None if waiting => lang.t("Fully booked", "Llawn").to_owned(),
                        None if lang.is_cy() => format!("{places} lle ar ôl"),
                        None if places == 1 => "1 place left".to_string(),
                        None => format!("{places} places left"),
                    }
                }}
            </div>
        </div>
    }
    .into_any()
}
