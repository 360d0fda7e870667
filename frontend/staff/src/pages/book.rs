//! Booking a visit on a visitor's behalf, for a family on the phone or at the prison: a short journey of its own
//! (prisoner, times with their places left, visitors, how the request came in, check answers, confirmation), sent
//! once at the end to `POST /api/v1/staff/visits`, which applies the visitor's own rules. The server's field errors
//! bring staff back to the step the field is on.

use domain::api::{
    Availability, BehalfVisitRequest, LeadVisitorInput, PrisonerInput, SlotChoiceInput, SlotState, VisitorInput,
};
use domain::email::MessageChannel;
use domain::i18n::{describe_plain_date, describe_slot};
use domain::slot::Slot;
use domain::staff::StaffVisitView;
use domain::support::SupportNeedsInput;
use domain::visit::{Channel, VisitState};
use frontend_shared::api::ApiError;
use frontend_shared::focus::focus_id;
use frontend_shared::i18n::{tx, use_lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::session::use_session;
use crate::ui::{
    ErrorSummary, Failure, Issue, Loading, channel_label, field_error, has_issue, problem_text, use_title,
};

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Prisoner,
    Times,
    Visitors,
    Channel,
    Check,
    Done,
}

/// Most times a request may ask for.
const MAX_CHOICES: usize = 3;

/// Most visitors besides the lead visitor any prison allows (the API's limit); each prison's own is lower or equal.
const MAX_OTHERS: usize = 8;

/// A date typed as day, month and year (the GOV.UK date input).
#[derive(Debug, Clone, Copy)]
struct DateParts {
    day: RwSignal<String>,
    month: RwSignal<String>,
    year: RwSignal<String>,
}

impl DateParts {
    fn new() -> DateParts {
        DateParts {
            day: RwSignal::new(String::new()),
            month: RwSignal::new(String::new()),
            year: RwSignal::new(String::new()),
        }
    }

    /// `YYYY-MM-DD` for the API (which judges it), or empty when a part is missing.
    fn iso(self) -> String {
        let (d, m, y) = (self.day.get_untracked(), self.month.get_untracked(), self.year.get_untracked());
        let (d, m, y) = (d.trim(), m.trim(), y.trim());
        if d.is_empty() || m.is_empty() || y.is_empty() { String::new() } else { format!("{y:0>4}-{m:0>2}-{d:0>2}") }
    }

    fn is_empty(self) -> bool {
        self.iso().is_empty()
    }
}

#[derive(Debug, Clone, Copy)]
struct Person {
    first: RwSignal<String>,
    last: RwSignal<String>,
    dob: DateParts,
}

impl Person {
    fn new() -> Person {
        Person { first: RwSignal::new(String::new()), last: RwSignal::new(String::new()), dob: DateParts::new() }
    }

    fn name(self) -> String {
        format!("{} {}", self.first.get_untracked().trim(), self.last.get_untracked().trim())
    }

    fn clear(self) {
        self.copy_from(Person::empty_values());
    }

    /// `(first, last, day, month, year)`.
    fn values(self) -> [String; 5] {
        [self.first, self.last, self.dob.day, self.dob.month, self.dob.year].map(|s| s.get_untracked())
    }

    fn empty_values() -> [String; 5] {
        Default::default()
    }

    fn copy_from(self, values: [String; 5]) {
        for (signal, value) in
            [self.first, self.last, self.dob.day, self.dob.month, self.dob.year].into_iter().zip(values)
        {
            signal.set(value);
        }
    }
}

/// Everything typed, kept across the steps.
#[derive(Debug, Clone, Copy)]
struct Answers {
    prisoner: Person,
    number: RwSignal<String>,
    slots: RwSignal<Vec<Slot>>,
    lead: Person,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    /// Made with the page (signals made in a click handler would go with the step that made them); the first
    /// `extra` are in use.
    others: [Person; MAX_OTHERS],
    extra: RwSignal<usize>,
    channel: RwSignal<Option<Channel>>,
    /// Text messages to the lead visitor's mobile as well as emails (`lead_visitor.contact_by`).
    texts: RwSignal<bool>,
    /// The support needs' boxes and their text (`support_needs`).
    support: Support,
    /// One per request: a retry after a lost answer finds the visit already made.
    key: RwSignal<String>,
}

impl Answers {
    fn new() -> Answers {
        Answers {
            prisoner: Person::new(),
            number: RwSignal::new(String::new()),
            slots: RwSignal::new(Vec::new()),
            lead: Person::new(),
            email: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            others: std::array::from_fn(|_| Person::new()),
            extra: RwSignal::new(0),
            channel: RwSignal::new(None),
            texts: RwSignal::new(false),
            support: Support::new(),
            key: RwSignal::new(new_key()),
        }
    }

