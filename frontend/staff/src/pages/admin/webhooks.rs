//! Webhook subscriptions, for admins (`/staff/admin/webhooks`): the list (where events go, which events, for which
//! prisons, on or off and why), one form to add or change a subscription, its signing secret shown once (on creation
//! and rotation), deletion after confirmation, and each subscription's delivery log with redelivery. The API is
//! `/api/v1/webhooks/subscriptions` (docs/webhooks.md).

use domain::events::{
    DeliveryPage, DeliveryView, EventType, Subscription, SubscriptionCreated, SubscriptionInput, WebhookDeliveryState,
};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::accounts::PrisonChoice;
use super::{AdminNav, issues_under, prison_names};
use crate::session::{Session, call, get, send, use_session};
use crate::ui::{
    ErrorSummary, Failure, Issue, Loading, field_error, has_issue, problem_text, show_issues, use_title, when,
};

const BASE: &str = "/api/v1/webhooks/subscriptions";

async fn list(session: Session) -> Result<Vec<Subscription>, ApiError> {
    get(session, BASE.into()).await
}

async fn create(session: Session, input: &SubscriptionInput) -> Result<SubscriptionCreated, ApiError> {
    let body = serde_json::to_string(input).map_err(|_| ApiError::Decode)?;
    call(session, "POST", BASE.into(), Some(body)).await
}

async fn update(session: Session, id: Uuid, input: &SubscriptionInput) -> Result<Subscription, ApiError> {
    let body = serde_json::to_string(input).map_err(|_| ApiError::Decode)?;
    call(session, "PUT", format!("{BASE}/{id}"), Some(body)).await
}

async fn delete(session: Session, id: Uuid) -> Result<(), ApiError> {
    send(session, "DELETE", &format!("{BASE}/{id}"), None).await.map(|_| ())
}

async fn rotate(session: Session, id: Uuid) -> Result<SubscriptionCreated, ApiError> {
    call(session, "POST", format!("{BASE}/{id}/rotate-secret"), Some("{}".into())).await
}

/// A page of the log (20 lines), newest first; `after` is the `next_cursor` of the page before.
async fn deliveries(session: Session, id: Uuid, after: Option<String>) -> Result<DeliveryPage, ApiError> {
    let after = after.map(|a| format!("&after={}", crate::api::encode(&a))).unwrap_or_default();
    get(session, format!("{BASE}/{id}/deliveries?limit={LOG_PAGE}{after}")).await
}

async fn redeliver(session: Session, id: Uuid, event_id: Uuid) -> Result<DeliveryView, ApiError> {
    call(session, "POST", format!("{BASE}/{id}/deliveries/{event_id}/redeliver"), Some("{}".into())).await
}

/// Lines per page of the delivery log.
const LOG_PAGE: u32 = 20;

/// What each event means, in plain words (the events are described in docs/webhooks.md).
fn event_words(event: EventType) -> (&'static str, &'static str) {
    match event {
        EventType::VisitRequested => {
            ("A visit was requested and waits for a decision", "Gwnaed cais am ymweliad ac mae’n aros am benderfyniad")
        }
        EventType::VisitBooked => (
            "A visit was booked, by staff or at once by instant booking",
            "Trefnwyd ymweliad, gan staff neu ar unwaith drwy drefnu ar unwaith",
        ),
        EventType::VisitRejected => ("Staff rejected a request", "Gwrthododd staff gais"),
        EventType::VisitWithdrawn => (
            "The visitor withdrew a request before it was decided",
            "Tynnodd yr ymwelydd gais yn ôl cyn i benderfyniad gael ei wneud",
        ),
        EventType::VisitCancelled => (
            "A booked visit was cancelled, by the visitor or by staff",
            "Canslwyd ymweliad, gan yr ymwelydd neu gan staff",
        ),
        EventType::VisitWaiting => (
            "A visitor joined the waiting list for times that were all full",
            "Ymunodd ymwelydd â’r rhestr aros ar gyfer amseroedd a oedd i gyd yn llawn",
        ),
        EventType::VisitExpired => (
            "Every time a waiting-list visit wanted passed without a place coming up",
            "Aeth pob amser yr oedd ymweliad ar y rhestr aros eisiau heibio heb i le ddod ar gael",
        ),
        EventType::VisitMessaged => (
            "Staff sent the visitor a message (its text is not sent)",
            "Anfonodd staff neges at yr ymwelydd (nid anfonir ei thestun)",
        ),
        EventType::TimetableChanged => {
            ("The prison’s visiting times or rules changed", "Newidiodd amseroedd neu reolau ymweld y carchar")
        }
        EventType::RollUpdated => {
            ("Prisoner records of the roll were updated", "Diweddarwyd cofnodion carcharorion y gofrestr")
        }
    }
}

