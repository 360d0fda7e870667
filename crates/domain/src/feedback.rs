//! Feedback on the service (issue 14), from visitors and staff: how satisfied they were (the GOV.UK feedback
//! pattern's five answers) and, if they like, what went wrong or could be better, and an email address to be
//! answered at. Nothing else about the sender is kept: not their address on the network, not which member of staff.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::Locale;
use crate::error::{FieldError, FieldErrorCode};
use crate::types::{Email, TextKind, parse_text};

/// Longest "what went wrong or could be better" text, in characters (as stored, after trimming): GOV.UK's
/// feedback form allows 1200.
pub const MAX_IMPROVEMENT_CHARS: usize = 1200;

/// How satisfied the sender was with the service, from the GOV.UK feedback page's question.
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
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    Neither,
    Dissatisfied,
    VeryDissatisfied,
}

impl Satisfaction {
    /// Best first, as the form lists them.
    pub const ALL: [Satisfaction; 5] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::Neither,
        Satisfaction::Dissatisfied,
        Satisfaction::VeryDissatisfied,
    ];

    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The answer as the form words it (GOV.UK's wording in English and Welsh).
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Satisfaction::VerySatisfied, Locale::En) => "Very satisfied",
            (Satisfaction::Satisfied, Locale::En) => "Satisfied",
            (Satisfaction::Neither, Locale::En) => "Neither satisfied nor dissatisfied",
            (Satisfaction::Dissatisfied, Locale::En) => "Dissatisfied",
            (Satisfaction::VeryDissatisfied, Locale::En) => "Very dissatisfied",
            (Satisfaction::VerySatisfied, Locale::Cy) => "Bodlon iawn",
            (Satisfaction::Satisfied, Locale::Cy) => "Bodlon",
            (Satisfaction::Neither, Locale::Cy) => "Ddim yn fodlon nac yn anfodlon",
            (Satisfaction::Dissatisfied, Locale::Cy) => "Anfodlon",
            (Satisfaction::VeryDissatisfied, Locale::Cy) => "Anfodlon iawn",
        }
    }
}

/// Who sent the feedback: a visitor (no credential) or a member of staff (signed in; which one is not kept).
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
pub enum FeedbackSource {
    Visitor,
    Staff,
}

impl FeedbackSource {
    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Feedback as the form sends it (`POST /api/v1/feedback`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackRequest {
    /// Required: how satisfied the sender was with the service.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    /// Optional: what went wrong, or how the service could be better. At most 1200 characters, line breaks kept.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "I could not find the visiting times for Sundays", max_length = 1200)
    )]
    pub improvement: String,
    /// Optional: an email address to be answered at. Kept only when given; leave it empty to stay anonymous.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "", max_length = 254))]
    pub email: String,
    /// The language the form was shown in.
    #[serde(default)]
    pub locale: Locale,
}

/// Feedback that keeps the rules, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFeedback {
    pub satisfaction: Satisfaction,
    pub improvement: Option<String>,
    pub email: Option<Email>,
    pub locale: Locale,
}

/// Checks a feedback form; every problem is returned at once, under `satisfaction`, `improvement` or `email`.
pub fn parse_feedback(request: &FeedbackRequest) -> Result<ValidFeedback, Vec<FieldError>> {
    let mut errors = Vec::new();
    if request.satisfaction.is_none() {
        errors.push(FieldError::new(
            "satisfaction",
            FieldErrorCode::Required,
            "Select how satisfied you are with the service",
        ));
    }
    let improvement = if request.improvement.trim().is_empty() {
        None
    } else {
        parse_text(&request.improvement, "your feedback", MAX_IMPROVEMENT_CHARS, TextKind::MultiLine)
            .map_err(|e| errors.push(e.under("improvement")))
            .ok()
    };
    let email = if request.email.trim().is_empty() {
        None
    } else {
        Email::parse_as(&request.email, "your email address").map_err(|e| errors.push(e.under("email"))).ok()
    };
    match request.satisfaction {
        Some(satisfaction) if errors.is_empty() => {
            Ok(ValidFeedback { satisfaction, improvement, email, locale: request.locale })
        }
        _ => Err(errors),
    }
}

/// The answer to `POST /api/v1/feedback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackCreated {
    pub id: Uuid,
    pub source: FeedbackSource,
    pub created_at: DateTime<Utc>,
}

/// One piece of feedback as admins read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub source: FeedbackSource,
    pub satisfaction: Satisfaction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improvement: Option<String>,
    /// Only when the sender gave one to be answered at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The language the form was shown in.
    pub locale: Locale,
}

/// The feedback sent over a period (UK dates, inclusive), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackList {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: NaiveDate,
    /// How much feedback the period holds in all (`items` shows the newest 500 at most; the CSV has every one).
    pub total: u64,
    pub items: Vec<FeedbackView>,
}

/// The Welsh message for a refused feedback field, or `None` for another field.
pub(crate) fn field_message_cy(error: &FieldError) -> Option<String> {
    let message = match (error.field.as_str(), error.code) {
        ("satisfaction", FieldErrorCode::Required) => "Dewiswch pa mor fodlon ydych chi gyda’r gwasanaeth".into(),
        ("satisfaction", _) => "Dewiswch un o’r atebion".into(),
        ("improvement", FieldErrorCode::TooLong) => {
            format!("Rhaid i’ch adborth fod yn {MAX_IMPROVEMENT_CHARS} nod neu lai")
        }
        ("improvement", _) => "Ni all eich adborth gynnwys nodau cudd".into(),
        _ => return None,
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_needs_a_rating_and_keeps_text_and_email_only_when_given() {
        let errors = parse_feedback(&FeedbackRequest::default()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].field.as_str(), errors[0].code), ("satisfaction", FieldErrorCode::Required));
        let valid = parse_feedback(&FeedbackRequest {
            satisfaction: Some(Satisfaction::Dissatisfied),
            improvement: "  The calendar was slow \r\n on my phone ".into(),
            email: " ".into(),
            locale: Locale::Cy,
        })
        .unwrap();
        assert_eq!(valid.improvement.as_deref(), Some("The calendar was slow \n on my phone"));
        assert_eq!(valid.email, None);
        assert_eq!(valid.locale, Locale::Cy);
    }

    #[test]
    fn long_text_and_a_bad_email_are_refused_under_their_fields() {
        let errors = parse_feedback(&FeedbackRequest {
            satisfaction: Some(Satisfaction::Satisfied),
            improvement: "x".repeat(MAX_IMPROVEMENT_CHARS + 1),
            email: "mary@".into(),
            locale: Locale::En,
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("improvement", FieldErrorCode::TooLong), ("email", FieldErrorCode::InvalidEmail)]);
        assert_eq!(errors[0].message, "Your feedback must be 1200 characters or fewer");
        let cy = crate::i18n::field_message(Locale::Cy, &errors[0], None);
        assert_eq!(cy, "Rhaid i’ch adborth fod yn 1200 nod neu lai");
    }

    #[test]
    fn every_answer_has_words_in_both_languages() {
        for s in Satisfaction::ALL {
            assert_ne!(s.label(Locale::En), s.label(Locale::Cy));
        }
    }
}
