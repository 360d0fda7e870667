//! The visitor's private status page, reached from the link in the confirmation and emails
//! (`/visit/{reference}?token={token}`). The server swaps the token for a cookie and sends the browser on to
//! `/visit/{reference}`, so the token stays out of the address bar, history, logs and referrers; the page is then
//! rendered with the visit. Links sent before had the token after `#` (which never reaches a server): the page's
//! boot script moves them to the new form, and the app still reads one. Shows the
//! request, lets the visitor withdraw it or cancel the booked visit after confirming, and offers the booked
//! visit as a calendar file.

mod explanations;

use chrono::{DateTime, Utc};
use domain::api::{Locale, VisitStatus};
use domain::calendar::slot_starts_at;
use domain::i18n::{describe_date, describe_plain_date, describe_slot};
use domain::ics::{CalendarVisit, visit_ics};
use domain::visit::{Actor, VisitState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_params_map};

use crate::api;
use crate::components::focus_id;
use crate::i18n::{Lang, api_error, state_name, tx, use_lang, use_title};
use crate::pages::{LoadError, Loading};
use crate::store::now_ms;
use explanations::Explanations;
use frontend_shared::shell::SuccessBanner;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Withdraw,
    Cancel,
    /// Withdrawing from the waiting list: a withdrawal, said as leaving the list.
    Leave,
}

impl Action {
    /// As it is written in the page's address and forms (`?confirm=withdraw`, `/visit/{reference}/cancel`).
    fn as_str(self) -> &'static str {
        match self {
            Action::Withdraw => "withdraw",
            Action::Cancel => "cancel",
            Action::Leave => "leave",
        }
    }

    fn parse(text: &str) -> Option<Action> {
        [Action::Withdraw, Action::Cancel, Action::Leave].into_iter().find(|a| a.as_str() == text)
    }
}

/// An action named by the page's address: `?confirm=` (the question, asked without JavaScript by following the
/// button's link) or `?done=` (where the server sends the browser after doing it).
fn action_in_query(name: &str) -> Option<Action> {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get(name).as_deref().and_then(Action::parse))
}

