//! A concrete visiting slot: a date and a start and end time, in prison (UK) local time.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A concrete slot such as 2026-12-01 14:00-16:00. Times are wall-clock times in Europe/London.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-01"))]
    pub date: NaiveDate,
    #[serde(with = "hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "14:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "16:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub end: NaiveTime,
}

impl Slot {
    pub fn new(date: NaiveDate, start: NaiveTime, end: NaiveTime) -> Self {
        Slot { date, start, end }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}-{}", self.date, self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// Parses a wall-clock time written `HH:MM` (24-hour clock).
pub fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Serde for `NaiveTime` as `HH:MM`, the form people read and type.
pub mod hhmm {
    use super::*;

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    /// Exactly `HH:MM` (what `serialize` writes and `HHMM_PATTERN` documents): a form field is read with the more
    /// forgiving `parse_hhmm`, JSON is read as the document says.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        Some(&s)
            .filter(|s| s.len() == 5 && s.as_bytes()[..2].iter().all(u8::is_ascii_digit))
            .and_then(|s| parse_hhmm(s))
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a time written HH:MM")))
    }
}

/// The form of a time in JSON, as the OpenAPI document states it: `00:00` to `23:59`.
pub const HHMM_PATTERN: &str = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

/// Serde for `chrono::Weekday` as its three-letter English name (`Mon` to `Sun`), exactly: chrono alone also reads
/// `monday` or `MON`, which the OpenAPI document does not promise.
pub mod weekday {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    /// As the OpenAPI document states it.
    pub const PATTERN: &str = "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)$";

    pub fn serialize<S: Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(w)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let s = String::deserialize(d)?;
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun]
            .into_iter()
            .find(|w| w.to_string() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a day written Mon, Tue, ... Sun")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_and_written_as_hours_and_minutes() {
        assert_eq!(parse_hhmm("14:05"), NaiveTime::from_hms_opt(14, 5, 0));
        assert_eq!(parse_hhmm("9:30"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("14:5"), None);
        assert_eq!(parse_hhmm("1405"), None);
        assert_eq!(parse_hhmm("-1:00"), None);
        let slot = Slot::new(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(16, 10, 0).unwrap(),
        );
        let json = serde_json::to_string(&slot).unwrap();
        assert_eq!(json, r#"{"date":"2026-12-01","start":"14:00","end":"16:10"}"#);
        let back: Slot = serde_json::from_str(&json).unwrap();
        assert_eq!(back, slot);
    }
}
