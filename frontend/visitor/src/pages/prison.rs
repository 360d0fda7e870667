//! Step 1, continued: a prison's visiting information, and the start of a request.

use domain::api::PrisonDetails;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use super::{LoadError, Loading};
use crate::api::{self, ApiError};
use crate::components::BackLink;
use crate::i18n::{tx, use_lang, use_title};
use crate::store::use_form;

#[component]
pub fn PrisonPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let details = Resource::new(id, |id| async move {
        let found = match id {
            Some(id) => api::prison(id).await,
            None => Err(ApiError::Status(404)),
        };
        super::answer_not_found(&found);
        found
    });
    // The prison's name once it is shown (PrisonInfo).
    use_title(|lang| lang.t("Prison", "Carchar").into(), || false);

    view! {
        <BackLink href="/" />
        <Transition fallback=|| view! { <Loading text=("Loading the prison’s details…", "Wrthi’n llwytho manylion y carchar…") /> }>
            {move || {
                details
                    .get()
                    .map(|result| match result {
                        Ok(prison) => view! { <PrisonInfo prison /> }.into_any(),
                        Err(error) => {
                            view! {
                                <h1 class="govuk-heading-l">{tx("Prison", "Carchar")}</h1>
                                <LoadError error on_retry=move || details.refetch() />
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn PrisonInfo(prison: PrisonDetails) -> impl IntoView {
    let lang = use_lang();
    let name = prison.name.clone();
    use_title(move |_| name.clone(), || false);
    let form = use_form();
    let navigate = use_navigate();
    let rules = prison.rules.clone();
    let address = prison
        .address
        .lines
        .iter()
        .chain([&prison.address.town, &prison.address.postcode])
        .cloned()
        .collect::<Vec<_>>();
    let start = {
        let prison = prison.clone();
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            form.draft.update(|d| d.start(prison.clone()));
            navigate("/book/prisoner", NavigateOptions::default());
        }
    };
    let window_text = {
        let rules = rules.clone();
        move || {
            let days = rules.processing_days;
            let window = rules.booking_window_days;
            if lang.is_cy() {
                format!(
                    "Gallwch ofyn am ymweliad hyd at {window} diwrnod ymlaen llaw. Bydd y carchar yn ateb o fewn {days} diwrnod gwaith, felly mae’r dyddiad cynharaf y gallwch ei ddewis ar ôl hynny."
                )
            } else {
                format!(
                    "You can ask for a visit up to {window} days ahead. The prison replies within {days} working days, so the earliest date you can choose is after that."
                )
            }
        }
    };
    view! {
        <span class="govuk-caption-l">{tx("Visiting information", "Gwybodaeth am ymweld")}</span>
        <h1 class="govuk-heading-l">{prison.name.clone()}</h1>
        <h2 class="govuk-heading-m">{tx("Who can visit", "Pwy all ymweld")}</h2>
        <p class="govuk-body">{move || domain::i18n::describe_limits(&rules, lang.get())}</p>
        <h2 class="govuk-heading-m">{tx("When you can visit", "Pryd y gallwch ymweld")}</h2>
        <p class="govuk-body">{window_text}</p>
        <h2 class="govuk-heading-m">{tx("Contact the prison", "Cysylltu â’r carchar")}</h2>
        <p class="govuk-body app-address">
            {address.into_iter().map(|line| view! { {line} <br /> }).collect_view()}
        </p>
        <p class="govuk-body">
            {tx("Phone: ", "Ffôn: ")} {prison.phone.clone()} <br />
            {tx("Email: ", "E-bost: ")}
            <a class="govuk-link app-break" href=format!("mailto:{}", prison.email)>{prison.email.clone()}</a>
        </p>
        // A link, as GOV.UK's start button is: before the app has taken the page over (or without JavaScript) it
        // opens the first step from the server, which starts the draft with this prison.
        <a href=format!("/book/prisoner?prison={}", prison.id) role="button" draggable="false" class="govuk-button govuk-button--start" id="start" on:click=start>
            {tx("Start now", "Dechrau nawr")}
            <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
            </svg>
        </a>
    }
}
