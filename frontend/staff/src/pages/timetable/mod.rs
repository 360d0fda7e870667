//! The current prison's visiting timetable and rules, edited by its staff without a release: weekly times with
//! their places, closed dates, replacement days and the rules. Before saving, a preview shows what visitors will
//! see over the next 28 days; a change that touches booked visits lists them and needs a second confirmation.

mod draft;
mod preview;
mod rows;

use chrono::Weekday;
use domain::error::ErrorCode;
use domain::timetable::Timetable;
use domain::timetable_change::{AffectedVisit, TimetableChange, TimetableChanged, TimetableView};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::session::{Session, call, get, use_session};
use crate::ui::{ErrorSummary, Failure, Issue, Loading, problem_text, show_issues, use_title};
use draft::{Draft, Row, server_issues};
use preview::{AffectedList, Preview};
use rows::{Rules, TimeRow};

const PREVIEW_DAYS: i64 = 28;
const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Editing,
    Previewing(Timetable),
    /// The server refused: these booked visits would be affected.
    Confirming(Timetable, Vec<AffectedVisit>),
    /// Saved: the booked visits it touched, and the references of the waiting visits it ended.
    Saved(Vec<AffectedVisit>, Vec<String>),
}

async fn save(session: Session, prison: uuid::Uuid, change: &TimetableChange) -> Result<TimetableChanged, ApiError> {
    let body = serde_json::to_string(change).map_err(|_| ApiError::Decode)?;
    call(session, "PUT", format!("/api/v1/staff/prisons/{prison}/timetable"), Some(body)).await
}

