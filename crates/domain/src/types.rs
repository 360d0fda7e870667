//! Newtypes for what people type in: each parses once, at the edge, into a value that is valid by construction.
//! Errors come back as `FieldError`s with an empty `field`, so the caller files them under the right path.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{FieldError, FieldErrorCode};

/// Longest name accepted, in characters: what the prison's records and the day list have room for.
pub const MAX_NAME_CHARS: usize = 30;
/// Longest email address that can be delivered to (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// A date of birth further back than this is a typing mistake.
pub const MAX_AGE_YEARS: u32 = 120;

/// Every type below can be written as text and read back through its own `parse`, so the wire only ever
/// carries values that passed the rules (a bad value fails at deserialisation, with the visitor's message).
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = FieldError;

            fn from_str(s: &str) -> Result<Self, FieldError> {
                $name::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
            }
        }
    };
}

fn refuse(code: FieldErrorCode, message: String) -> FieldError {
    FieldError::new("", code, message)
}

/// "the prisoner's first name" -> "The prisoner's first name", to start a sentence with a label.
fn capitalised(what: &str) -> String {
    let mut chars = what.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Characters that reorder text when displayed: in a name they can make the staff inbox show something other
/// than what was stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}')
}

/// A first or last name of a prisoner or visitor: trimmed, inner spaces collapsed, 1 to 30 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonName(String);

string_newtype!(PersonName);

impl PersonName {
    pub fn parse(s: &str) -> Result<PersonName, FieldError> {
        PersonName::parse_as(s, "a name")
    }

    /// `what` names the field in messages, e.g. "the prisoner's first name" gives "Enter the prisoner's first name".
    pub fn parse_as(s: &str, what: &str) -> Result<PersonName, FieldError> {
        // Tabs and line breaks pasted from elsewhere count as spaces, then collapse like every other run of spaces.
        let name = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(refuse(
                FieldErrorCode::TooLong,
                format!("{} must be {MAX_NAME_CHARS} characters or fewer", capitalised(what)),
            ));
        }
        if name.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(refuse(
                FieldErrorCode::InvalidCharacters,
                format!("{} must not include hidden characters", capitalised(what)),
            ));
        }
        if name.contains(['<', '>']) {
            return Err(refuse(
                FieldErrorCode::InvalidCharacters,
                format!("{} must not include < or >", capitalised(what)),
            ));
        }
        // Refuses digits only ("12345", a prison number in the wrong box) and punctuation only.
        if !name.chars().any(char::is_alphabetic) {
            return Err(refuse(
                FieldErrorCode::InvalidCharacters,
                format!("{} must include letters", capitalised(what)),
            ));
        }
        Ok(PersonName(name))
    }
}

/// A prison number: one letter, four digits, two letters (`A1234BC`), stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonNumber(String);

string_newtype!(PrisonNumber);

impl PrisonNumber {
    pub fn parse(s: &str) -> Result<PrisonNumber, FieldError> {
        PrisonNumber::parse_as(s, "a prison number")
    }

    pub fn parse_as(s: &str, what: &str) -> Result<PrisonNumber, FieldError> {
        let number: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if number.is_empty() {
            return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
        }
        let well_formed = match number.as_bytes() {
            [letter, digits @ .., a, b] if digits.len() == 4 => {
                letter.is_ascii_uppercase()
                    && digits.iter().all(u8::is_ascii_digit)
                    && a.is_ascii_uppercase()
                    && b.is_ascii_uppercase()
            }
            _ => false,
        };
        if !well_formed {
            return Err(refuse(
                FieldErrorCode::InvalidPrisonNumber,
                format!("Enter {what} in the correct format, like A1234BC"),
            ));
        }
        Ok(PrisonNumber(number))
    }
}

/// Reads a date written `YYYY-MM-DD`, and nothing looser: the client always sends this form.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape_ok {
        return None;
    }
    let year = s.get(0..4)?.parse().ok()?;
    let month = s.get(5..7)?.parse().ok()?;
    let day = s.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A date of birth written `YYYY-MM-DD`: a real date, not after `today`, at most 120 years before it.
