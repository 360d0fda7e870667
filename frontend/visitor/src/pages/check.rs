//! Step 6: check your answers, with a change link for each section, and send the request once.

use domain::api::PrisonDetails;
use domain::error::{ErrorCode, FieldError};
use domain::i18n::{describe_plain_date, describe_slot};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::{BackLink, ErrorSummary, RequirePrison, show_errors};
use crate::i18n::{Lang, api_error, tx, use_lang, use_title};
use crate::store::{Contact, DateParts, Draft, new_uuid, today, use_form};

/// Said when the answers changed after a press of "Send" whose answer was lost, and were sent again with its key.
const CHANGED: (&str, &str) = (
    "Your answers changed since you last pressed Send. Check them and press Send again.",
    "Mae eich atebion wedi newid ers i chi bwyso Anfon ddiwethaf. Gwiriwch nhw a phwyswch Anfon eto.",
);

/// Said when a limit on requests (per connection, prisoner or email address, each a day or an hour) refused it.
const LIMITED: (&str, &str) = (
    "Too many visit requests have been sent for this prisoner, from this email address or from this connection today. Try again tomorrow, or call the prison.",
    "Mae gormod o geisiadau am ymweliad wedi’u hanfon ar gyfer y carcharor hwn, o’r cyfeiriad e-bost hwn neu o’r cysylltiad hwn heddiw. Rhowch gynnig arall arni yfory, neu ffoniwch y carchar.",
);

#[component]
pub fn CheckPage() -> impl IntoView {
    view! {
        <BackLink href="/book/support" />
        <RequirePrison>
            <Check />
        </RequirePrison>
    }
}

fn show_dob(lang: Lang, dob: &DateParts) -> String {
    dob.date().map(|d| describe_plain_date(d, lang.get())).unwrap_or_default()
}

/// The support needs ticked, one a line as staff will read them, or "None".
fn support_lines(lang: Lang, input: &domain::support::SupportNeedsInput) -> String {
    let lines = input.as_typed().describe(lang.get());
    if lines.is_empty() { lang.t("None", "Dim").to_owned() } else { lines.join("\n") }
}

