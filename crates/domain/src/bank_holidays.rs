//! Bank holidays in England and Wales, which are not processing days. The list ships with the crate as data
//! (`data/bank-holidays-england-and-wales.json`, GOV.UK's format) so it can be updated without touching code.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const BUNDLED_JSON: &str = include_str!("../data/bank-holidays-england-and-wales.json");
const DIVISION: &str = "england-and-wales";

/// One bank holiday as GOV.UK lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankHoliday {
    pub title: String,
    pub date: NaiveDate,
    /// "Substitute day" when the holiday is moved off a weekend.
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub bunting: bool,
}

#[derive(Deserialize)]
struct Division {
    division: String,
    events: Vec<BankHoliday>,
}

#[derive(Debug, thiserror::Error)]
pub enum BankHolidaysError {
    #[error("the bank holidays file is not in GOV.UK’s format: {0}")]
    Format(#[from] serde_json::Error),
    #[error("the bank holidays file is for `{0}`, not `england-and-wales`")]
    WrongDivision(String),
}

/// The bank holidays of England and Wales over the years a file covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankHolidays {
    by_date: BTreeMap<NaiveDate, BankHoliday>,
}

impl BankHolidays {
    /// The list compiled into this crate (2024 to 2029).
    pub fn bundled() -> &'static BankHolidays {
        static BUNDLED: OnceLock<BankHolidays> = OnceLock::new();
        // The bundled file is checked by `the_bundled_file_is_read_in_full`, so the empty fallback never happens
        // in a released build; it exists because a panic here would take a request down with it.
        BUNDLED.get_or_init(|| BankHolidays::from_json(BUNDLED_JSON).unwrap_or_default())
    }

    /// Reads GOV.UK's format: either the `england-and-wales` division on its own, as the bundled file is, or the
    /// whole of https://www.gov.uk/bank-holidays.json, from which that division is taken.
    pub fn from_json(json: &str) -> Result<BankHolidays, BankHolidaysError> {
        let mut value: serde_json::Value = serde_json::from_str(json)?;
        if let Some(division) = value.get_mut(DIVISION) {
            value = division.take();
        }
        let division: Division = serde_json::from_value(value)?;
        if division.division != DIVISION {
            return Err(BankHolidaysError::WrongDivision(division.division));
        }
        Ok(BankHolidays::from_events(division.events))
    }

    pub fn from_events(events: impl IntoIterator<Item = BankHoliday>) -> BankHolidays {
        BankHolidays { by_date: events.into_iter().map(|h| (h.date, h)).collect() }
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.by_date.contains_key(&date)
    }

    pub fn get(&self, date: NaiveDate) -> Option<&BankHoliday> {
        self.by_date.get(&date)
    }

    /// The first bank holiday in the list.
    pub fn first_covered(&self) -> Option<NaiveDate> {
        self.by_date.keys().next().copied()
    }

    /// The last bank holiday in the list. Later dates are treated as ordinary days, so a deployment should warn
    /// when the booking window reaches past this.
    pub fn last_covered(&self) -> Option<NaiveDate> {
        self.by_date.keys().next_back().copied()
    }

    /// Every holiday, in date order.
    pub fn iter(&self) -> impl Iterator<Item = &BankHoliday> {
        self.by_date.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Days, Weekday};
    use std::collections::BTreeSet;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher), written out independently of
    /// the data file so the two check each other.
    fn easter_sunday(year: i32) -> NaiveDate {
        let a = year % 19;
        let b = year / 100;
        let c = year % 100;
        let d = b / 4;
        let e = b % 4;
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - d - g + 15) % 30;
        let i = c / 4;
        let k = c % 4;
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        date(year, month as u32, day as u32)
    }

    fn first_monday(year: i32, month: u32) -> NaiveDate {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1).unwrap()
    }

    fn last_monday(year: i32, month: u32) -> NaiveDate {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
            .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
            .unwrap()
    }

    fn is_weekend(d: NaiveDate) -> bool {
        matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The standing rules for England and Wales, with substitutes pushed to the next free weekday.
    fn expected_holidays(year: i32) -> BTreeSet<NaiveDate> {
        let easter = easter_sunday(year);
        let mut days = BTreeSet::from([
            easter - Days::new(2),
            easter + Days::new(1),
            first_monday(year, 5),
            last_monday(year, 5),
            last_monday(year, 8),
        ]);
        for fixed in [date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)] {
            let mut day = fixed;
            while is_weekend(day) || days.contains(&day) {
                day = day + Days::new(1);
            }
            days.insert(day);
        }
        days
    }

    #[test]
    fn the_bundled_file_is_read_in_full() {
        let holidays = BankHolidays::from_json(BUNDLED_JSON).unwrap();
        assert_eq!(holidays.iter().count(), 48);
        assert_eq!(BankHolidays::bundled(), &holidays);
        assert_eq!(holidays.first_covered(), Some(date(2024, 1, 1)));
        assert_eq!(holidays.last_covered(), Some(date(2029, 12, 26)));
        let new_year = holidays.get(date(2026, 1, 1)).unwrap();
        assert_eq!(new_year.title, "New Year’s Day");
    }

    #[test]
    fn bundled_holidays_follow_the_rules_for_every_year_covered() {
        // One-off holidays announced by proclamation go here, with the announcement, when GOV.UK adds them.
        let one_off: BTreeSet<NaiveDate> = BTreeSet::new();
        let bundled: BTreeSet<NaiveDate> = BankHolidays::bundled().iter().map(|h| h.date).collect();
        let expected: BTreeSet<NaiveDate> = (2024..=2029).flat_map(expected_holidays).chain(one_off).collect();
        assert_eq!(bundled, expected);
        assert!(bundled.iter().all(|d| !is_weekend(*d)), "a bank holiday on a weekend is always substituted");
    }

    #[test]
    fn easter_and_the_christmas_substitute_days_fall_where_gov_uk_says() {
        let h = BankHolidays::bundled();
        let in_year = |y: i32| h.iter().filter(|e| e.date.year() == y).map(|e| e.date).collect::<Vec<_>>();
        assert_eq!(
            in_year(2026),
            vec![
                date(2026, 1, 1),
                date(2026, 4, 3),
                date(2026, 4, 6),
                date(2026, 5, 4),
                date(2026, 5, 25),
                date(2026, 8, 31),
                date(2026, 12, 25),
                date(2026, 12, 28)
            ]
        );
        assert!(h.is_holiday(date(2027, 12, 27)) && h.is_holiday(date(2027, 12, 28)));
        assert!(!h.is_holiday(date(2027, 12, 25)) && !h.is_holiday(date(2027, 12, 26)));
        assert!(h.is_holiday(date(2028, 1, 3)) && !h.is_holiday(date(2028, 1, 1)));
        assert_eq!(h.get(date(2028, 1, 3)).unwrap().notes, "Substitute day");
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert!(h.is_holiday(date(2025, 4, 18)) && h.is_holiday(date(2025, 4, 21)));
    }

    #[test]
    fn an_updated_file_can_be_gov_uks_whole_download() {
        let whole = r#"{
            "england-and-wales": {"division": "england-and-wales", "events": [
                {"title": "New Year’s Day", "date": "2030-01-01", "notes": "", "bunting": true}
            ]},
            "scotland": {"division": "scotland", "events": [
                {"title": "2nd January", "date": "2030-01-02", "notes": "", "bunting": true}
            ]}
        }"#;
        let holidays = BankHolidays::from_json(whole).unwrap();
        assert!(holidays.is_holiday(date(2030, 1, 1)));
        assert!(!holidays.is_holiday(date(2030, 1, 2)), "Scotland's holidays are not England's");
    }

    #[test]
    fn another_divisions_file_or_a_broken_one_is_refused() {
        let scotland = r#"{"division": "scotland", "events": []}"#;
        assert!(
            matches!(BankHolidays::from_json(scotland), Err(BankHolidaysError::WrongDivision(d)) if d == "scotland")
        );
        assert!(matches!(BankHolidays::from_json("{"), Err(BankHolidaysError::Format(_))));
        let bad_date = r#"{"division": "england-and-wales", "events": [{"title": "x", "date": "2030-02-30"}]}"#;
        assert!(BankHolidays::from_json(bad_date).is_err());
    }
}
