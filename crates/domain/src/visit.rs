//! The life of a visit: its states, who moves it between them, and which moves are allowed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::slot::Slot;

/// Where a visit is in its life. `requested` -> `booked` | `rejected` | `withdrawn`; `booked` -> `cancelled`.
/// On the waiting list (every chosen time was full): `waiting` -> `booked` (a freed place at an instant-booking
/// prison) | `requested` (a freed place held for staff to decide elsewhere) | `withdrawn` (the visitor left the
/// line) | `expired` (every chosen time passed before a place came up).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum VisitState {
    Requested,
    Booked,
    Rejected,
    Withdrawn,
    Cancelled,
    /// On the waiting list for its chosen times, all full when it joined.
    Waiting,
    /// Left the waiting list unserved: every chosen time passed.
    Expired,
}

impl VisitState {
    pub const ALL: [VisitState; 7] = [
        VisitState::Requested,
        VisitState::Booked,
        VisitState::Rejected,
        VisitState::Withdrawn,
        VisitState::Cancelled,
        VisitState::Waiting,
        VisitState::Expired,
    ];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether a visit may move from this state to `to`.
    pub fn can_become(self, to: VisitState) -> bool {
        use VisitState::*;
        matches!(
            (self, to),
            (Requested, Booked)
                | (Requested, Rejected)
                | (Requested, Withdrawn)
                | (Booked, Cancelled)
                | (Waiting, Booked)
                | (Waiting, Requested)
                | (Waiting, Withdrawn)
                | (Waiting, Expired)
        )
    }

    /// No further change is possible.
    pub fn is_final(self) -> bool {
        VisitState::ALL.into_iter().all(|to| !self.can_become(to))
    }
}

/// Who made a change.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum Actor {
    /// The visitor, through the private link.
    Visitor,
    /// A member of prison staff.
    Staff,
    /// Another system calling the API.
    Integrator,
    /// The service itself (for example instant booking).
    System,
}

impl Actor {
    pub const ALL: [Actor; 4] = [Actor::Visitor, Actor::Staff, Actor::Integrator, Actor::System];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How a request came in: the visitor's own website journey, staff taking it on the phone or in person at the
/// prison, or another system (a contact centre) through the API. Stored on the visit, shown to staff and counted in
/// the metrics. Requests made before channels were recorded are `website`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    /// The visitor, through the website.
    #[default]
    Website,
    /// Staff, for a visitor who telephoned.
    Phone,
    /// Staff, for a visitor at the prison.
    InPerson,
    /// Another system calling the API with a key (a contact centre).
    Integrator,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Website, Channel::Phone, Channel::InPerson, Channel::Integrator];

    /// The channels a member of staff may record for a request they take.
    pub const STAFF: [Channel; 2] = [Channel::Phone, Channel::InPerson];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The English label staff see ("Phone"); the staff app words it in Welsh too.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Website => "Website",
            Channel::Phone => "Phone",
            Channel::InPerson => "In person",
            Channel::Integrator => "Integrator",
        }
    }
}

/// Why staff (or the service) turned a request down.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum RejectionReason {
    /// None of the chosen times is possible.
    SlotUnavailable,
    /// The prisoner has no visiting allowance left (the date it renews travels beside the reason).
    NoAllowance,
    PrisonerDetailsIncorrect,
    PrisonerMoved,
    PrisonerReleased,
    /// At court, in hospital or otherwise away at the chosen times.
    PrisonerOutOfPrison,
    PrisonerNonAssociation,
    ChildProtectionIssues,
    VisitorBanned,
    VisitorNotOnContactList,
    DuplicateRequest,
    /// Staff explain in an internal note, which the visitor does not see.
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 12] = [
        RejectionReason::SlotUnavailable,
        RejectionReason::NoAllowance,
        RejectionReason::PrisonerDetailsIncorrect,
        RejectionReason::PrisonerMoved,
        RejectionReason::PrisonerReleased,
        RejectionReason::PrisonerOutOfPrison,
        RejectionReason::PrisonerNonAssociation,
        RejectionReason::ChildProtectionIssues,
        RejectionReason::VisitorBanned,
        RejectionReason::VisitorNotOnContactList,
        RejectionReason::DuplicateRequest,
        RejectionReason::Other,
    ];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the visitor is told, as one item of a list under "We could not book your visit". Reasons that touch on
    /// someone's safety are worded so they reveal nothing a visitor could act on.
    pub fn visitor_wording(&self) -> &'static str {
        match self {
            RejectionReason::SlotUnavailable => "None of the times you chose are available",
            RejectionReason::NoAllowance => "The prisoner has no visiting allowance left",
            RejectionReason::PrisonerDetailsIncorrect => "The prisoner details you gave do not match our records",
            RejectionReason::PrisonerMoved => "The prisoner has moved to another prison",
            RejectionReason::PrisonerReleased => "The prisoner has been released",
            RejectionReason::PrisonerOutOfPrison => "The prisoner will be away from the prison at the times you chose",
            RejectionReason::PrisonerNonAssociation | RejectionReason::ChildProtectionIssues => {
                "The prisoner has a restriction"
            }
            RejectionReason::VisitorBanned => "A visitor is not allowed to visit at the moment",
            RejectionReason::VisitorNotOnContactList => "A visitor is not on the prisoner’s approved contact list",
            RejectionReason::DuplicateRequest => "You have already asked for this visit",
            RejectionReason::Other => "Contact the prison to find out why",
        }
    }
}

