//! Find a visit by its reference or the prisoner's number, across the prisons the member of staff works at. The
//! query is kept in the URL, so Back and reload show the same results.

use domain::i18n::{describe_plain_date, describe_slot};
use domain::staff::InboxItem;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::session::use_session;
use crate::ui::{ErrorSummary, Issue, Loading, field_error, has_issue, problem_text, show_issues, use_title};

#[component]
pub fn SearchPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let q = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let typed = RwSignal::new(q.get_untracked());
    let issues = RwSignal::new(Vec::<Issue>::new());
    use_title(("Search", "Chwilio"), move || issues.with(|i| !i.is_empty()));
    let results = LocalResource::new(move || {
        let q = q.get();
        async move { if q.trim().is_empty() { None } else { Some(api::search(session, q.trim()).await) } }
    });
    Effect::new(move |_| {
        if let Some(Some(Err(error))) = results.get() {
            let en = problem_text(frontend_shared::i18n::Lang(RwSignal::new(domain::api::Locale::En)), &error);
            let cy = problem_text(frontend_shared::i18n::Lang(RwSignal::new(domain::api::Locale::Cy)), &error);
            show_issues(issues, vec![Issue::new("q", en, cy)]);
        } else {
            issues.set(Vec::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = typed.get_untracked().trim().to_uppercase();
        if value.is_empty() {
            show_issues(
                issues,
                vec![Issue::new(
                    "q",
                    "Enter a booking reference or a prison number",
                    "Rhowch gyfeirnod archebu neu rif carchar",
                )],
            );
            return;
        }
        navigate(&format!("/staff/search?q={}", api::encode(&value)), NavigateOptions::default());
    };
    view! {
        <ErrorSummary issues />
        <h1 class="govuk-heading-l">{tx("Search", "Chwilio")}</h1>
        <form novalidate on:submit=submit class="app-no-print" role="search">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "q")>
                <label class="govuk-label" for="q">{tx("Booking reference or prison number", "Cyfeirnod archebu neu rif carchar")}</label>
                <div class="govuk-hint" id="q-hint">{tx("For example, 7KQ2M9XD or A1234BC", "Er enghraifft, 7KQ2M9XD neu A1234BC")}</div>
                {field_error(issues, "q")}
                <input class="govuk-input govuk-input--width-10" id="q" name="q" type="search" spellcheck="false" autocomplete="off"
                    aria-describedby="q-hint" prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="govuk-button" id="search">{tx("Search", "Chwilio")}</button>
        </form>
        <Transition fallback=Loading>
            {move || results.get().flatten().and_then(|r| r.ok()).map(|items| {
                let count = items.len();
                view! {
                    <h2 class="govuk-heading-m" id="results-title" role="status">
                        {move || match count {
                            0 => lang.t("No visits found", "Dim ymweliadau wedi’u canfod").to_string(),
                            1 => lang.t("1 visit found", "1 ymweliad wedi’i ganfod").to_string(),
                            n => format!("{n} {}", lang.t("visits found", "ymweliad wedi’u canfod")),
                        }}
                    </h2>
                    <ul class="govuk-list app-cards" id="results">
                        {items.into_iter().map(|item| view! { <Found item /> }).collect_view()}
                    </ul>
                }
            })}
        </Transition>
    }
}

#[component]
fn Found(item: InboxItem) -> impl IntoView {
    let channel = item.channel;
    let lang = use_lang();
    let first = item.slot_choices.first().copied();
    let created = item.created_at.date_naive();
    view! {
        <li class="app-card">
            <h3 class="govuk-heading-s app-card__title">
                <a class="govuk-link" href=format!("/staff/visits/{}", item.visit_id)>
                    {item.prisoner_name.clone()} " " <span class="app-reference">{item.reference.clone()}</span>
                </a>
            </h3>
            <dl class="app-facts">
                <div><dt>{tx("Prison", "Carchar")}</dt><dd>{item.prison_name.clone()}</dd></div>
                <div><dt>{tx("Prison number", "Rhif carchar")}</dt><dd>{item.prisoner_number.clone()}</dd></div>
                <div><dt>{tx("Lead visitor", "Prif ymwelydd")}</dt><dd>{item.lead_visitor_name.clone()}</dd></div>
                <div><dt>{tx("Requested", "Gofynnwyd")}</dt><dd>{move || describe_plain_date(created, lang.get())}</dd></div>
                <div><dt>{tx("Came in by", "Daeth i mewn drwy")}</dt><dd class="app-channel">{move || crate::ui::channel_label(lang, channel)}</dd></div>
                <div><dt>{tx("First choice", "Dewis cyntaf")}</dt><dd>{move || first.map(|s| describe_slot(&s, lang.get())).unwrap_or_default()}</dd></div>
            </dl>
        </li>
    }
}
