//! Newtypes for what people type in: each parses once, at the edge, into a value that is valid by construction.
//! Errors come back as `FieldError`s with an empty `field`, so the caller files them under the right path.
//!
//! Every text field of every request goes through `parse_text` (directly or through a newtype here): trimmed, put in
//! Unicode NFC (with the `canonical` feature, which the server turns on), bounded in characters to fit its column, and
//! refused with a precise message when it holds a control character, a character that reorders text (bidi controls)
//! or an invisible one (zero-width). Both database engines then store exactly the same thing, and nothing a member of
//! staff reads (inbox, emails, the day-list CSV) can be made to show something other than what was stored.

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

/// What a refused character is, for the message that names it.
fn hidden_kind(c: char, multiline: bool) -> Option<&'static str> {
    match c {
        // Line breaks and tabs are text's own layout where text may have paragraphs.
        '\n' | '\t' if multiline => None,
        '\u{0}' => Some("a null character"),
        c if c.is_control() => Some("a control character"),
        // Bidi controls reorder what is displayed: "txt.exe" can be made to show as "exe.txt".
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {
            Some("a character that changes the direction of text")
        }
        // Invisible characters make two different values look the same ("mary\u{200B}@example.com"): every
        // Default_Ignorable_Code_Point of Unicode 15.1 (DerivedCoreProperties.txt) that is not a bidi control above,
        // such as the soft hyphen, the Hangul fillers, variation selectors and tag characters.
        '\u{00AD}'
        | '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2065}'
        | '\u{206A}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' => Some("an invisible character"),
        // Line and paragraph separators break lines in some readers (and CSV files) but not others.
        '\u{2028}' | '\u{2029}' => Some("a line break"),
        _ => None,
    }
}

/// The first character of `s` that text fields refuse, with what it is, e.g. `(U+202E, "a character that …")`.
pub fn find_hidden_character(s: &str, multiline: bool) -> Option<(char, &'static str)> {
    s.chars().find_map(|c| hidden_kind(c, multiline).map(|kind| (c, kind)))
}

fn hidden_character_error(what: &str, c: char, kind: &str) -> FieldError {
    refuse(
        FieldErrorCode::InvalidCharacters,
        format!("{} must not include hidden characters: it has {kind} (U+{:04X})", capitalised(what), u32::from(c)),
    )
}

/// `s` in Unicode Normalization Form C, so that "é" typed as one character or as "e" and an accent is stored (and
/// counted, and compared) the same way. Without the `canonical` feature (the web client) `s` is kept as it is and
/// the server normalises it.
pub fn nfc(s: &str) -> String {
    #[cfg(feature = "canonical")]
    {
        use unicode_normalization::UnicodeNormalization;
        s.nfc().collect()
    }
    #[cfg(not(feature = "canonical"))]
    {
        s.to_owned()
    }
}

/// How a text field is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line (a name, a reference): every run of whitespace becomes one space.
    SingleLine,
    /// Paragraphs (a message): line breaks (`\r\n` read as `\n`) and tabs are kept, the ends trimmed.
    MultiLine,
}

