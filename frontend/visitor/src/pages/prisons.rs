//! Step 1: the searchable list of prisons a visitor can book a visit to.

use domain::api::PrisonSummary;
use leptos::prelude::*;

use super::{LoadError, Loading};
use crate::api;
use crate::i18n::{tx, use_lang, use_title};

#[component]
pub fn PrisonsPage() -> impl IntoView {
    use_title(|lang| lang.t("Choose a prison", "Dewiswch garchar").into(), || false);
    // Loaded on the server with the page, and handed to the browser with it.
    let prisons = Resource::new(|| (), |_| api::list_prisons());
    let search = RwSignal::new(String::new());

    view! {
        <h1 class="govuk-heading-l">{tx("Choose a prison", "Dewiswch garchar")}</h1>
        <p class="govuk-body">
            {tx("Use this service to ask for a visit to someone in prison. It takes about 10 minutes. You will need the prisoner’s date of birth and prison number.", "Defnyddiwch y gwasanaeth hwn i ofyn am gael ymweld â rhywun yn y carchar. Mae’n cymryd tua 10 munud. Bydd angen dyddiad geni a rhif carchar y carcharor arnoch.")}
        </p>
        <div class="govuk-form-group">
            <label class="govuk-label govuk-label--s" for="prison-search">
                {tx("Search for a prison", "Chwilio am garchar")}
            </label>
            <div class="govuk-hint" id="prison-search-hint">
                {tx("Type part of its name or town", "Teipiwch ran o’i enw neu’r dref")}
            </div>
            <input
                class="govuk-input govuk-!-width-two-thirds"
                id="prison-search"
                type="search"
                autocomplete="off"
                aria-describedby="prison-search-hint"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
        </div>
        <Transition fallback=|| view! { <Loading text=("Loading prisons…", "Wrthi’n llwytho’r carchardai…") /> }>
            {move || {
                prisons
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <PrisonList prisons=list search /> }.into_any(),
                        Err(error) => view! { <LoadError error on_retry=move || prisons.refetch() /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn PrisonList(prisons: Vec<PrisonSummary>, search: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    if prisons.is_empty() {
        return view! {
            <p class="govuk-body">
                {tx("No prisons are taking online bookings at the moment.", "Nid oes unrhyw garchar yn derbyn ceisiadau ar-lein ar hyn o bryd.")}
            </p>
        }
        .into_any();
    }
    let prisons = StoredValue::new(prisons);
    let shown = move || {
        let term = search.get().trim().to_lowercase();
        prisons.with_value(|all| {
            all.iter()
                .filter(|p| term.is_empty() || p.name.to_lowercase().contains(&term) || p.code.to_lowercase() == term)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p class="govuk-body govuk-!-font-weight-bold" role="status" id="prison-count">
            {move || {
                let n = shown().len();
                match (lang.is_cy(), n) {
                    (false, 1) => "1 prison".to_string(),
                    (false, n) => format!("{n} prisons"),
                    (true, 1) => "1 carchar".to_string(),
                    (true, n) => format!("{n} carchar"),
                }
            }}
        </p>
        <ul class="govuk-list prison-list" id="prison-list">
            {move || {
                shown()
                    .into_iter()
                    .map(|prison| {
                        view! {
                            <li class="prison-list__item" data-code=prison.code>
                                <a class="govuk-link prison-list__name" href=format!("/prison/{}", prison.id)>
                                    {prison.name}
                                </a>
                                {prison
                                    .demo
                                    .then(|| {
                                        view! {
                                            <strong class="govuk-tag govuk-tag--grey">
                                                {tx("Demo", "Demo")}
                                            </strong>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
    .into_any()
}
