//! The current prison's figures for a chosen period (the last 28 days unless chosen): work waiting, what became of
//! the requests, processing time and rejections by reason. The outcomes are drawn as a simple bar chart; the same
//! numbers are in a table beside it, which is what screen readers use.

use chrono::{Duration, NaiveDate};
use domain::i18n::describe_plain_date;
use domain::metrics::PrisonMetrics;
use frontend_shared::i18n::{Lang, tx, use_lang};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::pages::visit::rejection_label;
use crate::session::use_session;
use crate::ui::{ErrorSummary, Failure, Issue, Loading, field_error, has_issue, show_issues, today, use_title};

fn date_param(value: Option<String>) -> Option<NaiveDate> {
    value.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let period = Memo::new(move |_| {
        let to = date_param(query.with(|q| q.get("to"))).unwrap_or_else(today);
        let from = date_param(query.with(|q| q.get("from"))).unwrap_or(to - Duration::days(27));
        (from, to)
    });
    let from_typed = RwSignal::new(period.get_untracked().0.to_string());
    let to_typed = RwSignal::new(period.get_untracked().1.to_string());
    let issues = RwSignal::new(Vec::<Issue>::new());
    use_title(("Dashboard", "Dangosfwrdd"), move || issues.with(|i| !i.is_empty()));
    let metrics = LocalResource::new(move || {
        let (prison, (from, to)) = (session.prison.get(), period.get());
        async move {
            match prison {
                Some(prison) => api::metrics(session, prison, &from.to_string(), &to.to_string()).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let retry = Callback::new(move |_| metrics.refetch());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let from = date_param(Some(from_typed.get_untracked()));
        let to = date_param(Some(to_typed.get_untracked()));
        let mut found = Vec::new();
        if from.is_none() {
            found.push(Issue::new("from", "Enter the first day of the period", "Rhowch ddiwrnod cyntaf y cyfnod"));
        }
        if to.is_none() {
            found.push(Issue::new("to", "Enter the last day of the period", "Rhowch ddiwrnod olaf y cyfnod"));
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                found.push(Issue::new(
                    "to",
                    "The last day must be the same as or after the first day",
                    "Rhaid i’r diwrnod olaf fod yr un fath â’r diwrnod cyntaf neu ar ei ôl",
                ));
            } else if to - from > Duration::days(366) {
                found.push(Issue::new(
                    "from",
                    "Choose a period of a year or less",
                    "Dewiswch gyfnod o flwyddyn neu lai",
                ));
            }
            if found.is_empty() {
                issues.set(Vec::new());
                navigate(&format!("/staff/dashboard?from={from}&to={to}"), NavigateOptions::default());
                return;
            }
        }
        show_issues(issues, found);
    };
    view! {
        <ErrorSummary issues />
        <span class="govuk-caption-l">{move || session.prison_name()}</span>
        <h1 class="govuk-heading-l">{tx("Dashboard", "Dangosfwrdd")}</h1>
        <form novalidate on:submit=submit class="app-inline-row app-no-print">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "from")>
                <label class="govuk-label" for="from">{tx("From", "O")}</label>
                {field_error(issues, "from")}
                <input class="govuk-input govuk-input--width-10" id="from" type="date" prop:value=from_typed on:input=move |ev| from_typed.set(event_target_value(&ev)) />
            </div>
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "to")>
                <label class="govuk-label" for="to">{tx("To", "I")}</label>
                {field_error(issues, "to")}
                <input class="govuk-input govuk-input--width-10" id="to" type="date" prop:value=to_typed on:input=move |ev| to_typed.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="govuk-button govuk-button--secondary" id="show-period">{tx("Show", "Dangos")}</button>
        </form>
        <p class="govuk-body">
            {tx("Requests made from", "Ceisiadau a wnaed o")} " " {move || describe_plain_date(period.get().0, lang.get())} " "
            {tx("to", "i")} " " {move || describe_plain_date(period.get().1, lang.get())}
        </p>
        <Transition fallback=Loading>
            {move || metrics.get().map(|result| match result {
                Ok(Some(metrics)) => view! { <Figures metrics /> }.into_any(),
                Ok(None) => ().into_any(),
                Err(error) => view! { <Failure error retry /> }.into_any(),
            })}
        </Transition>
    }
}

fn hours(lang: Lang, value: Option<f64>) -> String {
    match value {
        Some(h) => format!("{h:.1} {}", lang.t("hours", "awr")),
        None => lang.t("Nothing decided yet", "Dim wedi’i benderfynu eto").to_string(),
    }
}