    fn request(self, prison_id: uuid::Uuid, locale: domain::api::Locale) -> BehalfVisitRequest {
        let text = |s: RwSignal<String>| s.get_untracked().trim().to_string();
        BehalfVisitRequest {
            channel: self.channel.get_untracked(),
            prison_id,
            prisoner: PrisonerInput {
                first_name: text(self.prisoner.first),
                last_name: text(self.prisoner.last),
                date_of_birth: self.prisoner.dob.iso(),
                number: text(self.number),
            },
            lead_visitor: LeadVisitorInput {
                first_name: text(self.lead.first),
                last_name: text(self.lead.last),
                date_of_birth: self.lead.dob.iso(),
                email: text(self.email),
                phone: text(self.phone),
                contact_by: self.texts.get_untracked().then(|| vec![MessageChannel::Email, MessageChannel::Sms]),
            },
            other_visitors: self.others[..self.extra.get_untracked().min(MAX_OTHERS)]
                .iter()
                .copied()
                .map(|p| VisitorInput {
                    first_name: text(p.first),
                    last_name: text(p.last),
                    date_of_birth: p.dob.iso(),
                })
                .collect(),
            slots: self
                .slots
                .get_untracked()
                .into_iter()
                .map(|s| SlotChoiceInput {
                    date: s.date.to_string(),
                    start: s.start.format("%H:%M").to_string(),
                    end: s.end.format("%H:%M").to_string(),
                })
                .collect(),
            locale,
            support_needs: self.support.input(),
        }
    }
}

/// The support needs as typed: a box per need, and the text a ticked interpreter or "something else" asks for.
#[derive(Debug, Clone, Copy)]
struct Support {
    wheelchair_access: RwSignal<bool>,
    hearing_loop: RwSignal<bool>,
    interpreter: RwSignal<bool>,
    language: RwSignal<String>,
    other: RwSignal<bool>,
    details: RwSignal<String>,
}

impl Support {
    fn new() -> Support {
        Support {
            wheelchair_access: RwSignal::new(false),
            hearing_loop: RwSignal::new(false),
            interpreter: RwSignal::new(false),
            language: RwSignal::new(String::new()),
            other: RwSignal::new(false),
            details: RwSignal::new(String::new()),
        }
    }

    fn input(self) -> SupportNeedsInput {
        SupportNeedsInput {
            wheelchair_access: self.wheelchair_access.get_untracked(),
            hearing_loop: self.hearing_loop.get_untracked(),
            interpreter: self.interpreter.get_untracked(),
            interpreter_language: self.language.get_untracked(),
            other: self.other.get_untracked(),
            other_details: self.details.get_untracked(),
        }
    }

    fn clear(self) {
        for tick in [self.wheelchair_access, self.hearing_loop, self.interpreter, self.other] {
            tick.set(false);
        }
        self.language.set(String::new());
        self.details.set(String::new());
    }

    /// Each need on a line, as staff read them on the visit, or "None".
    fn describe(self, lang: frontend_shared::i18n::Lang) -> String {
        let lines = self.input().as_typed().describe(lang.get());
        if lines.is_empty() { lang.t("None", "Dim").to_owned() } else { lines.join(", ") }
    }
}

/// A random key for `Idempotency-Key`.
fn new_key() -> String {
    (0..4)
        .map(|_| format!("{:08x}", (js_sys::Math::random() * f64::from(u32::MAX)) as u32))
        .collect::<Vec<_>>()
        .join("-")
}

/// The step a field (by its element id) is on.
fn step_of(id: &str) -> Step {
    if id.starts_with("slot") {
        Step::Times
    } else if id.starts_with("lead-") || id.starts_with("visitor-") || id.starts_with("support-") {
        Step::Visitors
    } else if id.starts_with("channel") {
        Step::Channel
    } else {
        Step::Prisoner
    }
}

/// The element a server field error belongs on (`other_visitors[1].date_of_birth` -> `visitor-1-dob-day`).
fn element_of(field: &str) -> String {
    let part = |rest: &str| match rest {
        "first_name" => "first-name".to_string(),
        "last_name" => "last-name".to_string(),
        "date_of_birth" => "dob-day".to_string(),
        other => other.replace('_', "-"),
    };
    if let Some(rest) = field.strip_prefix("prisoner.") {
        return format!("prisoner-{}", part(rest));
    }
    if let Some(rest) = field.strip_prefix("lead_visitor.") {
        return format!("lead-{}", part(rest));
    }
    if let Some(rest) = field.strip_prefix("other_visitors[")
        && let Some((i, rest)) = rest.split_once("].")
    {
        return format!("visitor-{i}-{}", part(rest));
    }
    if field.starts_with("other_visitors") {
        return "lead-first-name".into();
    }
    if let Some(rest) = field.strip_prefix("support_needs.") {
        return format!("support-{}", rest.replace('_', "-"));
    }
    if field.starts_with("slots") {
        return "slot-0".into();
    }
    if field == "channel" {
        return "channel".into();
    }
    "prisoner-first-name".into()
}

