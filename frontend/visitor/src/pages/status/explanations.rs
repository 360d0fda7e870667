//! Why a request was rejected or a visit cancelled, who cannot come, and what the prison wrote, in the visitor's language.

use domain::api::VisitStatus;
use domain::i18n::describe_date;
use domain::visit::{CancellationReason, RejectionReason};
use leptos::prelude::*;

use super::when;
use crate::i18n::{tx, use_lang};

/// Why the request was rejected or the visit cancelled, who cannot come, and the prison's messages: each in the
/// visitor's language, worded from the stable code (the server's English wording is the fallback for a code this
/// version of the app does not know).
#[component]
pub(super) fn Explanations(visit: VisitStatus) -> impl IntoView {
    let lang = use_lang();
    let rejection = (!visit.rejection_reasons.is_empty()).then(|| {
        let reasons = visit.rejection_reasons.clone();
        view! {
            <div class="govuk-inset-text" id="rejection-reasons">
                <h2 class="govuk-heading-m">{tx("We could not book your visit", "Nid oeddem yn gallu trefnu eich ymweliad")}</h2>
                <ul class="govuk-list govuk-list--bullet">
                    {reasons
                        .into_iter()
                        .map(|reason| {
                            let code = reason.code.clone();
                            view! {
                                <li data-code=code>
                                    {move || {
                                        let words = reason.code.parse::<RejectionReason>().ok()
                                            .map(|r| domain::i18n::rejection_reason(r, lang.get()).to_owned())
                                            .unwrap_or_else(|| reason.message.clone());
                                        match reason.renews_on {
                                            Some(date) if lang.is_cy() => format!(
                                                "{words}. Bydd y lwfans yn adnewyddu {}.",
                                                domain::i18n::after_word_cy("ar", &describe_date(date, lang.get())),
                                            ),
                                            Some(date) => format!(
                                                "{words}. The allowance renews on {}.",
                                                describe_date(date, lang.get()),
                                            ),
                                            None => format!("{words}."),
                                        }
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    });
    let cancellation = visit.cancellation_reason.clone().map(|reason| {
        let code = reason.code.clone();
        view! {
            <div class="govuk-inset-text" id="cancellation-reason" data-code=code>
                <h2 class="govuk-heading-m">{tx("Your visit has been cancelled", "Mae eich ymweliad wedi cael ei ganslo")}</h2>
                <p class="govuk-body">
                    {move || {
                        reason.code.parse::<CancellationReason>().ok()
                            .map(|r| domain::i18n::cancellation_reason(r, lang.get()).to_owned())
                            .unwrap_or_else(|| reason.message.clone())
                    }}
                    "."
                </p>
            </div>
        }
    });
    let excluded = (!visit.excluded_visitors.is_empty()).then(|| {
        let people = visit.excluded_visitors.clone();
        view! {
            <h2 class="govuk-heading-m">{tx("Who cannot come", "Pwy na all ddod")}</h2>
            <ul class="govuk-list govuk-list--bullet" id="excluded-visitors">
                {people
                    .into_iter()
                    .map(|person| {
                        view! {
                            <li>
                                {move || {
                                    let name = format!("{} {}", person.first_name, person.last_name);
                                    match &person.outcome {
                                        Some(outcome) => domain::i18n::visitor_outcome(outcome, &name, lang.get()),
                                        None => format!("{name} {}", person.message),
                                    }
                                }}
                                "."
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let messages = (!visit.messages.is_empty()).then(|| {
        let messages = visit.messages.clone();
        view! {
            <h2 class="govuk-heading-m">{tx("Messages from the prison", "Negeseuon gan y carchar")}</h2>
            <div id="prison-messages">
                {messages
                    .into_iter()
                    .map(|message| {
                        view! {
                            <div class="govuk-inset-text">
                                <p class="govuk-body app-pre">{message.text}</p>
                                <p class="govuk-body-s app-hint">{move || when(lang, message.at)}</p>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        }
    });
    view! { {rejection} {cancellation} {excluded} {messages} }
}