#[component]
fn Check() -> impl IntoView {
    let lang = use_lang();
    let form = use_form();
    let navigate = use_navigate();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // What the server said of a form posted without the app (`?problem=`), as the app says it of its own call.
    let problem = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("problem"));
    let failure = RwSignal::new(problem.map(|problem| match problem.as_str() {
        "changed" => lang.t(CHANGED.0, CHANGED.1),
        "limited" => lang.t(LIMITED.0, LIMITED.1),
        _ => api_error(lang, &ApiError::Status(503)),
    }));
    let sending = RwSignal::new(false);

    let rules =
        move || form.draft.with(|d| d.prison.as_ref().map(|p: &PrisonDetails| p.rules.clone()).unwrap_or_default());
    // Show anything already known to be wrong (including what the server said last time).
    {
        let request = form.draft.with_untracked(|d| d.request(lang.0.get_untracked()));
        let mut found = form.draft.with_untracked(|d| d.server_errors.clone());
        if found.is_empty()
            && let Err(mut refused) = domain::request::parse_visit_request(&request, &rules(), today())
        {
            found.append(&mut refused);
        }
        if !found.is_empty() {
            show_errors(errors, found);
        }
    }
    use_title(
        |lang| lang.t("Check your answers", "Gwirio eich atebion").into(),
        move || errors.with(|e| !e.is_empty()),
    );

    let send = move |ev: leptos::ev::SubmitEvent| {
        // The app sends the request itself; without it, the form is posted and the server sends it.
        ev.prevent_default();
        // A second tap while the first is on its way does nothing; a retry after a failure reuses the key.
        if sending.get_untracked() {
            return;
        }
        let request = form.draft.with_untracked(|d| d.request(lang.0.get_untracked()));
        if let Err(refused) = domain::request::parse_visit_request(&request, &rules(), today()) {
            show_errors(errors, refused);
            return;
        }
        let key = form.draft.with_untracked(|d| d.idempotency_key.clone()).unwrap_or_else(new_uuid);
        form.draft.update(|d| d.idempotency_key = Some(key.clone()));
        sending.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = api::create_visit(&request, &key).await;
            sending.set(false);
            match result {
                Ok(created) => {
                    // Everything typed is forgotten; only what the confirmation page shows is kept (with how the
                    // visitor is told, which it words its promises by).
                    let contact = form.draft.with_untracked(|d| d.contact.clone());
                    form.draft.set(Draft { created: Some(created), contact, ..Draft::default() });
                    navigate("/book/done", NavigateOptions { replace: true, ..NavigateOptions::default() });
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::ValidationFailed => {
                    // The answers must change, so the next attempt is a new request with a new key.
                    form.draft.update(|d| {
                        d.idempotency_key = None;
                        d.server_errors = problem.errors.clone();
                    });
                    show_errors(errors, problem.errors.clone());
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::IdempotencyKeyReused => {
                    form.draft.update(|d| d.idempotency_key = None);
                    failure.set(Some(lang.t(CHANGED.0, CHANGED.1)));
                }
                Err(ApiError::Problem(problem)) if problem.code == ErrorCode::RateLimited => {
                    failure.set(Some(lang.t(LIMITED.0, LIMITED.1)));
                }
                Err(error) => failure.set(Some(api_error(lang, &error))),
            }
        });
    };

    let d = move || form.draft.get();
    let row = move |key: (&'static str, &'static str),
                    value: String,
                    href: &'static str,
                    what: (&'static str, &'static str)| {
        view! {
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx(key.0, key.1)}</dt>
                <dd class="govuk-summary-list__value app-pre">{value}</dd>
                <dd class="govuk-summary-list__actions">
                    <a class="govuk-link" href=href>
                        {tx("Change", "Newid")}
                        <span class="govuk-visually-hidden">" " {tx(what.0, what.1)}</span>
                    </a>
                </dd>
            </div>
        }
    };

    view! {
        <ErrorSummary errors link_to_steps=true rules=rules() />
        <span class="govuk-caption-l">{tx("Step 6 of 6", "Cam 6 o 6")}</span>
        <h1 class="govuk-heading-l">{tx("Check your answers", "Gwirio eich atebion")}</h1>
        {move || {
            let d = d();
            let prison = d.prison.as_ref().map(|p| p.name.clone()).unwrap_or_default();
            let slots = d
                .slots
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, describe_slot(s, lang.get())))
                .collect::<Vec<_>>()
                .join("\n");
            let lead = format!(
                "{} {}\n{}\n{}\n{}",
                d.lead.first_name.trim(),
                d.lead.last_name.trim(),
                show_dob(lang, &d.lead.dob),
                d.email.trim(),
                d.phone.trim()
            );
            let updates = Contact::of(&d.contact).words();
            let support = support_lines(lang, &d.support);
            let others = if d.others.is_empty() {
                lang.t("None", "Dim").to_string()
            } else {
                d.others
                    .iter()
                    .map(|p| format!("{} {}, {}", p.first_name.trim(), p.last_name.trim(), show_dob(lang, &p.dob)))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            view! {
                <h2 class="govuk-heading-m">{lang.t("The prison and prisoner", "Y carchar a’r carcharor")}</h2>
                <dl class="govuk-summary-list govuk-!-margin-bottom-9">
                    {row(("Prison", "Carchar"), prison, "/", ("prison", "carchar"))}
                    {row(
                        ("Prisoner’s name", "Enw’r carcharor"),
                        format!("{} {}", d.prisoner.first_name.trim(), d.prisoner.last_name.trim()),
                        "/book/prisoner?from=check#prisoner-first_name",
                        ("prisoner’s name", "enw’r carcharor"),
                    )}
                    {row(
                        ("Prisoner’s date of birth", "Dyddiad geni’r carcharor"),
                        show_dob(lang, &d.prisoner.dob),
                        "/book/prisoner?from=check#prisoner-date_of_birth-day",
                        ("prisoner’s date of birth", "dyddiad geni’r carcharor"),
                    )}
                    {row(
                        ("Prison number", "Rhif carchar"),
                        d.prison_number.trim().to_uppercase(),
                        "/book/prisoner?from=check#prisoner-number",
                        ("prison number", "rhif carchar"),
                    )}
                </dl>
                <h2 class="govuk-heading-m">{lang.t("Visit times", "Amseroedd ymweld")}</h2>
                <dl class="govuk-summary-list govuk-!-margin-bottom-9">
                    {row(
                        if d.waiting_list {
                            ("Waiting list for, in order", "Rhestr aros ar gyfer, mewn trefn")
                        } else {
                            ("Your choices, in order", "Eich dewisiadau, mewn trefn")
                        },
                        slots,
                        "/book/times?from=check#slots",
                        ("visit times", "amseroedd ymweld"),
                    )}
                </dl>
                <h2 class="govuk-heading-m">{lang.t("Visitors", "Ymwelwyr")}</h2>
                <dl class="govuk-summary-list govuk-!-margin-bottom-9">
                    {row(
                        ("Lead visitor", "Prif ymwelydd"),
                        lead,
                        "/book/visitors?from=check#lead_visitor-first_name",
                        ("lead visitor", "prif ymwelydd"),
                    )}
                    {row(
                        ("Updates by", "Diweddariadau drwy"),
                        lang.t(updates.0, updates.1).to_owned(),
                        "/book/visitors?from=check#lead_visitor-contact_by",
                        ("how you get updates", "sut rydych yn cael diweddariadau"),
                    )}
                    {row(
                        ("Other visitors", "Ymwelwyr eraill"),
                        others,
                        "/book/visitors?from=check#other_visitors",
                        ("other visitors", "ymwelwyr eraill"),
                    )}
                </dl>
                <h2 class="govuk-heading-m">{lang.t("Support at the visit", "Cymorth yn yr ymweliad")}</h2>
                <dl class="govuk-summary-list govuk-!-margin-bottom-9">
                    {row(
                        ("Support needed", "Cymorth sydd ei angen"),
                        support,
                        "/book/support?from=check#support_needs-wheelchair_access",
                        ("support needed", "cymorth sydd ei angen"),
                    )}
                </dl>
            }
        }}
        {move || {
            form.draft
                .with(|d| d.waiting_list)
                .then(|| {
                    view! {
                        <div class="govuk-inset-text" id="joining-waiting-list">
                            {tx("These times are fully booked: you are joining the waiting list for them. If a place comes up at one of them and you are first in line, it goes to you and we will tell you: the visit is then booked, or the prison checks it first.", "Mae’r amseroedd hyn yn llawn: rydych chi’n ymuno â’r rhestr aros ar eu cyfer. Os daw lle ar gael yn un ohonynt a chi sydd gyntaf yn y ciw, bydd yn mynd i chi a byddwn yn rhoi gwybod i chi: bydd yr ymweliad wedi’i drefnu wedyn, neu bydd y carchar yn ei wirio’n gyntaf.")}
                        </div>
                    }
                })
        }}
        <h2 class="govuk-heading-m">{tx("Send your request", "Anfon eich cais")}</h2>
        <p class="govuk-body">
            {tx("By sending this request you confirm that, to the best of your knowledge, the details you are providing are correct.", "Drwy anfon y cais hwn rydych yn cadarnhau bod y manylion rydych yn eu rhoi yn gywir, hyd eithaf eich gwybodaeth.")}
        </p>
        {move || {
            failure
                .get()
                .map(|message| {
                    view! {
                        <div class="govuk-error-summary" role="alert" id="send-failed" tabindex="-1">
                            <h2 class="govuk-error-summary__title">
                                {lang.t("Your request was not sent", "Ni anfonwyd eich cais")}
                            </h2>
                            <p class="govuk-body">{message}</p>
                        </div>
                    }
                })
        }}
        // Without the app, the server sends the request with the draft's own key (the one the app sends too).
        <form method="post" action="/book/check" novalidate on:submit=send>
            <button type="submit" class="govuk-button" id="send" aria-disabled=move || sending.get().then_some("true")>
                {move || {
                    match (sending.get(), form.draft.with(|d| d.waiting_list)) {
                        (true, _) => lang.t("Sending…", "Wrthi’n anfon…"),
                        (false, true) => lang.t("Join the waiting list", "Ymuno â’r rhestr aros"),
                        (false, false) => lang.t("Send request", "Anfon y cais"),
                    }
                }}
            </button>
        </form>
    }
}
