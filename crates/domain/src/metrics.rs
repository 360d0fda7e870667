//! A prison's dashboard figures: how much is waiting, how much is overdue, what happened to the requests of a
//! period, how long staff took to decide them, and why requests were rejected. Pure arithmetic over rows the
//! caller selects; the clock comes in as `today`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::VisitingRules;
use crate::bank_holidays::BankHolidays;
use crate::calendar::is_overdue;
use crate::visit::{Channel, RejectionReason, VisitState};

const SECONDS_PER_HOUR: f64 = 3600.0;

/// How many rejected requests gave one reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonCount {
    pub reason: RejectionReason,
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub count: u32,
}

/// How many requests of the period came in one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelCount {
    pub channel: Channel,
    #[cfg_attr(feature = "openapi", schema(example = 17))]
    pub count: u32,
}

/// How long staff took from request to decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingTime {
    /// Half of the decisions took this many hours or fewer (nearest-rank median); absent when nothing was decided.
    #[cfg_attr(feature = "openapi", schema(example = 26.5))]
    pub median_hours: Option<f64>,
    /// 95 in 100 decisions took this many hours or fewer (nearest rank); absent when nothing was decided.
    #[cfg_attr(feature = "openapi", schema(example = 70.25))]
    pub p95_hours: Option<f64>,
    /// How many decisions the figures are based on.
    #[cfg_attr(feature = "openapi", schema(example = 120))]
    pub decided: u32,
}

/// A prison's figures for requests made from `from` to `to` (UK dates, both included), with the work waiting now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrisonMetrics {
    pub prison_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-11-01"))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-11-30"))]
    pub to: NaiveDate,
    /// Requests waiting for a decision now, whenever they were made.
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub waiting: u32,
    /// Of those, the ones past their confirm-by date.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub overdue: u32,
    /// Requests of the period that are booked now.
    #[cfg_attr(feature = "openapi", schema(example = 90))]
    pub booked: u32,
    /// Requests of the period that were rejected.
    #[cfg_attr(feature = "openapi", schema(example = 25))]
    pub rejected: u32,
    /// How often each reason was given, most frequent first; reasons never given are left out. A rejection with
    /// several reasons counts once under each.
    pub rejected_by_reason: Vec<ReasonCount>,
    /// Requests of the period the visitor withdrew.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub withdrawn: u32,
    /// Requests of the period that were booked and then cancelled.
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub cancelled: u32,
    /// Over the requests of the period that staff (or instant booking) decided.
    pub processing_time: ProcessingTime,
    /// Requests of the period (in every state) by how they came in, in the order of `Channel::ALL`; channels with
    /// none are left out.
    #[serde(default)]
    pub by_channel: Vec<ChannelCount>,
}

/// One visit, as much of it as the figures need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsRow {
    pub state: VisitState,
    /// The UK date the request was made.
    pub created_on: NaiveDate,
    /// Seconds from the request to the decision to book or reject it; `None` while undecided and for requests the
    /// visitor withdrew first. A cancelled visit keeps the time it took to book it.
    pub decided_after_secs: Option<i64>,
    /// Empty unless `state` is `rejected`.
    pub rejection_reasons: Vec<RejectionReason>,
    /// How the request came in.
    pub channel: Channel,
}

/// The `p`-th percentile of `sorted_durations_secs` (which must be sorted in ascending order) by the nearest-rank
/// method: the smallest value such that at least `p` per cent of the values are less than or equal to it, that is
/// the value at 1-based rank `ceil(p / 100 × n)`. It is always one of the values (never interpolated), so the 95th
/// percentile of a handful of decisions is simply the slowest of them.
///
/// `p` is a percentage: 50 for the median. Values of `p` at or below 0 give the smallest value and above 100 the
/// largest. `None` when there are no values or `p` is not a number.
pub fn percentile(sorted_durations_secs: &[i64], p: f64) -> Option<f64> {
    let n = sorted_durations_secs.len();
    if n == 0 || p.is_nan() {
        return None;
    }
    // Multiply before dividing so whole percentages of whole counts stay exact (95 × 100 / 100 is exactly 95),
    // and allow for rounding error before taking the ceiling so an exact rank is not pushed up by one.
    let exact = p.clamp(0.0, 100.0) * n as f64 / 100.0;
    let rank = (exact - 1e-9).ceil().clamp(1.0, n as f64) as usize;
    sorted_durations_secs.get(rank - 1).map(|&secs| secs as f64)
}