#[component]
fn Figures(metrics: PrisonMetrics) -> impl IntoView {
    let lang = use_lang();
    let outcomes: Vec<((&'static str, &'static str), u32, &'static str)> = vec![
        (("Booked", "Wedi’u trefnu"), metrics.booked, "#00703c"),
        (("Rejected", "Wedi’u gwrthod"), metrics.rejected, "#d4351c"),
        (("Withdrawn", "Wedi’u tynnu’n ôl"), metrics.withdrawn, "#505a5f"),
        (("Cancelled", "Wedi’u canslo"), metrics.cancelled, "#6f3c97"),
        (("Waiting", "Yn aros"), metrics.waiting, "#1d70b8"),
    ];
    let most = outcomes.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
    let processing = metrics.processing_time;
    let reasons = metrics.rejected_by_reason.clone();
    let channels = metrics.by_channel.clone();
    let bar_height = 28;
    let gap = 12;
    let label_width = 130.0;
    let chart_width = 620.0;
    let height = outcomes.len() as i32 * (bar_height + gap);
    view! {
        <ul class="app-counts" id="metrics-numbers">
            <li class="app-count"><span class="app-count__number" id="metric-waiting">{metrics.waiting}</span> {tx("waiting now", "yn aros nawr")}</li>
            <li class={if metrics.overdue > 0 { "app-count app-count--alert" } else { "app-count" }}><span class="app-count__number" id="metric-overdue">{metrics.overdue}</span> {tx("overdue now", "yn hwyr nawr")}</li>
            <li class="app-count"><span class="app-count__number">{move || hours(lang, processing.median_hours)}</span> {tx("median time to decide", "amser canolrif i benderfynu")}</li>
            <li class="app-count"><span class="app-count__number">{move || hours(lang, processing.p95_hours)}</span> {tx("95 in 100 decided within", "95 o bob 100 wedi’u penderfynu o fewn")}</li>
        </ul>

        <h2 class="govuk-heading-m" id="outcomes-title">{tx("What became of the requests", "Beth ddigwyddodd i’r ceisiadau")}</h2>
        // The chart repeats the table below it, so assistive technology is pointed at the table instead.
        <svg class="app-chart" viewBox=format!("0 0 {chart_width} {height}") role="img" aria-labelledby="outcomes-title" focusable="false" id="outcomes-chart">
            {outcomes.iter().enumerate().map(|(i, (label, n, colour))| {
                let y = i as i32 * (bar_height + gap);
                let width = (chart_width - label_width - 60.0) * f64::from(*n) / f64::from(most);
                let label = *label;
                let colour = *colour;
                let n = *n;
                view! {
                    <g aria-hidden="true">
                        <text x="0" y=y + bar_height / 2 + 5>{move || lang.t(label.0, label.1)}</text>
                        <rect x=label_width y=y width=format!("{width:.1}") height=bar_height fill=colour />
                        <text x=format!("{:.1}", label_width + width + 8.0) y=y + bar_height / 2 + 5>{n}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
        <table class="govuk-table" id="outcomes-table">
            <caption class="govuk-table__caption govuk-table__caption--s">{tx("Requests by outcome", "Ceisiadau yn ôl canlyniad")}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">{tx("Outcome", "Canlyniad")}</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">{tx("Requests", "Ceisiadau")}</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {outcomes.into_iter().map(|(label, n, _)| view! {
                    <tr class="govuk-table__row">
                        <th scope="row" class="govuk-table__header">{move || lang.t(label.0, label.1)}</th>
                        <td class="govuk-table__cell govuk-table__cell--numeric">{n}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <h2 class="govuk-heading-m">{tx("Rejections by reason", "Gwrthodiadau yn ôl rheswm")}</h2>
        {if reasons.is_empty() {
            view! { <p class="govuk-body">{tx("No rejections in this period.", "Dim gwrthodiadau yn y cyfnod hwn.")}</p> }.into_any()
        } else {
            view! {
                <table class="govuk-table" id="reasons-table">
                    <caption class="govuk-visually-hidden">{tx("Rejections by reason", "Gwrthodiadau yn ôl rheswm")}</caption>
                    <thead class="govuk-table__head">
                        <tr class="govuk-table__row">
                            <th scope="col" class="govuk-table__header">{tx("Reason", "Rheswm")}</th>
                            <th scope="col" class="govuk-table__header govuk-table__header--numeric">{tx("Requests", "Ceisiadau")}</th>
                        </tr>
                    </thead>
                    <tbody class="govuk-table__body">
                        {reasons.into_iter().map(|r| view! {
                            <tr class="govuk-table__row">
                                <th scope="row" class="govuk-table__header">{move || rejection_label(lang, r.reason)}</th>
                                <td class="govuk-table__cell govuk-table__cell--numeric">{r.count}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2 class="govuk-heading-m">{tx("Requests by how they came in", "Ceisiadau yn ôl sut y daethant i mewn")}</h2>
        <table class="govuk-table" id="channels-table">
            <caption class="govuk-visually-hidden">{tx("Requests by how they came in", "Ceisiadau yn ôl sut y daethant i mewn")}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">{tx("Came in by", "Daeth i mewn drwy")}</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">{tx("Requests", "Ceisiadau")}</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {channels.into_iter().map(|c| view! {
                    <tr class="govuk-table__row">
                        <th scope="row" class="govuk-table__header">{move || crate::ui::channel_label(lang, c.channel)}</th>
                        <td class="govuk-table__cell govuk-table__cell--numeric">{c.count}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="govuk-body-s">{tx("Processing time is counted for the requests decided in this period. Decisions counted:", "Cyfrifir yr amser prosesu ar gyfer y ceisiadau a benderfynwyd yn y cyfnod hwn. Penderfyniadau a gyfrifwyd:")} " " {metrics.processing_time.decided}</p>
    }
}
