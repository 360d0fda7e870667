//! Emails through GOV.UK Notify: `POST /v2/notifications/email` with a template id and personalisation
//! (`super::super::notify` signs it). Notify cannot attach a calendar file; the email links to the visit's page,
//! which offers it.

use std::collections::HashMap;

use domain::email::EmailKind;
use serde_json::{Map, Value, json};

use super::{OutgoingEmail, SendError};
use crate::outbox::notify::NotifyApi;

pub use crate::outbox::notify::{MAX_ERROR_BODY_BYTES, split_api_key};

pub struct NotifyTransport {
    api: NotifyApi,
    templates: HashMap<EmailKind, String>,
}

impl NotifyTransport {
    pub fn new(api_key: &str, base_url: &str, templates: HashMap<EmailKind, String>) -> anyhow::Result<Self> {
        Ok(NotifyTransport { api: NotifyApi::new(api_key, base_url)?, templates })
    }

    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), SendError> {
        let template_id = self
            .templates
            .get(&email.kind)
            .ok_or_else(|| SendError::Permanent(format!("no Notify template for {}", email.kind.as_str())))?;
        let mut personalisation = Map::new();
        personalisation.insert("subject".into(), Value::String(email.rendered.subject.clone()));
        personalisation.insert("body".into(), Value::String(email.rendered.text.clone()));
        for (name, value) in &email.fields {
            personalisation.insert((*name).into(), Value::String(value.clone()));
        }
        let body = json!({
            "email_address": email.to,
            "template_id": template_id,
            "personalisation": personalisation,
            "reference": email.id.to_string(),
        });
        self.api.send("/v2/notifications/email", &body).await
    }
}
