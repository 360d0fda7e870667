//! The timetable as typed into the form, turned into the change the API takes, and the server's field errors placed on its fields.

use chrono::{NaiveDate, NaiveTime, Weekday};
use domain::api::VisitingRules;
use domain::error::FieldError;
use domain::slot::parse_hhmm;
use domain::timetable::{DateSlot, Timetable, WeeklySlot};
use domain::timetable_change::TimetableView;

use super::WEEKDAYS;
use crate::ui::Issue;

/// One time as typed: a weekly time (with `weekday`) or a replacement day's time (with `date`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Row {
    pub(super) weekday: usize,
    pub(super) date: String,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) capacity: String,
    pub(super) closed_capacity: String,
    pub(super) valid_from: Option<NaiveDate>,
    pub(super) valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Draft {
    pub(super) weekly: Vec<Row>,
    pub(super) replacements: Vec<Row>,
    pub(super) closed: Vec<String>,
    pub(super) rules: VisitingRules,
}

pub(super) fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl Draft {
    pub(super) fn from_view(view: &TimetableView) -> Draft {
        Draft {
            weekly: view
                .timetable
                .weekly
                .iter()
                .map(|w| Row {
                    weekday: w.weekday.num_days_from_monday() as usize,
                    start: hhmm(w.start),
                    end: hhmm(w.end),
                    capacity: w.capacity.to_string(),
                    closed_capacity: w.closed_capacity.to_string(),
                    valid_from: w.valid_from,
                    valid_to: w.valid_to,
                    ..Row::default()
                })
                .collect(),
            replacements: view
                .timetable
                .replacements
                .iter()
                .map(|r| Row {
                    date: r.date.to_string(),
                    start: hhmm(r.start),
                    end: hhmm(r.end),
                    capacity: r.capacity.to_string(),
                    closed_capacity: r.closed_capacity.to_string(),
                    ..Row::default()
                })
                .collect(),
            closed: view.timetable.closed_dates.iter().map(|d| d.to_string()).collect(),
            rules: view.rules.clone(),
        }
    }

    /// The timetable, or every problem with what was typed (each on its field).
    pub(super) fn timetable(&self) -> Result<Timetable, Vec<Issue>> {
        let mut issues = Vec::new();
        let time = |text: &str, id: String, issues: &mut Vec<Issue>| {
            let parsed = parse_hhmm(text.trim());
            if parsed.is_none() {
                issues.push(Issue::new(id, "Enter a time such as 14:00", "Rhowch amser fel 14:00"));
            }
            parsed.unwrap_or_default()
        };
        let number = |text: &str, id: String, issues: &mut Vec<Issue>| {
            let parsed = text.trim().parse::<u32>().ok();
            if parsed.is_none() {
                issues.push(Issue::new(id, "Enter a whole number of places", "Rhowch nifer cyfan o leoedd"));
            }
            parsed.unwrap_or_default()
        };
        let mut timetable = Timetable::default();
        for (i, row) in self.weekly.iter().enumerate() {
            timetable.weekly.push(WeeklySlot {
                weekday: WEEKDAYS.get(row.weekday).copied().unwrap_or(Weekday::Mon),
                start: time(&row.start, format!("weekly-{i}-start"), &mut issues),
                end: time(&row.end, format!("weekly-{i}-end"), &mut issues),
                capacity: number(&row.capacity, format!("weekly-{i}-capacity"), &mut issues),
                closed_capacity: number(&row.closed_capacity, format!("weekly-{i}-closed_capacity"), &mut issues),
                valid_from: row.valid_from,
                valid_to: row.valid_to,
            });
        }
        for (i, row) in self.replacements.iter().enumerate() {
            let date = NaiveDate::parse_from_str(row.date.trim(), "%Y-%m-%d").ok();
            if date.is_none() {
                issues.push(Issue::new(
                    format!("replacements-{i}-date"),
                    "Enter the date of the replacement day",
                    "Rhowch ddyddiad y diwrnod amgen",
                ));
            }
            timetable.replacements.push(DateSlot {
                date: date.unwrap_or_default(),
                start: time(&row.start, format!("replacements-{i}-start"), &mut issues),
                end: time(&row.end, format!("replacements-{i}-end"), &mut issues),
                capacity: number(&row.capacity, format!("replacements-{i}-capacity"), &mut issues),
                closed_capacity: number(&row.closed_capacity, format!("replacements-{i}-closed_capacity"), &mut issues),
            });
        }
        for (i, text) in self.closed.iter().enumerate() {
            match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(date) => {
                    timetable.closed_dates.insert(date);
                }
                Err(_) => {
                    issues.push(Issue::new(format!("closed-{i}"), "Enter the closed date", "Rhowch y dyddiad cau"))
                }
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut found: Vec<Issue> =
            timetable.validate().iter().map(|e| Issue::from_field(issue_id(&e.field), e)).collect();
        found.extend(
            domain::rules::check_visiting_rules(&self.rules).iter().map(|e| Issue::from_field(rule_id(&e.field), e)),
        );
        if found.is_empty() { Ok(timetable) } else { Err(found) }
    }
}

/// `weekly[2].end` -> `weekly-2-end`; a whole row's problem goes on its start time.
pub(super) fn issue_id(field: &str) -> String {
    let field = field.strip_prefix("timetable.").unwrap_or(field);
    let id = field.replace(['.', '['], "-").replace(']', "");
    match id.matches('-').count() {
        1 if id.starts_with("weekly") || id.starts_with("replacements") => format!("{id}-start"),
        _ if id.starts_with("weekly") || id.starts_with("replacements") || id.starts_with("closed") => id,
        _ => "weekly-0-start".into(),
    }
}

pub(super) fn rule_id(field: &str) -> String {
    format!("rules-{}", field.strip_prefix("rules.").unwrap_or(field))
}

pub(super) fn server_issues(errors: &[FieldError]) -> Vec<Issue> {
    errors
        .iter()
        .map(|e| {
            let id = if e.field.starts_with("rules") { rule_id(&e.field) } else { issue_id(&e.field) };
            Issue::from_field(id, e)
        })
        .collect()
}