/// Why a booked visit was cancelled: by staff, with one of the staff reasons, or by the visitor.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum CancellationReason {
    PrisonerHasNoVisitingOrders,
    PrisonerReleased,
    PrisonerMoved,
    NonAssociation,
    ChildProtectionIssues,
    SlotUnavailable,
    VisitorBanned,
    PrisonerCancelled,
    BookedInError,
    CapacityIssues,
    /// The visitor cancelled through their private link; never chosen by staff.
    VisitorCancelled,
}

impl CancellationReason {
    pub const ALL: [CancellationReason; 11] = [
        CancellationReason::PrisonerHasNoVisitingOrders,
        CancellationReason::PrisonerReleased,
        CancellationReason::PrisonerMoved,
        CancellationReason::NonAssociation,
        CancellationReason::ChildProtectionIssues,
        CancellationReason::SlotUnavailable,
        CancellationReason::VisitorBanned,
        CancellationReason::PrisonerCancelled,
        CancellationReason::BookedInError,
        CancellationReason::CapacityIssues,
        CancellationReason::VisitorCancelled,
    ];

    /// The reasons staff choose from.
    pub const STAFF: [CancellationReason; 10] = [
        CancellationReason::PrisonerHasNoVisitingOrders,
        CancellationReason::PrisonerReleased,
        CancellationReason::PrisonerMoved,
        CancellationReason::NonAssociation,
        CancellationReason::ChildProtectionIssues,
        CancellationReason::SlotUnavailable,
        CancellationReason::VisitorBanned,
        CancellationReason::PrisonerCancelled,
        CancellationReason::BookedInError,
        CancellationReason::CapacityIssues,
    ];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// True for the reasons staff may give (everything except the visitor's own cancellation).
    pub fn is_staff_reason(self) -> bool {
        self != CancellationReason::VisitorCancelled
    }

    /// What the visitor is told, as one sentence under "Your visit has been cancelled".
    pub fn visitor_wording(&self) -> &'static str {
        match self {
            CancellationReason::PrisonerHasNoVisitingOrders => "The prisoner has no visiting allowance left",
            CancellationReason::PrisonerReleased => "The prisoner has been released",
            CancellationReason::PrisonerMoved => "The prisoner has moved to another prison",
            CancellationReason::NonAssociation | CancellationReason::ChildProtectionIssues => {
                "The prisoner has a restriction"
            }
            CancellationReason::SlotUnavailable => "The visit time is no longer available",
            CancellationReason::VisitorBanned => "A visitor is not allowed to visit at the moment",
            CancellationReason::PrisonerCancelled => "The prisoner has cancelled the visit",
            CancellationReason::BookedInError => "The visit was booked by mistake",
            CancellationReason::CapacityIssues => "The prison does not have room for the visit at this time",
            CancellationReason::VisitorCancelled => "You cancelled the visit",
        }
    }
}

/// Why staff excluded one visitor from a visit that may still go ahead for the others.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
// The kind of outcome without a ban's date: what the `visitor.outcome` column holds (the date is stored beside it).
#[strum_discriminants(
    name(VisitorOutcomeKind),
    derive(Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::EnumIter),
    serde(rename_all = "snake_case"),
    strum(serialize_all = "snake_case"),
    cfg_attr(
        feature = "sea-orm",
        derive(sea_orm::DeriveActiveEnum),
        sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
    )
)]
pub enum VisitorOutcome {
    /// Banned from visiting; `until` is the last day of the ban when staff know it.
    Banned {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        until: Option<NaiveDate>,
    },
    NotOnContactList,
    Other,
}