/// An attribute's text in the reader's language: one closure type for all of them (smaller WebAssembly).
fn said(text: (&'static str, &'static str)) -> impl Fn() -> &'static str + Copy + 'static {
    let lang = use_lang();
    move || lang.t(text.0, text.1)
}

/// A delivery's state in words, and the colour of its tag.
fn state_words(state: WebhookDeliveryState) -> ((&'static str, &'static str), &'static str) {
    match state {
        WebhookDeliveryState::Pending => (("Waiting", "Yn aros"), "govuk-tag--blue"),
        WebhookDeliveryState::Retrying => (("Failed, trying again", "Wedi methu, yn ceisio eto"), "govuk-tag--yellow"),
        WebhookDeliveryState::Delivered => (("Delivered", "Wedi’i anfon"), "govuk-tag--green"),
        WebhookDeliveryState::Failed => (("Failed", "Wedi methu"), "govuk-tag--red"),
    }
}

/// A signing secret to show once: for which address, the secret, and whether it replaced another.
#[derive(Debug, Clone)]
struct Secret {
    url: String,
    value: String,
    rotated: bool,
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let session = use_session();
    let issues = RwSignal::new(Vec::<Issue>::new());
    use_title(("Webhooks", "Bachau gwe"), move || issues.with(|i| !i.is_empty()));
    let subscriptions = LocalResource::new(move || async move { list(session).await });
    let refresh = Callback::new(move |_| subscriptions.refetch());
    let notice = RwSignal::new(None::<(String, String)>);
    let lang = use_lang();
    let secret = RwSignal::new(None::<Secret>);
    let editing = RwSignal::new(None::<Subscription>);
    let log_of = RwSignal::new(None::<Subscription>);
    let ctx = Ctx { notice, secret, editing, log_of, on_change: refresh };
    view! {
        {move || notice.get().map(|(en, cy)| view! {
            <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="webhooks-notice-title" id="webhooks-notice" tabindex="-1">
                <div class="govuk-notification-banner__header">
                    <h2 class="govuk-notification-banner__title" id="webhooks-notice-title">{tx("Success", "Llwyddiant")}</h2>
                </div>
                <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">{move || if lang.is_cy() { cy.clone() } else { en.clone() }}</p></div>
            </div>
        })}
        <AdminNav />
        <h1 class="govuk-heading-l">{tx("Webhooks", "Bachau gwe")}</h1>
        <Show when=move || session.is_admin() fallback=|| view! {
            <p class="govuk-body">{tx("Only admins can manage webhooks.", "Dim ond gweinyddwyr sy’n gallu rheoli bachau gwe.")}</p>
        }>
            <p class="govuk-body">{tx(
                "A webhook tells another system at once when something happens at a prison: the service sends a signed request to its web address. Each request is tried again for about three days until the system accepts it.",
                "Mae bachyn gwe’n dweud wrth system arall ar unwaith pan fydd rhywbeth yn digwydd mewn carchar: mae’r gwasanaeth yn anfon cais wedi’i lofnodi i’w chyfeiriad gwe. Rhoddir cynnig ar bob cais eto am tua thri diwrnod nes bod y system yn ei dderbyn.",
            )}</p>
            <SecretPanel secret />
            <h2 class="govuk-heading-m" id="subscriptions">{tx("Subscriptions", "Tanysgrifiadau")}</h2>
            <Transition fallback=Loading>
                {move || subscriptions.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="govuk-body" id="no-subscriptions">{tx("There are no subscriptions yet.", "Nid oes tanysgrifiadau eto.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="govuk-list app-cards" id="subscription-list">
                            {list.into_iter().map(|sub| view! { <SubscriptionCard sub ctx /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <Failure error retry=refresh /> }.into_any(),
                })}
            </Transition>
            <DeliveryLog ctx />
            <SubscriptionForm ctx issues />
        </Show>
    }
}

/// What the parts of the page share.
#[derive(Clone, Copy)]
struct Ctx {
    /// What the last action did, in English and Welsh (it follows a switch of language).
    notice: RwSignal<Option<(String, String)>>,
    secret: RwSignal<Option<Secret>>,
    /// The subscription the form changes (none: the form adds one).
    editing: RwSignal<Option<Subscription>>,
    /// The subscription whose delivery log is shown.
    log_of: RwSignal<Option<Subscription>>,
    on_change: Callback<()>,
}

impl Ctx {
    fn tell(self, text: (&'static str, &'static str)) {
        self.tell_both(text.0.to_string(), text.1.to_string());
    }

    fn tell_both(self, en: String, cy: String) {
        self.notice.set(Some((en, cy)));
        focus_id("webhooks-notice".into());
    }
}

/// The signing secret, shown once, with what to do with it.
#[component]
fn SecretPanel(secret: RwSignal<Option<Secret>>) -> impl IntoView {
    move || {
        secret.get().map(|s| {
            view! {
                <div class="govuk-panel govuk-panel--confirmation app-secret" id="webhook-secret-panel" tabindex="-1">
                    <h2 class="govuk-panel__title govuk-!-font-size-27">
                        {if s.rotated { tx("New signing secret for", "Cyfrinach llofnodi newydd ar gyfer") } else { tx("Signing secret for", "Cyfrinach llofnodi ar gyfer") }.into_any()}
                        " " <span class="app-break">{s.url.clone()}</span>
                    </h2>
                </div>
                <div class="govuk-warning-text">
                    <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                    <strong class="govuk-warning-text__text">
                        <span class="govuk-visually-hidden">{tx("Warning", "Rhybudd")}</span>
                        {tx("Copy this secret now and give it to the receiving system, which checks each request’s signature with it. It will not be shown again.", "Copïwch y gyfrinach hon nawr a’i rhoi i’r system sy’n derbyn, sy’n gwirio llofnod pob cais gyda hi. Ni fydd yn cael ei dangos eto.")}
                    </strong>
                </div>
                {s.rotated.then(|| view! {
                    <p class="govuk-body" id="webhook-secret-overlap">{tx("The old secret keeps signing too for 24 hours (each request then carries both signatures), so the receiving system can switch over without missing a request.", "Mae’r hen gyfrinach yn parhau i lofnodi hefyd am 24 awr (mae pob cais wedyn yn cario’r ddau lofnod), fel bod y system sy’n derbyn yn gallu newid heb golli cais.")}</p>
                })}
                <label class="govuk-label" for="webhook-secret">{tx("Signing secret (select it and copy it)", "Cyfrinach llofnodi (dewiswch hi a’i chopïo)")}</label>
                <input class="govuk-input app-break" id="webhook-secret" type="text" readonly spellcheck="false" autocomplete="off" prop:value=s.value />
                <p class="govuk-body govuk-!-margin-top-2">
                    <button type="button" class="govuk-button govuk-button--secondary" id="webhook-secret-done" on:click=move |_| {
                        secret.set(None);
                        focus_id("subscriptions".into());
                    }>
                        {tx("I have copied it", "Rwyf wedi’i chopïo")}
                    </button>
                </p>
            }
        })
    }
}

#[component]
fn SubscriptionCard(sub: Subscription, ctx: Ctx) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let id = sub.id;
    let confirming = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let slug = id.simple().to_string();
    let url = sub.url.clone();
    let prisons = prison_names(session, &sub.prison_ids).join(", ");
    let do_rotate = {
        let url = url.clone();
        move |_| {
            let url = url.clone();
            spawn_local(async move {
                match rotate(session, id).await {
                    Ok(created) => {
                        ctx.secret.set(Some(Secret { url, value: created.secret, rotated: true }));
                        focus_id("webhook-secret".into());
                        ctx.on_change.run(());
                    }
                    Err(error) => failure.set(Some(problem_text(lang, &error))),
                }
            });
        }
    };
    let do_delete = move |_| {
        spawn_local(async move {
            match delete(session, id).await {
                Ok(()) => {
                    if ctx.log_of.with_untracked(|s| s.as_ref().is_some_and(|s| s.id == id)) {
                        ctx.log_of.set(None);
                    }
                    if ctx.editing.with_untracked(|s| s.as_ref().is_some_and(|s| s.id == id)) {
                        ctx.editing.set(None);
                    }
                    ctx.tell((
                        "Subscription deleted: nothing more is sent to it.",
                        "Tanysgrifiad wedi’i ddileu: nid anfonir dim mwy ato.",
                    ));
                    ctx.on_change.run(());
                }
                Err(error) => failure.set(Some(problem_text(lang, &error))),
            }
        });
    };
    let (status, colour) = match (sub.enabled, sub.disabled_reason.is_some()) {
        (true, _) => (("On", "Ymlaen"), "govuk-tag--green"),
        (false, true) => (("Turned off after failures", "Wedi’i ddiffodd ar ôl methiannau"), "govuk-tag--red"),
        (false, false) => (("Off", "I ffwrdd"), "govuk-tag--grey"),
    };
    let edit = {
        let sub = sub.clone();
        move |_| {
            ctx.editing.set(Some(sub.clone()));
            focus_id("webhook-form-title".into());
        }
    };
    let show_log = {
        let sub = sub.clone();
        move |_| {
            ctx.log_of.set(Some(sub.clone()));
            focus_id("delivery-log-title".into());
        }
    };
    let hidden = move || view! { <span class="govuk-visually-hidden">" " {url.clone()}</span> };
    view! {
        <li class="app-card app-subscription" id=format!("subscription-{}", id.simple())>
            <h3 class="govuk-heading-s app-card__title">
                <span class="app-break">{sub.url.clone()}</span> " "
                <strong class=format!("govuk-tag {colour}")>{tx(status.0, status.1)}</strong>
            </h3>
            <dl class="govuk-summary-list govuk-summary-list--no-border app-break">
                {(!sub.description.is_empty()).then(|| view! {
                    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Description", "Disgrifiad")}</dt><dd class="govuk-summary-list__value">{sub.description.clone()}</dd></div>
                })}
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Events", "Digwyddiadau")}</dt><dd class="govuk-summary-list__value">
                    {if sub.event_types.is_empty() {
                        tx("Every event, including kinds added later", "Pob digwyddiad, gan gynnwys mathau a ychwanegir yn nes ymlaen").into_any()
                    } else {
                        view! { <ul class="govuk-list">{sub.event_types.iter().map(|e| view! { <li><code>{e.as_str()}</code></li> }).collect_view()}</ul> }.into_any()
                    }}
                </dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Prisons", "Carchardai")}</dt><dd class="govuk-summary-list__value">{prisons}</dd></div>
                {(!sub.enabled).then(|| view! {
                    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Why it is off", "Pam ei fod i ffwrdd")}</dt><dd class="govuk-summary-list__value app-disabled-reason">
                        {match sub.disabled_reason.clone() {
                            Some(reason) => view! {
                                {tx("The service turned it off because a delivery failed every try for about three days. Fix the receiving system, then turn it on again: the deliveries waiting for it resume.", "Diffoddodd y gwasanaeth ef oherwydd bod anfon wedi methu bob tro am tua thri diwrnod. Trwsiwch y system sy’n derbyn, yna trowch ef ymlaen eto: bydd yr anfoniadau sy’n aros yn ailddechrau.")}
                                <span lang="en" class="govuk-body-s app-block">{reason}</span>
                            }.into_any(),
                            None => tx("An admin turned it off.", "Diffoddodd gweinyddwr ef.").into_any(),
                        }}
                    </dd></div>
                })}
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Created", "Crëwyd")}</dt><dd class="govuk-summary-list__value">{when(lang, sub.created_at)}</dd></div>
                {sub.previous_secret_until.map(|at| view! {
                    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{tx("Old secret signs until", "Mae’r hen gyfrinach yn llofnodi tan")}</dt><dd class="govuk-summary-list__value">{when(lang, at)}</dd></div>
                })}
            </dl>
            {move || failure.get().map(|text| view! { <p class="govuk-error-message" role="alert">{text}</p> })}
            <div class="govuk-button-group">
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=show_log>
                    {tx("Delivery log", "Log anfon")} {hidden.clone()}
                </button>
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=edit>
                    {tx("Change", "Newid")} {hidden.clone()}
                </button>
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=do_rotate>
                    {tx("Rotate secret", "Cylchdroi’r gyfrinach")} {hidden.clone()}
                </button>
                <Show when=move || !confirming.get()>
                    <button type="button" class="govuk-button govuk-button--warning app-small-button" on:click=move |_| {
                        confirming.set(true);
                        focus_id(format!("delete-{}", id.simple()));
                    }>
                        {tx("Delete", "Dileu")} {hidden.clone()}
                    </button>
                </Show>
            </div>
            <Show when=move || confirming.get()>
                <div class="govuk-inset-text">
                    <p class="govuk-body">{tx("Delete this subscription and its delivery log? Nothing more is sent to it. This cannot be undone.", "Dileu’r tanysgrifiad hwn a’i log anfon? Ni anfonir dim mwy ato. Ni ellir dadwneud hyn.")}</p>
                    <div class="govuk-button-group">
                        <button type="button" class="govuk-button govuk-button--warning app-small-button" id=format!("delete-{slug}") on:click=do_delete>{tx("Yes, delete it", "Ydw, ei ddileu")}</button>
                        <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=move |_| confirming.set(false)>{tx("Cancel", "Canslo")}</button>
                    </div>
                </div>
            </Show>
        </li>
    }
}

/// The delivery log of the chosen subscription (built afresh for each, so paging starts at its newest line).
#[component]
fn DeliveryLog(ctx: Ctx) -> impl IntoView {
    let shown = Memo::new(move |_| ctx.log_of.with(|s| s.as_ref().map(|s| (s.id, s.url.clone()))));
    move || shown.get().map(|(id, url)| view! { <Log id url ctx /> })
}

/// One subscription's delivery log, a page at a time, with redelivery.
#[component]
fn Log(id: Uuid, url: String, ctx: Ctx) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    // The cursors of the pages before this one (to go back), and this page's.
    let earlier = RwSignal::new(Vec::<Option<String>>::new());
    let after = RwSignal::new(None::<String>);
    let page = LocalResource::new(move || {
        let after = after.get();
        async move { deliveries(session, id, after).await }
    });
    let retry = Callback::new(move |_| page.refetch());
    let failure = RwSignal::new(None::<String>);
    let redo = move |event_id: Uuid, event: EventType| {
        failure.set(None);
        spawn_local(async move {
            match redeliver(session, id, event_id).await {
                Ok(_) => {
                    const BEFORE: (&str, &str) =
                        ("Delivery queued again: the", "Anfon wedi’i roi yn y ciw eto: anfonir y digwyddiad");
                    const AFTER: (&str, &str) = (
                        "event is sent within a few seconds. Refresh the log to see how it went.",
                        "o fewn ychydig eiliadau. Adnewyddwch y log i weld sut aeth hi.",
                    );
                    let event = event.as_str();
                    ctx.tell_both(
                        format!("{} {event} {}", BEFORE.0, AFTER.0),
                        format!("{} {event} {}", BEFORE.1, AFTER.1),
                    );
                    page.refetch();
                }
                Err(error) => {
                    failure.set(Some(problem_text(lang, &error)));
                    focus_id("redeliver-error".into());
                }
            }
        });
    };
    view! {
        <section class="app-delivery-log" aria-labelledby="delivery-log-title">
            <h2 class="govuk-heading-m app-break" id="delivery-log-title" tabindex="-1">{tx("Delivery log:", "Log anfon:")} " " {url}</h2>
            <p class="govuk-body">{tx("Newest first. A delivery is tried again until the system answers with a 2xx status, for about three days.", "Y diweddaraf yn gyntaf. Rhoddir cynnig arall ar anfon nes bod y system yn ateb gyda statws 2xx, am tua thri diwrnod.")}</p>
            <div class="govuk-button-group">
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" id="refresh-log" on:click=move |_| page.refetch()>{tx("Refresh the log", "Adnewyddu’r log")}</button>
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=move |_| {
                    ctx.log_of.set(None);
                    focus_id("subscriptions".into());
                }>{tx("Close the log", "Cau’r log")}</button>
            </div>
            {move || failure.get().map(|text| view! { <p class="govuk-error-message" id="redeliver-error" role="alert">{text}</p> })}
            <Transition fallback=Loading>
                {move || page.get().map(|result| match result {
                    Ok(page) => log_table(page, earlier, after, redo).into_any(),
                    Err(error) => view! { <Failure error retry /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn log_table(
    page: DeliveryPage,
    earlier: RwSignal<Vec<Option<String>>>,
    after: RwSignal<Option<String>>,
    redo: impl Fn(Uuid, EventType) + Copy + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let dash = || "–".to_string();
    let next = page.next_cursor.clone();
    let empty = page.deliveries.is_empty();
    let has_earlier = !earlier.with_untracked(Vec::is_empty);
    let rows = page
        .deliveries
        .into_iter()
        .map(|d| {
            let ((state, colour), event) = (state_words(d.state), d.event_type);
            let event_id = d.event_id;
            view! {
                <tr class="govuk-table__row app-delivery" data-event-id=event_id.to_string()>
                    <td class="govuk-table__cell" data-label=said(("Event", "Digwyddiad"))>
                        <code>{event.as_str()}</code> <span class="app-block govuk-body-s">{when(lang, d.created_at)}</span>
                    </td>
                    <td class="govuk-table__cell" data-label=said(("Status", "Statws"))>
                        <strong class=format!("govuk-tag {colour} app-delivery-state")>{tx(state.0, state.1)}</strong>
                    </td>
                    <td class="govuk-table__cell" data-label=said(("Tries", "Cynigion"))>{d.attempts}</td>
                    <td class="govuk-table__cell" data-label=said(("Last HTTP status", "Statws HTTP olaf"))>{d.last_status.map(|s| s.to_string()).unwrap_or_else(dash)}</td>
                    <td class="govuk-table__cell" data-label=said(("Time taken", "Amser a gymerwyd"))>{d.last_latency_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(dash)}</td>
                    <td class="govuk-table__cell app-break" data-label=said(("Last error", "Gwall olaf"))>{d.last_error.clone().unwrap_or_else(dash)}</td>
                    <td class="govuk-table__cell" data-label=said(("Next try", "Cynnig nesaf"))>{d.next_attempt_at.map(|at| when(lang, at)).unwrap_or_else(dash)}</td>
                    <td class="govuk-table__cell">
                        <button type="button" class="govuk-button govuk-button--secondary app-small-button govuk-!-margin-bottom-0 app-redeliver" on:click=move |_| redo(event_id, event)>
                            {tx("Redeliver", "Anfon eto")} <span class="govuk-visually-hidden">" " {event.as_str()} " " {when(lang, d.created_at)}</span>
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let table = if empty {
        view! { <p class="govuk-body" id="no-deliveries">{tx("Nothing has been sent to it yet.", "Nid oes dim wedi’i anfon ato eto.")}</p> }
            .into_any()
    } else {
        view! {
        <table class="govuk-table app-stack-table" id="delivery-log">
            <caption class="govuk-table__caption govuk-visually-hidden">{tx("Deliveries, newest first", "Anfoniadau, y diweddaraf yn gyntaf")}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">{tx("Event", "Digwyddiad")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Status", "Statws")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Tries", "Cynigion")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Last HTTP status", "Statws HTTP olaf")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Time taken", "Amser a gymerwyd")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Last error", "Gwall olaf")}</th>
                    <th scope="col" class="govuk-table__header">{tx("Next try", "Cynnig nesaf")}</th>
                    <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">{tx("Action", "Cam gweithredu")}</span></th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {rows}
            </tbody>
        </table>
        }
        .into_any()
    };
    view! {
        {table}
        <div class="govuk-button-group">
            {has_earlier.then(|| view! {
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" id="log-newer" on:click=move |_| {
                    let back = earlier.try_update(|e| e.pop()).flatten().flatten();
                    after.set(back);
                    focus_id("delivery-log-title".into());
                }>{tx("Newer deliveries", "Anfoniadau mwy diweddar")}</button>
            })}
            {next.map(|cursor| view! {
                <button type="button" class="govuk-button govuk-button--secondary app-small-button" id="log-older" on:click=move |_| {
                    let here = after.get_untracked();
                    earlier.update(|e| e.push(here));
                    after.set(Some(cursor.clone()));
                    focus_id("delivery-log-title".into());
                }>{tx("Older deliveries", "Anfoniadau hŷn")}</button>
            })}
        </div>
    }
}

/// One form to add a subscription or, after "Change" on one, to change it (then with whether it is on).
#[component]
fn SubscriptionForm(ctx: Ctx, issues: RwSignal<Vec<Issue>>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let url = RwSignal::new(String::new());
    let types = RwSignal::new(Vec::<EventType>::new());
    let prisons = RwSignal::new(Vec::<Uuid>::new());
    let description = RwSignal::new(String::new());
    let enabled = RwSignal::new(true);
    let busy = RwSignal::new(false);
    let reset = move |sub: Option<&Subscription>| {
        url.set(sub.map(|s| s.url.clone()).unwrap_or_default());
        types.set(sub.map(|s| s.event_types.clone()).unwrap_or_default());
        prisons.set(sub.map(|s| s.prison_ids.clone()).unwrap_or_default());
        description.set(sub.map(|s| s.description.clone()).unwrap_or_default());
        enabled.set(sub.is_none_or(|s| s.enabled));
        issues.set(Vec::new());
    };
    Effect::new(move |_| ctx.editing.with(|sub| reset(sub.as_ref())));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = SubscriptionInput {
            url: url.get_untracked().trim().to_string(),
            event_types: types.get_untracked(),
            prison_ids: prisons.get_untracked(),
            enabled: enabled.get_untracked(),
            description: description.get_untracked(),
        };
        // What can be known here; the server checks the rest (where the address leads, the description's length).
        let mut found = Vec::new();
        if input.url.is_empty() {
            found.push(Issue::new(
                "webhook-url",
                "Enter the web address to send events to",
                "Rhowch y cyfeiriad gwe i anfon digwyddiadau iddo",
            ));
        }
        if input.prison_ids.is_empty() {
            found.push(Issue::new("webhook-prison_ids", "Choose at least one prison", "Dewiswch o leiaf un carchar"));
        }
        if !found.is_empty() {
            show_issues(issues, found);
            return;
        }
        let editing = ctx.editing.get_untracked();
        busy.set(true);
        spawn_local(async move {
            let result = match &editing {
                Some(sub) => update(session, sub.id, &input).await.map(|_| None),
                None => create(session, &input).await.map(Some),
            };
            busy.set(false);
            match result {
                Ok(Some(created)) => {
                    reset(None);
                    ctx.secret.set(Some(Secret {
                        url: created.subscription.url,
                        value: created.secret,
                        rotated: false,
                    }));
                    focus_id("webhook-secret".into());
                    ctx.on_change.run(());
                }
                Ok(None) => {
                    let turned_on = editing.is_some_and(|s| !s.enabled) && input.enabled;
                    ctx.editing.set(None);
                    ctx.tell(if turned_on {
                        (
                            "Subscription saved and turned on again: the deliveries waiting for it resume.",
                            "Tanysgrifiad wedi’i gadw a’i droi ymlaen eto: bydd yr anfoniadau sy’n aros yn ailddechrau.",
                        )
                    } else {
                        ("Subscription saved.", "Tanysgrifiad wedi’i gadw.")
                    });
                    ctx.on_change.run(());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    show_issues(issues, issues_under("webhook", &problem.errors))
                }
                Err(error) => {
                    let text = problem_text(lang, &error);
                    show_issues(issues, vec![Issue::new("webhook-url", text.clone(), text)]);
                }
            }
        });
    };
    let editing = move || ctx.editing.with(Option::is_some);
    let described = move |id: &'static str, hint: bool| {
        move || {
            let mut ids = Vec::new();
            if hint {
                ids.push(format!("{id}-hint"));
            }
            if has_issue(issues, id)() {
                ids.push(format!("{id}-error"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <h2 class="govuk-heading-m" id="webhook-form-title" tabindex="-1">
            {move || if editing() { lang.t("Change a subscription", "Newid tanysgrifiad") } else { lang.t("Add a subscription", "Ychwanegu tanysgrifiad") }}
        </h2>
        <ErrorSummary issues />
        <form novalidate on:submit=submit id="webhook-form">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "webhook-url")>
                <label class="govuk-label" for="webhook-url">{tx("Web address to send events to", "Cyfeiriad gwe i anfon digwyddiadau iddo")}</label>
                <div class="govuk-hint" id="webhook-url-hint">{tx("It must start with https:// and be reachable from the internet, for example https://records.example/hooks/visits.", "Rhaid iddo ddechrau gyda https:// a bod ar gael o’r rhyngrwyd, er enghraifft https://records.example/hooks/visits.")}</div>
                {field_error(issues, "webhook-url")}
                <input class="govuk-input" id="webhook-url" type="url" autocomplete="off" spellcheck="false"
                    class:govuk-input--error=has_issue(issues, "webhook-url")
                    aria-describedby=described("webhook-url", true)
                    prop:value=url on:input=move |ev| url.set(event_target_value(&ev)) />
            </div>
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "webhook-event_types")>
                <fieldset class="govuk-fieldset" aria-describedby="webhook-event_types-hint">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Events to send", "Digwyddiadau i’w hanfon")}</legend>
                    <div class="govuk-hint" id="webhook-event_types-hint">{tx("Choose none to get every event, including kinds added later.", "Peidiwch â dewis dim i gael pob digwyddiad, gan gynnwys mathau a ychwanegir yn nes ymlaen.")}</div>
                    {field_error(issues, "webhook-event_types")}
                    <div class="govuk-checkboxes govuk-checkboxes--small">
                        {EventType::ALL.into_iter().enumerate().map(|(i, event)| {
                            let box_id = if i == 0 { "webhook-event_types".to_string() } else { format!("webhook-event_types-{i}") };
                            let hint_id = format!("{box_id}-item-hint");
                            let words = event_words(event);
                            view! {
                                <div class="govuk-checkboxes__item">
                                    <input class="govuk-checkboxes__input" id=box_id.clone() type="checkbox" value=event.as_str()
                                        aria-describedby=hint_id.clone()
                                        prop:checked=move || types.with(|t| t.contains(&event))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            types.update(|t| { t.retain(|x| *x != event); if on { t.push(event); } });
                                        } />
                                    <label class="govuk-label govuk-checkboxes__label" for=box_id><code>{event.as_str()}</code></label>
                                    <div class="govuk-hint govuk-checkboxes__hint" id=hint_id>{tx(words.0, words.1)}</div>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "webhook-prison_ids")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx("Prisons whose events to send", "Carchardai i anfon eu digwyddiadau")}</legend>
                    {field_error(issues, "webhook-prison_ids")}
                    <PrisonChoice id="webhook-prison_ids".to_string() chosen=prisons />
                </fieldset>
            </div>
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "webhook-description")>
                <label class="govuk-label" for="webhook-description">{tx("Description (optional)", "Disgrifiad (dewisol)")}</label>
                <div class="govuk-hint" id="webhook-description-hint">{tx("Which system receives the events, and who looks after it. At most 200 characters.", "Pa system sy’n derbyn y digwyddiadau, a phwy sy’n gofalu amdani. Dim mwy na 200 nod.")}</div>
                {field_error(issues, "webhook-description")}
                <input class="govuk-input" id="webhook-description" type="text" autocomplete="off"
                    class:govuk-input--error=has_issue(issues, "webhook-description")
                    aria-describedby=described("webhook-description", true)
                    prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
            </div>
            <Show when=editing>
                <div class="govuk-form-group">
                    <div class="govuk-checkboxes govuk-checkboxes--small">
                        <div class="govuk-checkboxes__item">
                            <input class="govuk-checkboxes__input" id="webhook-enabled" type="checkbox" aria-describedby="webhook-enabled-hint"
                                prop:checked=enabled on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                            <label class="govuk-label govuk-checkboxes__label" for="webhook-enabled">{tx("On: send events to this address", "Ymlaen: anfon digwyddiadau i’r cyfeiriad hwn")}</label>
                            <div class="govuk-hint govuk-checkboxes__hint" id="webhook-enabled-hint">{tx("Turned on again, it resumes the deliveries waiting for it. Events while it was off are in the change feed only.", "O’i droi ymlaen eto, mae’n ailddechrau’r anfoniadau sy’n aros amdano. Mae digwyddiadau tra oedd i ffwrdd yn y ffrwd newidiadau yn unig.")}</div>
                        </div>
                    </div>
                </div>
            </Show>
            <div class="govuk-button-group">
                <button type="submit" class="govuk-button" id="save-webhook">
                    {move || if editing() { lang.t("Save changes", "Cadw newidiadau") } else { lang.t("Add subscription", "Ychwanegu tanysgrifiad") }}
                </button>
                <Show when=editing>
                    <button type="button" class="govuk-button govuk-button--secondary" id="cancel-webhook-edit" on:click=move |_| {
                        ctx.editing.set(None);
                        focus_id("subscriptions".into());
                    }>{tx("Cancel", "Canslo")}</button>
                </Show>
            </div>
        </form>
    }
}
