//! Texts through GOV.UK Notify: `POST /v2/notifications/sms` with the visitor's mobile number, a text message
//! template (one whose content is `((body))`, or one per kind) and its personalisation, signed with the same API
//! key as the emails (`crate::outbox::notify`). Notify sends to UK mobile numbers in national or international form.

use std::collections::HashMap;

use domain::email::EmailKind;
use serde_json::{Map, Value, json};

use super::OutgoingText;
use crate::outbox::email::SendError;
use crate::outbox::notify::NotifyApi;

pub struct NotifyTextTransport {
    api: NotifyApi,
    templates: HashMap<EmailKind, String>,
    /// The text sender chosen in Notify's settings (`NOTIFY_SMS_SENDER_ID`); the service's default when absent.
    sender_id: Option<String>,
}

impl NotifyTextTransport {
    pub fn new(
        api_key: &str,
        base_url: &str,
        templates: HashMap<EmailKind, String>,
        sender_id: Option<String>,
    ) -> anyhow::Result<Self> {
        Ok(NotifyTextTransport { api: NotifyApi::new(api_key, base_url)?, templates, sender_id })
    }

    pub async fn send(&self, text: &OutgoingText) -> Result<(), SendError> {
        let template_id = self
            .templates
            .get(&text.kind)
            .ok_or_else(|| SendError::Permanent(format!("no Notify text template for {}", text.kind.as_str())))?;
        let mut personalisation = Map::new();
        personalisation.insert("body".into(), Value::String(text.body.clone()));
        for (name, value) in &text.fields {
            personalisation.insert((*name).into(), Value::String(value.clone()));
        }
        let mut body = json!({
            "phone_number": text.to,
            "template_id": template_id,
            "personalisation": personalisation,
            "reference": text.id.to_string(),
        });
        if let Some(sender) = &self.sender_id {
            body["sms_sender_id"] = Value::String(sender.clone());
        }
        self.api.send("/v2/notifications/sms", &body).await
    }
}
