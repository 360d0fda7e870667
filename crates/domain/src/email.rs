//! What the service's emails are and how their delivery stands, as the API and the staff app both name them: the
//! kinds of email, their delivery states, and a prison's notification settings. The server renders them.

use serde::{Deserialize, Serialize};

/// What a message is about; the stable name is stored in the outbox and chooses a Notify template.
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
pub enum EmailKind {
    /// To the visitor: we have the request, with the confirm-by date and the private link.
    RequestReceived,
    /// To the visitor: booked, with a calendar file.
    Booked,
    /// To the visitor: rejected, with the reasons.
    Rejected,
    /// To the visitor: they withdrew the request.
    Withdrawn,
    /// To the visitor: the booked visit is cancelled (by them or by staff), with a calendar cancellation.
    Cancelled,
    /// To the visitor: a one-off message from staff.
    StaffMessage,
    /// To the visitor: they joined the waiting list for times that are all full.
    WaitingListJoined,
    /// To the visitor: a place came up at a prison that does not book instantly; it is held while staff decide.
    WaitingListOffered,
    /// To the visitor: every time they waited for has passed without a place coming up.
    WaitingListExpired,
    /// To the visitor: their booked visit is coming up (the prison's lead time before it), with the time, the
    /// address, who can come, what to bring and the link to cancel.
    Reminder,
    /// To the prison's visits mailbox: a new request.
    PrisonNewRequest,
    /// To the prison's visits mailbox: yesterday's new requests in one email.
    PrisonDigest,
    /// To each admin: a webhook subscription was turned off because its deliveries kept failing.
    WebhookDisabled,
}

impl EmailKind {
    pub const ALL: [EmailKind; 13] = [
        EmailKind::RequestReceived,
        EmailKind::Booked,
        EmailKind::Rejected,
        EmailKind::Withdrawn,
        EmailKind::Cancelled,
        EmailKind::StaffMessage,
        EmailKind::WaitingListJoined,
        EmailKind::WaitingListOffered,
        EmailKind::WaitingListExpired,
        EmailKind::Reminder,
        EmailKind::PrisonNewRequest,
        EmailKind::PrisonDigest,
        EmailKind::WebhookDisabled,
    ];

    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// True for the emails that go to the prison rather than the visitor.
    pub fn is_for_prison(self) -> bool {
        matches!(self, EmailKind::PrisonNewRequest | EmailKind::PrisonDigest)
    }

    /// True for the emails about a visit that go to its lead visitor.
    pub fn is_for_visitor(self) -> bool {
        !self.is_for_prison() && self != EmailKind::WebhookDisabled
    }
}

/// Where a message is on its way out.
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
pub enum DeliveryState {
    /// Written, not tried yet.
    Pending,
    /// Accepted by the mail service.
    Sent,
    /// Failed at least once; will be tried again.
    Retrying,
    /// Given up: staff should contact the visitor another way.
    Failed,
}

impl DeliveryState {
    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How a message reaches the visitor: by email, or by text message (SMS, through GOV.UK Notify). The stable name
/// is stored with each outbox message and is a visitor's choice in `lead_visitor.contact_by`.
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
pub enum MessageChannel {
    #[default]
    Email,
    /// A text message to the lead visitor's UK mobile number.
    Sms,
}

impl MessageChannel {
    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How the visitor chose to be told, as stored: by email, by text message, or both (never neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactChoice {
    pub email: bool,
    pub sms: bool,
}

impl Default for ContactChoice {
    /// Email only: what a visitor who says nothing gets, as before text messages existed.
    fn default() -> Self {
        ContactChoice { email: true, sms: false }
    }
}

impl ContactChoice {
    /// The choice a list names (duplicates allowed); `None` for an empty list.
    pub fn from_channels(channels: &[MessageChannel]) -> Option<ContactChoice> {
        let choice = ContactChoice {
            email: channels.contains(&MessageChannel::Email),
            sms: channels.contains(&MessageChannel::Sms),
        };
        (choice.email || choice.sms).then_some(choice)
    }

    /// The channels chosen, email first: the wire form of `contact_by`.
    pub fn channels(self) -> Vec<MessageChannel> {
        let mut channels = Vec::new();
        if self.email {
            channels.push(MessageChannel::Email);
        }
        if self.sms {
            channels.push(MessageChannel::Sms);
        }
        channels
    }
}

/// How a prison's visits mailbox hears about new requests.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
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
pub enum PrisonNotifyMode {
    /// One email per new request.
    #[default]
    EachRequest,
    /// One email each morning listing the previous day's new requests.
    DailyDigest,
    /// No email: staff use the inbox.
    None,
}

impl PrisonNotifyMode {
    /// The stable wire and database name: strum's, from `serialize_all = "snake_case"`, the same as serde's.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A prison's email settings, as an admin sees and sets them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonNotificationSettings {
    pub mode: PrisonNotifyMode,
    /// Where the emails go; absent means the prison's own email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "socialvisits.rochester@example.gov.uk", max_length = 254))]
    pub mailbox: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_keep_their_wire_names() {
        for kind in EmailKind::ALL {
            assert_eq!(kind.as_str().parse::<EmailKind>().ok(), Some(kind));
        }
        assert_eq!("retrying".parse::<DeliveryState>().ok(), Some(DeliveryState::Retrying));
        assert_eq!("daily_digest".parse::<PrisonNotifyMode>().ok(), Some(PrisonNotifyMode::DailyDigest));
        assert_eq!(serde_json::to_string(&MessageChannel::Sms).unwrap(), "\"sms\"");
    }

    #[test]
    fn a_contact_choice_is_email_text_or_both_never_neither() {
        use MessageChannel::{Email, Sms};
        assert_eq!(ContactChoice::from_channels(&[]), None);
        assert_eq!(ContactChoice::from_channels(&[Sms, Sms]), Some(ContactChoice { email: false, sms: true }));
        assert_eq!(ContactChoice::from_channels(&[Sms, Email]).map(ContactChoice::channels), Some(vec![Email, Sms]));
        assert_eq!(ContactChoice::default().channels(), vec![Email]);
    }
}
