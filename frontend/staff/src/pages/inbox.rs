//! The inbox of the current prison: requests waiting for a decision, oldest first, with their confirm-by dates and
//! the overdue ones marked; how many there are; and visitors' cancellations to acknowledge.

use domain::i18n::{describe_plain_date, describe_slot};
use domain::staff::{CancellationNotice, Inbox, InboxItem};
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use frontend_shared::shell::SuccessBanner;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::session::use_session;
use crate::ui::{Failure, Loading, problem_text, use_title, when};

#[component]
pub fn InboxPage() -> impl IntoView {
    let session = use_session();
    use_title(("Inbox", "Mewnflwch"), || false);
    let inbox = LocalResource::new(move || {
        let prison = session.prison.get();
        async move {
            match prison {
                // Staff get every one of their prisons (a handful), to show how much waits at the others too;
                // admins, who see every prison, get the current one only.
                Some(prison) => {
                    let scope = if session.is_admin_untracked() { Some(prison) } else { None };
                    api::inbox(session, scope).await.map(Some)
                }
                None => Ok(None),
            }
        }
    });
    let retry = Callback::new(move |_| inbox.refetch());
    // The reference of the cancellation just acknowledged: its card goes when the inbox reloads, so the banner
    // (outside the reloaded part) says what happened and takes the focus.
    let acknowledged = RwSignal::new(None::<String>);
    let lang = use_lang();
    view! {
        {move || {
            acknowledged
                .get()
                .map(|reference| {
                    view! {
                        <SuccessBanner id="acknowledged">
                            {move || format!("{} {reference}.", lang.t("You have acknowledged the cancelled visit", "Rydych chi wedi cydnabod yr ymweliad a ganslwyd"))}
                        </SuccessBanner>
                    }
                })
        }}
        <span class="govuk-caption-l">{move || session.prison_name()}</span>
        <h1 class="govuk-heading-l">{tx("Inbox", "Mewnflwch")}</h1>
        <a href="/staff/book" class="govuk-button govuk-button--secondary" id="book-visit-link">{tx("Book a visit for a family", "Trefnu ymweliad ar gyfer teulu")}</a>
        <Transition fallback=Loading>
            {move || {
                inbox
                    .get()
                    .map(|result| match result {
                        Ok(Some(inbox)) => view! { <InboxView inbox on_change=retry acknowledged /> }.into_any(),
                        Ok(None) => view! {
                            <p class="govuk-body">{tx("You do not work at any prison yet. Ask an admin to add you to one.", "Nid ydych yn gweithio mewn unrhyw garchar eto. Gofynnwch i weinyddwr eich ychwanegu at un.")}</p>
                        }.into_any(),
                        Err(error) => view! { <Failure error retry /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn InboxView(inbox: Inbox, on_change: Callback<()>, acknowledged: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let prison = session.prison.get_untracked();
    let counts = inbox.counts.iter().find(|c| Some(c.prison_id) == prison).cloned();
    let mut items: Vec<InboxItem> = inbox.items.into_iter().filter(|i| Some(i.prison_id) == prison).collect();
    items.sort_by_key(|i| i.created_at);
    let cancellations: Vec<CancellationNotice> =
        inbox.cancellations.into_iter().filter(|c| Some(c.prison_id) == prison).collect();
    let (waiting, overdue, to_ack) = counts
        .map(|c| (c.requested, c.overdue, c.cancellations_to_acknowledge))
        .unwrap_or((items.len() as u32, 0, cancellations.len() as u32));
    let others: Vec<_> = inbox.counts.iter().filter(|c| Some(c.prison_id) != prison).cloned().collect();
    let no_items = items.is_empty();
    let has_cancellations = !cancellations.is_empty();
    view! {
        <ul class="app-counts" id="inbox-counts">
            <li class="app-count"><span class="app-count__number" id="count-waiting">{waiting}</span> {tx("waiting", "yn aros")}</li>
            <li class={if overdue > 0 { "app-count app-count--alert" } else { "app-count" }}><span class="app-count__number" id="count-overdue">{overdue}</span> {tx("overdue", "yn hwyr")}</li>
            <li class="app-count"><span class="app-count__number" id="count-cancellations">{to_ack}</span> {tx("cancellations to acknowledge", "canslad i’w cydnabod")}</li>
        </ul>

        {(!others.is_empty()).then(|| view! {
            <div class="govuk-inset-text app-no-print" id="other-prisons">
                <p class="govuk-body govuk-!-margin-bottom-1">{tx("Your other prisons:", "Eich carchardai eraill:")}</p>
                <ul class="govuk-list govuk-!-margin-bottom-0">
                    {others.into_iter().map(|c| {
                        let id = c.prison_id;
                        let name = c.prison_name.clone();
                        view! {
                            <li>
                                <button type="button" class="app-link-button" on:click=move |_| session.prison.set(Some(id))>
                                    {name}
                                </button>
                                ": " {c.requested} " " {tx("waiting", "yn aros")} ", " {c.overdue} " " {tx("overdue", "yn hwyr")}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        })}
        <Show when=move || has_cancellations>
            <h2 class="govuk-heading-m">{tx("Visitors’ cancellations", "Ymweliadau a ganslwyd gan ymwelwyr")}</h2>
            <ul class="govuk-list app-cards" id="cancellations">
                {cancellations.clone().into_iter().map(|c| view! { <Cancellation notice=c on_change acknowledged /> }).collect_view()}
            </ul>
        </Show>

        <h2 class="govuk-heading-m">{tx("Requests waiting for a decision", "Ceisiadau sy’n aros am benderfyniad")}</h2>
        {if no_items {
            view! { <p class="govuk-body" id="inbox-empty">{tx("There are no requests waiting.", "Nid oes unrhyw geisiadau’n aros.")}</p> }.into_any()
        } else {
            view! {
                <p class="govuk-body">{tx("Oldest first.", "Yr hynaf yn gyntaf.")}</p>
                <ul class="govuk-list app-cards" id="requests">
                    {items.into_iter().map(|item| view! { <Request item /> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn Request(item: InboxItem) -> impl IntoView {
    let channel = item.channel;
    let lang = use_lang();
    let href = format!("/staff/visits/{}", item.visit_id);
    let overdue = item.overdue;
    let confirm_by = item.confirm_by;
    let created = item.created_at;
    let first = item.slot_choices.first().copied();
    let choices = item.slot_choices.len();
    view! {
        <li class="app-card app-request" class:app-card--overdue=overdue>
            <h3 class="govuk-heading-s app-card__title">
                <a class="govuk-link" href=href>
                    {item.prisoner_name.clone()} " " <span class="govuk-visually-hidden">{tx("request", "cais")}</span>
                    <span class="app-reference">{item.reference.clone()}</span>
                </a>
                {overdue.then(|| view! { " " <strong class="govuk-tag govuk-tag--red">{tx("Overdue", "Yn hwyr")}</strong> })}
            </h3>
            <dl class="app-facts">
                <div><dt>{tx("Prison number", "Rhif carchar")}</dt><dd>{item.prisoner_number.clone()}</dd></div>
                <div><dt>{tx("Lead visitor", "Prif ymwelydd")}</dt><dd>{item.lead_visitor_name.clone()} " (" {move || visitors_text(lang, item.visitor_count as usize)} ")"</dd></div>
                <div><dt>{tx("Requested", "Gofynnwyd")}</dt><dd>{move || when(lang, created)}</dd></div>
                <div><dt>{tx("Came in by", "Daeth i mewn drwy")}</dt><dd class="app-channel">{move || crate::ui::channel_label(lang, channel)}</dd></div>
                <div><dt>{tx("Confirm by", "Cadarnhau erbyn")}</dt><dd class="app-confirm-by">{move || describe_plain_date(confirm_by, lang.get())}</dd></div>
                <div><dt>{tx("First choice", "Dewis cyntaf")}</dt><dd>{move || first.map(|s| describe_slot(&s, lang.get())).unwrap_or_default()} {move || (choices > 1).then(|| format!(" (+{})", choices - 1))}</dd></div>
            </dl>
        </li>
    }
}

fn visitors_text(lang: frontend_shared::i18n::Lang, count: usize) -> String {
    match count {
        1 => lang.t("1 visitor", "1 ymwelydd").to_string(),
        n => format!("{n} {}", lang.t("visitors", "ymwelydd")),
    }
}

#[component]
fn Cancellation(
    notice: CancellationNotice,
    on_change: Callback<()>,
    acknowledged: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let id = notice.visit_id;
    let reference = notice.reference.clone();
    let slot = notice.slot;
    let done_reference = reference.clone();
    let acknowledge = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let reference = done_reference.clone();
        spawn_local(async move {
            let result = api::acknowledge(session, id).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    acknowledged.set(Some(reference));
                    focus_id("acknowledged".into());
                    on_change.run(());
                }
                Err(error) => failure.set(Some(problem_text(lang, &error))),
            }
        });
    };
    view! {
        <li class="app-card">
            <h3 class="govuk-heading-s app-card__title">
                <a class="govuk-link" href=format!("/staff/visits/{id}")>{notice.prisoner_name.clone()} " " <span class="app-reference">{reference.clone()}</span></a>
            </h3>
            <p class="govuk-body-s">{tx("Was booked for", "Wedi’i drefnu ar gyfer")} " " {move || describe_slot(&slot, lang.get())}</p>
            {move || failure.get().map(|text| view! { <p class="govuk-error-message">{text}</p> })}
            <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=acknowledge
                aria-label=move || format!("{} {}", lang.t("Acknowledge cancellation", "Cydnabod canslo"), reference)>
                {tx("Acknowledge", "Cydnabod")}
            </button>
        </li>
    }
}
