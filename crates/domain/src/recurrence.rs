//! Recurring tasks: a validated RFC 5545 RRULE and what completing one
//! occurrence does to the due date.
//!
//! The expansion itself is the `rrule` crate's; this module decides which
//! subset of RFC 5545 a task may use, where a series is anchored, and how
//! COUNT and UNTIL end it.
//!
//! Semantics, in one place:
//! - A series is anchored at an instant (the task's current due) and expanded
//!   in the user's time zone, so wall-clock times survive daylight-saving
//!   changes.
//! - The anchor is occurrence number 1 (as RFC 5545 counts DTSTART), even
//!   when the rule's BYxxx parts would not select it; the next occurrence is
//!   the first one the rule yields strictly after the anchor.
//! - COUNT is not handed to `rrule` (whose count would restart at every
//!   re-anchoring); [`next_due`] ends the series itself from the number of
//!   completions so far, and [`Recurrence::next_after`] counts from its anchor.
//! - UNTIL is not handed to `rrule` either (it reads a floating UNTIL in the
//!   server's zone and refuses an UNTIL before DTSTART); it is compared here:
//!   `...Z` as a UTC instant, a floating date-time as wall-clock time in the
//!   user's zone, a plain date as "through the end of that local date".

use std::fmt;

use chrono::{Datelike as _, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Timelike as _};
use rrule::{RRule, RRuleSet, Unvalidated};

use crate::{TimeZone, Timestamp};

/// A validated RFC 5545 RRULE value (without the `RRULE:` prefix), e.g.
/// `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recurrence {
    /// Canonical text: upper-case, prefix dropped, the user's part order.
    text: String,
    /// The parts handed to `rrule`: everything but COUNT and UNTIL.
    expansion: String,
    count: Option<u32>,
    until: Option<Until>,
}

/// The three forms RFC 5545 allows for UNTIL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Until {
    /// `YYYYMMDD`: occurrences on that local date still count.
    Date(NaiveDate),
    /// `YYYYMMDDTHHMMSS`: wall-clock time in the user's zone.
    Floating(NaiveDateTime),
    /// `YYYYMMDDTHHMMSSZ`: an instant.
    Utc(NaiveDateTime),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters", max = Recurrence::MAX_CHARS)]
    TooLong,
    #[error("must be one RRULE value such as FREQ=WEEKLY;BYDAY=MO, without DTSTART or other lines")]
    NotOneLine,
    #[error("part `{0}` is not of the form NAME=VALUE")]
    Malformed(String),
    #[error(
        "{0} is not supported; use FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, COUNT or UNTIL"
    )]
    UnsupportedPart(String),
    #[error("{0} must not be given more than once")]
    Duplicate(String),
    #[error("FREQ is required")]
    MissingFreq,
    #[error("FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY, not {0}")]
    UnsupportedFreq(String),
    #[error("INTERVAL must be an integer from 1 to {max}", max = Recurrence::MAX_INTERVAL)]
    Interval,
    #[error("COUNT must be an integer from 1 to {max}", max = Recurrence::MAX_COUNT)]
    Count,
    #[error(
        "UNTIL must be a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSS, optionally ending in Z)"
    )]
    Until,
    #[error("COUNT and UNTIL must not both be given")]
    CountAndUntil,
    #[error("BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH")]
    BySetPosAlone,
    /// A value the RRULE grammar or RFC 5545's ranges reject (e.g.
    /// `BYMONTHDAY=32`, `BYDAY=XX`), in the expansion library's words.
    #[error("{0}")]
    Invalid(String),
    #[error("never produces a date")]
    NeverOccurs,
}

const SUPPORTED_PARTS: [&str; 8] = [
    "FREQ",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "COUNT",
    "UNTIL",
];

/// Occurrences looked at before giving up on reaching `after`: ample for any
/// real due date (a daily rule covers 270 years), and a bound on the work a
/// request can cause.
const MAX_OCCURRENCES_SCANNED: usize = 100_000;

impl Recurrence {
    pub const MAX_CHARS: usize = 500;
    pub const MAX_INTERVAL: u16 = 1000;
    pub const MAX_COUNT: u32 = 10_000;

