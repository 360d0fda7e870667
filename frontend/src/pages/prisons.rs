//! The list of prisons a visitor can book a visit to.

use domain::api::PrisonSummary;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::text;

#[component]
pub fn PrisonsPage() -> impl IntoView {
    let prisons = LocalResource::new(api::list_prisons);

    view! {
        <h1 class="govuk-heading-l">{text::PRISONS_HEADING}</h1>
        <p class="govuk-body">{text::PRISONS_INTRO}</p>
        <Transition fallback=|| {
            view! {
                <p class="govuk-body" role="status">
                    {text::LOADING_PRISONS}
                </p>
            }
        }>
            {move || {
                prisons
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <PrisonList prisons=list /> }.into_any(),
                        Err(error) => view! { <LoadError error on_retry=move || prisons.refetch() /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn PrisonList(prisons: Vec<PrisonSummary>) -> impl IntoView {
    if prisons.is_empty() {
        return view! { <p class="govuk-body">{text::NO_PRISONS}</p> }.into_any();
    }
    view! {
        <ul class="govuk-list prison-list">
            {prisons
                .into_iter()
                .map(|prison| {
                    view! {
                        <li class="prison-list__item" data-code=prison.code>
                            <span class="prison-list__name">{prison.name}</span>
                            {prison
                                .demo
                                .then(|| {
                                    view! {
                                        <strong class="govuk-tag govuk-tag--grey">
                                            {text::DEMO_TAG}
                                        </strong>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn LoadError(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="govuk-error-summary" role="alert" tabindex="-1">
            <h2 class="govuk-error-summary__title">{text::ERROR_TITLE}</h2>
            <p class="govuk-body">{text::api_error(&error)}</p>
            <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| on_retry()>
                {text::TRY_AGAIN}
            </button>
        </div>
    }
}
