//! sea-orm entities: one per table, mirroring `migrations/`, with the states and reasons typed as the `domain` enums
//! (their wire names are the stored strings) and the foreign keys as relations. Only the resources' `store` modules use them.

pub mod api_key;
pub mod api_key_prison;
pub mod api_key_secret;
pub mod closed_date;
pub mod feedback;
pub mod idempotency_key;
pub mod integration_event;
pub mod journey_draft;
pub mod outbox_message;
pub mod prison;
pub mod prison_notification;
pub mod prisoner_roll;
pub mod rate_limit;
pub mod replacement_slot;
pub mod service_secret;
pub mod slot_usage;
pub mod staff_account;
pub mod staff_prison;
pub mod staff_session;
pub mod timetable_slot;
pub mod visit;
pub mod visit_message;
pub mod visit_rejection_reason;
pub mod visit_slot_choice;
pub mod visit_state_change;
pub mod visitor;
pub mod waiting_list_entry;
pub mod webhook_delivery;
pub mod webhook_subscription;
pub mod webhook_subscription_prison;

#[cfg(test)]
mod tests {
    use domain::api::Locale;
    use domain::email::{DeliveryState, EmailKind, PrisonNotifyMode};
    use domain::staff::Role;
    use domain::visit::{Actor, CancellationReason, RejectionReason, VisitState, VisitorOutcomeKind};
    use sea_orm::ActiveEnum;
    use strum::IntoEnumIterator;

    /// The stored string of every variant is its wire name (strum's, which is serde's): the columns hold what the
    /// API writes, and rows written before the columns were typed read back.
    fn stored_as_wire_name<T>()
    where
        T: ActiveEnum<Value = String> + IntoEnumIterator + Into<&'static str> + Copy + PartialEq + std::fmt::Debug,
    {
        for variant in T::iter() {
            let wire: &'static str = variant.into();
            assert_eq!(variant.to_value(), wire);
            assert_eq!(T::try_from_value(&wire.to_owned()).unwrap(), variant);
        }
        assert!(T::try_from_value(&"not_a_known_value".to_owned()).is_err());
    }

    #[test]
    fn every_typed_column_stores_the_wire_name() {
        stored_as_wire_name::<VisitState>();
        stored_as_wire_name::<Actor>();
        stored_as_wire_name::<RejectionReason>();
        stored_as_wire_name::<CancellationReason>();
        stored_as_wire_name::<VisitorOutcomeKind>();
        stored_as_wire_name::<Locale>();
        stored_as_wire_name::<Role>();
        stored_as_wire_name::<EmailKind>();
        stored_as_wire_name::<DeliveryState>();
        stored_as_wire_name::<PrisonNotifyMode>();
        stored_as_wire_name::<domain::events::WebhookDeliveryState>();
        stored_as_wire_name::<domain::feedback::Satisfaction>();
        stored_as_wire_name::<domain::feedback::FeedbackSource>();
    }
}