#[component]
pub fn BookPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let step = RwSignal::new(Step::Prisoner);
    let answers = Answers::new();
    let issues = RwSignal::new(Vec::<Issue>::new());
    // The server's refusals of the other steps, shown when staff reach them.
    let pending = RwSignal::new(Vec::<Issue>::new());
    let done = RwSignal::new(None::<StaffVisitView>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    use_title(("Book a visit", "Trefnu ymweliad"), move || issues.with(|i| !i.is_empty()));
    let prison = LocalResource::new(move || {
        let id = session.prison.get();
        async move {
            match id {
                Some(id) => api::prison(id).await.map(Some),
                None => Ok(None),
            }
        }
    });

    let go = move |to: Step| {
        let (here, rest): (Vec<Issue>, Vec<Issue>) =
            pending.get_untracked().into_iter().partition(|i| step_of(&i.id) == to);
        pending.set(rest);
        failure.set(None);
        step.set(to);
        if here.is_empty() {
            issues.set(Vec::new());
            focus_id("book-heading".into());
        } else {
            crate::ui::show_issues(issues, here);
        }
    };
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let Some(prison_id) = session.prison.get_untracked() else { return };
        busy.set(true);
        failure.set(None);
        let request = answers.request(prison_id, lang.0.get_untracked());
        let key = answers.key.get_untracked();
        spawn_local(async move {
            let result = api::book_on_behalf(session, &request, &key).await;
            busy.set(false);
            match result {
                Ok(visit) => {
                    done.set(Some(visit));
                    step.set(Step::Done);
                    issues.set(Vec::new());
                    focus_id("book-heading".into());
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    let found: Vec<Issue> =
                        problem.errors.iter().map(|e| Issue::from_field(element_of(&e.field), e)).collect();
                    let first = found.first().map(|i| step_of(&i.id)).unwrap_or(Step::Prisoner);
                    pending.set(found);
                    go(first);
                }
                Err(error) => {
                    failure.set(Some(problem_text(lang, &error)));
                    focus_id("book-failure".into());
                }
            }
        });
    };
    let again = move |_| {
        for person in answers.others.into_iter().chain([answers.prisoner, answers.lead]) {
            person.clear();
        }
        answers.extra.set(0);
        for text in [answers.number, answers.email, answers.phone] {
            text.set(String::new());
        }
        answers.slots.set(Vec::new());
        answers.channel.set(None);
        answers.texts.set(false);
        answers.support.clear();
        answers.key.set(new_key());
        done.set(None);
        go(Step::Prisoner);
    };

    view! {
        <span class="govuk-caption-l">{move || session.prison_name()}</span>
        <Show when=move || !matches!(step.get(), Step::Prisoner | Step::Done)>
            <a href="#" class="govuk-back-link" id="book-back" on:click=move |ev| {
                ev.prevent_default();
                let back = match step.get_untracked() {
                    Step::Times => Step::Prisoner,
                    Step::Visitors => Step::Times,
                    Step::Channel => Step::Visitors,
                    _ => Step::Channel,
                };
                go(back);
            }>{tx("Back", "Yn ôl")}</a>
        </Show>
        <ErrorSummary issues />
        {move || failure.get().map(|text| view! {
            <div class="govuk-error-summary" id="book-failure" tabindex="-1" role="alert">
                <h2 class="govuk-error-summary__title">{tx("There is a problem", "Mae problem wedi codi")}</h2>
                <p class="govuk-body">{text}</p>
            </div>
        })}
        <Transition fallback=Loading>
            {move || prison.get().map(|result| match result {
                Ok(Some(details)) => {
                    let max_others = usize::from(details.rules.max_visitors).saturating_sub(1);
                    let prison_id = details.id;
                    let steps = move || match step.get() {
                        Step::Prisoner => view! { <PrisonerStep answers issues go /> }.into_any(),
                        Step::Times => view! { <TimesStep prison_id answers issues go /> }.into_any(),
                        Step::Visitors => view! { <VisitorsStep answers issues go max_others /> }.into_any(),
                        Step::Channel => view! { <ChannelStep answers issues go /> }.into_any(),
                        Step::Check => view! { <CheckStep answers go submit=Callback::new(move |_| submit()) busy /> }.into_any(),
                        Step::Done => done
                            .get()
                            .map(|visit| view! { <DoneStep visit again=Callback::new(again) /> })
                            .into_any(),
                    };
                    steps.into_any()
                }
                Ok(None) => view! {
                    <h1 class="govuk-heading-l" id="book-heading">{tx("Book a visit", "Trefnu ymweliad")}</h1>
                    <p class="govuk-body">{tx("You do not work at any prison yet. Ask an admin to add you to one.", "Nid ydych yn gweithio mewn unrhyw garchar eto. Gofynnwch i weinyddwr eich ychwanegu at un.")}</p>
                }.into_any(),
                Err(error) => view! { <Failure error retry=Callback::new(move |_| prison.refetch()) /> }.into_any(),
            })}
        </Transition>
    }
}

/// The issue shown on the element `id`, if any.
fn issue_on(issues: RwSignal<Vec<Issue>>, id: String) -> Signal<Option<Issue>> {
    Signal::derive(move || issues.with(|all| all.iter().find(|i| i.id == id).cloned()))
}

/// A field's error message (GOV.UK), with its id for `aria-describedby`.
fn error_message(issue: Issue, lang: frontend_shared::i18n::Lang) -> impl IntoView {
    view! {
        <p class="govuk-error-message" id=format!("{}-error", issue.id)>
            <span class="govuk-visually-hidden">{lang.t("Error:", "Gwall:")}</span> " " {issue.text(lang)}
        </p>
    }
}