impl VisitorOutcome {
    pub const ALL: [VisitorOutcome; 3] =
        [VisitorOutcome::Banned { until: None }, VisitorOutcome::NotOnContactList, VisitorOutcome::Other];

    /// The stable wire and database name of the kind of outcome: strum's, the same as serde's `outcome` tag.
    pub fn as_str(&self) -> &'static str {
        self.into()
    }

    /// The kind of outcome, as stored.
    pub fn kind(&self) -> VisitorOutcomeKind {
        self.into()
    }

    /// Rebuilds an outcome stored as its kind and a ban's end date; the date is ignored for other outcomes.
    pub fn from_parts(kind: VisitorOutcomeKind, until: Option<NaiveDate>) -> VisitorOutcome {
        match kind {
            VisitorOutcomeKind::Banned => VisitorOutcome::Banned { until },
            VisitorOutcomeKind::NotOnContactList => VisitorOutcome::NotOnContactList,
            VisitorOutcomeKind::Other => VisitorOutcome::Other,
        }
    }

    pub fn until(&self) -> Option<NaiveDate> {
        match self {
            VisitorOutcome::Banned { until } => *until,
            _ => None,
        }
    }

    /// Completes a sentence that starts with the visitor's name: "Amy Smith cannot come because …".
    pub fn visitor_wording(&self) -> &'static str {
        match self {
            VisitorOutcome::Banned { .. } => "is not allowed to visit at the moment",
            VisitorOutcome::NotOnContactList => "is not on the prisoner’s approved contact list",
            VisitorOutcome::Other => "cannot come on this visit",
        }
    }

    /// A whole sentence about one visitor, with the end of a ban when known: "Amy Smith is not allowed to visit
    /// until 1 January 2027".
    pub fn visitor_sentence(&self, name: &str) -> String {
        match self {
            VisitorOutcome::Banned { until: Some(until) } => {
                format!("{name} is not allowed to visit until {}", until.format("%-d %B %Y"))
            }
            _ => format!("{name} {}", self.visitor_wording()),
        }
    }
}

/// What happens to a request when staff exclude some of its visitors: without its lead visitor, or without anyone
/// left to come, the visit cannot go ahead.
pub fn outcome_of_visitor_exclusions(lead_excluded: bool, excluded: usize, total: usize) -> VisitState {
    if lead_excluded || excluded >= total { VisitState::Rejected } else { VisitState::Booked }
}

impl VisitState {
    /// The visitor may withdraw a request only while staff have not decided it, and leave the waiting list while
    /// on it.
    pub fn visitor_can_withdraw(self) -> bool {
        matches!(self, VisitState::Requested | VisitState::Waiting)
    }
}

/// The visitor may withdraw a request while staff have not decided it and one of its chosen times (`choices`, UK
/// time) is still to come: once every time has started there is nothing left to withdraw (the request can only be
/// recorded as rejected), and no email is sent about it.
pub fn visitor_can_withdraw(state: VisitState, choices: &[Slot], now: DateTime<Utc>) -> bool {
    state.visitor_can_withdraw() && choices.iter().any(|slot| !has_started(slot, now))
}

/// The visitor may cancel a booked visit until it starts.
pub fn visitor_can_cancel(state: VisitState, booked_slot: &Slot, now: DateTime<Utc>) -> bool {
    state == VisitState::Booked && !has_started(booked_slot, now)
}