/// Works out a prison's figures.
///
/// `rows` are the prison's visits made from `from` to `to`, plus every visit still `requested` whatever its date
/// (so `waiting` and `overdue` see old requests). Period figures count only rows made inside the period; waiting
/// and overdue count every requested row, overdue meaning its confirm-by date is before `today` (see
/// [`is_overdue`]). Negative durations (clock skew between servers) count as zero.
pub fn summarise(
    prison_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    rows: &[MetricsRow],
    today: NaiveDate,
    rules: &VisitingRules,
    holidays: &BankHolidays,
) -> PrisonMetrics {
    let mut waiting = 0u32;
    let mut overdue = 0u32;
    let mut booked = 0u32;
    let mut rejected = 0u32;
    let mut withdrawn = 0u32;
    let mut cancelled = 0u32;
    let mut by_reason = [0u32; RejectionReason::ALL.len()];
    let mut by_channel = [0u32; Channel::ALL.len()];
    let mut durations = Vec::new();

    for row in rows {
        if row.state == VisitState::Requested {
            waiting = waiting.saturating_add(1);
            if is_overdue(row.created_on, today, rules, holidays) {
                overdue = overdue.saturating_add(1);
            }
        }
        if row.created_on < from || row.created_on > to {
            continue;
        }
        if let Some(i) = Channel::ALL.iter().position(|c| *c == row.channel)
            && let Some(count) = by_channel.get_mut(i)
        {
            *count = count.saturating_add(1);
        }
        match row.state {
            // A waiting-list visit counts once it is offered a place (as a request or a booking).
            VisitState::Requested | VisitState::Waiting | VisitState::Expired => {}
            VisitState::Booked => booked = booked.saturating_add(1),
            VisitState::Rejected => {
                rejected = rejected.saturating_add(1);
                // A reason listed twice on one row still counts once for it.
                for (i, reason) in RejectionReason::ALL.iter().enumerate() {
                    if row.rejection_reasons.contains(reason)
                        && let Some(count) = by_reason.get_mut(i)
                    {
                        *count = count.saturating_add(1);
                    }
                }
            }
            VisitState::Withdrawn => withdrawn = withdrawn.saturating_add(1),
            VisitState::Cancelled => cancelled = cancelled.saturating_add(1),
        }
        if let Some(secs) = row.decided_after_secs {
            durations.push(secs.max(0));
        }
    }

    let mut rejected_by_reason: Vec<ReasonCount> = RejectionReason::ALL
        .into_iter()
        .zip(by_reason)
        .filter(|(_, count)| *count > 0)
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    // Stable, so equal counts keep the order of `RejectionReason::ALL`.
    rejected_by_reason.sort_by_key(|c| std::cmp::Reverse(c.count));

    durations.sort_unstable();
    let hours = |p: f64| percentile(&durations, p).map(|secs| secs / SECONDS_PER_HOUR);
    let processing_time = ProcessingTime {
        median_hours: hours(50.0),
        p95_hours: hours(95.0),
        decided: u32::try_from(durations.len()).unwrap_or(u32::MAX),
    };

    let by_channel = Channel::ALL
        .into_iter()
        .zip(by_channel)
        .filter(|(_, count)| *count > 0)
        .map(|(channel, count)| ChannelCount { channel, count })
        .collect();

    PrisonMetrics {
        by_channel,
        prison_id,
        from,
        to,
        waiting,
        overdue,
        booked,
        rejected,
        rejected_by_reason,
        withdrawn,
        cancelled,
        processing_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn row(state: VisitState, created_on: NaiveDate, decided_after_secs: Option<i64>) -> MetricsRow {
        MetricsRow { state, created_on, decided_after_secs, rejection_reasons: vec![], channel: Channel::Website }
    }

    fn rejected(created_on: NaiveDate, reasons: Vec<RejectionReason>) -> MetricsRow {
        MetricsRow {
            state: VisitState::Rejected,
            created_on,
            decided_after_secs: Some(3600),
            rejection_reasons: reasons,
            channel: Channel::Website,
        }
    }

    fn no_holidays() -> BankHolidays {
        BankHolidays::default()
    }

    #[test]
    fn requests_of_the_period_are_counted_by_channel_in_a_fixed_order() {
        let day = date(2026, 11, 10);
        let mut rows =
            vec![row(VisitState::Booked, day, Some(60)), row(VisitState::Requested, date(2026, 10, 1), None)];
        for channel in [Channel::Integrator, Channel::Phone, Channel::Phone] {
            rows.push(MetricsRow { channel, ..row(VisitState::Requested, day, None) });
        }
        let rules = VisitingRules::default();
        let m = summarise(Uuid::nil(), date(2026, 11, 1), date(2026, 11, 30), &rows, day, &rules, &no_holidays());
        let counts: Vec<(Channel, u32)> = m.by_channel.iter().map(|c| (c.channel, c.count)).collect();
        assert_eq!(counts, [(Channel::Website, 1), (Channel::Phone, 2), (Channel::Integrator, 1)]);
    }

    #[test]
    fn the_median_of_one_to_a_hundred_is_fifty_by_nearest_rank() {
        let values: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50.0));
        assert_eq!(percentile(&values, 95.0), Some(95.0));
        assert_eq!(percentile(&values, 99.0), Some(99.0));
        assert_eq!(percentile(&values, 100.0), Some(100.0));
        assert_eq!(percentile(&values, 1.0), Some(1.0));
        assert_eq!(percentile(&values, 0.0), Some(1.0));
    }

    #[test]
    fn a_percentile_is_always_one_of_the_values() {
        assert_eq!(percentile(&[10, 20, 30, 40], 50.0), Some(20.0));
        assert_eq!(percentile(&[10, 20, 30, 40, 50], 50.0), Some(30.0));
        assert_eq!(percentile(&[15, 20, 35, 40, 50], 30.0), Some(20.0));
        assert_eq!(percentile(&[15, 20, 35, 40, 50], 40.0), Some(20.0));
        assert_eq!(percentile(&[15, 20, 35, 40, 50], 95.0), Some(50.0));
        assert_eq!(percentile(&[7], 95.0), Some(7.0));
    }

    #[test]
    fn percentiles_that_are_whole_ranks_are_not_pushed_up_by_rounding() {
        // 0.1 × 10 and similar products are not exact in binary floating point.
        let values: Vec<i64> = (1..=10).collect();
        for p in [10.0, 20.0, 30.0, 60.0, 70.0, 90.0] {
            assert_eq!(percentile(&values, p), Some(p / 10.0), "p = {p}");
        }
        let thousand: Vec<i64> = (1..=1000).collect();
        assert_eq!(percentile(&thousand, 95.0), Some(950.0));
        assert_eq!(percentile(&thousand, 99.9), Some(999.0));
    }

    #[test]
    fn there_is_no_percentile_of_nothing() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1, 2], f64::NAN), None);
    }

    #[test]
    fn percentiles_outside_zero_to_a_hundred_are_clamped() {
        assert_eq!(percentile(&[1, 2, 3], -5.0), Some(1.0));
        assert_eq!(percentile(&[1, 2, 3], 250.0), Some(3.0));
    }

    #[test]
    fn processing_time_is_reported_in_hours_over_decided_requests() {
        let monday = date(2026, 11, 2);
        let rows: Vec<MetricsRow> = (1..=100)
            .map(|h| row(VisitState::Booked, monday, Some(h * 3600)))
            .chain([row(VisitState::Withdrawn, monday, None)])
            .collect();
        let m = summarise(Uuid::nil(), monday, monday, &rows, monday, &VisitingRules::default(), &no_holidays());
        assert_eq!(m.processing_time, ProcessingTime { median_hours: Some(50.0), p95_hours: Some(95.0), decided: 100 });
        assert_eq!((m.booked, m.withdrawn), (100, 1));
    }

    #[test]
    fn with_nothing_decided_there_is_no_processing_time() {
        let monday = date(2026, 11, 2);
        let m = summarise(Uuid::nil(), monday, monday, &[], monday, &VisitingRules::default(), &no_holidays());
        assert_eq!(m.processing_time, ProcessingTime { median_hours: None, p95_hours: None, decided: 0 });
        assert_eq!((m.waiting, m.overdue, m.booked, m.rejected, m.withdrawn, m.cancelled), (0, 0, 0, 0, 0, 0));
        assert!(m.rejected_by_reason.is_empty());
    }

    #[test]
    fn requests_past_their_confirm_by_date_are_overdue() {
        // Made on Monday 2 November 2026: confirm by Thursday 5th, overdue from Friday 6th.
        let monday = date(2026, 11, 2);
        let rows = [row(VisitState::Requested, monday, None), row(VisitState::Requested, date(2026, 11, 5), None)];
        let rules = VisitingRules::default();
        let on_thursday = summarise(Uuid::nil(), monday, monday, &rows, date(2026, 11, 5), &rules, &no_holidays());
        assert_eq!((on_thursday.waiting, on_thursday.overdue), (2, 0));
        let on_friday = summarise(Uuid::nil(), monday, monday, &rows, date(2026, 11, 6), &rules, &no_holidays());
        assert_eq!((on_friday.waiting, on_friday.overdue), (2, 1));
    }

    #[test]
    fn a_bank_holiday_gives_staff_an_extra_day_before_a_request_is_overdue() {
        let monday = date(2026, 11, 2);
        let rows = [row(VisitState::Requested, monday, None)];
        let holidays = BankHolidays::from_events([crate::bank_holidays::BankHoliday {
            date: date(2026, 11, 4),
            title: "Test holiday".into(),
            notes: String::new(),
            bunting: false,
        }]);
        let rules = VisitingRules::default();
        let on_friday = summarise(Uuid::nil(), monday, monday, &rows, date(2026, 11, 6), &rules, &holidays);
        assert_eq!(on_friday.overdue, 0);
        let on_saturday = summarise(Uuid::nil(), monday, monday, &rows, date(2026, 11, 7), &rules, &holidays);
        assert_eq!(on_saturday.overdue, 1);
    }

    #[test]
    fn waiting_requests_from_before_the_period_still_count_but_other_old_rows_do_not() {
        let from = date(2026, 11, 1);
        let to = date(2026, 11, 30);
        let old = date(2026, 10, 1);
        let rows = [
            row(VisitState::Requested, old, None),
            row(VisitState::Booked, old, Some(60)),
            rejected(old, vec![RejectionReason::Other]),
            row(VisitState::Booked, from, Some(7200)),
            row(VisitState::Cancelled, to, Some(3600)),
            row(VisitState::Booked, date(2026, 12, 1), Some(60)),
        ];
        let m = summarise(Uuid::nil(), from, to, &rows, date(2026, 12, 1), &VisitingRules::default(), &no_holidays());
        assert_eq!((m.waiting, m.overdue), (1, 1));
        assert_eq!((m.booked, m.rejected, m.cancelled), (1, 0, 1));
        assert!(m.rejected_by_reason.is_empty());
        assert_eq!(m.processing_time.decided, 2);
        assert_eq!(m.processing_time.median_hours, Some(1.0));
        assert_eq!(m.processing_time.p95_hours, Some(2.0));
    }

    #[test]
    fn rejections_are_counted_by_reason_most_frequent_first() {
        let day = date(2026, 11, 2);
        let rows = [
            rejected(day, vec![RejectionReason::NoAllowance, RejectionReason::PrisonerMoved]),
            rejected(day, vec![RejectionReason::PrisonerMoved]),
            rejected(day, vec![RejectionReason::SlotUnavailable, RejectionReason::SlotUnavailable]),
            rejected(day, vec![RejectionReason::PrisonerMoved, RejectionReason::Other]),
        ];
        let m = summarise(Uuid::nil(), day, day, &rows, day, &VisitingRules::default(), &no_holidays());
        assert_eq!(m.rejected, 4);
        assert_eq!(
            m.rejected_by_reason,
            vec![
                ReasonCount { reason: RejectionReason::PrisonerMoved, count: 3 },
                ReasonCount { reason: RejectionReason::SlotUnavailable, count: 1 },
                ReasonCount { reason: RejectionReason::NoAllowance, count: 1 },
                ReasonCount { reason: RejectionReason::Other, count: 1 },
            ]
        );
    }

    #[test]
    fn a_negative_duration_counts_as_zero() {
        let day = date(2026, 11, 2);
        let rows = [row(VisitState::Booked, day, Some(-30))];
        let m = summarise(Uuid::nil(), day, day, &rows, day, &VisitingRules::default(), &no_holidays());
        assert_eq!(m.processing_time.median_hours, Some(0.0));
    }

    #[test]
    fn the_metrics_travel_as_json_with_null_for_missing_percentiles() {
        let day = date(2026, 11, 2);
        let m = summarise(Uuid::nil(), day, day, &[], day, &VisitingRules::default(), &no_holidays());
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["from"], "2026-11-02");
        assert!(json["processing_time"]["median_hours"].is_null());
        let back: PrisonMetrics = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }
}
