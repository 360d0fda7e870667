//! Pieces the staff pages share: the page title, the GOV.UK error summary over bilingual messages, what to say
//! about a refused call, and dates and times as staff read them.

use chrono::{DateTime, Utc};
use domain::api::Locale;
use domain::error::{ErrorCode, FieldError};
use domain::visit::{Channel, VisitState};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{Lang, tx, use_lang};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::STAFF_SERVICE;

/// One problem with a form: the id of the field it is about, and the message in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub id: String,
    pub en: String,
    pub cy: String,
}

impl Issue {
    pub fn new(id: impl Into<String>, en: impl Into<String>, cy: impl Into<String>) -> Issue {
        Issue { id: id.into(), en: en.into(), cy: cy.into() }
    }

    /// A field error from the server, on the element `id`.
    pub fn from_field(id: impl Into<String>, error: &FieldError) -> Issue {
        Issue { id: id.into(), en: error.message.clone(), cy: domain::i18n::field_message(Locale::Cy, error, None) }
    }

    pub fn text(&self, lang: Lang) -> String {
        if lang.is_cy() { self.cy.clone() } else { self.en.clone() }
    }
}

/// Sets the document title to "<page> - Manage prison visits", with "Error: " in front while errors are shown.
pub fn use_title(title: (&'static str, &'static str), has_errors: impl Fn() -> bool + 'static) {
    let lang = use_lang();
    Effect::new(move |_| {
        let error = if has_errors() { lang.t("Error: ", "Gwall: ") } else { "" };
        document().set_title(&format!(
            "{error}{} - {}",
            lang.t(title.0, title.1),
            lang.t(STAFF_SERVICE.0, STAFF_SERVICE.1)
        ));
    });
}

/// Shows the issues and moves focus to the summary.
pub fn show_issues(issues: RwSignal<Vec<Issue>>, found: Vec<Issue>) {
    let any = !found.is_empty();
    issues.set(found);
    if any {
        focus_id("error-summary".into());
    }
}