/// The one rule for free text: trimmed (single-line text also has its inner runs of whitespace collapsed), NFC,
/// no control, bidi or invisible character, 1 to `max_chars` characters (counted after normalising, as stored).
/// An empty value is `Required` ("Enter {what}"); callers with optional text check for blank first.
pub fn parse_text(s: &str, what: &str, max_chars: usize, kind: TextKind) -> Result<String, FieldError> {
    let multiline = kind == TextKind::MultiLine;
    // Counted as sent too (the OpenAPI document's `maxLength`), so no padding can carry a longer value through.
    let too_long =
        || refuse(FieldErrorCode::TooLong, format!("{} must be {max_chars} characters or fewer", capitalised(what)));
    if s.chars().count() > max_chars {
        return Err(too_long());
    }
    let text = match kind {
        TextKind::SingleLine => {
            // A run of ordinary whitespace (tabs, line breaks pasted from elsewhere) is one space; other hidden
            // characters are refused below, by name.
            s.split(|c: char| c.is_whitespace() && !matches!(c, '\u{2028}' | '\u{2029}'))
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
        TextKind::MultiLine => s.replace("\r\n", "\n").trim().to_owned(),
    };
    if let Some((c, kind)) = find_hidden_character(&text, multiline) {
        return Err(hidden_character_error(what, c, kind));
    }
    let text = nfc(&text);
    if text.is_empty() {
        return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
    }
    if text.chars().count() > max_chars {
        return Err(too_long());
    }
    Ok(text)
}

/// As `parse_text`, for a field that may be left out: `None` or blank is `Ok(None)`.
pub fn parse_optional_text(
    s: Option<&str>,
    what: &str,
    max_chars: usize,
    kind: TextKind,
) -> Result<Option<String>, FieldError> {
    match s {
        Some(s) if !s.trim().is_empty() => parse_text(s, what, max_chars, kind).map(Some),
        // Blank but holding hidden characters ("\u{200B}") is not blank: say what is wrong with it.
        Some(s) => match find_hidden_character(s, kind == TextKind::MultiLine) {
            Some((c, kind)) => Err(hidden_character_error(what, c, kind)),
            None => Ok(None),
        },
        None => Ok(None),
    }
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
        let name = parse_text(s, what, MAX_NAME_CHARS, TextKind::SingleLine)?;
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
    check_date_of_birth(date, today, what)
}

/// A date of birth already read as a date: not after `today`, at most 120 years before it.
pub fn check_date_of_birth(date: NaiveDate, today: NaiveDate, what: &str) -> Result<NaiveDate, FieldError> {
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

/// An email address any relay can deliver to, in one canonical form: `local@domain`, the domain lower case and in
/// its ASCII (IDNA) form (`mary@bryn-ŵyn.cymru` is stored as `mary@xn--bryn-wyn-7jb.cymru`; with the `canonical`
/// feature off, in the web client, the domain is kept as typed and the server converts it). The part before the `@`
/// keeps its case (it may, in principle, matter) and must be ASCII: a relay without SMTPUTF8 cannot deliver to any
/// other, so such an address is refused here rather than left retrying for hours.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email(String);

string_newtype!(Email);

/// Longest part before the `@` (RFC 5321).
pub const MAX_EMAIL_LOCAL_CHARS: usize = 64;

/// The characters RFC 5322 allows unquoted before the `@`, besides letters, digits and dots.
const EMAIL_LOCAL_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~-";

impl Email {
    pub fn parse(s: &str) -> Result<Email, FieldError> {
        Email::parse_as(s, "an email address")
    }

    pub fn parse_as(s: &str, what: &str) -> Result<Email, FieldError> {
        let too_long = || {
            refuse(
                FieldErrorCode::InvalidEmail,
                format!("{} must be {MAX_EMAIL_CHARS} characters or fewer", capitalised(what)),
            )
        };
        // Counted as sent (the document's `maxLength`), and before any other work on it.
        if s.chars().count() > MAX_EMAIL_CHARS {
            return Err(too_long());
        }
        let s = s.trim();
        if s.is_empty() {
            return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
        }
        if let Some((c, kind)) = find_hidden_character(s, false) {
            return Err(hidden_character_error(what, c, kind));
        }
        let bad_format = || {
            refuse(FieldErrorCode::InvalidEmail, format!("Enter {what} in the correct format, like name@example.com"))
        };
        let (local, domain) = s.split_once('@').ok_or_else(bad_format)?;
        if !local.is_ascii() {
            return Err(refuse(
                FieldErrorCode::InvalidEmail,
                format!(
                    "{} must have only English letters, digits and symbols such as . _ - + before the @: most email services cannot deliver to other addresses",
                    capitalised(what)
                ),
            ));
        }
        let local_ok = !local.is_empty()
            && local.len() <= MAX_EMAIL_LOCAL_CHARS
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || EMAIL_LOCAL_SYMBOLS.contains(c));
        if !local_ok {
            return Err(bad_format());
        }
        let domain = ascii_domain(domain).ok_or_else(bad_format)?;
        let email = format!("{local}@{domain}");
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(too_long());
        }
        Ok(Email(email))
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// A domain that mail can be routed to, lower case and (with the `canonical` feature) in its ASCII form: labels of
/// 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen, at least two of them, the last not
/// all digits.
fn ascii_domain(domain: &str) -> Option<String> {
    // In NFC first, as all text is: "bu\u{308}cher.example" is the same domain as "bücher.example".
    let domain = nfc(domain).to_lowercase();
    // Only letters, digits, hyphens and dots: UTS 46 would also map (and so let through) symbols such as "①".
    if !domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.') {
        return None;
    }
    #[cfg(feature = "canonical")]
    let domain = idna::domain_to_ascii(&domain).ok()?;
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.chars().count())
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(label_ok)
        && labels.last().is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
    ok.then_some(domain)
}