/// A text input with its label and error.
#[component]
fn TextField(
    #[prop(into)] id: String,
    label: (&'static str, &'static str),
    value: RwSignal<String>,
    issues: RwSignal<Vec<Issue>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let error = issue_on(issues, id.clone());
    let error_id = format!("{id}-error");
    view! {
        <div class="govuk-form-group" class:govuk-form-group--error=move || error.with(Option::is_some)>
            <label class="govuk-label" for=id.clone()>{tx(label.0, label.1)}</label>
            {move || error.get().map(|issue| error_message(issue, lang))}
            <input class=format!("govuk-input {}", class.unwrap_or("")) class:govuk-input--error=move || error.with(Option::is_some)
                id=id.clone() name=id type=input_type.unwrap_or("text") autocomplete=autocomplete.unwrap_or("off") spellcheck="false"
                aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// A GOV.UK date input (day, month, year) in its fieldset; `id` prefixes the three boxes (`{id}-day`...).
#[component]
fn DateField(
    id: String,
    legend: (&'static str, &'static str),
    value: DateParts,
    issues: RwSignal<Vec<Issue>>,
) -> impl IntoView {
    let day_id = format!("{id}-day");
    let error = issue_on(issues, day_id.clone());
    let lang = use_lang();
    let part = move |suffix: &'static str,
                     label: (&'static str, &'static str),
                     signal: RwSignal<String>,
                     width: &'static str| {
        let input_id = format!("{id}-{suffix}");
        view! {
            <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-date-input__label" for=input_id.clone()>{tx(label.0, label.1)}</label>
                    <input class=format!("govuk-input govuk-date-input__input {width}") id=input_id.clone() name=input_id
                        type="text" inputmode="numeric" prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev)) />
                </div>
            </div>
        }
    };
    let error_id = format!("{day_id}-error");
    view! {
        <div class="govuk-form-group" class:govuk-form-group--error=move || error.with(Option::is_some)>
            <fieldset class="govuk-fieldset" role="group" aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{tx(legend.0, legend.1)}</legend>
                <div class="govuk-hint">{tx("For example, 27 3 1985", "Er enghraifft, 27 3 1985")}</div>
                {move || error.get().map(|issue| error_message(issue, lang))}
                <div class="govuk-date-input">
                    {part("day", ("Day", "Diwrnod"), value.day, "govuk-input--width-2")}
                    {part("month", ("Month", "Mis"), value.month, "govuk-input--width-2")}
                    {part("year", ("Year", "Blwyddyn"), value.year, "govuk-input--width-4")}
                </div>
            </fieldset>
        </div>
    }
}

fn required(found: &mut Vec<Issue>, empty: bool, id: impl Into<String>, en: &'static str, cy: &'static str) {
    if empty {
        found.push(Issue::new(id, en, cy));
    }
}

fn blank(s: RwSignal<String>) -> bool {
    s.get_untracked().trim().is_empty()
}

#[component]
fn PrisonerStep(answers: Answers, issues: RwSignal<Vec<Issue>>, go: impl Fn(Step) + Copy + 'static) -> impl IntoView {
    let p = answers.prisoner;
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = Vec::new();
        required(
            &mut found,
            blank(p.first),
            "prisoner-first-name",
            "Enter the prisoner’s first name",
            "Rhowch enw cyntaf y carcharor",
        );
        required(
            &mut found,
            blank(p.last),
            "prisoner-last-name",
            "Enter the prisoner’s last name",
            "Rhowch gyfenw’r carcharor",
        );
        required(
            &mut found,
            p.dob.is_empty(),
            "prisoner-dob-day",
            "Enter the prisoner’s date of birth",
            "Rhowch ddyddiad geni’r carcharor",
        );
        required(
            &mut found,
            blank(answers.number),
            "prisoner-number",
            "Enter the prisoner’s prison number",
            "Rhowch rif carchar y carcharor",
        );
        if found.is_empty() { go(Step::Times) } else { crate::ui::show_issues(issues, found) }
    };
    view! {
        <h1 class="govuk-heading-l" id="book-heading" tabindex="-1">{tx("Who is the visit for?", "Ar gyfer pwy mae’r ymweliad?")}</h1>
        <p class="govuk-body">{tx("Book a visit for a family who phoned or came to the prison. They get the same emails as if they had booked it themselves.", "Trefnwch ymweliad ar gyfer teulu a ffoniodd neu a ddaeth i’r carchar. Byddant yn cael yr un negeseuon e-bost â phe baent wedi’i drefnu eu hunain.")}</p>
        <form novalidate on:submit=next id="book-prisoner">
            <TextField id="prisoner-first-name" label=("Prisoner’s first name", "Enw cyntaf y carcharor") value=p.first issues class="govuk-!-width-two-thirds" />
            <TextField id="prisoner-last-name" label=("Prisoner’s last name", "Cyfenw’r carcharor") value=p.last issues class="govuk-!-width-two-thirds" />
            <DateField id="prisoner-dob".into() legend=("Prisoner’s date of birth", "Dyddiad geni’r carcharor") value=p.dob issues />
            <TextField id="prisoner-number" label=("Prison number, for example A1234BC", "Rhif carchar, er enghraifft A1234BC") value=answers.number issues class="govuk-input--width-10" />
            <button type="submit" class="govuk-button" id="book-continue">{tx("Continue", "Parhau")}</button>
        </form>
    }
}