#[component]
pub fn StatusPage() -> impl IntoView {
    let params = use_params_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    // From the router, not window.location: after an in-app link the router knows the new URL first.
    let location = use_location();
    // An old-style link's token; empty otherwise, and the visit's cookie is the credential.
    let token = Memo::new(move |_| {
        let hash = location.hash.get();
        hash.strip_prefix("#vt_").map(|rest| format!("vt_{rest}")).unwrap_or_default()
    });
    let status = Resource::new(
        move || (reference(), token.get()),
        |(reference, token)| async move {
            let found = api::visit_status(reference, token).await;
            crate::pages::answer_not_found(&found);
            found
        },
    );
    // A change made here replaces what was loaded (and re-renders the visit), so what it did is kept up here.
    let updated = RwSignal::new(None::<VisitStatus>);
    let done = RwSignal::new(action_in_query("done"));
    // The visitor's change was refused because the visit had changed meanwhile (`?problem=changed` without the app).
    let changed = RwSignal::new(
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("problem").as_deref() == Some("changed")),
    );
    let reload = Callback::new(move |_| {
        updated.set(None);
        status.refetch();
    });
    let current = move || updated.get().map(Ok).or_else(|| status.get());
    let booked_now = move || current().and_then(Result::ok).is_some_and(|v| v.state == VisitState::Booked);
    let lang = use_lang();
    use_title(|lang| lang.t("Your visit request", "Eich cais am ymweliad").into(), || false);

    view! {
        {move || {
            done.get()
                .map(|action| {
                    view! {
                        <SuccessBanner id="change-done">
                            {match action {
                                Action::Withdraw => tx("You have withdrawn your request. The prison has been told.", "Rydych chi wedi tynnu eich cais yn ôl. Mae’r carchar wedi cael gwybod.").into_any(),
                                Action::Cancel => tx("You have cancelled your visit. The prison has been told.", "Rydych chi wedi canslo eich ymweliad. Mae’r carchar wedi cael gwybod.").into_any(),
                                Action::Leave => tx("You have left the waiting list.", "Rydych chi wedi gadael y rhestr aros.").into_any(),
                            }}
                        </SuccessBanner>
                    }
                })
        }}
        {move || {
            changed
                .get()
                .then(|| {
                    view! {
                        <div class="govuk-notification-banner" role="region" aria-labelledby="change-stale-title" id="change-stale" tabindex="-1">
                            <div class="govuk-notification-banner__header">
                                <h2 class="govuk-notification-banner__title" id="change-stale-title">{tx("Important", "Pwysig")}</h2>
                            </div>
                            <div class="govuk-notification-banner__content">
                                <p class="govuk-notification-banner__heading">
                                    {move || if booked_now() {
                                        lang.t("Your visit was booked before your change reached us. If you cannot come, cancel it below.", "Cafodd eich ymweliad ei drefnu cyn i’ch newid ein cyrraedd. Os na allwch ddod, canslwch ef isod.")
                                    } else {
                                        lang.t("The visit changed before your change reached us. This is how it is now.", "Newidiodd yr ymweliad cyn i’ch newid ein cyrraedd. Dyma sut mae nawr.")
                                    }}
                                </p>
                            </div>
                        </div>
                    }
                })
        }}
        <h1 class="govuk-heading-l">
            {tx("Your visit request", "Eich cais am ymweliad")}
        </h1>
        <Transition fallback=|| view! { <Loading text=("Loading your request…", "Wrthi’n llwytho eich cais…") /> }>
            {move || {
                current()
                    .map(|result| match result {
                        Ok(visit) => view! { <Visit visit updated done changed reload token=token.get_untracked() /> }.into_any(),
                        Err(error) if error.status() == Some(404) => view! { <LinkNotValid /> }.into_any(),
                        Err(error) => view! { <LoadError error on_retry=move || status.refetch() /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// A status link that leads nowhere (cut short, mistyped, or for a request that no longer exists): trying again
/// cannot help, so say where the right link is and who can help.
#[component]
fn LinkNotValid() -> impl IntoView {
    view! {
        <div class="govuk-error-summary" role="alert" tabindex="-1" id="link-not-valid">
            <h2 class="govuk-error-summary__title">{tx("This link is not valid", "Nid yw’r ddolen hon yn ddilys")}</h2>
            <p class="govuk-body">
                {tx("It may not have been copied in full. Open the link in the email we sent you when you asked for the visit.", "Efallai nad yw wedi’i chopïo’n llawn. Agorwch y ddolen yn yr e-bost a anfonwyd atoch pan wnaethoch ofyn am yr ymweliad.")}
            </p>
            <p class="govuk-body">
                {tx("If that link does not work either, contact the prison: their phone number and email are on the prison’s page.", "Os nad yw’r ddolen honno’n gweithio chwaith, cysylltwch â’r carchar: mae eu rhif ffôn a’u cyfeiriad e-bost ar dudalen y carchar.")}
            </p>
            <p class="govuk-body">
                <a class="govuk-link" href="/">{tx("Find the prison", "Dod o hyd i’r carchar")}</a>
            </p>
        </div>
    }
}

/// Who made a change, as the end of "30 November 2026, 3:40pm, by you".
fn by_whom(lang: Lang, actor: Actor) -> &'static str {
    match actor {
        Actor::Visitor => lang.t("by you", "gennych chi"),
        Actor::Staff => lang.t("by prison staff", "gan staff y carchar"),
        Actor::Integrator | Actor::System => lang.t("by the service", "gan y gwasanaeth"),
    }
}

fn when(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::London);
    format!(
        "{}, {}",
        describe_plain_date(local.date_naive(), lang.get()),
        domain::i18n::describe_time(local.time(), lang.get())
    )
}

#[component]
fn Visit(
    visit: VisitStatus,
    updated: RwSignal<Option<VisitStatus>>,
    done: RwSignal<Option<Action>>,
    /// Set when a change is refused because the visit changed meanwhile; the page then loads it again.
    changed: RwSignal<bool>,
    reload: Callback<()>,
    token: String,
) -> impl IntoView {
    let lang = use_lang();
    // Opened from an email on a device that has never chosen a language: use the one the request was made in. (The
    // server has already chosen it for the page it renders: this is for a visit opened inside the app.)
    if cfg!(not(feature = "ssr")) && crate::store::load_locale().is_none() && lang.0.get_untracked() != visit.locale {
        lang.0.set(visit.locale);
    }
    let confirming = RwSignal::new(action_in_query("confirm"));
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<&'static str>);
    let token = StoredValue::new(token);
    let reference = visit.reference.clone();
    let page_path = format!("/visit/{}", visit.reference);
    let state = visit.state;

    let act = move |action: Action| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let (reference, token) = (reference.clone(), token.get_value());
        spawn_local(async move {
            let result = match action {
                Action::Withdraw | Action::Leave => api::withdraw(reference, token).await,
                Action::Cancel => api::cancel(reference, token).await,
            };
            busy.set(false);
            match result {
                Ok(status) => {
                    confirming.set(None);
                    done.set(Some(action));
                    updated.set(Some(status));
                    focus_id("change-done".into());
                }
                // Decided, booked from the waiting list or started since the page was loaded: show it as it is.
                Err(error) if error.status() == Some(409) => {
                    confirming.set(None);
                    changed.set(true);
                    reload.run(());
                    focus_id("change-stale".into());
                }
                Err(error) => {
                    failure.set(Some(api_error(lang, &error)));
                    focus_id("change-failed".into());
                }
            }
        });
    };
    let act = StoredValue::new(act);

    // Only a visit that will still happen goes in a calendar.
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms() as i64).unwrap_or_default();
    let upcoming = visit.booked_slot.filter(|slot| state == VisitState::Booked && slot_starts_at(slot) > now);
    let ics_href = upcoming.map(|slot| {
        let summary = format!("{} {}", lang.t("Visit to", "Ymweliad â"), visit.prison.name);
        let description = format!("{} {}", lang.t("Reference", "Cyfeirnod"), visit.reference);
        let text = visit_ics(&CalendarVisit {
            visit_id: visit.id,
            slot: &slot,
            summary: &summary,
            location: &visit.prison.name,
            description: &description,
            stamp: now,
        });
        let text = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC);
        format!("data:text/calendar;charset=utf-8,{text}")
    });

    let visitors =
        visit.visitors.iter().map(|v| format!("{} {}", v.first_name, v.last_name)).collect::<Vec<_>>().join("\n");
    let slot_choices = visit.slot_choices.clone();
    let choices = move || {
        slot_choices
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, describe_slot(s, lang.get())))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // The booked time, worded for what became of it.
    let booked_row = visit.booked_slot.and_then(|slot| match state {
        VisitState::Booked => Some((slot, ("Visit booked for", "Ymweliad wedi’i drefnu ar gyfer"))),
        VisitState::Cancelled => Some((slot, ("Cancelled visit", "Ymweliad a ganslwyd"))),
        _ => None,
    });
    // A request offered a place from the waiting list keeps it while the prison decides.
    let booked_row = booked_row.or_else(|| {
        visit
            .offered_slot
            .filter(|_| state == VisitState::Requested)
            .map(|slot| (slot, ("Place kept for you", "Lle wedi’i gadw i chi")))
    });
    let updates = crate::store::Contact::from_channels(&visit.contact_by).words();
    let support_needs = visit.support_needs.clone();
    let support = move || {
        let lines = support_needs.describe(lang.get());
        if lines.is_empty() { lang.t("None", "Dim").to_owned() } else { lines.join("\n") }
    };
    let tag_class = match state {
        VisitState::Booked => "govuk-tag govuk-tag--green",
        VisitState::Requested => "govuk-tag govuk-tag--blue",
        _ => "govuk-tag govuk-tag--grey",
    };

    view! {
        <p class="govuk-body">
            {tx("Reference: ", "Cyfeirnod: ")}
            <strong>{visit.reference.clone()}</strong>
        </p>
        <p class="govuk-body">
            {tx("Status: ", "Statws: ")}
            <strong class=tag_class id="visit-state" data-state=state.as_str()>{move || state_name(lang, state)}</strong>
        </p>
        {(state == VisitState::Requested)
            .then(|| {
                let confirm_by = visit.confirm_by;
                view! {
                    <p class="govuk-body">
                        {move || match lang.get() {
                            Locale::En => format!("The prison will reply by {}.", describe_date(confirm_by, Locale::En)),
                            Locale::Cy => format!(
                                "{}.",
                                domain::i18n::after_word_cy("Bydd y carchar yn ateb erbyn", &describe_date(confirm_by, Locale::Cy)),
                            ),
                        }}
                    </p>
                }
            })}
        <dl class="govuk-summary-list">
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Prison", "Carchar")}</dt>
                <dd class="govuk-summary-list__value">{visit.prison.name.clone()}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Prisoner", "Carcharor")}</dt>
                <dd class="govuk-summary-list__value">
                    {format!("{} {}", visit.prisoner_first_name, visit.prisoner_last_name)}
                </dd>
            </div>
            {booked_row
                .map(|(slot, key)| {
                    view! {
                        <div class="govuk-summary-list__row" id="booked-slot">
                            <dt class="govuk-summary-list__key">{tx(key.0, key.1)}</dt>
                            <dd class="govuk-summary-list__value">{move || describe_slot(&slot, lang.get())}</dd>
                        </div>
                    }
                })}
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Times asked for", "Amseroedd y gofynnwyd amdanynt")}</dt>
                <dd class="govuk-summary-list__value app-pre">{choices}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Visitors", "Ymwelwyr")}</dt>
                <dd class="govuk-summary-list__value app-pre">{visitors}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Support at the visit", "Cymorth yn yr ymweliad")}</dt>
                <dd class="govuk-summary-list__value app-pre" id="support-needs">{support}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx("Updates by", "Diweddariadau drwy")}</dt>
                <dd class="govuk-summary-list__value" id="updates-by">{tx(updates.0, updates.1)}</dd>
            </div>
        </dl>
        <Explanations visit=visit.clone() />
        {ics_href
            .map(|href| {
                view! {
                    <p class="govuk-body">
                        <a class="govuk-link" id="ics" href=href download=format!("visit-{}.ics", visit.reference)>
                            {tx("Add the visit to your calendar", "Ychwanegu’r ymweliad at eich calendr")}
                        </a>
                    </p>
                }
            })}
        <h2 class="govuk-heading-m">{tx("What has happened", "Beth sydd wedi digwydd")}</h2>
        <ol class="govuk-list app-timeline">
            {visit
                .timeline
                .iter()
                .map(|change| {
                    let change = change.clone();
                    view! {
                        <li>
                            <strong>{move || state_name(lang, change.to)}</strong>
                            <br />
                            <span class="app-hint">
                                {move || format!("{}, {}", when(lang, change.at), by_whom(lang, change.actor))}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {move || {
            failure
                .get()
                .map(|message| {
                    view! {
                        <div class="govuk-error-summary" role="alert" tabindex="-1" id="change-failed">
                            <h2 class="govuk-error-summary__title">{lang.t("There is a problem", "Mae problem wedi codi")}</h2>
                            <p class="govuk-body">{message}</p>
                        </div>
                    }
                })
        }}
        {[
            (visit.can_withdraw, if visit.state == VisitState::Waiting { Action::Leave } else { Action::Withdraw }),
            (visit.can_cancel, Action::Cancel),
        ]
            .into_iter()
            .filter(|(allowed, _)| *allowed)
            .map(|(_, action)| {
                let (start, question, yes) = match action {
                    Action::Leave => (
                        ("Leave the waiting list", "Gadael y rhestr aros"),
                        ("Are you sure you want to leave the waiting list?", "Ydych chi’n siŵr eich bod am adael y rhestr aros?"),
                        ("Yes, leave the waiting list", "Ydw, gadael y rhestr aros"),
                    ),
                    Action::Withdraw => (
                        ("Withdraw this request", "Tynnu’r cais hwn yn ôl"),
                        ("Are you sure you want to withdraw this request?", "Ydych chi’n siŵr eich bod am dynnu’r cais hwn yn ôl?"),
                        ("Yes, withdraw the request", "Ydw, tynnu’r cais yn ôl"),
                    ),
                    Action::Cancel => (
                        ("Cancel this visit", "Canslo’r ymweliad hwn"),
                        ("Are you sure you want to cancel this visit?", "Ydych chi’n siŵr eich bod am ganslo’r ymweliad hwn?"),
                        ("Yes, cancel the visit", "Ydw, canslo’r ymweliad"),
                    ),
                };
                // Links and a form, so that each works before the app has taken the page over or without
                // JavaScript (the server asks the question at `?confirm=` and does the change on the form's POST).
                let page = StoredValue::new(page_path.clone());
                view! {
                    <Show
                        when=move || confirming.get() == Some(action)
                        fallback=move || {
                            view! {
                                <a
                                    href=format!("?confirm={}", action.as_str())
                                    role="button"
                                    draggable="false"
                                    class="govuk-button govuk-button--warning"
                                    id=action.as_str()
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        confirming.set(Some(action));
                                        focus_id("confirm-question".into());
                                    }
                                >
                                    {tx(start.0, start.1)}
                                </a>
                            }
                        }
                    >
                        <form
                            class="app-confirm"
                            method="post"
                            action=page.with_value(|p| format!("{p}/{}", action.as_str()))
                            on:submit=move |ev| {
                                ev.prevent_default();
                                act.with_value(|act| act(action));
                            }
                        >
                            <h2 class="govuk-heading-m" id="confirm-question" tabindex="-1">
                                {tx(question.0, question.1)}
                            </h2>
                            <p class="govuk-body">
                                {tx("You cannot undo this.", "Ni allwch ddadwneud hyn.")}
                            </p>
                            <div class="govuk-button-group">
                                <button
                                    type="submit"
                                    class="govuk-button govuk-button--warning"
                                    id="confirm-yes"
                                    aria-disabled=move || busy.get().then_some("true")
                                >
                                    {tx(yes.0, yes.1)}
                                </button>
                                <a
                                    href=page.get_value()
                                    role="button"
                                    draggable="false"
                                    class="govuk-button govuk-button--secondary"
                                    id="confirm-no"
                                    on:click=move |ev| {
                                        // Back where the visitor started, on the button that asked.
                                        ev.prevent_default();
                                        confirming.set(None);
                                        focus_id(action.as_str().to_owned());
                                    }
                                >
                                    {tx("No, go back", "Na, mynd yn ôl")}
                                </a>
                            </div>
                        </form>
                    </Show>
                }
            })
            .collect_view()}
    }
}
