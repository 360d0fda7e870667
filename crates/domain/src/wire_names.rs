//! Tests that each enum's wire name is one name: strum's (`as_str`, `FromStr`, the database value) is serde's for
//! every variant, so the JSON, the columns and the SQL binds cannot drift apart.

use std::fmt::Debug;
use std::str::FromStr;

use serde::Serialize;
use serde::de::DeserializeOwned;
use strum::IntoEnumIterator;

use crate::api::Locale;
use crate::email::{DeliveryState, EmailKind, MessageChannel, PrisonNotifyMode};
use crate::error::ErrorCode;
use crate::staff::Role;
use crate::visit::{Actor, CancellationReason, RejectionReason, VisitState, VisitorOutcome, VisitorOutcomeKind};

/// Every variant: serde writes and reads strum's name, strum reads it back, and nothing else parses (no case folding).
fn serde_and_strum_agree<T>()
where
    T: IntoEnumIterator + Into<&'static str> + FromStr + Serialize + DeserializeOwned + PartialEq + Debug + Copy,
    <T as FromStr>::Err: Debug,
{
    let mut count = 0;
    for variant in T::iter() {
        let name: &'static str = variant.into();
        assert_eq!(serde_json::to_value(variant).unwrap(), serde_json::Value::String(name.to_owned()));
        assert_eq!(serde_json::from_value::<T>(serde_json::Value::String(name.to_owned())).unwrap(), variant);
        assert_eq!(name.parse::<T>().unwrap(), variant);
        assert!(name.to_uppercase().parse::<T>().is_err(), "{name} parsed in upper case");
        count += 1;
    }
    assert!(count > 0);
}

#[test]
fn visit_states_have_one_wire_name() {
    serde_and_strum_agree::<VisitState>();
    assert_eq!(VisitState::iter().collect::<Vec<_>>(), VisitState::ALL);
    assert_eq!(VisitState::Requested.as_str(), "requested");
}

#[test]
fn actors_have_one_wire_name() {
    serde_and_strum_agree::<Actor>();
    assert_eq!(Actor::iter().collect::<Vec<_>>(), Actor::ALL);
}

#[test]
fn rejection_reasons_have_one_wire_name() {
    serde_and_strum_agree::<RejectionReason>();
    assert_eq!(RejectionReason::iter().collect::<Vec<_>>(), RejectionReason::ALL);
    assert_eq!(RejectionReason::VisitorNotOnContactList.as_str(), "visitor_not_on_contact_list");
}

#[test]
fn cancellation_reasons_have_one_wire_name() {
    serde_and_strum_agree::<CancellationReason>();
    assert_eq!(CancellationReason::iter().collect::<Vec<_>>(), CancellationReason::ALL);
    assert_eq!(CancellationReason::PrisonerHasNoVisitingOrders.as_str(), "prisoner_has_no_visiting_orders");
}

#[test]
fn visitor_outcomes_have_one_wire_name() {
    serde_and_strum_agree::<VisitorOutcomeKind>();
    for outcome in VisitorOutcome::ALL {
        // The tagged JSON's `outcome` is the kind's name, which is the outcome's `as_str`.
        let json = serde_json::to_value(outcome).unwrap();
        assert_eq!(json["outcome"], serde_json::Value::String(outcome.as_str().to_owned()));
        assert_eq!(<&'static str>::from(outcome.kind()), outcome.as_str());
        assert_eq!(VisitorOutcome::from_parts(outcome.kind(), None), outcome);
    }
    assert_eq!(VisitorOutcomeKind::iter().count(), VisitorOutcome::ALL.len());
}

#[test]
fn locales_have_one_wire_name() {
    serde_and_strum_agree::<Locale>();
    assert_eq!(Locale::Cy.as_str(), "cy");
}

#[test]
fn roles_have_one_wire_name() {
    serde_and_strum_agree::<Role>();
    assert_eq!(Role::iter().collect::<Vec<_>>(), Role::ALL);
}

#[test]
fn email_kinds_have_one_wire_name() {
    serde_and_strum_agree::<EmailKind>();
    assert_eq!(EmailKind::iter().collect::<Vec<_>>(), EmailKind::ALL);
}

#[test]
fn delivery_states_have_one_wire_name() {
    serde_and_strum_agree::<DeliveryState>();
}

#[test]
fn prison_notify_modes_have_one_wire_name() {
    serde_and_strum_agree::<PrisonNotifyMode>();
}

#[test]
fn error_codes_have_one_wire_name() {
    serde_and_strum_agree::<ErrorCode>();
    assert_eq!(ErrorCode::InvalidStateTransition.as_str(), "invalid_state_transition");
}

#[test]
fn message_channels_have_one_wire_name() {
    serde_and_strum_agree::<MessageChannel>();
    assert_eq!(MessageChannel::Sms.as_str(), "sms");
}

#[test]
fn feedback_answers_and_sources_have_one_wire_name() {
    use crate::feedback::{FeedbackSource, Satisfaction};
    serde_and_strum_agree::<Satisfaction>();
    serde_and_strum_agree::<FeedbackSource>();
    assert_eq!(Satisfaction::iter().collect::<Vec<_>>(), Satisfaction::ALL);
    assert_eq!(Satisfaction::VeryDissatisfied.as_str(), "very_dissatisfied");
}