/// Whether a visit at `slot` (UK time) has started by `now`. From then on nothing changes the visit except recording
/// what happened: it can no longer be booked into that time, cancelled by its visitor or by staff.
pub fn has_started(slot: &Slot, now: DateTime<Utc>) -> bool {
    now >= crate::calendar::slot_starts_at(slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        use VisitState::*;
        let allowed: Vec<(VisitState, VisitState)> = VisitState::ALL
            .into_iter()
            .flat_map(|from| VisitState::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.can_become(*to))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Requested, Booked),
                (Requested, Rejected),
                (Requested, Withdrawn),
                (Booked, Cancelled),
                (Waiting, Requested),
                (Waiting, Booked),
                (Waiting, Withdrawn),
                (Waiting, Expired),
            ]
        );
        assert!(Rejected.is_final() && Withdrawn.is_final() && Cancelled.is_final() && Expired.is_final());
        assert!(!Requested.is_final() && !Booked.is_final() && !Waiting.is_final());
    }

    #[test]
    fn channels_have_stable_wire_names() {
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, ["website", "phone", "in_person", "integrator"]);
        assert_eq!(serde_json::to_string(&Channel::InPerson).unwrap(), r#""in_person""#);
        assert_eq!("in_person".parse::<Channel>().ok(), Some(Channel::InPerson));
        assert_eq!(Channel::default(), Channel::Website);
    }

    #[test]
    fn every_reason_has_visitor_wording() {
        for reason in RejectionReason::ALL {
            assert!(!reason.visitor_wording().is_empty());
        }
        assert_eq!("REQUESTED".parse::<VisitState>().ok(), None);
        assert_eq!("Other".parse::<RejectionReason>().ok(), None);
    }

    #[test]
    fn staff_choose_from_every_cancellation_reason_but_the_visitors_own() {
        assert!(CancellationReason::STAFF.iter().all(|r| r.is_staff_reason()));
        assert!(!CancellationReason::VisitorCancelled.is_staff_reason());
        assert_eq!(CancellationReason::STAFF.len() + 1, CancellationReason::ALL.len());
    }

    #[test]
    fn safeguarding_reasons_are_worded_gently_for_the_visitor() {
        assert_eq!(RejectionReason::PrisonerNonAssociation.visitor_wording(), "The prisoner has a restriction");
        assert_eq!(RejectionReason::ChildProtectionIssues.visitor_wording(), "The prisoner has a restriction");
        assert_eq!(CancellationReason::NonAssociation.visitor_wording(), "The prisoner has a restriction");
        assert_eq!(CancellationReason::ChildProtectionIssues.visitor_wording(), "The prisoner has a restriction");
    }

    #[test]
    fn a_visitor_outcome_travels_with_its_kind_and_the_end_of_a_ban() {
        let until = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let banned = VisitorOutcome::Banned { until: Some(until) };
        assert_eq!(serde_json::to_string(&banned).unwrap(), r#"{"outcome":"banned","until":"2027-01-01"}"#);
        assert_eq!(serde_json::to_string(&VisitorOutcome::Other).unwrap(), r#"{"outcome":"other"}"#);
        let read: VisitorOutcome = serde_json::from_str(r#"{"outcome":"banned"}"#).unwrap();
        assert_eq!(read, VisitorOutcome::Banned { until: None });
        assert_eq!(VisitorOutcome::from_parts(VisitorOutcomeKind::Banned, Some(until)), banned);
        assert_eq!(VisitorOutcome::from_parts(VisitorOutcomeKind::Other, Some(until)), VisitorOutcome::Other);
        assert_eq!(banned.visitor_sentence("Amy Smith"), "Amy Smith is not allowed to visit until 1 January 2027");
        assert_eq!(
            VisitorOutcome::NotOnContactList.visitor_sentence("Amy Smith"),
            "Amy Smith is not on the prisoner’s approved contact list"
        );
    }

    #[test]
    fn a_visit_goes_ahead_unless_the_lead_visitor_or_everyone_is_excluded() {
        assert_eq!(outcome_of_visitor_exclusions(false, 0, 3), VisitState::Booked);
        assert_eq!(outcome_of_visitor_exclusions(false, 2, 3), VisitState::Booked);
        assert_eq!(outcome_of_visitor_exclusions(true, 1, 3), VisitState::Rejected);
        assert_eq!(outcome_of_visitor_exclusions(false, 3, 3), VisitState::Rejected);
        assert_eq!(outcome_of_visitor_exclusions(true, 1, 1), VisitState::Rejected);
    }

    #[test]
    fn a_booked_visit_can_be_cancelled_by_the_visitor_until_it_starts() {
        use chrono::{NaiveTime, TimeZone};
        let slot = Slot::new(
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
        );
        // 14:00 in London in July is 13:00 UTC.
        let just_before = Utc.with_ymd_and_hms(2026, 7, 1, 12, 59, 59).unwrap();
        let at_start = Utc.with_ymd_and_hms(2026, 7, 1, 13, 0, 0).unwrap();
        assert!(visitor_can_cancel(VisitState::Booked, &slot, just_before));
        assert!(!visitor_can_cancel(VisitState::Booked, &slot, at_start));
        assert!(!visitor_can_cancel(VisitState::Requested, &slot, just_before));
        assert!(VisitState::Requested.visitor_can_withdraw());
        assert!(!VisitState::Booked.visitor_can_withdraw());
    }
}
