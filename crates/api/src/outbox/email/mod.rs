//! Sending one rendered email: by SMTP, through GOV.UK Notify, or to the log. Chosen by `EMAIL_TRANSPORT`; the
//! outbox worker decides what to send and when, this module only how (and `render` what each email says).

pub mod notify;
pub mod render;
pub mod smtp;

use std::sync::Arc;

use domain::email::EmailKind;
use uuid::Uuid;

use crate::config::{EmailSettings, EmailTransportSettings, ExposeSecret};
use render::Rendered;

/// One email ready to go.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// The outbox row's id: the stable Message-ID (SMTP) or reference (Notify), the same on every retry.
    pub id: Uuid,
    pub kind: EmailKind,
    pub to: String,
    pub rendered: Rendered,
    /// Values a Notify template may use beside `subject` and `body` (reference, prison, date...).
    pub fields: Vec<(&'static str, String)>,
}

impl OutgoingEmail {
    /// `<id@prison-visits>`: a retry of the same message carries the same Message-ID, so a receiving system can
    /// tell a duplicate from a new message.
    pub fn message_id(&self) -> String {
        format!("<{}@prison-visits>", self.id)
    }
}

/// Why a send failed: try again later, or never.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("{0}")]
    Transient(String),
    #[error("{0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

/// A few words about a failure for staff to read: at most 200 characters, with anything that looks like an email
/// address or a URL's credentials replaced.
pub fn summarise_error(text: &str) -> String {
    let words: Vec<String> =
        text.split_whitespace().map(|w| if w.contains('@') { "[address]".to_owned() } else { w.to_owned() }).collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

#[derive(Clone)]
pub enum Transport {
    Log,
    Smtp(Arc<smtp::SmtpTransport>),
    Notify(Arc<notify::NotifyTransport>),
}

impl Transport {
    pub fn from_settings(settings: &EmailSettings) -> anyhow::Result<Transport> {
        Ok(match &settings.transport {
            EmailTransportSettings::Log => Transport::Log,
            EmailTransportSettings::Smtp { url } => {
                Transport::Smtp(Arc::new(smtp::SmtpTransport::new(url.expose_secret(), &settings.from)?))
            }
            EmailTransportSettings::Notify { api_key, base_url, templates } => Transport::Notify(Arc::new(
                notify::NotifyTransport::new(api_key.expose_secret(), base_url, templates.clone())?,
            )),
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Transport::Log => "log",
            Transport::Smtp(_) => "smtp",
            Transport::Notify(_) => "notify",
        }
    }

    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), SendError> {
        match self {
            Transport::Log => {
                // No address and no body: the log is not a place for personal data.
                tracing::info!(message_id = %email.id, kind = email.kind.as_str(), "email not sent (EMAIL_TRANSPORT=log)");
                Ok(())
            }
            Transport::Smtp(smtp) => smtp.send(email).await,
            Transport::Notify(notify) => notify.send(email).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_summaries_are_short_and_carry_no_address() {
        let summary = summarise_error("550 5.1.1 <mary@example.com>: Recipient address rejected");
        assert_eq!(summary, "550 5.1.1 [address] Recipient address rejected");
        assert!(summarise_error(&"x ".repeat(300)).chars().count() <= 201);
    }
}