#[component]
fn TimesStep(
    prison_id: uuid::Uuid,
    answers: Answers,
    issues: RwSignal<Vec<Issue>>,
    go: impl Fn(Step) + Copy + 'static,
) -> impl IntoView {
    let lang = use_lang();
    // Fetched each time the step opens, so the places are live.
    let availability = LocalResource::new(move || api::availability(prison_id));
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = answers.slots.get_untracked().len();
        if chosen == 0 {
            crate::ui::show_issues(
                issues,
                vec![Issue::new("slot-0", "Choose at least one time", "Dewiswch o leiaf un amser")],
            );
        } else if chosen > MAX_CHOICES {
            crate::ui::show_issues(
                issues,
                vec![Issue::new("slot-0", "Choose no more than 3 times", "Dewiswch ddim mwy na 3 amser")],
            );
        } else {
            go(Step::Visitors);
        }
    };
    let times = move |availability: Availability| {
        let slots: Vec<(Slot, SlotState, u32)> = availability
            .days
            .iter()
            .flat_map(|d| d.slots.iter().map(|s| (s.slot, s.state, s.places_left)))
            .filter(|(_, state, _)| matches!(state, SlotState::Available | SlotState::FullyBooked))
            .collect();
        if slots.is_empty() {
            return view! { <p class="govuk-body" id="slot-0">{tx("There are no visiting times to book in the next few weeks.", "Nid oes amseroedd ymweld i’w trefnu yn yr wythnosau nesaf.")}</p> }.into_any();
        }
        view! {
            <div class="govuk-checkboxes" data-module="govuk-checkboxes">
                {slots.into_iter().enumerate().map(|(i, (slot, state, left))| {
                    let id = format!("slot-{i}");
                    let full = state == SlotState::FullyBooked;
                    let hint_id = format!("{id}-hint");
                    view! {
                        <div class="govuk-checkboxes__item">
                            <input class="govuk-checkboxes__input" id=id.clone() type="checkbox" disabled=full aria-describedby=hint_id.clone()
                                prop:checked=move || answers.slots.with(|s| s.contains(&slot))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    answers.slots.update(|s| { s.retain(|x| *x != slot); if on { s.push(slot); } });
                                } />
                            <label class="govuk-label govuk-checkboxes__label" for=id>{move || describe_slot(&slot, lang.get())}</label>
                            <div class="govuk-hint govuk-checkboxes__hint app-places" id=hint_id>
                                {move || if full {
                                    lang.t("Fully booked", "Llawn").to_string()
                                } else if left == 1 {
                                    lang.t("1 place left", "1 lle ar ôl").to_string()
                                } else {
                                    format!("{left} {}", lang.t("places left", "lle ar ôl"))
                                }}
                            </div>
                        </div>
                    }
                }).collect_view()}
            </div>
        }.into_any()
    };
    view! {
        <form novalidate on:submit=next id="book-times">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "slot-0")>
                <fieldset class="govuk-fieldset" aria-describedby="slots-hint">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
                        <h1 class="govuk-fieldset__heading" id="book-heading" tabindex="-1">{tx("Choose the visit times", "Dewiswch yr amseroedd ymweld")}</h1>
                    </legend>
                    <div class="govuk-hint" id="slots-hint">{tx("Choose up to 3 times, most wanted first. The places left are live.", "Dewiswch hyd at 3 amser, yr un a ffefrir fwyaf yn gyntaf. Mae’r lleoedd sydd ar ôl yn fyw.")}</div>
                    {field_error(issues, "slot-0")}
                    <Transition fallback=Loading>
                        {move || availability.get().map(|result| match result {
                            Ok(a) => times(a),
                            Err(error) => view! { <Failure error retry=Callback::new(move |_| availability.refetch()) /> }.into_any(),
                        })}
                    </Transition>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button" id="book-continue">{tx("Continue", "Parhau")}</button>
        </form>
    }
}