    /// Accepts only `FREQ=DAILY|WEEKLY|MONTHLY|YEARLY` with `INTERVAL`,
    /// `BYDAY`, `BYMONTHDAY`, `BYMONTH`, `BYSETPOS`, `COUNT` and `UNTIL`,
    /// each at most once. Names and values are case-insensitive and stored
    /// upper-case; a leading `RRULE:` is dropped. Time-of-day parts
    /// (`BYHOUR`...) are refused because a task's time comes from its due
    /// date, and `WKST` because the user's week start is a preference.
    ///
    /// # Errors
    /// A [`RecurrenceError`] naming the first problem found.
    pub fn parse(raw: &str) -> Result<Self, RecurrenceError> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(RecurrenceError::TooLong);
        }
        if raw.contains(['\n', '\r']) {
            return Err(RecurrenceError::NotOneLine);
        }
        let upper = raw.to_ascii_uppercase();
        let text = upper.strip_prefix("RRULE:").unwrap_or(&upper);
        if text.is_empty() {
            return Err(RecurrenceError::Empty);
        }
        if text.starts_with("DTSTART") {
            return Err(RecurrenceError::NotOneLine);
        }

        let mut seen: Vec<&str> = Vec::new();
        let mut expansion: Vec<&str> = Vec::new();
        let mut freq = None;
        let mut count = None;
        let mut until = None;
        let mut has_by_part = false;
        let mut has_by_set_pos = false;
        for part in text.split(';') {
            let Some((name, value)) = part.split_once('=') else {
                return Err(RecurrenceError::Malformed(part.to_owned()));
            };
            if name.is_empty() || value.is_empty() {
                return Err(RecurrenceError::Malformed(part.to_owned()));
            }
            if !SUPPORTED_PARTS.contains(&name) {
                return Err(RecurrenceError::UnsupportedPart(name.to_owned()));
            }
            if seen.contains(&name) {
                return Err(RecurrenceError::Duplicate(name.to_owned()));
            }
            seen.push(name);
            match name {
                "FREQ" => {
                    if !matches!(value, "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY") {
                        return Err(RecurrenceError::UnsupportedFreq(value.to_owned()));
                    }
                    freq = Some(value);
                }
                "INTERVAL" => {
                    value
                        .parse::<u16>()
                        .ok()
                        .filter(|v| (1..=Self::MAX_INTERVAL).contains(v))
                        .ok_or(RecurrenceError::Interval)?;
                }
                "COUNT" => {
                    count = Some(
                        value
                            .parse::<u32>()
                            .ok()
                            .filter(|v| (1..=Self::MAX_COUNT).contains(v))
                            .ok_or(RecurrenceError::Count)?,
                    );
                    continue;
                }
                "UNTIL" => {
                    until = Some(parse_until(value).ok_or(RecurrenceError::Until)?);
                    continue;
                }
                "BYSETPOS" => has_by_set_pos = true,
                _ => has_by_part = true,
            }
            expansion.push(part);
        }
        if freq.is_none() {
            return Err(RecurrenceError::MissingFreq);
        }
        if count.is_some() && until.is_some() {
            return Err(RecurrenceError::CountAndUntil);
        }
        if has_by_set_pos && !has_by_part {
            return Err(RecurrenceError::BySetPosAlone);
        }

        let recurrence = Self {
            text: text.to_owned(),
            expansion: expansion.join(";"),
            count,
            until,
        };
        // Let the library check the values (ranges, weekday names, parts
        // that do not fit FREQ) against a fixed start.
        let probe = sample_anchor();
        recurrence
            .expansion
            .parse::<RRule<Unvalidated>>()
            .and_then(|rule| rule.validate(to_rrule_tz(probe, TimeZone::UTC)))
            .map_err(|e| RecurrenceError::Invalid(library_message(&e)))?;
        // A rule such as BYMONTH=2;BYMONTHDAY=30 validates but never occurs.
        if recurrence
            .next_occurrence(probe, probe, TimeZone::UTC)
            .is_none()
            && recurrence.until.is_none()
        {
            return Err(RecurrenceError::NeverOccurs);
        }
        Ok(recurrence)
    }

    /// The canonical text as stored and returned.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The COUNT part, if any: how many occurrences the series has in all.
    pub const fn count(&self) -> Option<u32> {
        self.count
    }

    /// The first occurrence strictly after `after`, of the series that starts
    /// at `anchor` (the task's current due instant), computed in `tz`:
    /// wall-clock times are kept across DST changes (a daily 09:00
    /// Europe/Berlin task stays 09:00 local), the 31st is skipped in 30-day
    /// months (RFC 5545), and COUNT/UNTIL are honoured. COUNT counts `anchor`
    /// as occurrence number 1; use [`next_due`] when earlier occurrences were
    /// already completed.
    ///
    /// `None` when the series ends first, or when reaching `after` takes
    /// more than 100 000 occurrences.
    pub fn next_after(
        &self,
        anchor: Timestamp,
        after: Timestamp,
        tz: TimeZone,
    ) -> Option<Timestamp> {
        let mut number: u64 = 1;
        for occurrence in self.occurrences(anchor, tz)? {
            if occurrence > anchor {
                number += 1;
            }
            if self.count.is_some_and(|count| number > u64::from(count)) {
                return None;
            }
            if occurrence > after {
                return Some(occurrence);
            }
        }
        None
    }

    /// Like [`Self::next_after`] without COUNT: the caller ends the series.
    fn next_occurrence(
        &self,
        anchor: Timestamp,
        after: Timestamp,
        tz: TimeZone,
    ) -> Option<Timestamp> {
        self.occurrences(anchor, tz)?
            .find(|occurrence| *occurrence > after)
    }

    /// The rule's occurrences from `anchor` on, in order, ending at UNTIL and
    /// after at most [`MAX_OCCURRENCES_SCANNED`]. `None` when the anchor is
    /// outside the years the library handles.
    fn occurrences(
        &self,
        anchor: Timestamp,
        tz: TimeZone,
    ) -> Option<impl Iterator<Item = Timestamp>> {
        // rrule works in whole seconds and years -10 000..=10 000; keep well
        // inside so its date arithmetic cannot overflow.
        if !(1..=9000).contains(&anchor.year()) {
            return None;
        }
        let start = to_rrule_tz(anchor.with_nanosecond(0)?, tz);
        let set: RRuleSet = self
            .expansion
            .parse::<RRule<Unvalidated>>()
            .ok()?
            .build(start)
            .ok()?
            // Stops the iterator after 100 000 empty periods instead of
            // looping for ever on a rule that has no further dates.
            .limit();
        let until = self.until;
        Some(
            set.into_iter()
                .take(MAX_OCCURRENCES_SCANNED)
                .take_while(move |occurrence| until.is_none_or(|u| u.allows(occurrence)))
                .map(|occurrence| occurrence.to_utc()),
        )
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Until {
    fn allows(self, occurrence: &chrono::DateTime<rrule::Tz>) -> bool {
        match self {
            Self::Date(date) => occurrence.date_naive() <= date,
            Self::Floating(wall) => occurrence.naive_local() <= wall,
            Self::Utc(instant) => occurrence.naive_utc() <= instant,
        }
    }
}

fn parse_until(value: &str) -> Option<Until> {
    if value.len() == 8 {
        return NaiveDate::parse_from_str(value, "%Y%m%d")
            .ok()
            .map(Until::Date);
    }
    if let Some(utc) = value.strip_suffix('Z') {
        return parse_date_time(utc).map(Until::Utc);
    }
    parse_date_time(value).map(Until::Floating)
}

fn parse_date_time(value: &str) -> Option<NaiveDateTime> {
    if value.len() != 15 {
        return None;
    }
    NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").ok()
}

fn to_rrule_tz(at: Timestamp, tz: TimeZone) -> chrono::DateTime<rrule::Tz> {
    at.with_timezone(&rrule::Tz::Tz(tz.tz()))
}

/// The fixed start used to check a rule when it is parsed.
fn sample_anchor() -> Timestamp {
    chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default() // 2026-01-01T00:00Z
}

fn library_message(error: &rrule::RRuleError) -> String {
    match error {
        rrule::RRuleError::ParserError(e) => e.to_string(),
        rrule::RRuleError::ValidationError(e) => e.to_string(),
        rrule::RRuleError::IterError(e) => e.clone(),
    }
}

/// What the next date of a recurring task counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RecurrenceBasis {
    /// The schedule: the next occurrence after the current due date, however
    /// late the completion (Todoist's "every").
    #[default]
    Due,
    /// The completion: the schedule restarts on the day it was done
    /// (Todoist's "every!").
    Completion,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: due, completion")]
pub struct RecurrenceBasisError;

impl RecurrenceBasis {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::Completion => "completion",
        }
    }

    /// # Errors
    /// Fails for anything but `due` or `completion`.
    pub fn parse(raw: &str) -> Result<Self, RecurrenceBasisError> {
        match raw {
            "due" => Ok(Self::Due),
            "completion" => Ok(Self::Completion),
            _ => Err(RecurrenceBasisError),
        }
    }
}