#[component]
pub fn TimetablePage() -> impl IntoView {
    let session = use_session();
    use_title(("Timetable", "Amserlen"), || false);
    let loaded = LocalResource::new(move || {
        let prison = session.prison.get();
        async move {
            match prison {
                Some(prison) => {
                    get::<TimetableView>(session, format!("/api/v1/staff/prisons/{prison}/timetable")).await.map(Some)
                }
                None => Ok(None),
            }
        }
    });
    let retry = Callback::new(move |_| loaded.refetch());
    view! {
        <span class="govuk-caption-l">{move || session.prison_name()}</span>
        <h1 class="govuk-heading-l">{tx("Timetable and rules", "Amserlen a rheolau")}</h1>
        <Transition fallback=Loading>
            {move || loaded.get().map(|result| match result {
                Ok(Some(view)) => view! { <Editor view /> }.into_any(),
                Ok(None) => ().into_any(),
                Err(error) => view! { <Failure error retry /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Editor(view: TimetableView) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let prison = view.prison_id;
    let draft = RwSignal::new(Draft::from_view(&view));
    // The version the draft started from, so a change someone else saved meanwhile is never overwritten unseen.
    let version = RwSignal::new(view.version);
    let stage = RwSignal::new(Stage::Editing);
    let issues = RwSignal::new(Vec::<Issue>::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);

    let preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.with_untracked(Draft::timetable) {
            Ok(timetable) => {
                issues.set(Vec::new());
                stage.set(Stage::Previewing(timetable));
                focus_id("preview".into());
            }
            Err(found) => show_issues(issues, found),
        }
    };
    let send = move |confirm_affected: bool| {
        let timetable = match stage.get_untracked() {
            Stage::Previewing(t) | Stage::Confirming(t, _) => t,
            _ => return,
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let change = TimetableChange {
            rules: draft.with_untracked(|d| d.rules.clone()),
            timetable,
            confirm_affected,
            expected_version: Some(version.get_untracked()),
        };
        spawn_local(async move {
            let result = save(session, prison, &change).await;
            busy.set(false);
            match result {
                Ok(changed) => {
                    version.set(changed.timetable.version);
                    draft.set(Draft::from_view(&changed.timetable));
                    stage.set(Stage::Saved(changed.affected, changed.waiting_list_ended));
                    focus_id("saved".into());
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::AffectsBookedVisits => {
                    stage.set(Stage::Confirming(change.timetable, problem.affected_visits.clone()));
                    focus_id("affected".into());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    stage.set(Stage::Editing);
                    show_issues(issues, server_issues(&problem.errors));
                }
                Err(error) => failure.set(Some(problem_text(lang, &error))),
            }
        });
    };
    let send = StoredValue::new(send);

    view! {
        {move || match stage.get() {
            Stage::Saved(affected, ended) => Some(view! {
                <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="saved-title" id="saved" tabindex="-1">
                    <div class="govuk-notification-banner__header">
                        <h2 class="govuk-notification-banner__title" id="saved-title">{tx("Success", "Llwyddiant")}</h2>
                    </div>
                    <div class="govuk-notification-banner__content">
                        <p class="govuk-notification-banner__heading">{tx("The timetable is saved. Visitors see the new times now.", "Mae’r amserlen wedi’i chadw. Mae ymwelwyr yn gweld yr amseroedd newydd nawr.")}</p>
                        {(!affected.is_empty()).then(|| view! {
                            <p class="govuk-body">{tx("These booked visits are kept: contact the visitors or cancel them.", "Cedwir yr ymweliadau hyn sydd wedi’u trefnu: cysylltwch â’r ymwelwyr neu canslwch nhw.")}</p>
                            <AffectedList affected />
                        })}
                        {(!ended.is_empty()).then(|| view! {
                            <p class="govuk-body" id="waiting-list-ended">
                                {tx("These visitors were waiting only for times the change took away. They are off the waiting list and have been told:", "Roedd yr ymwelwyr hyn yn aros am amseroedd a dynnwyd gan y newid yn unig. Nid ydynt ar y rhestr aros mwyach ac maent wedi cael gwybod:")}
                                " "{ended.join(", ")}
                            </p>
                        })}
                    </div>
                </div>
            }.into_any()),
            _ => None,
        }}
        <ErrorSummary issues />
        <form novalidate on:submit=preview id="timetable-form">
            <h2 class="govuk-heading-m" id="weekly-title">{tx("Weekly visiting times", "Amseroedd ymweld wythnosol")}</h2>
            <p class="govuk-hint">{tx("Places are for open visits; closed visits (across a screen) have their own places.", "Mae lleoedd ar gyfer ymweliadau agored; mae gan ymweliadau caeedig (ar draws sgrin) eu lleoedd eu hunain.")}</p>
            <ul class="govuk-list app-cards" id="weekly">
                {move || (0..draft.with(|d| d.weekly.len())).map(|i| view! { <TimeRow draft issues index=i weekly=true /> }).collect_view()}
            </ul>
            <button type="button" class="govuk-button govuk-button--secondary" id="add-weekly" on:click=move |_| {
                draft.update(|d| d.weekly.push(Row { start: "14:00".into(), end: "16:00".into(), capacity: "10".into(), closed_capacity: "0".into(), ..Row::default() }));
                let n = draft.with_untracked(|d| d.weekly.len()) - 1;
                focus_id(format!("weekly-{n}-weekday"));
            }>{tx("Add a weekly time", "Ychwanegu amser wythnosol")}</button>

            <h2 class="govuk-heading-m" id="closed-title">{tx("Closed dates", "Dyddiadau cau")}</h2>
            <p class="govuk-hint">{tx("No visits on these dates, whatever the weekly times say.", "Dim ymweliadau ar y dyddiadau hyn, beth bynnag yw’r amseroedd wythnosol.")}</p>
            <ul class="govuk-list" id="closed-dates">
                {move || (0..draft.with(|d| d.closed.len())).map(|i| {
                    let id = format!("closed-{i}");
                    view! {
                        <li class="app-inline-row">
                            <div class="govuk-form-group">
                                <label class="govuk-label" for=id.clone()>{tx("Closed date", "Dyddiad cau")} " " {i + 1}</label>
                                <input class="govuk-input govuk-input--width-10" id=id type="date"
                                    prop:value=move || draft.with(|d| d.closed.get(i).cloned().unwrap_or_default())
                                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(c) = d.closed.get_mut(i) { *c = v; }); } />
                            </div>
                            <button type="button" class="govuk-button govuk-button--secondary app-small-button" id=format!("closed-{i}-remove") on:click=move |_| {
                                draft.update(|d| { if i < d.closed.len() { d.closed.remove(i); } });
                                focus_id(rows::after_removal("closed", i, draft.with_untracked(|d| d.closed.len())));
                            }>
                                {tx("Remove", "Dileu")} <span class="govuk-visually-hidden">" " {tx("closed date", "dyddiad cau")} " " {i + 1}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" class="govuk-button govuk-button--secondary" id="add-closed" on:click=move |_| {
                draft.update(|d| d.closed.push(String::new()));
                let n = draft.with_untracked(|d| d.closed.len()) - 1;
                focus_id(format!("closed-{n}"));
            }>{tx("Add a closed date", "Ychwanegu dyddiad cau")}</button>

            <h2 class="govuk-heading-m" id="replacements-title">{tx("Replacement days", "Diwrnodau amgen")}</h2>
            <p class="govuk-hint">{tx("On a replacement day, these times take the place of the weekly ones (a family day, for example).", "Ar ddiwrnod amgen, mae’r amseroedd hyn yn cymryd lle’r rhai wythnosol (diwrnod teulu, er enghraifft).")}</p>
            <ul class="govuk-list app-cards" id="replacements">
                {move || (0..draft.with(|d| d.replacements.len())).map(|i| view! { <TimeRow draft issues index=i weekly=false /> }).collect_view()}
            </ul>
            <button type="button" class="govuk-button govuk-button--secondary" id="add-replacement" on:click=move |_| {
                draft.update(|d| d.replacements.push(Row { start: "10:00".into(), end: "12:00".into(), capacity: "10".into(), closed_capacity: "0".into(), ..Row::default() }));
                let n = draft.with_untracked(|d| d.replacements.len()) - 1;
                focus_id(format!("replacements-{n}-date"));
            }>{tx("Add a replacement day time", "Ychwanegu amser diwrnod amgen")}</button>

            <h2 class="govuk-heading-m">{tx("Rules", "Rheolau")}</h2>
            <Rules draft issues />

            <button type="submit" class="govuk-button" id="preview-changes">{tx("Preview changes", "Rhagweld y newidiadau")}</button>
        </form>

        {move || {
            let (timetable, affected) = match stage.get() {
                Stage::Previewing(t) => (t, None),
                Stage::Confirming(t, affected) => (t, Some(affected)),
                _ => return None,
            };
            Some(view! {
                <section class="app-preview" id="preview" tabindex="-1" aria-labelledby="preview-title">
                    <h2 class="govuk-heading-m" id="preview-title">{tx("What visitors will see over the next 28 days", "Beth fydd ymwelwyr yn ei weld dros y 28 diwrnod nesaf")}</h2>
                    <p class="govuk-body">{tx("Nothing is saved yet. Check the times, then save.", "Nid oes dim wedi’i gadw eto. Gwiriwch yr amseroedd, yna cadwch.")}</p>
                    <Preview timetable />
                    {move || failure.get().map(|text| view! { <p class="govuk-error-message" role="alert">{text}</p> })}
                    {match affected {
                        Some(affected) => view! {
                            <div class="govuk-warning-text" id="affected" tabindex="-1">
                                <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                                <strong class="govuk-warning-text__text">
                                    <span class="govuk-visually-hidden">{tx("Warning", "Rhybudd")}</span>
                                    {tx("This change touches booked visits. They stay booked: you will need to contact the visitors or cancel them.", "Mae’r newid hwn yn effeithio ar ymweliadau sydd wedi’u trefnu. Byddant yn aros wedi’u trefnu: bydd angen i chi gysylltu â’r ymwelwyr neu eu canslo.")}
                                </strong>
                            </div>
                            <AffectedList affected />
                            <div class="govuk-button-group">
                                <button type="button" class="govuk-button govuk-button--warning" id="confirm-save" on:click=move |_| send.with_value(|s| s(true))>
                                    {tx("Save anyway", "Cadw beth bynnag")}
                                </button>
                                <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| { stage.set(Stage::Editing); focus_id("timetable-form".into()); }>
                                    {tx("Keep editing", "Parhau i olygu")}
                                </button>
                            </div>
                        }.into_any(),
                        None => view! {
                            <div class="govuk-button-group">
                                <button type="button" class="govuk-button" id="save-timetable" on:click=move |_| send.with_value(|s| s(false))>
                                    {move || if busy.get() { lang.t("Saving…", "Wrthi’n cadw…") } else { lang.t("Save changes", "Cadw’r newidiadau") }}
                                </button>
                                <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| { stage.set(Stage::Editing); focus_id("timetable-form".into()); }>
                                    {tx("Keep editing", "Parhau i olygu")}
                                </button>
                            </div>
                        }.into_any(),
                    }}
                </section>
            })
        }}
    }
}
