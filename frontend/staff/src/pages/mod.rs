//! One module per staff screen.

pub mod admin;
pub mod book;
pub mod dashboard;
pub mod day_list;
pub mod feedback;
pub mod inbox;
pub mod search;
pub mod sign_in;
pub mod timetable;
pub mod visit;

use frontend_shared::i18n::tx;
use leptos::prelude::*;

use crate::ui::use_title;

#[component]
pub fn NotFound() -> impl IntoView {
    use_title(("Page not found", "Heb ddod o hyd i’r dudalen"), || false);
    view! {
        <h1 class="govuk-heading-l">{tx("Page not found", "Heb ddod o hyd i’r dudalen")}</h1>
        <p class="govuk-body">
            {tx("If you typed the web address, check it is correct.", "Os gwnaethoch deipio’r cyfeiriad gwe, gwiriwch ei fod yn gywir.")}
        </p>
        <p class="govuk-body">
            <a class="govuk-link" href="/staff/inbox">{tx("Go to the inbox", "Mynd i’r mewnflwch")}</a>
        </p>
    }
}
