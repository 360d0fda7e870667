//! What staff read for a visit's states, actors, visitor outcomes and reasons.

use domain::i18n::describe_plain_date;
use domain::visit::{Actor, CancellationReason, RejectionReason, VisitState, VisitorOutcome};
use frontend_shared::i18n::Lang;

use crate::ui::state_label;

pub(super) fn timeline_label(lang: Lang, state: VisitState) -> &'static str {
    match state {
        VisitState::Requested => lang.t("Requested", "Gofynnwyd amdano"),
        other => state_label(lang, other),
    }
}

pub(super) fn actor_label(lang: Lang, actor: Actor) -> &'static str {
    match actor {
        Actor::Visitor => lang.t("the visitor", "yr ymwelydd"),
        Actor::Staff => lang.t("staff", "staff"),
        Actor::Integrator => lang.t("another system", "system arall"),
        Actor::System => lang.t("the service", "y gwasanaeth"),
    }
}

pub(super) fn outcome_label(lang: Lang, outcome: &VisitorOutcome) -> String {
    match outcome {
        VisitorOutcome::Banned { until: Some(until) } => {
            format!("{} {}", lang.t("Banned until", "Wedi’i wahardd tan"), describe_plain_date(*until, lang.get()))
        }
        VisitorOutcome::Banned { until: None } => lang.t("Banned", "Wedi’i wahardd").into(),
        VisitorOutcome::NotOnContactList => lang.t("Not on contact list", "Ddim ar y rhestr gysylltiadau").into(),
        VisitorOutcome::Other => lang.t("Cannot come", "Methu dod").into(),
    }
}

pub(super) fn reason_label(lang: Lang, wire: &str) -> String {
    if let Ok(reason) = wire.parse::<RejectionReason>() {
        rejection_label(lang, reason).into()
    } else if let Ok(reason) = wire.parse::<CancellationReason>() {
        cancellation_label(lang, reason).into()
    } else {
        wire.to_string()
    }
}

pub fn rejection_label(lang: Lang, reason: RejectionReason) -> &'static str {
    match reason {
        RejectionReason::SlotUnavailable => {
            lang.t("None of the chosen times is available", "Nid oes unrhyw un o’r amseroedd a ddewiswyd ar gael")
        }
        RejectionReason::NoAllowance => lang.t("No visiting allowance left", "Dim lwfans ymweld ar ôl"),
        RejectionReason::PrisonerDetailsIncorrect => {
            lang.t("Prisoner details are incorrect", "Mae manylion y carcharor yn anghywir")
        }
        RejectionReason::PrisonerMoved => lang.t("Prisoner has moved", "Mae’r carcharor wedi symud"),
        RejectionReason::PrisonerReleased => lang.t("Prisoner has been released", "Mae’r carcharor wedi’i ryddhau"),
        RejectionReason::PrisonerOutOfPrison => {
            lang.t("Prisoner is out of prison at those times", "Bydd y carcharor allan o’r carchar ar yr adegau hynny")
        }
        RejectionReason::PrisonerNonAssociation => {
            lang.t("Prisoner non-association", "Gwahardd cysylltiad â charcharor")
        }
        RejectionReason::ChildProtectionIssues => lang.t("Child protection issues", "Materion amddiffyn plant"),
        RejectionReason::VisitorBanned => lang.t("A visitor is banned", "Mae ymwelydd wedi’i wahardd"),
        RejectionReason::VisitorNotOnContactList => lang
            .t("A visitor is not on the approved contact list", "Nid yw ymwelydd ar y rhestr gysylltiadau gymeradwy"),
        RejectionReason::DuplicateRequest => lang.t("Duplicate request", "Cais dyblyg"),
        RejectionReason::Other => lang.t(
            "Other (the visitor is told to contact the prison)",
            "Arall (dywedir wrth yr ymwelydd am gysylltu â’r carchar)",
        ),
    }
}

pub fn cancellation_label(lang: Lang, reason: CancellationReason) -> &'static str {
    match reason {
        CancellationReason::PrisonerHasNoVisitingOrders => {
            lang.t("Prisoner has no visiting orders left", "Nid oes gan y carcharor orchmynion ymweld ar ôl")
        }
        CancellationReason::PrisonerReleased => lang.t("Prisoner has been released", "Mae’r carcharor wedi’i ryddhau"),
        CancellationReason::PrisonerMoved => lang.t("Prisoner has moved", "Mae’r carcharor wedi symud"),
        CancellationReason::NonAssociation => lang.t("Non-association", "Gwahardd cysylltiad"),
        CancellationReason::ChildProtectionIssues => lang.t("Child protection issues", "Materion amddiffyn plant"),
        CancellationReason::SlotUnavailable => {
            lang.t("The visit time is no longer available", "Nid yw amser yr ymweliad ar gael mwyach")
        }
        CancellationReason::VisitorBanned => lang.t("A visitor is banned", "Mae ymwelydd wedi’i wahardd"),
        CancellationReason::PrisonerCancelled => {
            lang.t("Prisoner cancelled the visit", "Canslodd y carcharor yr ymweliad")
        }
        CancellationReason::BookedInError => lang.t("Booked in error", "Wedi’i drefnu trwy gamgymeriad"),
        CancellationReason::CapacityIssues => lang.t("Capacity issues", "Problemau capasiti"),
        CancellationReason::VisitorCancelled => lang.t("The visitor cancelled", "Canslodd yr ymwelydd"),
    }
}