pub fn parse_date_of_birth(s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    parse_date_of_birth_as(s, today, "a date of birth")
}

/// As `parse_date_of_birth`, with `what` naming the field in messages ("the lead visitor's date of birth").
pub fn parse_date_of_birth_as(s: &str, today: NaiveDate, what: &str) -> Result<NaiveDate, FieldError> {
    if s.trim().is_empty() {
        return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
    }
    let Some(date) = parse_iso_date(s) else {
        return Err(refuse(FieldErrorCode::InvalidDate, format!("{} must be a real date", capitalised(what))));
    };
    if date > today {
        return Err(refuse(FieldErrorCode::DateInFuture, format!("{} must be in the past", capitalised(what))));
    }
    let earliest = today.checked_sub_months(Months::new(MAX_AGE_YEARS * 12)).unwrap_or(NaiveDate::MIN);
    if date < earliest {
        return Err(refuse(
            FieldErrorCode::DateTooFarInPast,
            format!("{} must be the same as or after {}", capitalised(what), earliest.format("%-d %B %Y")),
        ));
    }
    Ok(date)
}

/// Age in whole years on `date`. Someone born on 29 February becomes a year older on 1 March in other years,
/// which is how UK law counts it. 0 when `date` is before the birth.
pub fn age_on(date_of_birth: NaiveDate, date: NaiveDate) -> u32 {
    let years = date.year() - date_of_birth.year();
    let birthday_to_come = (date.month(), date.day()) < (date_of_birth.month(), date_of_birth.day());
    let age = if birthday_to_come { years - 1 } else { years };
    u32::try_from(age).unwrap_or(0)
}

/// An email address good enough to send to. Only the domain is lower-cased: the part before the `@` may, in
/// principle, be case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email(String);

string_newtype!(Email);

impl Email {
    pub fn parse(s: &str) -> Result<Email, FieldError> {
        Email::parse_as(s, "an email address")
    }

