//! Additional support needs (issue 14): what help anyone in the party needs at the visit, as the visitor says it
//! (wheelchair access, a hearing loop, an interpreter and the language, anything else in their own words), and the
//! words staff read it in. It names needs, not people, but it is personal data: it is anonymised with the visit.

use serde::{Deserialize, Serialize};

use crate::api::Locale;
use crate::error::{FieldError, FieldErrorCode};
use crate::types::{TextKind, parse_text};

/// Longest interpreter language, in characters (as stored, after trimming).
pub const MAX_INTERPRETER_LANGUAGE_CHARS: usize = 40;
/// Longest "other support" text, in characters (as stored, after trimming): a few sentences.
pub const MAX_OTHER_SUPPORT_CHARS: usize = 300;

/// The support needs as a form sends them: a tick per need (the GOV.UK checkboxes pattern), with the text a ticked
/// need reveals. Text under a need that is not ticked is ignored (a form may keep what was typed before the box was
/// unticked). Every field may be left out; an absent object means no needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportNeedsInput {
    /// Someone in the party uses a wheelchair or needs step-free access.
    #[serde(default)]
    pub wheelchair_access: bool,
    /// Someone in the party needs a hearing loop.
    #[serde(default)]
    pub hearing_loop: bool,
    /// Someone in the party needs an interpreter: `interpreter_language` is then required.
    #[serde(default)]
    pub interpreter: bool,
    /// The language the interpreter should speak, such as `Polish` or `British Sign Language`: 1 to 40 characters on
    /// one line. Read only when `interpreter` is true.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Polish", max_length = 40))]
    pub interpreter_language: String,
    /// Some other support is needed: `other_details` is then required.
    #[serde(default)]
    pub other: bool,
    /// The other support needed, in the visitor's words: 1 to 300 characters, line breaks kept. Read only when
    /// `other` is true.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "My son is autistic and finds queues hard", max_length = 300))]
    pub other_details: String,
}

impl SupportNeedsInput {
    /// True when nothing is ticked: what an older client sends by leaving the field out.
    pub fn is_empty(&self) -> bool {
        !(self.wheelchair_access || self.hearing_loop || self.interpreter || self.other)
    }

    /// The needs as typed, not yet checked, for a summary before they are sent ("Check your answers"): the ticked
    /// needs, each with its text trimmed (text under an unticked box left out).
    pub fn as_typed(&self) -> SupportNeeds {
        SupportNeeds {
            wheelchair_access: self.wheelchair_access,
            hearing_loop: self.hearing_loop,
            // On one line, as the API stores it (`parse_text`'s single-line rule).
            interpreter_language: self
                .interpreter
                .then(|| self.interpreter_language.split_whitespace().collect::<Vec<_>>().join(" ")),
            other: self.other.then(|| self.other_details.trim().to_owned()),
        }
    }
}

/// The support needs of a visit, as stored and as staff and the visitor read them back. Text fields are absent
/// when not needed. All false and absent when none were given (or once the visit is anonymised).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportNeeds {
    #[serde(default)]
    pub wheelchair_access: bool,
    #[serde(default)]
    pub hearing_loop: bool,
    /// The language of the interpreter needed, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "Polish"))]
    pub interpreter_language: Option<String>,
    /// Other support needed, in the visitor's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "My son is autistic and finds queues hard"))]
    pub other: Option<String>,
}

impl SupportNeeds {
    /// True when no support is needed.
    pub fn is_empty(&self) -> bool {
        !self.wheelchair_access && !self.hearing_loop && self.interpreter_language.is_none() && self.other.is_none()
    }

    /// Each need as one short line in `locale`, in the order of the form: "Wheelchair access", "Hearing loop",
    /// "Interpreter: Polish", "Other: …". Empty when none.
    pub fn describe(&self, locale: Locale) -> Vec<String> {
        let cy = locale == Locale::Cy;
        let mut lines = Vec::new();
        if self.wheelchair_access {
            lines.push(if cy { "Mynediad i gadair olwyn" } else { "Wheelchair access" }.to_owned());
        }
        if self.hearing_loop {
            lines.push(if cy { "Dolen sain" } else { "Hearing loop" }.to_owned());
        }
        if let Some(language) = &self.interpreter_language {
            lines.push(format!("{}: {language}", if cy { "Cyfieithydd" } else { "Interpreter" }));
        }
        if let Some(other) = &self.other {
            lines.push(format!("{}: {other}", if cy { "Arall" } else { "Other" }));
        }
        lines
    }
}

/// Checks the support needs a visitor sent; every problem is returned, each under its field (`interpreter_language`,
/// `other_details`; the caller puts them under `support_needs`). Text is trimmed and normalised as all free text is
/// (`types::parse_text`).
pub fn parse_support_needs(input: &SupportNeedsInput) -> Result<SupportNeeds, Vec<FieldError>> {
    let mut errors = Vec::new();
    let interpreter_language = if input.interpreter {
        parse_text(
            &input.interpreter_language,
            "the language the interpreter should speak",
            MAX_INTERPRETER_LANGUAGE_CHARS,
            TextKind::SingleLine,
        )
        .map_err(|e| errors.push(e.under("interpreter_language")))
        .ok()
    } else {
        None
    };
    let other = if input.other {
        parse_text(&input.other_details, "the support you need", MAX_OTHER_SUPPORT_CHARS, TextKind::MultiLine)
            .map_err(|e| errors.push(e.under("other_details")))
            .ok()
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SupportNeeds {
        wheelchair_access: input.wheelchair_access,
        hearing_loop: input.hearing_loop,
        interpreter_language,
        other,
    })
}

