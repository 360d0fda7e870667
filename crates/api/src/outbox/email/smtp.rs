//! SMTP with lettre over tokio and rustls: plain on loopback, STARTTLS or TLS from the first byte elsewhere.

use std::time::Duration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{OutgoingEmail, SendError, summarise_error};

pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpTransport {
    /// `url` as lettre reads it: `smtp://host:port` (no TLS), `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (TLS).
    pub fn new(url: &str, from: &str) -> anyhow::Result<SmtpTransport> {
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL is not a valid SMTP address (smtp://host:port or smtps://user:pass@host:465)")?
            // Well inside the worker's lease, so a slow server never gets the same message from two workers.
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().with_context(|| format!("EMAIL_FROM is not a valid address: {from:?}"))?;
        Ok(SmtpTransport { mailer, from })
    }

    pub fn message(&self, email: &OutgoingEmail) -> Result<Message, SendError> {
        let to: Mailbox =
            email.to.parse().map_err(|_| SendError::Permanent("the recipient’s address is not valid".into()))?;
        let rendered = &email.rendered;
        let alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(rendered.text.clone()))
            .singlepart(SinglePart::html(rendered.html.clone()));
        let body = match &rendered.calendar {
            Some(calendar) => {
                let content_type =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={}", calendar.method))
                        .map_err(|e| SendError::Permanent(format!("calendar content type: {e}")))?;
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(Attachment::new(calendar.filename.clone()).body(calendar.content.clone(), content_type))
            }
            None => alternative,
        };
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(email.message_id()))
            .multipart(body)
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }

    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), SendError> {
        let message = self.message(email)?;
        match self.mailer.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(summarise_error(&format!("smtp: {e}")))),
            Err(e) => Err(SendError::Transient(summarise_error(&format!("smtp: {e}")))),
        }
    }
}