/// The GOV.UK error summary: each issue links to (and focuses) its field.
#[component]
pub fn ErrorSummary(issues: RwSignal<Vec<Issue>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || issues.with(|i| !i.is_empty())>
            <div class="govuk-error-summary" id="error-summary" tabindex="-1" aria-labelledby="error-summary-title">
                <div role="alert">
                    <h2 class="govuk-error-summary__title" id="error-summary-title">
                        {tx("There is a problem", "Mae problem wedi codi")}
                    </h2>
                    <div class="govuk-error-summary__body">
                        <ul class="govuk-list govuk-error-summary__list">
                            {move || {
                                issues
                                    .get()
                                    .into_iter()
                                    .map(|issue| {
                                        let id = issue.id.clone();
                                        view! {
                                            <li>
                                                <a href=format!("#{id}") on:click=move |ev| {
                                                    ev.prevent_default();
                                                    focus_id(id.clone());
                                                }>{move || issue.text(lang)}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// The message shown on a field in error, if it has one.
pub fn field_error(issues: RwSignal<Vec<Issue>>, id: &'static str) -> impl Fn() -> Option<AnyView> + Copy {
    let lang = use_lang();
    move || {
        issues.with(|all| all.iter().find(|i| i.id == id).cloned()).map(|issue| {
            view! {
                <p class="govuk-error-message" id=format!("{id}-error")>
                    <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span>
                    " "
                    {issue.text(lang)}
                </p>
            }
            .into_any()
        })
    }
}

pub fn has_issue(issues: RwSignal<Vec<Issue>>, id: &'static str) -> impl Fn() -> bool + Copy {
    move || issues.with(|all| all.iter().any(|i| i.id == id))
}

/// What to tell staff when a call fails: plain words for the status, and the server's own detail (English).
pub fn problem_text(lang: Lang, error: &ApiError) -> String {
    let plain = match error {
        ApiError::Network => lang.t(
            "We could not reach the service. Check the connection and try again.",
            "Nid oeddem yn gallu cysylltu â’r gwasanaeth. Gwiriwch y cysylltiad a rhowch gynnig arall arni.",
        ),
        ApiError::Decode => lang.t(
            "The service sent an answer we could not read. Try again.",
            "Anfonodd y gwasanaeth ateb nad oeddem yn gallu ei ddarllen. Rhowch gynnig arall arni.",
        ),
        ApiError::Problem(problem) => match problem.code {
            ErrorCode::NotFound => lang.t(
                "Not found: it does not exist, or it belongs to a prison you do not work at.",
                "Heb ei ganfod: nid yw’n bodoli, neu mae’n perthyn i garchar nad ydych yn gweithio ynddo.",
            ),
            ErrorCode::Forbidden => lang.t("Only admins can do this.", "Dim ond gweinyddwyr sy’n gallu gwneud hyn."),
            ErrorCode::RateLimited => lang.t(
                "Too many attempts. Wait a few minutes and try again.",
                "Gormod o ymdrechion. Arhoswch ychydig funudau a rhowch gynnig arall arni.",
            ),
            ErrorCode::Unauthorized => {
                lang.t("Your session has ended. Sign in again.", "Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto.")
            }
            _ if problem.status >= 500 => lang.t(
                "Sorry, there is a problem with the service. Try again later.",
                "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth. Rhowch gynnig arall arni yn nes ymlaen.",
            ),
            _ => "",
        },
        ApiError::Status(404) => lang.t("Not found.", "Heb ei ganfod."),
        ApiError::Status(_) => lang.t(
            "Sorry, something went wrong. Try again later.",
            "Mae’n ddrwg gennym, aeth rhywbeth o’i le. Rhowch gynnig arall arni yn nes ymlaen.",
        ),
    };
    let detail = match error {
        ApiError::Problem(problem) if problem.status < 500 => {
            problem.detail.clone().unwrap_or_else(|| problem.title.clone())
        }
        _ => String::new(),
    };
    match (plain.is_empty(), detail.is_empty()) {
        (true, _) => detail,
        (false, true) => plain.to_string(),
        // The detail is in English; Welsh readers get the plain sentence alone.
        (false, false) if lang.is_cy() => plain.to_string(),
        (false, false) => format!("{plain} ({detail})"),
    }
}

/// A failed load, said plainly, with a way to try again.
#[component]
pub fn Failure(error: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="govuk-error-summary" role="alert" tabindex="-1" id="load-error">
            <h2 class="govuk-error-summary__title">{tx("There is a problem", "Mae problem wedi codi")}</h2>
            <p class="govuk-body" id="problem-text">{move || problem_text(lang, &error)}</p>
            {retry.map(|retry| view! {
                <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| retry.run(())>
                    {tx("Try again", "Rhowch gynnig arall arni")}
                </button>
            })}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="govuk-body" role="status">{tx("Loading…", "Wrthi’n llwytho…")}</p> }
}

/// "26 November 2026, 9:30am" in UK time.
pub fn when(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::London);
    format!(
        "{}, {}",
        domain::i18n::describe_plain_date(local.date_naive(), lang.get()),
        domain::i18n::describe_time(local.time(), lang.get())
    )
}

pub fn state_label(lang: Lang, state: VisitState) -> &'static str {
    match state {
        VisitState::Requested => lang.t("Waiting for a decision", "Yn aros am benderfyniad"),
        VisitState::Booked => lang.t("Booked", "Wedi’i drefnu"),
        VisitState::Rejected => lang.t("Rejected", "Wedi’i wrthod"),
        VisitState::Withdrawn => lang.t("Withdrawn", "Wedi’i dynnu’n ôl"),
        VisitState::Cancelled => lang.t("Cancelled", "Wedi’i ganslo"),
        VisitState::Waiting => lang.t("On the waiting list", "Ar y rhestr aros"),
        VisitState::Expired => lang.t("Waiting list ended", "Rhestr aros wedi dod i ben"),
    }
}

/// How a request came in, as staff read it.
pub fn channel_label(lang: Lang, channel: Channel) -> &'static str {
    match channel {
        Channel::Website => lang.t("Website", "Gwefan"),
        Channel::Phone => lang.t("Phone", "Ffôn"),
        Channel::InPerson => lang.t("In person", "Wyneb yn wyneb"),
        Channel::Integrator => lang.t("Another system", "System arall"),
    }
}

/// A GOV.UK tag for a visit's state.
#[component]
pub fn StateTag(state: VisitState) -> impl IntoView {
    let lang = use_lang();
    let colour = match state {
        VisitState::Requested => "govuk-tag--blue",
        VisitState::Booked => "govuk-tag--green",
        VisitState::Rejected | VisitState::Cancelled => "govuk-tag--red",
        VisitState::Withdrawn | VisitState::Expired => "govuk-tag--grey",
        VisitState::Waiting => "govuk-tag--yellow",
    };
    view! { <strong class=format!("govuk-tag {colour}")>{move || state_label(lang, state)}</strong> }
}

/// The current date in the UK.
pub fn today() -> chrono::NaiveDate {
    frontend_shared::browser::today()
}

/// The support a visit's party needs, one need a line in the page's language (the visitor's own words kept as they
/// wrote them, line breaks included), or "None".
#[component]
pub fn SupportNeedsList(needs: domain::support::SupportNeeds) -> impl IntoView {
    let lang = use_lang();
    if needs.is_empty() {
        return view! { <span class="app-support-none">{tx("None", "Dim")}</span> }.into_any();
    }
    view! {
        <ul class="govuk-list app-support-needs">
            {move || needs.describe(lang.get()).into_iter().map(|line| view! { <li class="app-pre-line">{line}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Hands text to the browser as a file download.
pub fn save_file(text: &str, name: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_class_name("govuk-visually-hidden");
    let body = document().body().ok_or(JsValue::NULL)?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    // Revoked a little later: some browsers read the URL after click() returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