#[component]
fn VisitorsStep(
    answers: Answers,
    issues: RwSignal<Vec<Issue>>,
    go: impl Fn(Step) + Copy + 'static,
    max_others: usize,
) -> impl IntoView {
    let lead = answers.lead;
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = Vec::new();
        required(
            &mut found,
            blank(lead.first),
            "lead-first-name",
            "Enter the lead visitor’s first name",
            "Rhowch enw cyntaf y prif ymwelydd",
        );
        required(
            &mut found,
            blank(lead.last),
            "lead-last-name",
            "Enter the lead visitor’s last name",
            "Rhowch gyfenw’r prif ymwelydd",
        );
        required(
            &mut found,
            lead.dob.is_empty(),
            "lead-dob-day",
            "Enter the lead visitor’s date of birth",
            "Rhowch ddyddiad geni’r prif ymwelydd",
        );
        required(
            &mut found,
            blank(answers.email),
            "lead-email",
            "Enter the lead visitor’s email address",
            "Rhowch gyfeiriad e-bost y prif ymwelydd",
        );
        required(
            &mut found,
            blank(answers.phone),
            "lead-phone",
            "Enter the lead visitor’s phone number",
            "Rhowch rif ffôn y prif ymwelydd",
        );
        for (i, other) in answers.others[..answers.extra.get_untracked()].iter().copied().enumerate() {
            required(
                &mut found,
                blank(other.first),
                format!("visitor-{i}-first-name"),
                "Enter the visitor’s first name",
                "Rhowch enw cyntaf yr ymwelydd",
            );
            required(
                &mut found,
                blank(other.last),
                format!("visitor-{i}-last-name"),
                "Enter the visitor’s last name",
                "Rhowch gyfenw’r ymwelydd",
            );
            required(
                &mut found,
                other.dob.is_empty(),
                format!("visitor-{i}-dob-day"),
                "Enter the visitor’s date of birth",
                "Rhowch ddyddiad geni’r ymwelydd",
            );
        }
        // The support needs by the API's own rule (a ticked interpreter needs its language...).
        if let Err(errors) = domain::support::parse_support_needs(&answers.support.input()) {
            for error in errors {
                let error = domain::error::FieldError { field: format!("support_needs.{}", error.field), ..error };
                found.push(Issue::from_field(element_of(&error.field), &error));
            }
        }
        if found.is_empty() { go(Step::Channel) } else { crate::ui::show_issues(issues, found) }
    };
    let max_others = max_others.min(MAX_OTHERS);
    let add = move |_| {
        let i = answers.extra.get_untracked();
        if i < max_others {
            answers.others[i].clear();
            answers.extra.set(i + 1);
            focus_id(format!("visitor-{i}-first-name"));
        }
    };
    let remove = move |i: usize| {
        let n = answers.extra.get_untracked();
        for j in i..n.saturating_sub(1) {
            answers.others[j].copy_from(answers.others[j + 1].values());
        }
        if n > 0 {
            answers.others[n - 1].clear();
            answers.extra.set(n - 1);
        }
        focus_id("add-visitor".into());
    };
    view! {
        <h1 class="govuk-heading-l" id="book-heading" tabindex="-1">{tx("Who is visiting?", "Pwy sy’n ymweld?")}</h1>
        <form novalidate on:submit=next id="book-visitors">
            <h2 class="govuk-heading-m">{tx("Lead visitor", "Prif ymwelydd")}</h2>
            <p class="govuk-body">{tx("They must be 18 or over. We email them the request and a link to follow it.", "Rhaid iddynt fod yn 18 oed neu’n hŷn. Byddwn yn anfon y cais a dolen i’w ddilyn atynt drwy e-bost.")}</p>
            <TextField id="lead-first-name" label=("First name", "Enw cyntaf") value=lead.first issues class="govuk-!-width-two-thirds" />
            <TextField id="lead-last-name" label=("Last name", "Cyfenw") value=lead.last issues class="govuk-!-width-two-thirds" />
            <DateField id="lead-dob".into() legend=("Date of birth", "Dyddiad geni") value=lead.dob issues />
            <TextField id="lead-email" label=("Email address", "Cyfeiriad e-bost") value=answers.email issues input_type="email" />
            <TextField id="lead-phone" label=("Phone number", "Rhif ffôn") value=answers.phone issues input_type="tel" class="govuk-input--width-20" />
            <div class="govuk-form-group">
                <div class="govuk-checkboxes govuk-checkboxes--small">
                    <Tick id="lead-texts" label=("Send text messages to this mobile as well as emails", "Anfon negeseuon testun i’r ffôn symudol hwn yn ogystal ag e-byst") value=answers.texts />
                </div>
            </div>
            {move || answers.others[..answers.extra.get()].iter().copied().enumerate().map(|(i, other)| {
                let (first_id, last_id, dob) = (format!("visitor-{i}-first-name"), format!("visitor-{i}-last-name"), format!("visitor-{i}-dob"));
                view! {
                    <fieldset class="govuk-fieldset app-visitor">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{tx("Visitor", "Ymwelydd")} " " {i + 2}</legend>
                        <TextField id=first_id label=("First name", "Enw cyntaf") value=other.first issues class="govuk-!-width-two-thirds" />
                        <TextField id=last_id label=("Last name", "Cyfenw") value=other.last issues class="govuk-!-width-two-thirds" />
                        <DateField id=dob legend=("Date of birth", "Dyddiad geni") value=other.dob issues />
                        <button type="button" class="govuk-button govuk-button--secondary" id=format!("visitor-{i}-remove") on:click=move |_| remove(i)>{tx("Remove this visitor", "Dileu’r ymwelydd hwn")}</button>
                    </fieldset>
                }
            }).collect_view()}
            <Show when=move || answers.extra.get() < max_others>
                <button type="button" class="govuk-button govuk-button--secondary" id="add-visitor" on:click=add>{tx("Add another visitor", "Ychwanegu ymwelydd arall")}</button>
            </Show>
            <SupportFields support=answers.support issues />
            <div>
                <button type="submit" class="govuk-button" id="book-continue">{tx("Continue", "Parhau")}</button>
            </div>
        </form>
    }
}

