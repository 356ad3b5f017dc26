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
            let time = current_due.with_timezone(&tz.tz()).time();
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
        None => tz.start_of_date(date) + (time - NaiveTime::MIN),
    }
}