impl fmt::Display for RecurrenceBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What completing one occurrence does: the due instant the task moves to,
/// or `None` when the rule is exhausted (the task then completes for good).
///
/// - basis `Due`: the next occurrence after the current due (the schedule).
///   If that is still in the past it stays on schedule: Todoist's "every"
///   moves to the next date after the current due, not after now.
/// - basis `Completion` ("every!"): the series is re-anchored at the
///   completion's local date with the current due's local time of day
///   (all-day: the completion's local date), and the next occurrence after
///   that anchor is returned.
/// - COUNT: `completions_so_far` = how many occurrences were completed
///   before this one, so the current due is occurrence `completions_so_far +
///   1`; the series is exhausted when `completions_so_far + 1 >= COUNT`.
/// - UNTIL: exhausted when the next occurrence would be after UNTIL.
/// - `all_day`: the task is due on a date (its due is 00:00 local); the
///   result is 00:00 local of the next date. Dates are expanded at local
///   noon, which exists on every day, so a DST gap at midnight cannot make
///   the rule skip a date.
pub fn next_due(
    rule: &Recurrence,
    basis: RecurrenceBasis,
    current_due: Timestamp,
    all_day: bool,
    completed_at: Timestamp,
    completions_so_far: u32,
    tz: TimeZone,
) -> Option<Timestamp> {
    if rule
        .count
        .is_some_and(|count| completions_so_far.saturating_add(1) >= count)
    {
        return None;
    }
    let anchor = match (basis, all_day) {
        (RecurrenceBasis::Due, false) => current_due,
        (RecurrenceBasis::Due, true) => local_instant(tz, tz.local_date(current_due), NOON),
        (RecurrenceBasis::Completion, false) => {
            let time = tz.local_date_time(current_due).time();
            local_instant(tz, tz.local_date(completed_at), time)
        }
        (RecurrenceBasis::Completion, true) => local_instant(tz, tz.local_date(completed_at), NOON),
    };
    let next = rule.next_occurrence(anchor, anchor, tz)?;
    Some(if all_day { tz.start_of_day(next) } else { next })
}