/// A GOV.UK checkbox bound to a flag.
#[component]
fn Tick(id: &'static str, label: (&'static str, &'static str), value: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id=id name=id type="checkbox"
                prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
            <label class="govuk-label govuk-checkboxes__label" for=id>{tx(label.0, label.1)}</label>
        </div>
    }
}

/// What support anyone in the party needs: the visitor's own support step, in the staff form. A ticked interpreter or
/// "something else" shows its question.
#[component]
fn SupportFields(support: Support, issues: RwSignal<Vec<Issue>>) -> impl IntoView {
    let lang = use_lang();
    let details_error = issue_on(issues, "support-other-details".to_string());
    view! {
        <div class="govuk-form-group">
            <fieldset class="govuk-fieldset" aria-describedby="support-hint">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{tx("Support needed at the visit", "Cymorth sydd ei angen yn yr ymweliad")}</legend>
                <div class="govuk-hint" id="support-hint">{tx("Select all that apply, or none.", "Dewiswch bob un sy’n berthnasol, neu ddim un.")}</div>
                <div class="govuk-checkboxes govuk-checkboxes--small">
                    <Tick id="support-wheelchair-access" label=("Wheelchair access or step-free access", "Mynediad i gadair olwyn neu fynediad heb risiau") value=support.wheelchair_access />
                    <Tick id="support-hearing-loop" label=("A hearing loop", "Dolen sain") value=support.hearing_loop />
                    <Tick id="support-interpreter" label=("An interpreter", "Cyfieithydd") value=support.interpreter />
                    <Show when=move || support.interpreter.get()>
                        <div class="govuk-checkboxes__conditional">
                            <TextField id="support-interpreter-language" label=("Which language?", "Pa iaith?") value=support.language issues class="govuk-!-width-two-thirds" />
                        </div>
                    </Show>
                    <Tick id="support-other" label=("Something else", "Rhywbeth arall") value=support.other />
                    <Show when=move || support.other.get()>
                        <div class="govuk-checkboxes__conditional">
                            <div class="govuk-form-group" class:govuk-form-group--error=move || details_error.with(Option::is_some)>
                                <label class="govuk-label" for="support-other-details">{tx("What support is needed?", "Pa gymorth sydd ei angen?")}</label>
                                {move || details_error.get().map(|issue| error_message(issue, lang))}
                                <textarea class="govuk-textarea" id="support-other-details" name="support-other-details" rows="3"
                                    class:govuk-textarea--error=move || details_error.with(Option::is_some)
                                    aria-describedby=move || details_error.with(Option::is_some).then_some("support-other-details-error")
                                    prop:value=move || support.details.get() on:input=move |ev| support.details.set(event_target_value(&ev))></textarea>
                            </div>
                        </div>
                    </Show>
                </div>
            </fieldset>
        </div>
    }
}

