//! The current prison's visiting timetable and rules, edited by its staff without a release: weekly times with
//! their places, closed dates, replacement days and the rules. Before saving, a preview shows what visitors will
//! see over the next 28 days; a change that touches booked visits lists them and needs a second confirmation.

use chrono::{Duration, NaiveDate, NaiveTime, Weekday};
use domain::api::VisitingRules;
use domain::error::{ErrorCode, FieldError};
use domain::i18n::{describe_date, describe_slot, describe_times};
use domain::slot::{Slot, parse_hhmm};
use domain::timetable::{DateSlot, Timetable, WeeklySlot};
use domain::timetable_change::{AffectedVisit, TimetableChange, TimetableChanged, TimetableView};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{Lang, tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::session::{Session, call, get, use_session};
use crate::ui::{ErrorSummary, Failure, Issue, Loading, problem_text, show_issues, today, use_title};

const PREVIEW_DAYS: i64 = 28;
const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// One time as typed: a weekly time (with `weekday`) or a replacement day's time (with `date`).
#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    weekday: usize,
    date: String,
    start: String,
    end: String,
    capacity: String,
    closed_capacity: String,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
struct Draft {
    weekly: Vec<Row>,
    replacements: Vec<Row>,
    closed: Vec<String>,
    rules: VisitingRules,
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl Draft {
    fn from_view(view: &TimetableView) -> Draft {
        Draft {
            weekly: view
                .timetable
                .weekly
                .iter()
                .map(|w| Row {
                    weekday: w.weekday.num_days_from_monday() as usize,
                    start: hhmm(w.start),
                    end: hhmm(w.end),
                    capacity: w.capacity.to_string(),
                    closed_capacity: w.closed_capacity.to_string(),
                    valid_from: w.valid_from,
                    valid_to: w.valid_to,
                    ..Row::default()
                })
                .collect(),
            replacements: view
                .timetable
                .replacements
                .iter()
                .map(|r| Row {
                    date: r.date.to_string(),
                    start: hhmm(r.start),
                    end: hhmm(r.end),
                    capacity: r.capacity.to_string(),
                    closed_capacity: r.closed_capacity.to_string(),
                    ..Row::default()
                })
                .collect(),
            closed: view.timetable.closed_dates.iter().map(|d| d.to_string()).collect(),
            rules: view.rules.clone(),
        }
    }

    /// The timetable, or every problem with what was typed (each on its field).
    fn timetable(&self) -> Result<Timetable, Vec<Issue>> {
        let mut issues = Vec::new();
        let time = |text: &str, id: String, issues: &mut Vec<Issue>| {
            let parsed = parse_hhmm(text.trim());
            if parsed.is_none() {
                issues.push(Issue::new(id, "Enter a time such as 14:00", "Rhowch amser fel 14:00"));
            }
            parsed.unwrap_or_default()
        };
        let number = |text: &str, id: String, issues: &mut Vec<Issue>| {
            let parsed = text.trim().parse::<u32>().ok();
            if parsed.is_none() {
                issues.push(Issue::new(id, "Enter a whole number of places", "Rhowch nifer cyfan o leoedd"));
            }
            parsed.unwrap_or_default()
        };
        let mut timetable = Timetable::default();
        for (i, row) in self.weekly.iter().enumerate() {
            timetable.weekly.push(WeeklySlot {
                weekday: WEEKDAYS.get(row.weekday).copied().unwrap_or(Weekday::Mon),
                start: time(&row.start, format!("weekly-{i}-start"), &mut issues),
                end: time(&row.end, format!("weekly-{i}-end"), &mut issues),
                capacity: number(&row.capacity, format!("weekly-{i}-capacity"), &mut issues),
                closed_capacity: number(&row.closed_capacity, format!("weekly-{i}-closed_capacity"), &mut issues),
                valid_from: row.valid_from,
                valid_to: row.valid_to,
            });
        }
        for (i, row) in self.replacements.iter().enumerate() {
            let date = NaiveDate::parse_from_str(row.date.trim(), "%Y-%m-%d").ok();
            if date.is_none() {
                issues.push(Issue::new(
                    format!("replacements-{i}-date"),
                    "Enter the date of the replacement day",
                    "Rhowch ddyddiad y diwrnod amgen",
                ));
            }
            timetable.replacements.push(DateSlot {
                date: date.unwrap_or_default(),
                start: time(&row.start, format!("replacements-{i}-start"), &mut issues),
                end: time(&row.end, format!("replacements-{i}-end"), &mut issues),
                capacity: number(&row.capacity, format!("replacements-{i}-capacity"), &mut issues),
                closed_capacity: number(&row.closed_capacity, format!("replacements-{i}-closed_capacity"), &mut issues),
            });
        }
        for (i, text) in self.closed.iter().enumerate() {
            match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(date) => {
                    timetable.closed_dates.insert(date);
                }
                Err(_) => {
                    issues.push(Issue::new(format!("closed-{i}"), "Enter the closed date", "Rhowch y dyddiad cau"))
                }
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut found: Vec<Issue> =
            timetable.validate().iter().map(|e| Issue::from_field(issue_id(&e.field), e)).collect();
        found.extend(
            domain::rules::check_visiting_rules(&self.rules).iter().map(|e| Issue::from_field(rule_id(&e.field), e)),
        );
        if found.is_empty() { Ok(timetable) } else { Err(found) }
    }
}

/// `weekly[2].end` -> `weekly-2-end`; a whole row's problem goes on its start time.
fn issue_id(field: &str) -> String {
    let field = field.strip_prefix("timetable.").unwrap_or(field);
    let id = field.replace(['.', '['], "-").replace(']', "");
    match id.matches('-').count() {
        1 if id.starts_with("weekly") || id.starts_with("replacements") => format!("{id}-start"),
        _ if id.starts_with("weekly") || id.starts_with("replacements") || id.starts_with("closed") => id,
        _ => "weekly-0-start".into(),
    }
}

fn rule_id(field: &str) -> String {
    format!("rules-{}", field.strip_prefix("rules.").unwrap_or(field))
}

fn server_issues(errors: &[FieldError]) -> Vec<Issue> {
    errors
        .iter()
        .map(|e| {
            let id = if e.field.starts_with("rules") { rule_id(&e.field) } else { issue_id(&e.field) };
            Issue::from_field(id, e)
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Editing,
    Previewing(Timetable),
    /// The server refused: these booked visits would be affected.
    Confirming(Timetable, Vec<AffectedVisit>),
    Saved(Vec<AffectedVisit>),
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
                    stage.set(Stage::Saved(changed.affected));
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
            Stage::Saved(affected) => Some(view! {
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
                    </div>
                </div>
            }.into_any()),
            _ => None,
        }}
        <ErrorSummary issues />
        <form novalidate on:submit=preview id="timetable-form">
            <h2 class="govuk-heading-m">{tx("Weekly visiting times", "Amseroedd ymweld wythnosol")}</h2>
            <p class="govuk-hint">{tx("Places are for open visits; closed visits (across a screen) have their own places.", "Mae lleoedd ar gyfer ymweliadau agored; mae gan ymweliadau caeedig (ar draws sgrin) eu lleoedd eu hunain.")}</p>
            <ul class="govuk-list app-cards" id="weekly">
                {move || (0..draft.with(|d| d.weekly.len())).map(|i| view! { <TimeRow draft issues index=i weekly=true /> }).collect_view()}
            </ul>
            <button type="button" class="govuk-button govuk-button--secondary" id="add-weekly" on:click=move |_| {
                draft.update(|d| d.weekly.push(Row { start: "14:00".into(), end: "16:00".into(), capacity: "10".into(), closed_capacity: "0".into(), ..Row::default() }));
                let n = draft.with_untracked(|d| d.weekly.len()) - 1;
                focus_id(format!("weekly-{n}-weekday"));
            }>{tx("Add a weekly time", "Ychwanegu amser wythnosol")}</button>

            <h2 class="govuk-heading-m">{tx("Closed dates", "Dyddiadau cau")}</h2>
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
                            <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=move |_| draft.update(|d| { if i < d.closed.len() { d.closed.remove(i); } })>
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

            <h2 class="govuk-heading-m">{tx("Replacement days", "Diwrnodau amgen")}</h2>
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

fn weekday_label(lang: Lang, i: usize) -> &'static str {
    match i {
        0 => lang.t("Monday", "Dydd Llun"),
        1 => lang.t("Tuesday", "Dydd Mawrth"),
        2 => lang.t("Wednesday", "Dydd Mercher"),
        3 => lang.t("Thursday", "Dydd Iau"),
        4 => lang.t("Friday", "Dydd Gwener"),
        5 => lang.t("Saturday", "Dydd Sadwrn"),
        _ => lang.t("Sunday", "Dydd Sul"),
    }
}

#[component]
fn TimeRow(draft: RwSignal<Draft>, issues: RwSignal<Vec<Issue>>, index: usize, weekly: bool) -> impl IntoView {
    let lang = use_lang();
    let prefix = if weekly { "weekly" } else { "replacements" };
    let read = move |f: fn(&Row) -> String| {
        move || draft.with(|d| (if weekly { &d.weekly } else { &d.replacements }).get(index).map(f).unwrap_or_default())
    };
    let write = move |f: fn(&mut Row, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            draft.update(|d| {
                let rows = if weekly { &mut d.weekly } else { &mut d.replacements };
                if let Some(row) = rows.get_mut(index) {
                    f(row, value);
                }
            });
        }
    };
    let field = move |name: &'static str,
                      label: (&'static str, &'static str),
                      kind: &'static str,
                      width: &'static str,
                      get: fn(&Row) -> String,
                      set: fn(&mut Row, String)| {
        let id = format!("{prefix}-{index}-{name}");
        let key = StoredValue::new(id.clone());
        let error =
            move || issues.with(|all| key.with_value(|id| all.iter().find(|i| i.id == *id).map(|i| i.text(lang))));
        let has_error = move || error().is_some();
        let error_id = move || key.with_value(|id| format!("{id}-error"));
        view! {
            <div class="govuk-form-group app-row-field" class:govuk-form-group--error=has_error>
                <label class="govuk-label" for=id.clone()>{tx(label.0, label.1)}</label>
                {move || error().map(|text| view! { <p class="govuk-error-message" id=error_id()><span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {text}</p> })}
                <input class=format!("govuk-input {width}") id=id type=kind inputmode=(kind == "text").then_some("numeric")
                    class:govuk-input--error=has_error
                    aria-describedby=move || has_error().then(error_id)
                    prop:value=read(get) on:change=write(set) />
            </div>
        }
    };
    let remove = move |_| {
        draft.update(|d| {
            let rows = if weekly { &mut d.weekly } else { &mut d.replacements };
            if index < rows.len() {
                rows.remove(index);
            }
        });
    };
    let day_id = format!("{prefix}-{index}-weekday");
    view! {
        <li class="app-card app-time-row">
            {if weekly {
                view! {
                    <div class="govuk-form-group app-row-field">
                        <label class="govuk-label" for=day_id.clone()>{tx("Day", "Diwrnod")}</label>
                        <select class="govuk-select" id=day_id on:change=move |ev| {
                            let value = event_target_value(&ev).parse::<usize>().unwrap_or(0);
                            draft.update(|d| if let Some(row) = d.weekly.get_mut(index) { row.weekday = value; });
                        }>
                            {(0..7).map(|w| view! {
                                <option value=w.to_string() selected=move || draft.with(|d| d.weekly.get(index).map(|r| r.weekday) == Some(w))>{move || weekday_label(lang, w)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            } else {
                field("date", ("Date", "Dyddiad"), "date", "govuk-input--width-10", |r| r.date.clone(), |r, v| r.date = v).into_any()
            }}
            {field("start", ("From", "O"), "time", "govuk-input--width-5", |r| r.start.clone(), |r, v| r.start = v)}
            {field("end", ("To", "I"), "time", "govuk-input--width-5", |r| r.end.clone(), |r, v| r.end = v)}
            {field("capacity", ("Places", "Lleoedd"), "text", "govuk-input--width-3", |r| r.capacity.clone(), |r, v| r.capacity = v)}
            {field("closed_capacity", ("Closed-visit places", "Lleoedd ymweliad caeedig"), "text", "govuk-input--width-3", |r| r.closed_capacity.clone(), |r, v| r.closed_capacity = v)}
            <button type="button" class="govuk-button govuk-button--secondary app-small-button" on:click=remove>
                {tx("Remove", "Dileu")} <span class="govuk-visually-hidden">" " {tx("this time", "yr amser hwn")}</span>
            </button>
        </li>
    }
}

#[component]
fn Rules(draft: RwSignal<Draft>, issues: RwSignal<Vec<Issue>>) -> impl IntoView {
    let lang = use_lang();
    let number = move |name: &'static str,
                       label: (&'static str, &'static str),
                       get: fn(&VisitingRules) -> u16,
                       set: fn(&mut VisitingRules, u16)| {
        let id = format!("rules-{name}");
        let key = StoredValue::new(id.clone());
        let error =
            move || issues.with(|all| key.with_value(|id| all.iter().find(|i| i.id == *id).map(|i| i.text(lang))));
        let has_error = move || error().is_some();
        view! {
            <div class="govuk-form-group" class:govuk-form-group--error=has_error>
                <label class="govuk-label" for=id.clone()>{tx(label.0, label.1)}</label>
                {move || error().map(|text| view! { <p class="govuk-error-message"><span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {text}</p> })}
                <input class="govuk-input govuk-input--width-3" id=id type="text" inputmode="numeric"
                    prop:value=move || draft.with(|d| get(&d.rules).to_string())
                    on:change=move |ev| {
                        let value = event_target_value(&ev).trim().parse::<u16>().unwrap_or(0);
                        draft.update(|d| set(&mut d.rules, value));
                    } />
            </div>
        }
    };
    let flag = move |name: &'static str,
                     label: (&'static str, &'static str),
                     get: fn(&VisitingRules) -> bool,
                     set: fn(&mut VisitingRules, bool)| {
        let id = format!("rules-{name}");
        view! {
            <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id=id.clone() type="checkbox"
                    prop:checked=move || draft.with(|d| get(&d.rules))
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| set(&mut d.rules, on)); } />
                <label class="govuk-label govuk-checkboxes__label" for=id>{tx(label.0, label.1)}</label>
            </div>
        }
    };
    view! {
        {number("adult_age", ("Visitors count as adults from this age", "Mae ymwelwyr yn cyfrif fel oedolion o’r oed hwn"), |r| u16::from(r.adult_age), |r, v| r.adult_age = u8::try_from(v).unwrap_or(u8::MAX))}
        {number("max_visitors", ("Most visitors in one visit", "Uchafswm ymwelwyr mewn un ymweliad"), |r| u16::from(r.max_visitors), |r, v| r.max_visitors = u8::try_from(v).unwrap_or(u8::MAX))}
        {number("max_adults", ("Most adults in one visit", "Uchafswm oedolion mewn un ymweliad"), |r| u16::from(r.max_adults), |r, v| r.max_adults = u8::try_from(v).unwrap_or(u8::MAX))}
        {number("booking_window_days", ("Days ahead visits can be requested", "Dyddiau ymlaen llaw y gellir gofyn am ymweliadau"), |r| r.booking_window_days, |r, v| r.booking_window_days = v)}
        {number("processing_days", ("Processing days to decide a request", "Diwrnodau prosesu i benderfynu ar gais"), |r| u16::from(r.processing_days), |r, v| r.processing_days = u8::try_from(v).unwrap_or(u8::MAX))}
        <div class="govuk-form-group">
            <div class="govuk-checkboxes govuk-checkboxes--small">
                {flag("weekend_processing", ("Requests are processed at weekends and on bank holidays", "Caiff ceisiadau eu prosesu ar benwythnosau a gwyliau banc"), |r| r.weekend_processing, |r, v| r.weekend_processing = v)}
                {flag("instant_booking", ("Instant booking: book at once when a chosen time has room", "Trefnu ar unwaith: trefnu’n syth pan fo lle ar amser a ddewiswyd"), |r| r.instant_booking, |r, v| r.instant_booking = v)}
            </div>
        </div>
    }
}

/// A time in the preview: the slot, its open and closed-visit places, and whether its date is closed.
type PreviewSlot = (Slot, u32, u32, bool);

/// The next 28 days as the timetable makes them, day by day.
#[component]
fn Preview(timetable: Timetable) -> impl IntoView {
    let lang = use_lang();
    let from = today();
    let to = from + Duration::days(PREVIEW_DAYS - 1);
    let slots = timetable.slots_between(from, to);
    let days: Vec<(NaiveDate, Vec<PreviewSlot>)> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let on: Vec<_> = slots
                .iter()
                .filter(|s| s.slot.date == date)
                .map(|s| (s.slot, s.capacity, s.closed_capacity, s.closed))
                .collect();
            (date, on)
        })
        .filter(|(_, on)| !on.is_empty())
        .collect();
    view! {
        <dl class="govuk-summary-list app-preview__list" id="preview-days">
            {days.into_iter().map(|(date, on)| {
                let closed = on.iter().all(|(_, _, _, closed)| *closed);
                view! {
                    <div class="govuk-summary-list__row" data-date=date.to_string() data-closed=closed.to_string()>
                        <dt class="govuk-summary-list__key">{move || describe_date(date, lang.get())}</dt>
                        <dd class="govuk-summary-list__value">
                            {if closed {
                                view! { <strong class="govuk-tag govuk-tag--grey">{tx("Closed", "Ar gau")}</strong> }.into_any()
                            } else {
                                view! {
                                    <ul class="govuk-list govuk-!-margin-bottom-0">
                                        {on.into_iter().map(|(slot, capacity, closed_capacity, _)| view! {
                                            <li>{move || describe_times(&slot, lang.get())} " – " {capacity} " " {tx("places", "lle")} {(closed_capacity > 0).then(|| view! { " (+" {closed_capacity} " " {tx("closed", "caeedig")} ")" })}</li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

#[component]
fn AffectedList(affected: Vec<AffectedVisit>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="govuk-list govuk-list--bullet" id="affected-visits">
            {affected.into_iter().map(|a| {
                let slot = a.slot;
                view! {
                    <li>
                        <a class="govuk-link" href=format!("/staff/visits/{}", a.visit_id)><span class="app-reference">{a.reference}</span></a>
                        ", " {move || describe_slot(&slot, lang.get())} ": " {a.why}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
