//! A day's visits at the current prison, grouped by time: picked by date, printed with a clean print stylesheet
//! (no navigation or buttons), or downloaded as the CSV the API makes; and the day's waiting list, per time.

use domain::daylist::{DayList, DayListVisit};
use domain::i18n::{describe_date, describe_plain_date, describe_times};
use domain::visit::VisitState;
use domain::waiting_list::WaitingList;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::session::use_session;
use crate::ui::{Failure, Loading, StateTag, problem_text, today, use_title};

#[component]
pub fn DayListPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let date = Memo::new(move |_| {
        query
            .with(|q| q.get("date"))
            .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            .unwrap_or_else(today)
    });
    let typed = RwSignal::new(date.get_untracked().to_string());
    use_title(("Day list", "Rhestr y dydd"), || false);
    let list = LocalResource::new(move || {
        let (prison, date) = (session.prison.get(), date.get());
        async move {
            match prison {
                Some(prison) => api::day_list(session, prison, &date.to_string()).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let retry = Callback::new(move |_| list.refetch());
    let waiting = LocalResource::new(move || {
        let (prison, date) = (session.prison.get(), date.get());
        async move {
            match prison {
                Some(prison) => api::waiting_list(session, prison, &date.to_string()).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let retry_waiting = Callback::new(move |_| waiting.refetch());
    let download_error = RwSignal::new(None::<String>);
    let download = move |_| {
        let Some(prison) = session.prison.get_untracked() else { return };
        let date = date.get_untracked().to_string();
        download_error.set(None);
        spawn_local(async move {
            match api::day_list_csv(session, prison, &date).await {
                Ok(csv) => {
                    if crate::ui::save_file(&csv, &format!("visits-{date}.csv")).is_err() {
                        download_error.set(Some(
                            lang.t(
                                "Your browser could not save the file.",
                                "Nid oedd eich porwr yn gallu cadw’r ffeil.",
                            )
                            .into(),
                        ));
                    }
                }
                Err(error) => download_error.set(Some(problem_text(lang, &error))),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = typed.get_untracked();
        if chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_ok() {
            navigate(&format!("/staff/day-list?date={value}"), NavigateOptions::default());
        }
    };
    view! {
        <span class="govuk-caption-l">{move || session.prison_name()}</span>
        <h1 class="govuk-heading-l">{tx("Visits on", "Ymweliadau ar")} " " {move || describe_date(date.get(), lang.get())}</h1>
        <form novalidate on:submit=submit class="app-no-print app-date-pick">
            <div class="govuk-form-group">
                <label class="govuk-label" for="date">{tx("Date", "Dyddiad")}</label>
                <input class="govuk-input govuk-input--width-10" id="date" type="date" required
                    prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="govuk-button govuk-button--secondary" id="show-day">{tx("Show visits", "Dangos ymweliadau")}</button>
        </form>
        <div class="govuk-button-group app-no-print">
            <button type="button" class="govuk-button" id="print" on:click=move |_| { let _ = window().print(); }>{tx("Print", "Argraffu")}</button>
            <button type="button" class="govuk-button govuk-button--secondary" id="download-csv" on:click=download>{tx("Download CSV", "Lawrlwytho CSV")}</button>
        </div>
        {move || download_error.get().map(|text| view! { <p class="govuk-error-message" role="alert">{text}</p> })}
        <Transition fallback=Loading>
            {move || list.get().map(|result| match result {
                Ok(Some(list)) => view! { <Slots list /> }.into_any(),
                Ok(None) => ().into_any(),
                Err(error) => view! { <Failure error retry /> }.into_any(),
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || waiting.get().map(|result| match result {
                Ok(Some(list)) => view! { <WaitingLists list /> }.into_any(),
                Ok(None) => ().into_any(),
                Err(error) => view! { <Failure error retry=retry_waiting /> }.into_any(),
            })}
        </Transition>
    }
}

/// The day's waiting list: one table per time someone waits for, first in line first (the next place freed at that
/// time goes to the first of them).
#[component]
fn WaitingLists(list: WaitingList) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section id="waiting-list" aria-labelledby="waiting-list-heading">
            <h2 class="govuk-heading-l" id="waiting-list-heading">{tx("Waiting list", "Rhestr aros")}</h2>
            {if list.slots.is_empty() {
                view! { <p class="govuk-body" id="waiting-empty">{tx("Nobody is waiting for a place on this day.", "Does neb yn aros am le ar y diwrnod hwn.")}</p> }.into_any()
            } else {
                view! {
                    <p class="govuk-body">{tx(
                        "When a place comes up at one of these times, it goes to the first person in its list at once.",
                        "Pan ddaw lle ar gael ar un o’r amseroedd hyn, bydd yn mynd i’r person cyntaf ar ei restr ar unwaith.",
                    )}</p>
                    {list.slots.into_iter().map(|s| {
                        let slot = s.slot;
                        view! {
                            <table class="govuk-table app-waiting-slot app-stack-table">
                                <caption class="govuk-table__caption govuk-table__caption--m">{move || describe_times(&slot, lang.get())}</caption>
                                <thead class="govuk-table__head">
                                    <tr class="govuk-table__row">
                                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">{tx("Place in line", "Safle yn y rhes")}</th>
                                        <th scope="col" class="govuk-table__header">{tx("Reference", "Cyfeirnod")}</th>
                                        <th scope="col" class="govuk-table__header">{tx("Prisoner", "Carcharor")}</th>
                                        <th scope="col" class="govuk-table__header">{tx("Lead visitor", "Prif ymwelydd")}</th>
                                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">{tx("Visitors", "Ymwelwyr")}</th>
                                    </tr>
                                </thead>
                                <tbody class="govuk-table__body">
                                    {s.entries.into_iter().map(|e| view! {
                                        <tr class="govuk-table__row">
                                            <td class="govuk-table__cell govuk-table__cell--numeric" data-label=move || lang.t("Place in line", "Safle yn y rhes")>{e.position}</td>
                                            <td class="govuk-table__cell" data-label=move || lang.t("Reference", "Cyfeirnod")>
                                                <a class="govuk-link app-reference" href=format!("/staff/visits/{}", e.visit_id)>{e.reference}</a>
                                            </td>
                                            <td class="govuk-table__cell" data-label=move || lang.t("Prisoner", "Carcharor")>{e.prisoner_name} " (" {e.prisoner_number} ")"</td>
                                            <td class="govuk-table__cell" data-label=move || lang.t("Lead visitor", "Prif ymwelydd")>{e.lead_visitor_name}</td>
                                            <td class="govuk-table__cell govuk-table__cell--numeric" data-label=move || lang.t("Visitors", "Ymwelwyr")>{e.visitor_count}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                    }).collect_view()}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Slots(list: DayList) -> impl IntoView {
    let lang = use_lang();
    if list.slots.is_empty() {
        return view! { <p class="govuk-body" id="day-empty">{tx("There is no visiting on this day.", "Does dim ymweld ar y diwrnod hwn.")}</p> }.into_any();
    }
    view! {
        <div id="day-list">
            {list.slots.into_iter().map(|s| {
                let slot = s.slot;
                let booked = s.visits.iter().filter(|v| v.state == VisitState::Booked).count();
                let capacity = s.capacity + s.closed_capacity;
                let held = s.held;
                let empty = s.visits.is_empty();
                view! {
                    <section class="app-day-slot">
                        <h2 class="govuk-heading-m">
                            {move || describe_times(&slot, lang.get())}
                            <span class="govuk-caption-m">
                                {booked} " " {tx("booked of", "wedi’u trefnu o")} " " {capacity} " " {tx("places", "lle")}
                                {(held > 0).then(|| view! {
                                    ", " <span class="app-held">{held} " " {tx("held for the waiting list while you decide", "wedi’u cadw ar gyfer y rhestr aros tra byddwch yn penderfynu")}</span>
                                })}
                            </span>
                        </h2>
                        {if empty {
                            view! { <p class="govuk-body">{tx("No visits booked.", "Dim ymweliadau wedi’u trefnu.")}</p> }.into_any()
                        } else {
                            view! { <ul class="govuk-list app-cards">{s.visits.into_iter().map(|v| view! { <Visit visit=v /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn Visit(visit: DayListVisit) -> impl IntoView {
    let lang = use_lang();
    let dob = visit.prisoner_dob;
    let cancelled = visit.state != VisitState::Booked;
    view! {
        <li class="app-card app-day-visit" class:app-day-visit--cancelled=cancelled>
            <h3 class="govuk-heading-s app-card__title">
                <a class="govuk-link" href=format!("/staff/visits/{}", visit.visit_id)>
                    {visit.prisoner_name.clone()} " " <span class="app-reference">{visit.reference.clone()}</span>
                </a>
                " " {cancelled.then(|| view! { <StateTag state=visit.state /> })}
                {visit.closed_visit.then(|| view! { " " <strong class="govuk-tag govuk-tag--orange">{tx("Closed visit", "Ymweliad caeedig")}</strong> })}
            </h3>
            <dl class="app-facts">
                <div><dt>{tx("Prison number", "Rhif carchar")}</dt><dd>{visit.prisoner_number.clone()}</dd></div>
                <div><dt>{tx("Prisoner born", "Carcharor wedi’i eni")}</dt><dd>{move || describe_plain_date(dob, lang.get())}</dd></div>
                {visit.booking_reference.clone().map(|r| view! { <div><dt>{tx("Prison reference", "Cyfeirnod y carchar")}</dt><dd>{r}</dd></div> })}
                {(!visit.support_needs.is_empty()).then(|| view! {
                    <div class="app-day-support">
                        <dt>{tx("Support needed", "Cymorth sydd ei angen")}</dt>
                        <dd><crate::ui::SupportNeedsList needs=visit.support_needs.clone() /></dd>
                    </div>
                })}
                <div>
                    <dt>{tx("Visitors", "Ymwelwyr")}</dt>
                    <dd>
                        <ul class="govuk-list govuk-!-margin-bottom-0">
                            {visit.visitors.into_iter().map(|person| {
                                let born = person.date_of_birth;
                                view! {
                                    <li>
                                        {person.name} " (" {move || describe_plain_date(born, lang.get())} ")"
                                        {person.lead.then(|| view! { " " {tx("lead", "prif")} })}
                                        {person.excluded.then(|| view! { " " <strong>{tx("NOT ALLOWED IN", "DIM CANIATÂD I DDOD I MEWN")}</strong> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </dd>
                </div>
            </dl>
        </li>
    }
}