/// The Welsh message for a refused support-needs field, or `None` for another field.
pub(crate) fn field_message_cy(error: &FieldError) -> Option<String> {
    let leaf = error.field.strip_prefix("support_needs.")?;
    let message = match (leaf, error.code) {
        ("interpreter_language", FieldErrorCode::Required) => "Rhowch yr iaith y dylai’r cyfieithydd ei siarad".into(),
        ("interpreter_language", FieldErrorCode::TooLong) => format!(
            "Rhaid i’r iaith y dylai’r cyfieithydd ei siarad fod yn {MAX_INTERPRETER_LANGUAGE_CHARS} nod neu lai"
        ),
        ("interpreter_language", FieldErrorCode::InvalidCharacters) => {
            "Ni all yr iaith y dylai’r cyfieithydd ei siarad gynnwys nodau cudd".into()
        }
        ("other_details", FieldErrorCode::Required) => "Rhowch y cymorth sydd ei angen arnoch".into(),
        ("other_details", FieldErrorCode::TooLong) => {
            format!("Rhaid i’r cymorth sydd ei angen arnoch fod yn {MAX_OTHER_SUPPORT_CHARS} nod neu lai")
        }
        ("other_details", FieldErrorCode::InvalidCharacters) => {
            "Ni all y cymorth sydd ei angen arnoch gynnwys nodau cudd".into()
        }
        _ => return None,
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(input: &SupportNeedsInput) -> Vec<(String, FieldErrorCode)> {
        parse_support_needs(input).unwrap_err().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn ticked_needs_are_kept_with_their_text_tidied() {
        let input = SupportNeedsInput {
            wheelchair_access: true,
            interpreter: true,
            interpreter_language: "  British   Sign Language ".into(),
            other: true,
            other_details: " Step-free route, please.\r\nMy son finds queues hard. ".into(),
            ..SupportNeedsInput::default()
        };
        let needs = parse_support_needs(&input).unwrap();
        assert!(needs.wheelchair_access && !needs.hearing_loop);
        assert_eq!(needs.interpreter_language.as_deref(), Some("British Sign Language"));
        assert_eq!(needs.other.as_deref(), Some("Step-free route, please.\nMy son finds queues hard."));
        assert_eq!(
            needs.describe(Locale::En),
            [
                "Wheelchair access",
                "Interpreter: British Sign Language",
                "Other: Step-free route, please.\nMy son finds queues hard."
            ]
        );
        assert_eq!(needs.describe(Locale::Cy)[0], "Mynediad i gadair olwyn");
    }

    #[test]
    fn text_under_an_unticked_need_is_ignored() {
        let input = SupportNeedsInput {
            interpreter_language: "Polish".into(),
            other_details: "typed, then unticked".into(),
            ..SupportNeedsInput::default()
        };
        assert!(input.is_empty());
        assert!(parse_support_needs(&input).unwrap().is_empty());
    }

    #[test]
    fn a_ticked_need_without_its_text_or_with_too_much_is_refused_under_its_field() {
        let input = SupportNeedsInput { interpreter: true, other: true, ..SupportNeedsInput::default() };
        assert_eq!(
            codes(&input),
            [
                ("interpreter_language".to_owned(), FieldErrorCode::Required),
                ("other_details".to_owned(), FieldErrorCode::Required)
            ]
        );
        let errors = parse_support_needs(&input).unwrap_err();
        assert_eq!(errors[0].message, "Enter the language the interpreter should speak");
        assert_eq!(errors[1].message, "Enter the support you need");
        let long = SupportNeedsInput {
            interpreter: true,
            interpreter_language: "x".repeat(41),
            other: true,
            other_details: "y".repeat(301),
            ..SupportNeedsInput::default()
        };
        let errors = parse_support_needs(&long).unwrap_err();
        assert_eq!(errors[0].message, "The language the interpreter should speak must be 40 characters or fewer");
        assert_eq!(errors[1].message, "The support you need must be 300 characters or fewer");
        assert!(errors.iter().all(|e| e.code == FieldErrorCode::TooLong));
    }

    #[test]
    fn welsh_messages_name_the_support_field() {
        let cy =
            |field: &str, code| crate::i18n::field_message(Locale::Cy, &FieldError::new(field, code, "English"), None);
        assert_eq!(
            cy("support_needs.interpreter_language", FieldErrorCode::Required),
            "Rhowch yr iaith y dylai’r cyfieithydd ei siarad"
        );
        assert_eq!(
            cy("support_needs.other_details", FieldErrorCode::TooLong),
            "Rhaid i’r cymorth sydd ei angen arnoch fod yn 300 nod neu lai"
        );
    }
}