/// A UK phone number, stored in national form: `07700900123`. `+44 7700 900123`, `0044 7700 900123`,
/// `447700900123`, `+44 (0)7700 900123` and `07700 900123` are all that same number.
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
        // A national number starts with 0, so a leading 44 (with or without + or 00) can only be the country code.
        let international =
            compact.strip_prefix("+44").or_else(|| compact.strip_prefix("0044")).or_else(|| compact.strip_prefix("44"));
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

    /// True for a UK mobile number, the only kind a text message reaches: 11 digits starting 071 to 075 or 077 to
    /// 079, or 07624 (the Isle of Man's mobiles). Other 07 numbers are personal numbers (070) and pagers (076),
    /// following Ofcom's National Telephone Numbering Plan; GOV.UK Notify sends texts to 07 numbers only.
    pub fn is_mobile(&self) -> bool {
        let n = self.0.as_bytes();
        n.len() == 11
            && n.starts_with(b"07")
            && (matches!(n[2], b'1'..=b'5' | b'7'..=b'9') || self.0.starts_with("07624"))
    }
}

/// Longest prison code: the width of the prisons table's column (the roll's is wider).
pub const MAX_PRISON_CODE_CHARS: usize = 16;

/// A prison's short code, as staff, the roll and integrators use it: 2 to 16 capital letters, digits and hyphens,
/// starting and ending with a letter or digit (`RCI`, `LEI`, `DEMO-RCI`). Read case-insensitively, stored upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonCode(String);

string_newtype!(PrisonCode);

impl PrisonCode {
    pub fn parse(s: &str) -> Result<PrisonCode, FieldError> {
        PrisonCode::parse_as(s, "a prison code")
    }

    pub fn parse_as(s: &str, what: &str) -> Result<PrisonCode, FieldError> {
        let code =
            if s.chars().count() > MAX_PRISON_CODE_CHARS { String::from("-") } else { s.trim().to_ascii_uppercase() };
        if code.is_empty() {
            return Err(refuse(FieldErrorCode::Required, format!("Enter {what}")));
        }
        let ok = (2..=MAX_PRISON_CODE_CHARS).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !code.starts_with('-')
            && !code.ends_with('-');
        if !ok {
            return Err(refuse(
                FieldErrorCode::InvalidCharacters,
                format!("Enter {what} of 2 to {MAX_PRISON_CODE_CHARS} capital letters, digits or hyphens, like RCI"),
            ));
        }
        Ok(PrisonCode(code))
    }
}

/// The window of dates a date field accepts. A date outside it is a typing mistake (a year of 20266) or an attack,
/// and would differ between the engines anyway (PostgreSQL refuses years before 4713 BC; SQLite stores any text),
/// so each field says here what makes sense for it, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateWindow {
    /// A timetable's closed dates, replacement days and `valid_from`/`valid_to`: from 2000 (before the service, so a
    /// timetable keeping old history still saves) to 10 years ahead (prisons plan a few years ahead at most).
    Timetable,
    /// A rejection's `allowance_renews_on`: today to a year ahead (allowances renew every few weeks).
    AllowanceRenewal,
    /// The last day of a visitor's ban, in a staff decision: today to 25 years ahead.
    BanEnd,
    /// A day list's date and a metrics period: from 2000 to 10 years ahead.
    StaffReport,
    /// Dates in a prisoner record from the roll (allowance renewal, absences, a contact's ban): from 2000 (the roll
    /// can carry stale history) to 25 years ahead (a long ban or a release date).
    Record,
}

/// The first year any window starts in.
const EARLIEST_YEAR: i32 = 2000;

