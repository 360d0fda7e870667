//! Two parts of the visit page that come from the service's back room: the prisoner checks made against the
//! prison's records when the request arrived, and where each email and text message about the visit is on its way
//! out.

use domain::email::{DeliveryState, EmailKind, MessageChannel};
use domain::records::{CheckKind, CheckOutcome, CheckResult};
use domain::staff::{EmailDelivery, StaffVisitorView};
use frontend_shared::i18n::{Lang, tx, use_lang};
use leptos::prelude::*;

use crate::ui::when;

/// Each check's result, failures first in the order they were made; nothing when no checks were made.
#[component]
pub fn RecordsChecks(checks: Vec<CheckResult>, visitors: Vec<StaffVisitorView>, suggested: bool) -> impl IntoView {
    let lang = use_lang();
    (!checks.is_empty()).then(|| {
        view! {
            <h2 class="govuk-heading-m" id="records-checks-heading">{tx("Prison records checks", "Gwiriadau cofnodion y carchar")}</h2>
            {suggested.then(|| view! {
                <p class="govuk-body">
                    {tx(
                        "The reasons these results point to are already ticked under Reject.",
                        "Mae’r rhesymau y mae’r canlyniadau hyn yn cyfeirio atynt eisoes wedi’u ticio o dan Gwrthod.",
                    )}
                </p>
            })}
            <ul class="govuk-list" id="records-checks">
                {checks
                    .into_iter()
                    .map(|check| {
                        let who = check
                            .visitor_index
                            .and_then(|i| visitors.iter().find(|v| v.index == i))
                            .map(|v| format!("{} {}", v.first_name, v.last_name));
                        let (class, label) = outcome_tag(check.outcome);
                        let kind = check.check;
                        view! {
                            <li class="app-check" data-check=check_code(kind) data-outcome=outcome_code(check.outcome)>
                                <strong class=class>{tx(label.0, label.1)}</strong>
                                " "
                                {move || check_label(lang, kind)}
                                {who.map(|who| format!(": {who}"))}
                                <br />
                                <span class="govuk-body-s">{check.detail}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// How the visitor chose to be told, as a sentence: "Told by email and text message".
pub fn contact_by_label(lang: Lang, channels: &[MessageChannel]) -> &'static str {
    let email = channels.contains(&MessageChannel::Email);
    let sms = channels.contains(&MessageChannel::Sms);
    match (email, sms) {
        (true, true) => lang.t("Told by email and text message", "Yn cael gwybod drwy e-bost a neges destun"),
        (false, true) => lang.t("Told by text message only", "Yn cael gwybod drwy neges destun yn unig"),
        _ => lang.t("Told by email only", "Yn cael gwybod drwy e-bost yn unig"),
    }
}

/// The emails and text messages about the visit, oldest first, each with its channel and delivery state.
#[component]
pub fn EmailDeliveries(emails: Vec<EmailDelivery>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2 class="govuk-heading-m">{tx("Emails and texts", "E-byst a negeseuon testun")}</h2>
        {if emails.is_empty() {
            view! { <p class="govuk-body">{tx("No emails or texts about this visit.", "Dim e-byst na negeseuon testun am yr ymweliad hwn.")}</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list" id="emails">
                    {emails
                        .into_iter()
                        .map(|email| {
                            let (class, label) = state_tag(email.state);
                            let kind = email.kind;
                            let channel = email.channel;
                            let created = email.created_at;
                            let sent = email.sent_at;
                            let next = email.next_attempt_at;
                            let attempts = email.attempts;
                            let error = email.last_error.clone();
                            view! {
                                <li class="app-message" data-kind=kind.as_str() data-channel=channel.as_str() data-state=email.state.as_str()>
                                    <strong>{move || kind_label(lang, kind)}</strong>
                                    " "
                                    {move || match channel {
                                        MessageChannel::Email => lang.t("(email)", "(e-bost)"),
                                        MessageChannel::Sms => lang.t("(text message)", "(neges destun)"),
                                    }}
                                    " "
                                    <strong class=class>{tx(label.0, label.1)}</strong>
                                    <br />
                                    <span class="govuk-body-s">
                                        {move || match sent {
                                            Some(at) => format!("{} {}", lang.t("Sent", "Anfonwyd"), when(lang, at)),
                                            None => format!("{} {}", lang.t("Written", "Ysgrifennwyd"), when(lang, created)),
                                        }}
                                        {move || (attempts > 1 || error.is_some()).then(|| {
                                            format!(". {} {attempts}", lang.t("Tries:", "Ymdrechion:"))
                                        })}
                                        {move || next.filter(|_| email.state == DeliveryState::Retrying).map(|at| {
                                            format!(". {} {}", lang.t("Next try", "Ymgais nesaf"), when(lang, at))
                                        })}
                                    </span>
                                    {email.last_error.map(|e| view! { <br /><span class="govuk-body-s">{e}</span> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

fn outcome_tag(outcome: CheckOutcome) -> (&'static str, (&'static str, &'static str)) {
    match outcome {
        CheckOutcome::Pass => ("govuk-tag govuk-tag--green", ("Passed", "Wedi pasio")),
        CheckOutcome::Fail => ("govuk-tag govuk-tag--red", ("Failed", "Wedi methu")),
        CheckOutcome::Unknown => ("govuk-tag govuk-tag--yellow", ("Check by hand", "Gwiriwch â llaw")),
    }
}

fn outcome_code(outcome: CheckOutcome) -> &'static str {
    match outcome {
        CheckOutcome::Pass => "pass",
        CheckOutcome::Fail => "fail",
        CheckOutcome::Unknown => "unknown",
    }
}

fn check_code(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::PrisonerDetails => "prisoner_details",
        CheckKind::AtThisPrison => "at_this_prison",
        CheckKind::VisitingAllowance => "visiting_allowance",
        CheckKind::AvailableAtChosenTimes => "available_at_chosen_times",
        CheckKind::Visitor => "visitor",
    }
}

fn check_label(lang: Lang, kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::PrisonerDetails => lang.t("Prisoner’s details match", "Manylion y carcharor yn cyfateb"),
        CheckKind::AtThisPrison => lang.t("At this prison", "Yn y carchar hwn"),
        CheckKind::VisitingAllowance => lang.t("Visiting allowance left", "Lwfans ymweld ar ôl"),
        CheckKind::AvailableAtChosenTimes => {
            lang.t("Available at the chosen times", "Ar gael ar yr amseroedd a ddewiswyd")
        }
        CheckKind::Visitor => lang.t("Approved visitor", "Ymwelydd cymeradwy"),
    }
}

fn state_tag(state: DeliveryState) -> (&'static str, (&'static str, &'static str)) {
    match state {
        DeliveryState::Pending => ("govuk-tag govuk-tag--blue", ("Waiting to send", "Yn aros i’w anfon")),
        DeliveryState::Sent => ("govuk-tag govuk-tag--green", ("Sent", "Wedi’i anfon")),
        DeliveryState::Retrying => ("govuk-tag govuk-tag--yellow", ("Retrying", "Yn rhoi cynnig arall arni")),
        DeliveryState::Failed => (
            "govuk-tag govuk-tag--red",
            ("Failed: contact the visitor another way", "Wedi methu: cysylltwch â’r ymwelydd mewn ffordd arall"),
        ),
    }
}

fn kind_label(lang: Lang, kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::RequestReceived => lang.t("Request received", "Cais wedi dod i law"),
        EmailKind::Booked => lang.t("Visit booked", "Ymweliad wedi’i drefnu"),
        EmailKind::Rejected => lang.t("Request rejected", "Cais wedi’i wrthod"),
        EmailKind::Withdrawn => lang.t("Request withdrawn", "Cais wedi’i dynnu’n ôl"),
        EmailKind::Cancelled => lang.t("Visit cancelled", "Ymweliad wedi’i ganslo"),
        EmailKind::StaffMessage => lang.t("Message from the prison", "Neges gan y carchar"),
        EmailKind::WaitingListJoined => lang.t("On the waiting list", "Ar y rhestr aros"),
        EmailKind::WaitingListOffered => lang.t("A place has come up", "Mae lle wedi dod ar gael"),
        EmailKind::WaitingListExpired => lang.t("Waiting list ended", "Rhestr aros wedi dod i ben"),
        EmailKind::Reminder => lang.t("Reminder before the visit", "Nodyn atgoffa cyn yr ymweliad"),
        EmailKind::PrisonNewRequest => lang.t("New request, to the prison", "Cais newydd, i’r carchar"),
        EmailKind::PrisonDigest => lang.t("Daily summary, to the prison", "Crynodeb dyddiol, i’r carchar"),
        EmailKind::WebhookDisabled => {
            lang.t("Webhook turned off, to the admins", "Bachyn gwe wedi’i ddiffodd, i’r gweinyddwyr")
        }
    }
}