#[component]
fn ChannelStep(answers: Answers, issues: RwSignal<Vec<Issue>>, go: impl Fn(Step) + Copy + 'static) -> impl IntoView {
    let lang = use_lang();
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if answers.channel.get_untracked().is_none() {
            crate::ui::show_issues(
                issues,
                vec![Issue::new("channel", "Select how the request came in", "Dewiswch sut y daeth y cais i mewn")],
            );
        } else {
            go(Step::Check);
        }
    };
    view! {
        <form novalidate on:submit=next id="book-channel">
            <div class="govuk-form-group" class:govuk-form-group--error=has_issue(issues, "channel")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
                        <h1 class="govuk-fieldset__heading" id="book-heading" tabindex="-1">{tx("How did the request come in?", "Sut y daeth y cais i mewn?")}</h1>
                    </legend>
                    {field_error(issues, "channel")}
                    <div class="govuk-radios" data-module="govuk-radios">
                        {Channel::STAFF.into_iter().enumerate().map(|(i, channel)| {
                            let id = if i == 0 { "channel".to_string() } else { format!("channel-{}", channel.as_str()) };
                            view! {
                                <div class="govuk-radios__item">
                                    <input class="govuk-radios__input" id=id.clone() name="channel" type="radio" value=channel.as_str()
                                        prop:checked=move || answers.channel.get() == Some(channel)
                                        on:change=move |_| answers.channel.set(Some(channel)) />
                                    <label class="govuk-label govuk-radios__label" for=id>{move || channel_label(lang, channel)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button" id="book-continue">{tx("Continue", "Parhau")}</button>
        </form>
    }
}

#[component]
fn CheckStep(
    answers: Answers,
    go: impl Fn(Step) + Copy + 'static,
    submit: Callback<()>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let dob = move |d: DateParts| {
        let iso = d.iso();
        domain::types::parse_iso_date(&iso).map(|date| describe_plain_date(date, lang.get())).unwrap_or(iso)
    };
    let row = move |key: (&'static str, &'static str), value: AnyView, to: Step, id: &'static str| {
        view! {
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{tx(key.0, key.1)}</dt>
                <dd class="govuk-summary-list__value">{value}</dd>
                <dd class="govuk-summary-list__actions">
                    <button type="button" class="app-link-button govuk-link" id=id on:click=move |_| go(to)>
                        {tx("Change", "Newid")} <span class="govuk-visually-hidden">" " {move || lang.t(key.0, key.1).to_lowercase()}</span>
                    </button>
                </dd>
            </div>
        }
    };
    let p = answers.prisoner;
    view! {
        <h1 class="govuk-heading-l" id="book-heading" tabindex="-1">{tx("Check the answers before sending the request", "Gwiriwch yr atebion cyn anfon y cais")}</h1>
        <dl class="govuk-summary-list" id="book-answers">
            {row(("Prisoner", "Carcharor"), view! {
                {p.name()} <br /> {answers.number.get_untracked().trim().to_uppercase()} <br /> {move || dob(p.dob)}
            }.into_any(), Step::Prisoner, "change-prisoner")}
            {row(("Times", "Amseroedd"), view! {
                <ol class="govuk-list govuk-list--number">
                    {answers.slots.get_untracked().into_iter().map(|s| view! { <li>{move || describe_slot(&s, lang.get())}</li> }).collect_view()}
                </ol>
            }.into_any(), Step::Times, "change-times")}
            {row(("Visitors", "Ymwelwyr"), view! {
                <ul class="govuk-list">
                    <li>{answers.lead.name()} " (" {tx("lead visitor", "prif ymwelydd")} "), " {move || dob(answers.lead.dob)}</li>
                    {answers.others[..answers.extra.get_untracked()].iter().copied().map(|o| view! { <li>{o.name()} ", " {move || dob(o.dob)}</li> }).collect_view()}
                </ul>
            }.into_any(), Step::Visitors, "change-visitors")}
            {row(("Contact", "Cyswllt"), view! {
                <span class="app-break">{answers.email.get_untracked()}</span> <br /> {answers.phone.get_untracked()}
                {answers.texts.get_untracked().then(|| view! { <br /> {tx("Text messages as well as emails", "Negeseuon testun yn ogystal ag e-byst")} })}
            }.into_any(), Step::Visitors, "change-contact")}
            {row(("Support needed", "Cymorth sydd ei angen"), view! {
                <span class="app-pre" id="book-support">{move || answers.support.describe(lang)}</span>
            }.into_any(), Step::Visitors, "change-support")}
            {row(("Came in by", "Daeth i mewn drwy"), view! {
                {move || answers.channel.get().map(|c| channel_label(lang, c)).unwrap_or_default()}
            }.into_any(), Step::Channel, "change-channel")}
        </dl>
        <button type="button" class="govuk-button" id="book-send" prop:disabled=move || busy.get() aria-disabled=move || busy.get().then_some("true")
            on:click=move |_| submit.run(())>
            {tx("Send the request", "Anfon y cais")}
        </button>
    }
}

#[component]
fn DoneStep(visit: StaffVisitView, again: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let booked = visit.state == VisitState::Booked;
    let confirm_by = visit.confirm_by;
    let slot = visit.booked_slot;
    let email = visit.lead_visitor.email.clone();
    view! {
        <div class="govuk-panel govuk-panel--confirmation">
            <h1 class="govuk-panel__title" id="book-heading" tabindex="-1">
                {if booked { tx("Visit booked", "Ymweliad wedi’i drefnu").into_any() } else { tx("Request sent", "Cais wedi’i anfon").into_any() }}
            </h1>
            <div class="govuk-panel__body">
                {tx("Reference", "Cyfeirnod")} <br /> <strong id="book-reference">{visit.reference.clone()}</strong>
            </div>
        </div>
        <h2 class="govuk-heading-m">{tx("What happens next", "Beth sy’n digwydd nesaf")}</h2>
        {if booked {
            view! {
                <p class="govuk-body" id="book-next">
                    {tx("The visit is booked for", "Mae’r ymweliad wedi’i drefnu ar gyfer")} " " {move || slot.map(|s| describe_slot(&s, lang.get())).unwrap_or_default()} ". "
                    {tx("We have emailed the details to", "Rydym wedi anfon y manylion drwy e-bost at")} " " <span class="app-break">{email.clone()}</span> "."
                </p>
            }.into_any()
        } else {
            view! {
                <p class="govuk-body" id="book-next">
                    {tx("The request is in the inbox, waiting for a decision by", "Mae’r cais yn y mewnflwch, yn aros am benderfyniad erbyn")} " " {move || describe_plain_date(confirm_by, lang.get())} ". "
                    {tx("We have emailed the lead visitor at", "Rydym wedi anfon e-bost at y prif ymwelydd yn")} " " <span class="app-break">{email.clone()}</span> " "
                    {tx("with a link to follow the request.", "gyda dolen i ddilyn y cais.")}
                </p>
            }.into_any()
        }}
        <p class="govuk-body">
            <a class="govuk-link" id="book-view" href=format!("/staff/visits/{}", visit.id)>{tx("View the visit", "Gweld yr ymweliad")}</a>
        </p>
        <button type="button" class="govuk-button govuk-button--secondary" id="book-another" on:click=move |_| again.run(())>
            {tx("Book another visit", "Trefnu ymweliad arall")}
        </button>
    }
}
