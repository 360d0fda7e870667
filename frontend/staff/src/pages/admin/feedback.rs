//! Feedback from visitors and staff (issue 14), for admins: a period's feedback, newest first, and all of it as CSV.

use domain::feedback::{FeedbackList, FeedbackSource};
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::AdminNav;
use crate::session::{get, send, use_session};
use crate::ui::{Failure, Loading, problem_text, today, use_title, when};

#[component]
pub fn FeedbackAdminPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    use_title(("Feedback", "Adborth"), || false);
    let to = today();
    let from = to - chrono::Duration::days(27);
    let typed_from = RwSignal::new(from.to_string());
    let typed_to = RwSignal::new(to.to_string());
    let period = RwSignal::new((from.to_string(), to.to_string()));
    let list = LocalResource::new(move || {
        let (from, to) = period.get();
        async move {
            get::<FeedbackList>(
                session,
                format!("/api/v1/admin/feedback?from={}&to={}", crate::api::encode(&from), crate::api::encode(&to)),
            )
            .await
        }
    });
    let retry = Callback::new(move |_| list.refetch());
    let download_error = RwSignal::new(None::<String>);
    let download = move |_| {
        let (from, to) = period.get_untracked();
        download_error.set(None);
        spawn_local(async move {
            let path =
                format!("/api/v1/admin/feedback.csv?from={}&to={}", crate::api::encode(&from), crate::api::encode(&to));
            match send(session, "GET", &path, None).await {
                Ok(csv) => {
                    if crate::ui::save_file(&csv, &format!("feedback-{from}-to-{to}.csv")).is_err() {
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
        period.set((typed_from.get_untracked(), typed_to.get_untracked()));
    };
    view! {
        <AdminNav />
        <h1 class="govuk-heading-l">{tx("Feedback", "Adborth")}</h1>
        <Show when=move || session.is_admin() fallback=|| view! {
            <p class="govuk-body">{tx("Only admins can read feedback.", "Dim ond gweinyddwyr sy’n gallu darllen adborth.")}</p>
        }>
            <form class="app-no-print" on:submit=submit id="feedback-period">
                <div class="govuk-form-group">
                    <label class="govuk-label" for="feedback-from">{tx("From", "O")}</label>
                    <input class="govuk-input govuk-input--width-10" id="feedback-from" type="date" prop:value=typed_from
                        on:input=move |ev| typed_from.set(event_target_value(&ev)) />
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label" for="feedback-to">{tx("To", "I")}</label>
                    <input class="govuk-input govuk-input--width-10" id="feedback-to" type="date" prop:value=typed_to
                        on:input=move |ev| typed_to.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary" id="feedback-show">{tx("Show feedback", "Dangos adborth")}</button>
            </form>
            <button type="button" class="govuk-button govuk-button--secondary app-no-print" id="feedback-download" on:click=download>
                {tx("Download as CSV", "Lawrlwytho fel CSV")}
            </button>
            {move || download_error.get().map(|text| view! { <p class="govuk-error-message" role="alert">{text}</p> })}
            <Transition fallback=Loading>
                {move || list.get().map(|result| match result {
                    Ok(list) => view! { <FeedbackTable list /> }.into_any(),
                    Err(error) => view! { <Failure error retry /> }.into_any(),
                })}
            </Transition>
        </Show>
    }
}

#[component]
fn FeedbackTable(list: FeedbackList) -> impl IntoView {
    let lang = use_lang();
    let total = list.total;
    let shown = list.items.len();
    if list.items.is_empty() {
        return view! { <p class="govuk-body" id="feedback-none">{tx("No feedback in this period.", "Dim adborth yn y cyfnod hwn.")}</p> }.into_any();
    }
    view! {
        <p class="govuk-body" id="feedback-count">
            {move || if lang.is_cy() {
                format!("{total} darn o adborth, y diweddaraf yn gyntaf{}", if (shown as u64) < total { format!(" (dangosir {shown}; mae’r cyfan yn y CSV)") } else { String::new() })
            } else {
                format!("{total} pieces of feedback, newest first{}", if (shown as u64) < total { format!(" ({shown} shown; the CSV has them all)") } else { String::new() })
            }}
        </p>
        <table class="govuk-table app-stack-table" id="feedback-table">
            <caption class="govuk-table__caption govuk-visually-hidden">{tx("Feedback", "Adborth")}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">{tx("Sent", "Anfonwyd")}</th>
                    <th scope="col" class="govuk-table__header">{tx("From", "Gan")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Satisfaction", "Bodlonrwydd")}</th>
                    <th scope="col" class="govuk-table__header">{tx("What went wrong or could be better", "Beth aeth o’i le neu allai fod yn well")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Email", "E-bost")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Language", "Iaith")}</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {list.items.into_iter().map(|item| {
                    let at = item.created_at;
                    let source = item.source;
                    let satisfaction = item.satisfaction;
                    let welsh = item.locale == domain::api::Locale::Cy;
                    view! {
                        <tr class="govuk-table__row app-feedback">
                            <td class="govuk-table__cell" data-label=move || lang.t("Sent", "Anfonwyd")>{move || when(lang, at)}</td>
                            <td class="govuk-table__cell" data-label=move || lang.t("From", "Gan")>
                                {move || match source {
                                    FeedbackSource::Visitor => lang.t("Visitor", "Ymwelydd"),
                                    FeedbackSource::Staff => lang.t("Staff", "Aelod o staff"),
                                }}
                            </td>
                            <td class="govuk-table__cell" data-label=move || lang.t("Satisfaction", "Bodlonrwydd")>{move || satisfaction.label(lang.get())}</td>
                            <td class="govuk-table__cell app-pre-line" data-label=move || lang.t("Comment", "Sylw")>{item.improvement.unwrap_or_default()}</td>
                            <td class="govuk-table__cell app-break-anywhere" data-label=move || lang.t("Email", "E-bost")>{item.email.unwrap_or_default()}</td>
                            <td class="govuk-table__cell app-feedback-language" data-label=move || lang.t("Language", "Iaith")>
                                {move || if welsh { lang.t("Welsh", "Cymraeg") } else { lang.t("English", "Saesneg") }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