const NOON: NaiveTime = match NaiveTime::from_hms_opt(12, 0, 0) {
    Some(noon) => noon,
    None => NaiveTime::MIN,
};

/// `time` on `date` in `tz`; the earlier instant when the time happens twice,
/// and the same distance from the day's start when it falls in a gap (as the
/// expansion library does).
fn local_instant(tz: TimeZone, date: NaiveDate, time: NaiveTime) -> Timestamp {
    match tz.tz().from_local_datetime(&date.and_time(time)).earliest() {
        Some(at) => at.to_utc(),
        None => {
            let start = tz.start_of_date(date);
            start
                .checked_add_signed(time - NaiveTime::MIN)
                .unwrap_or(start)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> Timestamp {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .expect("test timestamp")
            .to_utc()
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::parse(name).expect("known zone")
    }

    fn rule(text: &str) -> Recurrence {
        Recurrence::parse(text).expect("valid rule")
    }

    /// The next occurrence after the anchor itself.
    fn next(text: &str, anchor: &str, tz: &str) -> Option<Timestamp> {
        let anchor = at(anchor);
        rule(text).next_after(anchor, anchor, zone(tz))
    }

    /// `next_due` for a timed task on the schedule, completed on time.
    fn due_next(text: &str, due: &str, tz: &str) -> Option<Timestamp> {
        let due = at(due);
        next_due(
            &rule(text),
            RecurrenceBasis::Due,
            due,
            false,
            due,
            0,
            zone(tz),
        )
    }

    /// Successive occurrences after `anchor`.
    fn series(text: &str, anchor: &str, tz: &str, n: usize) -> Vec<Timestamp> {
        let (rule, tz) = (rule(text), zone(tz));
        let anchor = at(anchor);
        let mut after = anchor;
        let mut out = Vec::new();
        for _ in 0..n {
            match rule.next_after(anchor, after, tz) {
                Some(occurrence) => {
                    out.push(occurrence);
                    after = occurrence;
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn daily() {
        assert_eq!(
            next("FREQ=DAILY", "2026-12-07T09:00:00Z", "UTC"),
            Some(at("2026-12-08T09:00:00Z"))
        );
    }

    #[test]
    fn weekly_on_given_days() {
        // Monday 09:00 Berlin: then Thursday, then next Monday.
        assert_eq!(
            series(
                "FREQ=WEEKLY;BYDAY=MO,TH",
                "2026-12-07T08:00:00Z",
                "Europe/Berlin",
                3
            ),
            [
                at("2026-12-10T08:00:00Z"),
                at("2026-12-14T08:00:00Z"),
                at("2026-12-17T08:00:00Z"),
            ]
        );
    }

    #[test]
    fn weekly_without_byday_keeps_the_anchor_weekday() {
        assert_eq!(
            next("FREQ=WEEKLY", "2026-12-09T15:30:00Z", "UTC"),
            Some(at("2026-12-16T15:30:00Z"))
        );
    }

    #[test]
    fn byday_that_excludes_the_anchor_takes_the_first_rule_date_after_it() {
        // Anchored on a Wednesday, "every Monday" moves to the next Monday.
        assert_eq!(
            next("FREQ=WEEKLY;BYDAY=MO", "2026-12-09T09:00:00Z", "UTC"),
            Some(at("2026-12-14T09:00:00Z"))
        );
    }

    #[test]
    fn monthly_on_a_month_day() {
        assert_eq!(
            series(
                "FREQ=MONTHLY;BYMONTHDAY=15",
                "2026-12-15T10:00:00Z",
                "UTC",
                2
            ),
            [at("2027-01-15T10:00:00Z"), at("2027-02-15T10:00:00Z")]
        );
    }

    #[test]
    fn monthly_on_the_last_friday() {
        // Fridays of Dec 2026: 4, 11, 18, 25; of Jan 2027: 1 .. 29; Feb: .. 26.
        assert_eq!(
            series(
                "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1",
                "2026-12-25T17:00:00Z",
                "UTC",
                2
            ),
            [at("2027-01-29T17:00:00Z"), at("2027-02-26T17:00:00Z")]
        );
        // The same rule written with an ordinal weekday.
        assert_eq!(
            next("FREQ=MONTHLY;BYDAY=-1FR", "2026-12-25T17:00:00Z", "UTC"),
            Some(at("2027-01-29T17:00:00Z"))
        );
    }

    #[test]
    fn yearly_in_a_month_keeps_the_anchor_day() {
        assert_eq!(
            series("FREQ=YEARLY;BYMONTH=3", "2026-01-10T08:00:00Z", "UTC", 2),
            [at("2026-03-10T08:00:00Z"), at("2027-03-10T08:00:00Z")]
        );
        assert_eq!(
            next("FREQ=YEARLY", "2026-12-24T18:00:00Z", "UTC"),
            Some(at("2027-12-24T18:00:00Z"))
        );
    }

    #[test]
    fn intervals() {
        assert_eq!(
            next("FREQ=DAILY;INTERVAL=3", "2026-12-07T09:00:00Z", "UTC"),
            Some(at("2026-12-10T09:00:00Z"))
        );
        assert_eq!(
            next("FREQ=WEEKLY;INTERVAL=2", "2026-12-07T09:00:00Z", "UTC"),
            Some(at("2026-12-21T09:00:00Z"))
        );
        assert_eq!(
            next("FREQ=MONTHLY;INTERVAL=3", "2026-12-07T09:00:00Z", "UTC"),
            Some(at("2027-03-07T09:00:00Z"))
        );
        assert_eq!(
            next("FREQ=YEARLY;INTERVAL=2", "2026-12-07T09:00:00Z", "UTC"),
            Some(at("2028-12-07T09:00:00Z"))
        );
    }

    #[test]
    fn daily_nine_am_stays_nine_am_across_berlin_dst() {
        // Spring forward on 2026-03-29: 09:00 CET is 08:00Z, 09:00 CEST 07:00Z.
        assert_eq!(
            series("FREQ=DAILY", "2026-03-28T08:00:00Z", "Europe/Berlin", 2),
            [at("2026-03-29T07:00:00Z"), at("2026-03-30T07:00:00Z")]
        );
        assert_eq!(
            due_next("FREQ=DAILY", "2026-03-28T08:00:00Z", "Europe/Berlin"),
            Some(at("2026-03-29T07:00:00Z"))
        );
        // Fall back on 2026-10-25.
        assert_eq!(
            series("FREQ=DAILY", "2026-10-24T07:00:00Z", "Europe/Berlin", 2),
            [at("2026-10-25T08:00:00Z"), at("2026-10-26T08:00:00Z")]
        );
        assert_eq!(
            due_next("FREQ=DAILY", "2026-10-24T07:00:00Z", "Europe/Berlin"),
            Some(at("2026-10-25T08:00:00Z"))
        );
    }

    #[test]
    fn daily_nine_am_stays_nine_am_across_new_york_dst() {
        // Spring forward on 2026-03-08: 09:00 EST is 14:00Z, 09:00 EDT 13:00Z.
        assert_eq!(
            series("FREQ=DAILY", "2026-03-07T14:00:00Z", "America/New_York", 2),
            [at("2026-03-08T13:00:00Z"), at("2026-03-09T13:00:00Z")]
        );
        assert_eq!(
            due_next("FREQ=DAILY", "2026-03-07T14:00:00Z", "America/New_York"),
            Some(at("2026-03-08T13:00:00Z"))
        );
        // Fall back on 2026-11-01.
        assert_eq!(
            series("FREQ=DAILY", "2026-10-31T13:00:00Z", "America/New_York", 2),
            [at("2026-11-01T14:00:00Z"), at("2026-11-02T14:00:00Z")]
        );
        assert_eq!(
            due_next("FREQ=DAILY", "2026-10-31T13:00:00Z", "America/New_York"),
            Some(at("2026-11-01T14:00:00Z"))
        );
    }

    #[test]
    fn the_zone_decides_the_wall_clock_not_utc() {
        // The same rule in UTC keeps the UTC time instead.
        assert_eq!(
            next("FREQ=DAILY", "2026-03-28T08:00:00Z", "UTC"),
            Some(at("2026-03-29T08:00:00Z"))
        );
    }

    #[test]
    fn the_31st_is_skipped_in_shorter_months() {
        assert_eq!(
            series(
                "FREQ=MONTHLY;BYMONTHDAY=31",
                "2026-01-31T09:00:00Z",
                "UTC",
                3
            ),
            [
                at("2026-03-31T09:00:00Z"),
                at("2026-05-31T09:00:00Z"),
                at("2026-07-31T09:00:00Z"),
            ]
        );
        // Plain MONTHLY from the 31st means the same (RFC 5545).
        assert_eq!(
            due_next("FREQ=MONTHLY", "2026-01-31T09:00:00Z", "UTC"),
            Some(at("2026-03-31T09:00:00Z"))
        );
        // The last day of every month is BYMONTHDAY=-1.
        assert_eq!(
            series(
                "FREQ=MONTHLY;BYMONTHDAY=-1",
                "2026-01-31T09:00:00Z",
                "UTC",
                2
            ),
            [at("2026-02-28T09:00:00Z"), at("2026-03-31T09:00:00Z")]
        );
    }

    #[test]
    fn count_counts_the_anchor_as_the_first_occurrence() {
        let anchor = "2026-12-07T09:00:00Z";
        assert_eq!(
            series("FREQ=DAILY;COUNT=3", anchor, "UTC", 10),
            [at("2026-12-08T09:00:00Z"), at("2026-12-09T09:00:00Z")]
        );
        assert_eq!(next("FREQ=DAILY;COUNT=1", anchor, "UTC"), None);
    }

    #[test]
    fn count_is_exhausted_by_completions_so_far() {
        let (rule, due) = (rule("FREQ=DAILY;COUNT=3"), at("2026-12-07T09:00:00Z"));
        let next = |completions_so_far| {
            next_due(
                &rule,
                RecurrenceBasis::Due,
                due,
                false,
                due,
                completions_so_far,
                TimeZone::UTC,
            )
        };
        // The current due is occurrence 1, 2 or 3; after the third, none.
        assert_eq!(next(0), Some(at("2026-12-08T09:00:00Z")));
        assert_eq!(next(1), Some(at("2026-12-08T09:00:00Z")));
        assert_eq!(next(2), None);
        assert_eq!(next(u32::MAX), None);
    }

    #[test]
    fn until_ends_the_series_inclusively() {
        let text = "FREQ=DAILY;UNTIL=20261209T090000Z";
        assert_eq!(
            series(text, "2026-12-07T09:00:00Z", "UTC", 10),
            [at("2026-12-08T09:00:00Z"), at("2026-12-09T09:00:00Z")]
        );
        assert_eq!(due_next(text, "2026-12-09T09:00:00Z", "UTC"), None);
        // Past UNTIL already: nothing more, and no error.
        assert_eq!(due_next(text, "2027-01-01T09:00:00Z", "UTC"), None);
    }

    #[test]
    fn until_as_a_date_or_floating_time_is_read_in_the_users_zone() {
        // 09:00 Berlin daily until Dec 9 (a date): Dec 9 09:00 still counts.
        let date = "FREQ=DAILY;UNTIL=20261209";
        assert_eq!(
            series(date, "2026-12-07T08:00:00Z", "Europe/Berlin", 10),
            [at("2026-12-08T08:00:00Z"), at("2026-12-09T08:00:00Z")]
        );
        // Floating 08:30 local on Dec 9 excludes Dec 9 09:00 local.
        let floating = "FREQ=DAILY;UNTIL=20261209T083000";
        assert_eq!(
            series(floating, "2026-12-07T08:00:00Z", "Europe/Berlin", 10),
            [at("2026-12-08T08:00:00Z")]
        );
    }

    #[test]
    fn due_basis_stays_on_schedule_however_late() {
        let due = at("2026-12-01T09:00:00Z");
        let completed = at("2026-12-07T12:00:00Z");
        assert_eq!(
            next_due(
                &rule("FREQ=DAILY"),
                RecurrenceBasis::Due,
                due,
                false,
                completed,
                0,
                TimeZone::UTC
            ),
            Some(at("2026-12-02T09:00:00Z"))
        );
    }

    #[test]
    fn completion_basis_restarts_from_the_completion_date_at_the_due_time() {
        // Every 2 weeks, due Monday Nov 30 09:00 Berlin, done Saturday Dec 5
        // (5 days late) at 16:00 local: next is Saturday Dec 19, 09:00 local.
        let every_two_weeks = rule("FREQ=WEEKLY;INTERVAL=2");
        let berlin = zone("Europe/Berlin");
        let due = at("2026-11-30T08:00:00Z");
        let completed = at("2026-12-05T15:00:00Z");
        assert_eq!(
            next_due(
                &every_two_weeks,
                RecurrenceBasis::Completion,
                due,
                false,
                completed,
                0,
                berlin
            ),
            Some(at("2026-12-19T08:00:00Z"))
        );
        // On the schedule it would have been Monday Dec 14.
        assert_eq!(
            next_due(
                &every_two_weeks,
                RecurrenceBasis::Due,
                due,
                false,
                completed,
                0,
                berlin
            ),
            Some(at("2026-12-14T08:00:00Z"))
        );
    }

    #[test]
    fn completion_basis_keeps_the_local_time_across_dst() {
        // Due Friday 09:00 CET, done Monday after the spring-forward: the
        // next is Tuesday 09:00 CEST.
        assert_eq!(
            next_due(
                &rule("FREQ=DAILY"),
                RecurrenceBasis::Completion,
                at("2026-03-27T08:00:00Z"),
                false,
                at("2026-03-30T10:00:00Z"),
                0,
                zone("Europe/Berlin")
            ),
            Some(at("2026-03-31T07:00:00Z"))
        );
    }

    #[test]
    fn every_weekday_skips_the_weekend() {
        // Friday Dec 11 -> Monday Dec 14.
        assert_eq!(
            due_next(
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                "2026-12-11T08:00:00Z",
                "Europe/Berlin"
            ),
            Some(at("2026-12-14T08:00:00Z"))
        );
    }

    #[test]
    fn completion_basis_uses_the_local_date_of_the_completion() {
        // Done at 23:30Z on Dec 5 = 00:30 on Dec 6 in Berlin: counts from Dec 6.
        assert_eq!(
            next_due(
                &rule("FREQ=DAILY"),
                RecurrenceBasis::Completion,
                at("2026-12-01T08:00:00Z"),
                false,
                at("2026-12-05T23:30:00Z"),
                0,
                zone("Europe/Berlin")
            ),
            Some(at("2026-12-07T08:00:00Z"))
        );
    }

    #[test]
    fn all_day_tasks_move_to_local_midnight_of_the_next_date() {
        let berlin = zone("Europe/Berlin");
        let daily = rule("FREQ=DAILY");
        // Due Dec 7 (00:00 Berlin = Dec 6 23:00Z).
        let due = at("2026-12-06T23:00:00Z");
        assert_eq!(
            next_due(&daily, RecurrenceBasis::Due, due, true, due, 0, berlin),
            Some(at("2026-12-07T23:00:00Z"))
        );
        // Across spring forward: Mar 29 (CET midnight) -> Mar 30 (CEST midnight).
        let due = at("2026-03-28T23:00:00Z");
        assert_eq!(
            next_due(&daily, RecurrenceBasis::Due, due, true, due, 0, berlin),
            Some(at("2026-03-29T22:00:00Z"))
        );
        // Every last Friday, all day.
        let due = at("2026-12-24T23:00:00Z"); // Friday Dec 25
        assert_eq!(
            next_due(
                &rule("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1"),
                RecurrenceBasis::Due,
                due,
                true,
                due,
                0,
                berlin
            ),
            Some(at("2027-01-28T23:00:00Z"))
        );
        // Completion basis: weekly, done on Thursday Dec 10 -> Thursday Dec 17.
        assert_eq!(
            next_due(
                &rule("FREQ=WEEKLY"),
                RecurrenceBasis::Completion,
                at("2026-12-06T23:00:00Z"),
                true,
                at("2026-12-10T12:00:00Z"),
                0,
                berlin
            ),
            Some(at("2026-12-16T23:00:00Z"))
        );
    }

    #[test]
    fn all_day_dates_survive_a_midnight_dst_gap() {
        // Beirut skips 00:00 on 2026-03-29: the date still occurs, at 01:00.
        let beirut = zone("Asia/Beirut");
        let due = beirut.start_of_date(NaiveDate::from_ymd_opt(2026, 3, 28).expect("date"));
        assert_eq!(
            next_due(
                &rule("FREQ=DAILY"),
                RecurrenceBasis::Due,
                due,
                true,
                due,
                0,
                beirut
            ),
            Some(at("2026-03-28T22:00:00Z"))
        );
    }

    #[test]
    fn next_after_skips_to_the_first_occurrence_after_a_later_instant() {
        let daily = rule("FREQ=DAILY");
        let anchor = at("2026-12-01T09:00:00Z");
        assert_eq!(
            daily.next_after(anchor, at("2026-12-07T10:00:00Z"), TimeZone::UTC),
            Some(at("2026-12-08T09:00:00Z"))
        );
        // Before the anchor, an anchor that fits the rule is its first date.
        assert_eq!(
            daily.next_after(anchor, at("2026-11-01T00:00:00Z"), TimeZone::UTC),
            Some(anchor)
        );
    }

    #[test]
    fn sub_second_anchors_do_not_repeat_the_anchor() {
        let anchor = at("2026-12-07T09:00:00.250Z");
        assert_eq!(
            rule("FREQ=DAILY").next_after(anchor, anchor, TimeZone::UTC),
            Some(at("2026-12-08T09:00:00Z"))
        );
    }

    #[test]
    fn anchors_outside_the_supported_years_give_none_not_a_panic() {
        let far = chrono::DateTime::<chrono::Utc>::MAX_UTC;
        assert_eq!(rule("FREQ=DAILY").next_after(far, far, TimeZone::UTC), None);
        for tz in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
            for basis in [RecurrenceBasis::Due, RecurrenceBasis::Completion] {
                for all_day in [false, true] {
                    for extreme in [far, chrono::DateTime::<chrono::Utc>::MIN_UTC] {
                        let next = next_due(
                            &rule("FREQ=DAILY"),
                            basis,
                            extreme,
                            all_day,
                            extreme,
                            0,
                            zone(tz),
                        );
                        assert_eq!(next, None, "{tz} {basis} {all_day} {extreme}");
                    }
                }
            }
        }
        let early = chrono::DateTime::<chrono::Utc>::MIN_UTC;
        assert_eq!(
            next_due(
                &rule("FREQ=YEARLY"),
                RecurrenceBasis::Completion,
                early,
                true,
                early,
                0,
                TimeZone::UTC
            ),
            None
        );
    }

    #[test]
    fn parse_normalises_case_and_prefix_and_keeps_part_order() {
        assert_eq!(
            rule("rrule:freq=weekly;interval=2;byday=mo,th").as_str(),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
        );
        assert_eq!(
            rule("BYDAY=MO;FREQ=WEEKLY").as_str(),
            "BYDAY=MO;FREQ=WEEKLY"
        );
        assert_eq!(rule("FREQ=DAILY;COUNT=5").count(), Some(5));
        assert_eq!(rule("FREQ=DAILY").to_string(), "FREQ=DAILY");
        for ok in [
            "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1",
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "FREQ=DAILY;UNTIL=20271231",
            "FREQ=DAILY;UNTIL=20271231T235959",
            "FREQ=DAILY;UNTIL=20271231T235959Z",
            "FREQ=MONTHLY;BYMONTHDAY=1,15",
            "FREQ=DAILY;INTERVAL=1000;COUNT=10000",
        ] {
            assert_eq!(rule(ok).as_str(), ok);
        }
    }

    #[test]
    fn parse_rejects_what_tasks_do_not_support_naming_the_part() {
        use RecurrenceError as E;
        let cases: &[(&str, RecurrenceError)] = &[
            ("", E::Empty),
            ("RRULE:", E::Empty),
            ("FREQ=HOURLY", E::UnsupportedFreq("HOURLY".into())),
            ("FREQ=MINUTELY", E::UnsupportedFreq("MINUTELY".into())),
            ("FREQ=DAILY;BYHOUR=9", E::UnsupportedPart("BYHOUR".into())),
            ("FREQ=WEEKLY;WKST=SU", E::UnsupportedPart("WKST".into())),
            ("FREQ=DAILY;FOO=1", E::UnsupportedPart("FOO".into())),
            (
                "FREQ=YEARLY;BYYEARDAY=1",
                E::UnsupportedPart("BYYEARDAY".into()),
            ),
            ("FREQ=DAILY;FREQ=WEEKLY", E::Duplicate("FREQ".into())),
            (
                "FREQ=WEEKLY;BYDAY=MO;BYDAY=TU",
                E::Duplicate("BYDAY".into()),
            ),
            ("FREQ=DAILY;COUNT=3;UNTIL=20271231", E::CountAndUntil),
            ("INTERVAL=2", E::MissingFreq),
            ("FREQ=DAILY;INTERVAL=0", E::Interval),
            ("FREQ=DAILY;INTERVAL=1001", E::Interval),
            ("FREQ=DAILY;INTERVAL=x", E::Interval),
            ("FREQ=DAILY;COUNT=0", E::Count),
            ("FREQ=DAILY;COUNT=10001", E::Count),
            ("FREQ=DAILY;UNTIL=tomorrow", E::Until),
            ("FREQ=DAILY;UNTIL=20271332", E::Until),
            ("FREQ=MONTHLY;BYSETPOS=-1", E::BySetPosAlone),
            ("hello", E::Malformed("HELLO".into())),
            ("FREQ=DAILY;", E::Malformed(String::new())),
            ("FREQ=", E::Malformed("FREQ=".into())),
            ("DTSTART:20261207T090000Z", E::NotOneLine),
            ("DTSTART:20261207T090000Z\nRRULE:FREQ=DAILY", E::NotOneLine),
            ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", E::NeverOccurs),
        ];
        for (text, expected) in cases {
            assert_eq!(Recurrence::parse(text).as_ref(), Err(expected), "{text:?}");
        }
        let too_long = format!("FREQ=WEEKLY;BYDAY={}", "MO,".repeat(200));
        assert_eq!(Recurrence::parse(&too_long), Err(E::TooLong));
    }

    #[test]
    fn parse_rejects_out_of_range_values_with_the_librarys_reason() {
        for text in [
            "FREQ=MONTHLY;BYMONTHDAY=32",
            "FREQ=YEARLY;BYMONTH=13",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=0",
        ] {
            let error = Recurrence::parse(text).expect_err(text);
            assert!(
                matches!(error, RecurrenceError::Invalid(_)),
                "{text}: {error:?}"
            );
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let message = |text: &str| Recurrence::parse(text).expect_err(text).to_string();
        assert!(message("FREQ=HOURLY").contains("HOURLY"));
        assert!(message("FREQ=DAILY;BYHOUR=9").starts_with("BYHOUR is not supported"));
        assert!(message("FREQ=DAILY;COUNT=2;COUNT=3").contains("COUNT"));
        assert_eq!(
            message("FREQ=DAILY;COUNT=3;UNTIL=20271231"),
            "COUNT and UNTIL must not both be given"
        );
    }

    #[test]
    fn basis_names() {
        assert_eq!(RecurrenceBasis::default(), RecurrenceBasis::Due);
        for basis in [RecurrenceBasis::Due, RecurrenceBasis::Completion] {
            assert_eq!(RecurrenceBasis::parse(basis.as_str()), Ok(basis));
        }
        assert_eq!(RecurrenceBasis::parse("Due"), Err(RecurrenceBasisError));
        assert_eq!(
            RecurrenceBasisError.to_string(),
            "must be one of: due, completion"
        );
    }
}