impl DateWindow {
    /// The first and last dates accepted, on `today`.
    pub fn bounds(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let years = |n: u32| today.checked_add_months(Months::new(n * 12)).unwrap_or(NaiveDate::MAX);
        let since_2000 = NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
        match self {
            DateWindow::Timetable | DateWindow::StaffReport => (since_2000, years(10)),
            DateWindow::AllowanceRenewal => (today, years(1)),
            DateWindow::BanEnd => (today, years(25)),
            DateWindow::Record => (since_2000, years(25)),
        }
    }

    /// `date` if it is inside the window, else a `DateTooFarInPast`/`OutOfRange` error naming `what`.
    pub fn check(self, date: NaiveDate, today: NaiveDate, what: &str) -> Result<NaiveDate, FieldError> {
        let (earliest, latest) = self.bounds(today);
        let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
        if date < earliest {
            return Err(refuse(
                FieldErrorCode::DateTooFarInPast,
                format!("{} must be the same as or after {}", capitalised(what), day(earliest)),
            ));
        }
        if date > latest {
            return Err(refuse(
                FieldErrorCode::OutOfRange,
                format!("{} must be the same as or before {}", capitalised(what), day(latest)),
            ));
        }
        Ok(date)
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
        let err = PersonName::parse_as("   ", "the prisoner’s first name").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::Required);
        assert_eq!(err.message, "Enter the prisoner’s first name");
        assert_eq!(err.field, "");
        let err = PersonName::parse_as("12345", "the prisoner’s first name").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::InvalidCharacters);
        assert!(err.message.starts_with("The prisoner’s first name"));
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
        let err = parse_date_of_birth_as("1906-11-25", today, "the prisoner’s date of birth").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::DateTooFarInPast);
        assert_eq!(err.message, "The prisoner’s date of birth must be the same as or after 26 November 1906");
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
        for bad in ["mary@example..com", "mary@.example.com", "mary@example.com.", "mary@exa mple.com", "ma..ry@x.com"]
        {
            assert_eq!(code(Email::parse(bad)), FieldErrorCode::InvalidEmail, "{bad}");
        }
        assert_eq!(code(Email::parse("m\r\n@x.com")), FieldErrorCode::InvalidCharacters);
        let long = format!("{}@{}.com", "a".repeat(60), "b".repeat(200));
        assert_eq!(code(Email::parse(&long)), FieldErrorCode::InvalidEmail);
        let err = Email::parse_as("nope", "the lead visitor’s email address").unwrap_err();
        assert_eq!(err.message, "Enter the lead visitor’s email address in the correct format, like name@example.com");
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
            ("447700900123", "07700900123"),
            ("44 7700 900123", "07700900123"),
        ] {
            assert_eq!(UkPhone::parse(input).unwrap().as_str(), stored, "{input}");
        }
        assert_eq!(code(UkPhone::parse(" ")), FieldErrorCode::Required);
        for bad in ["7700 900123", "+33 1 23 45 67 89", "0033123456789", "077009001234", "0770090", "07700 9OO123"] {
            assert_eq!(code(UkPhone::parse(bad)), FieldErrorCode::InvalidPhone, "{bad}");
        }
    }

    #[test]
    fn only_uk_mobile_numbers_take_text_messages() {
        for mobile in ["07700 900123", "+44 7911 123456", "07400 123456", "07624 123456", "0044 (0)7512 345678"] {
            assert!(UkPhone::parse(mobile).unwrap().is_mobile(), "{mobile}");
        }
        for other in ["01632 960 001", "020 7946 0000", "0800 123 456", "07001 234567", "07600 123456", "0300 060 6603"]
        {
            assert!(!UkPhone::parse(other).unwrap().is_mobile(), "{other}");
        }
    }

    #[test]
    #[cfg(feature = "canonical")]
    fn an_email_domain_written_decomposed_is_the_same_address_as_composed() {
        let composed = Email::parse("x@b\u{fc}cher.example").unwrap();
        assert_eq!(Email::parse("x@bu\u{308}cher.example").unwrap(), composed);
    }

    #[test]
    fn text_refuses_each_hidden_character_by_name_and_where_it_is() {
        for (c, kind) in [
            ('\u{0}', "a null character"),
            ('\u{7}', "a control character"),
            ('\u{1b}', "a control character"),
            ('\u{202A}', "a character that changes the direction of text"),
            ('\u{202E}', "a character that changes the direction of text"),
            ('\u{2066}', "a character that changes the direction of text"),
            ('\u{2069}', "a character that changes the direction of text"),
            ('\u{200E}', "a character that changes the direction of text"),
            ('\u{200F}', "a character that changes the direction of text"),
            ('\u{061C}', "a character that changes the direction of text"),
            ('\u{200B}', "an invisible character"),
            ('\u{200C}', "an invisible character"),
            ('\u{200D}', "an invisible character"),
            ('\u{2060}', "an invisible character"),
            ('\u{FEFF}', "an invisible character"),
            ('\u{00AD}', "an invisible character"),
            ('\u{3164}', "an invisible character"),
            ('\u{FE0F}', "an invisible character"),
            ('\u{E0041}', "an invisible character"),
            ('\u{1D173}', "an invisible character"),
            ('\u{2028}', "a line break"),
        ] {
            let err = parse_text(&format!("HMP{c}Leeds"), "the prison’s name", 120, TextKind::SingleLine).unwrap_err();
            assert_eq!(err.code, FieldErrorCode::InvalidCharacters, "{c:?}");
            assert_eq!(
                err.message,
                format!("The prison’s name must not include hidden characters: it has {kind} (U+{:04X})", u32::from(c))
            );
            assert!(parse_text(&format!("a{c}b"), "a message", 1000, TextKind::MultiLine).is_err(), "{c:?}");
            assert_eq!(code(Email::parse(&format!("mary{c}@example.com"))), FieldErrorCode::InvalidCharacters);
        }
        // Only blank is absent: an invisible character alone is still refused, not taken for "no note".
        assert_eq!(parse_optional_text(Some("  "), "a note", 30, TextKind::SingleLine), Ok(None));
        assert!(parse_optional_text(Some("\u{200B}"), "a note", 30, TextKind::SingleLine).is_err());
    }

    #[test]
    fn messages_keep_their_paragraphs_and_single_lines_collapse_their_spaces() {
        let message = parse_text(" Dear Mary,\r\n\r\n\tSee you then. ", "the message", 1000, TextKind::MultiLine);
        assert_eq!(message.unwrap(), "Dear Mary,\n\n\tSee you then.");
        let name = parse_text(" HMP \t\n Leeds ", "the prison’s name", 120, TextKind::SingleLine);
        assert_eq!(name.unwrap(), "HMP Leeds");
        assert_eq!(
            parse_text("   ", "the prison’s name", 120, TextKind::SingleLine).unwrap_err().code,
            FieldErrorCode::Required
        );
    }

    #[test]
    fn a_length_limit_counts_characters_as_sent_and_as_stored() {
        assert!(parse_text(&"é".repeat(30), "a name", 30, TextKind::SingleLine).is_ok());
        let padded = format!("{}Mary", " ".repeat(30));
        assert_eq!(code(PersonName::parse(&padded)), FieldErrorCode::TooLong, "padding cannot smuggle a long value");
        assert_eq!(code(PrisonCode::parse(&format!("{}RCI", " ".repeat(14)))), FieldErrorCode::InvalidCharacters);
    }

    #[cfg(feature = "canonical")]
    #[test]
    fn text_is_stored_in_nfc_and_email_domains_in_their_ascii_form() {
        // "e" and a combining acute accent is one character once normalised: it fits where "é" fits.
        assert_eq!(PersonName::parse("Zoe\u{301}").unwrap().as_str(), "Zo\u{e9}");
        assert_eq!(Email::parse("Mary@Bryn-Ŵyn.Cymru").unwrap().as_str(), "Mary@xn--bryn-yn-fvb.cymru");
        assert_eq!(Email::parse("mary@BÜCHER.example").unwrap().domain(), "xn--bcher-kva.example");
    }

    #[test]
    fn an_email_address_must_be_deliverable_without_smtputf8() {
        let err = Email::parse_as("marý@example.com", "the lead visitor’s email address").unwrap_err();
        assert_eq!(err.code, FieldErrorCode::InvalidEmail);
        assert!(err.message.contains("before the @"), "{}", err.message);
        assert_eq!(code(Email::parse(&format!("{}@example.com", "a".repeat(65)))), FieldErrorCode::InvalidEmail);
        assert_eq!(code(Email::parse(&format!("{}@example.com", "a".repeat(300)))), FieldErrorCode::InvalidEmail);
        assert_eq!(code(Email::parse("mary@example.123")), FieldErrorCode::InvalidEmail);
        assert_eq!(Email::parse("o'brien+visits@example.com").unwrap().as_str(), "o'brien+visits@example.com");
    }

    #[test]
    fn prison_codes_are_two_to_sixteen_capitals_digits_and_hyphens() {
        assert_eq!(PrisonCode::parse(" rci ").unwrap().as_str(), "RCI");
        assert_eq!(PrisonCode::parse("DEMO-RCI").unwrap().as_str(), "DEMO-RCI");
        assert_eq!(code(PrisonCode::parse("")), FieldErrorCode::Required);
        for bad in ["R", "-RCI", "RCI-", "R CI", "RCI\u{0}", "RCÍ", &"A".repeat(17), &"A".repeat(21)] {
            assert_eq!(code(PrisonCode::parse(bad)), FieldErrorCode::InvalidCharacters, "{bad:?}");
        }
    }

    #[test]
    fn each_date_window_keeps_impossible_years_out() {
        let today = date(2026, 11, 30);
        let what = "the date";
        for window in [
            DateWindow::Timetable,
            DateWindow::AllowanceRenewal,
            DateWindow::BanEnd,
            DateWindow::StaffReport,
            DateWindow::Record,
        ] {
            let (earliest, latest) = window.bounds(today);
            assert!(window.check(earliest, today, what).is_ok() && window.check(latest, today, what).is_ok());
            assert_eq!(code(window.check(earliest.pred_opt().unwrap(), today, what)), FieldErrorCode::DateTooFarInPast);
            assert_eq!(code(window.check(latest.succ_opt().unwrap(), today, what)), FieldErrorCode::OutOfRange);
            for absurd in
                [NaiveDate::from_ymd_opt(-100_000, 1, 1).unwrap(), NaiveDate::from_ymd_opt(262_142, 12, 31).unwrap()]
            {
                assert!(window.check(absurd, today, what).is_err(), "{window:?} {absurd}");
            }
        }
        assert_eq!(DateWindow::AllowanceRenewal.bounds(today), (today, date(2027, 11, 30)));
        let err = DateWindow::Timetable.check(date(1999, 12, 31), today, "a closed date").unwrap_err();
        assert_eq!(err.message, "A closed date must be the same as or after 1 January 2000");
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
        fn accepted_text_is_normalised_visible_and_fits(s in "\\PC{0,40}|[a-z \u{0}\u{7}\u{202E}\u{200B}\u{FEFF}\u{301}\n]{0,40}", max in 1usize..40) {
            for kind in [TextKind::SingleLine, TextKind::MultiLine] {
                if let Ok(text) = parse_text(&s, "a field", max, kind) {
                    prop_assert!(text.chars().count() <= max);
                    prop_assert!(find_hidden_character(&text, kind == TextKind::MultiLine).is_none());
                    prop_assert_eq!(text.trim(), text.as_str());
                    #[cfg(feature = "canonical")]
                    {
                        use unicode_normalization::{is_nfc, UnicodeNormalization};
                        prop_assert!(is_nfc(&text));
                        prop_assert_eq!(text.nfc().collect::<String>(), text.clone());
                    }
                    prop_assert_eq!(parse_text(&text, "a field", max, kind).unwrap(), text);
                }
            }
        }

        #[test]
        fn an_accepted_email_is_ascii_when_canonical_and_parses_to_itself(local in "[a-zA-Z0-9.+'ŵ\u{200B}-]{0,12}", domain in "[a-zA-Zŵü.-]{0,12}") {
            if let Ok(email) = Email::parse(&format!("{local}@{domain}.cymru")) {
                prop_assert!(email.as_str().chars().count() <= MAX_EMAIL_CHARS);
                prop_assert!(find_hidden_character(email.as_str(), false).is_none());
                #[cfg(feature = "canonical")]
                prop_assert!(email.as_str().is_ascii());
                prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
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