    pub fn parse_as(s: &str, what: &str) -> Result<Email, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
        }
        if s.chars().count() > MAX_EMAIL_CHARS {
            return Err(refuse(
                FieldErrorCode::InvalidEmail,
                format!("{} must be {MAX_EMAIL_CHARS} characters or fewer", capitalised(what)),
            ));
        }
        let bad_format = || {
            refuse(FieldErrorCode::InvalidEmail, format!("Enter {what} in the correct format, like name@example.com"))
        };
        let (local, domain) = s.split_once('@').ok_or_else(bad_format)?;
        // Whitespace and control characters could split a mail header; the others are never in a real address
        // typed into a form, and refusing them keeps quoting out of the picture.
        let local_ok = !local.is_empty()
            && local.chars().count() <= 64
            && !local.chars().any(|c| c.is_whitespace() || c.is_control() || "@<>()[]\\,;:\"".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !local_ok || !domain_ok {
            return Err(bad_format());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// A UK phone number, stored in national form: `07700900123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UkPhone(String);

string_newtype!(UkPhone);

impl UkPhone {
    pub fn parse(s: &str) -> Result<UkPhone, FieldError> {
        UkPhone::parse_as(s, "a phone number")
    }

    pub fn parse_as(s: &str, what: &str) -> Result<UkPhone, FieldError> {
        let compact: String = s.chars().filter(|c| !(c.is_whitespace() || "-().".contains(*c))).collect();
        if compact.is_empty() {
            return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
        }
        let international = compact.strip_prefix("+44").or_else(|| compact.strip_prefix("0044"));
        let national = match international {
            // People often write the trunk 0 as well: "+44 (0)7700 900123".
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => compact.clone(),
        };
        let well_formed = national.starts_with('0')
            && !national.starts_with("00")
            && (10..=11).contains(&national.len())
            && national.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(refuse(
                FieldErrorCode::InvalidPhone,
                format!("Enter {what} in the correct format, like 07700 900 982 or 01632 960 001 (UK numbers only)"),
            ));
        }
        Ok(UkPhone(national))
    }
}

/// Crockford's Base32 alphabet: no I, L, O or U, so a reference read aloud or copied by hand survives.
pub const CROCKFORD_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const REFERENCE_LEN: usize = 8;

/// A visit's human-friendly reference: 8 Crockford Base32 characters carrying 40 random bits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reference(String);

string_newtype!(Reference);

impl Reference {
    /// The server supplies the random bytes: this crate has no source of randomness, on purpose.
    pub fn from_bytes(bytes: [u8; 5]) -> Reference {
        let bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let text = (0..REFERENCE_LEN)
            .rev()
            .map(|i| char::from(CROCKFORD_ALPHABET[((bits >> (i * 5)) & 0x1f) as usize]))
            .collect();
        Reference(text)
    }

    pub fn parse(s: &str) -> Result<Reference, FieldError> {
        Reference::parse_as(s, "a reference")
    }

    /// Case does not matter, hyphens and spaces are ignored, and the letters people confuse with digits are read
    /// as those digits (O as 0, I and L as 1), as Crockford's decoding rules say.
    pub fn parse_as(s: &str, what: &str) -> Result<Reference, FieldError> {
        let bad = || {
            refuse(
                FieldErrorCode::InvalidReference,
                format!("Enter {what} in the correct format: 8 letters and numbers, like 7KQ2M9XD"),
            )
        };
        let mut text = String::with_capacity(REFERENCE_LEN);
        for c in s.chars().filter(|c| !(c.is_whitespace() || *c == '-')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !CROCKFORD_ALPHABET.contains(&(c as u8)) || text.len() == REFERENCE_LEN {
                return Err(bad());
            }
            text.push(c);
        }
        if text.len() != REFERENCE_LEN {
            return Err(bad());
        }
        Ok(Reference(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn code<T: fmt::Debug>(r: Result<T, FieldError>) -> FieldErrorCode {
        r.unwrap_err().code
    }

    #[test]
    fn names_are_trimmed_and_their_inner_spaces_collapsed() {
        assert_eq!(PersonName::parse("  Mary \t Ann  ").unwrap().as_str(), "Mary Ann");
        assert_eq!(PersonName::parse("O'Brien-Smith").unwrap().as_str(), "O'Brien-Smith");
        assert_eq!(PersonName::parse("Zoë").unwrap().as_str(), "Zoë");
    }

    #[test]
    fn a_name_of_thirty_characters_is_accepted_and_thirty_one_refused() {
        let thirty = "é".repeat(30);
        assert!(PersonName::parse(&thirty).is_ok(), "characters, not bytes, are counted");
        assert_eq!(code(PersonName::parse(&"a".repeat(31))), FieldErrorCode::TooLong);
    }

    #[test]
    fn empty_digit_only_and_markup_names_are_refused_with_the_field_named() {
        let err = PersonName::parse_as("   ", "the prisoner's first name").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::Required);
        assert_eq!(err.message, "Enter the prisoner's first name");
        assert_eq!(err.field, "");
        let err = PersonName::parse_as("12345", "the prisoner's first name").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::InvalidCharacters);
        assert!(err.message.starts_with("The prisoner's first name"));
        assert_eq!(code(PersonName::parse("<script>")), FieldErrorCode::InvalidCharacters);
        assert_eq!(code(PersonName::parse("Ann\u{0}e")), FieldErrorCode::InvalidCharacters);
        assert_eq!(code(PersonName::parse("Ann\u{202E}e")), FieldErrorCode::InvalidCharacters);
    }

    #[test]
    fn names_travel_as_plain_strings_and_are_checked_when_read() {
        let name = PersonName::parse("Mary").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"Mary\"");
        assert_eq!(serde_json::from_str::<PersonName>("\" Mary \"").unwrap(), name);
        assert!(serde_json::from_str::<PersonName>("\"\"").is_err());
    }

    #[test]
    fn prison_numbers_ignore_case_and_spaces_and_are_stored_upper_case() {
        assert_eq!(PrisonNumber::parse(" a1234 bc ").unwrap().as_str(), "A1234BC");
        assert_eq!(PrisonNumber::parse("A1234BC").unwrap().to_string(), "A1234BC");
        assert_eq!(code(PrisonNumber::parse("")), FieldErrorCode::Required);
        for bad in ["1234ABC", "A123BC", "A12345BC", "AB1234C", "A1234B", "Á1234BC", "A1234B1"] {
            assert_eq!(code(PrisonNumber::parse(bad)), FieldErrorCode::InvalidPrisonNumber, "{bad}");
        }
    }

    #[test]
    fn a_date_of_birth_must_be_real_not_in_the_future_and_within_120_years() {
        let today = date(2026, 11, 26);
        assert_eq!(parse_date_of_birth("1985-04-12", today).unwrap(), date(1985, 4, 12));
        assert_eq!(parse_date_of_birth("2026-11-26", today).unwrap(), today, "a baby born today can visit");
        assert_eq!(code(parse_date_of_birth("", today)), FieldErrorCode::Required);
        assert_eq!(code(parse_date_of_birth("2026-02-30", today)), FieldErrorCode::InvalidDate);
        assert_eq!(code(parse_date_of_birth("12/04/1985", today)), FieldErrorCode::InvalidDate);
        assert_eq!(code(parse_date_of_birth("1985-4-12", today)), FieldErrorCode::InvalidDate);
        assert_eq!(code(parse_date_of_birth("2026-11-27", today)), FieldErrorCode::DateInFuture);
        assert_eq!(parse_date_of_birth("1906-11-26", today).unwrap(), date(1906, 11, 26));
        let err = parse_date_of_birth_as("1906-11-25", today, "the prisoner's date of birth").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::DateTooFarInPast);
        assert_eq!(err.message, "The prisoner's date of birth must be the same as or after 26 November 1906");
    }

    #[test]
    fn age_counts_whole_years_and_a_leap_day_birthday_moves_to_the_first_of_march() {
        assert_eq!(age_on(date(2008, 11, 26), date(2026, 11, 25)), 17);
        assert_eq!(age_on(date(2008, 11, 26), date(2026, 11, 26)), 18);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(age_on(date(2008, 2, 29), date(2028, 2, 29)), 20);
        assert_eq!(age_on(date(2026, 1, 1), date(2025, 1, 1)), 0);
    }

    #[test]
    fn email_addresses_keep_their_local_part_and_lower_case_their_domain() {
        assert_eq!(Email::parse("  Mary.Smith@Example.COM ").unwrap().as_str(), "Mary.Smith@example.com");
        assert_eq!(Email::parse("a+b@mail.example.co.uk").unwrap().domain(), "mail.example.co.uk");
        assert_eq!(code(Email::parse("")), FieldErrorCode::Required);
        for bad in [
            "mary",
            "mary@",
            "@example.com",
            "mary@example",
            "mary@@example.com",
            "a@b@example.com",
            "mary smith@example.com",
        ] {
            assert_eq!(code(Email::parse(bad)), FieldErrorCode::InvalidEmail, "{bad}");
        }
        for bad in ["mary@example..com", "mary@.example.com", "mary@example.com.", "mary@exa mple.com", "m\r\n@x.com"] {
            assert_eq!(code(Email::parse(bad)), FieldErrorCode::InvalidEmail, "{bad}");
        }
        let long = format!("{}@{}.com", "a".repeat(60), "b".repeat(200));
        assert_eq!(code(Email::parse(&long)), FieldErrorCode::InvalidEmail);
        let err = Email::parse_as("nope", "the lead visitor's email address").unwrap_err();
        assert_eq!(err.message, "Enter the lead visitor's email address in the correct format, like name@example.com");
    }

    #[test]
    fn uk_phone_numbers_in_the_usual_ways_of_writing_them_are_stored_in_national_form() {
        for (input, stored) in [
            ("07700 900123", "07700900123"),
            ("07700900123", "07700900123"),
            ("+44 7700 900123", "07700900123"),
            ("0044 7700 900123", "07700900123"),
            ("+44 (0)7700 900123", "07700900123"),
            ("(01632) 960 001", "01632960001"),
            ("020 7946 0000", "02079460000"),
            ("020-7946-0000", "02079460000"),
            ("0800.123.456", "0800123456"),
        ] {
            assert_eq!(UkPhone::parse(input).unwrap().as_str(), stored, "{input}");
        }
        assert_eq!(code(UkPhone::parse(" ")), FieldErrorCode::Required);
        for bad in ["7700 900123", "+33 1 23 45 67 89", "0033123456789", "077009001234", "0770090", "07700 9OO123"] {
            assert_eq!(code(UkPhone::parse(bad)), FieldErrorCode::InvalidPhone, "{bad}");
        }
    }

    #[test]
    fn references_are_forty_bits_in_eight_crockford_characters() {
        assert_eq!(Reference::from_bytes([0; 5]).as_str(), "00000000");
        assert_eq!(Reference::from_bytes([0xff; 5]).as_str(), "ZZZZZZZZ");
        assert_eq!(Reference::from_bytes([0, 0, 0, 0, 0x21]).as_str(), "00000011");
    }

    #[test]
    fn references_read_back_forgivingly_as_crockford_decoding_allows() {
        let r = Reference::parse("7KQ2M9XD").unwrap();
        assert_eq!(Reference::parse("7kq2-m9xd").unwrap(), r);
        assert_eq!(Reference::parse(" 7KQ2 M9XD ").unwrap(), r);
        assert_eq!(Reference::parse("OIL23456").unwrap().as_str(), "01123456");
        for bad in ["7KQ2M9X", "7KQ2M9XDD", "7KQ2M9XU", "", "7KQ2M9X!", "7KQ2M9XÉ"] {
            assert_eq!(code(Reference::parse(bad)), FieldErrorCode::InvalidReference, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn every_reference_is_eight_alphabet_characters_and_reads_back_as_itself(bytes in any::<[u8; 5]>()) {
            let r = Reference::from_bytes(bytes);
            prop_assert_eq!(r.as_str().len(), 8);
            prop_assert!(r.as_str().bytes().all(|b| CROCKFORD_ALPHABET.contains(&b)));
            let written = r.to_string();
            prop_assert_eq!(Reference::parse(&written).unwrap(), r);
        }

        #[test]
        fn distinct_bytes_give_distinct_references(a in any::<[u8; 5]>(), b in any::<[u8; 5]>()) {
            prop_assume!(a != b);
            prop_assert_ne!(Reference::from_bytes(a), Reference::from_bytes(b));
        }

        #[test]
        fn a_parsed_prison_number_parses_to_itself(s in "[a-zA-Z] ?[0-9]{4} ?[a-zA-Z]{2}") {
            let number = PrisonNumber::parse(&s).unwrap();
            prop_assert_eq!(PrisonNumber::parse(number.as_str()).unwrap(), number);
        }

        #[test]
        fn prison_number_parsing_never_panics_and_is_idempotent(s in "\\PC{0,12}") {
            if let Ok(number) = PrisonNumber::parse(&s) {
                prop_assert_eq!(PrisonNumber::parse(number.as_str()).unwrap(), number);
            }
        }

        #[test]
        fn a_parsed_name_parses_to_itself(s in "\\PC{0,40}") {
            if let Ok(name) = PersonName::parse(&s) {
                prop_assert!(name.as_str().chars().count() <= MAX_NAME_CHARS);
                prop_assert_eq!(PersonName::parse(name.as_str()).unwrap(), name);
            }
        }

        #[test]
        fn a_parsed_phone_number_parses_to_itself(s in "[0-9 +()-]{0,20}") {
            if let Ok(phone) = UkPhone::parse(&s) {
                prop_assert_eq!(UkPhone::parse(phone.as_str()).unwrap(), phone);
            }
        }
    }
}
