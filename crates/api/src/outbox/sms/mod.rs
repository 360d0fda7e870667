//! Text messages (SMS) through the outbox, to a visitor who chose them (`lead_visitor.contact_by`): what each says
//! (`render`), how many segments it takes (`segments`), and how it is sent, through GOV.UK Notify or, in development,
//! to the log. Chosen by `SMS_TRANSPORT`; the outbox worker decides what to send and when, as for emails.

pub mod notify;
pub mod render;
pub mod segments;

use std::sync::Arc;

use domain::email::EmailKind;
use uuid::Uuid;

use super::email::SendError;
use crate::config::{ExposeSecret, TextSettings, TextTransportSettings};

/// One text ready to go.
#[derive(Debug, Clone)]
pub struct OutgoingText {
    /// The outbox row's id: Notify's `reference`, the same on every retry.
    pub id: Uuid,
    pub kind: EmailKind,
    /// A UK mobile number in national form (`07700900123`).
    pub to: String,
    pub body: String,
    /// Values a Notify template may use beside `body` (reference, prison, status_url...).
    pub fields: Vec<(&'static str, String)>,
}

#[derive(Clone)]
pub enum Transport {
    Log,
    Notify(Arc<notify::NotifyTextTransport>),
}

impl Transport {
    pub fn from_settings(settings: &TextSettings) -> anyhow::Result<Transport> {
        Ok(match &settings.transport {
            TextTransportSettings::Log => Transport::Log,
            TextTransportSettings::Notify { api_key, base_url, templates, sender_id } => {
                Transport::Notify(Arc::new(notify::NotifyTextTransport::new(
                    api_key.expose_secret(),
                    base_url,
                    templates.clone(),
                    sender_id.clone(),
                )?))
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Transport::Log => "log",
            Transport::Notify(_) => "notify",
        }
    }

    pub async fn send(&self, text: &OutgoingText) -> Result<(), SendError> {
        match self {
            Transport::Log => {
                // No number and no words: the log is not a place for personal data.
                let size = segments::size(&text.body);
                tracing::info!(message_id = %text.id, kind = text.kind.as_str(), segments = size.segments,
                    "text not sent (SMS_TRANSPORT=log)");
                Ok(())
            }
            Transport::Notify(notify) => notify.send(text).await,
        }
    }
}
