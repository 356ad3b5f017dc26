//! The user's time zone and week start: what "today" and "09:00" mean for them.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, TimeZone as _};

use crate::Timestamp;

/// An IANA time zone (e.g. `Europe/Berlin`). Due dates are stored as UTC
/// instants; the zone is what turns them into calendar dates and wall-clock
/// times, so that "today", all-day dates and recurrences follow the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(chrono_tz::Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an IANA time zone name, e.g. Europe/Berlin")]
pub struct UnknownTimeZone;

impl TimeZone {
    pub const UTC: TimeZone = TimeZone(chrono_tz::Tz::UTC);

    /// Exact IANA names only (as browsers report them via
    /// `Intl.DateTimeFormat().resolvedOptions().timeZone`): nothing is trimmed
    /// or case-folded, so what is stored is what the database knows.
    ///
    /// # Errors
    /// Fails for an empty or unknown name.
    pub fn parse(name: &str) -> Result<Self, UnknownTimeZone> {
        if name.is_empty() {
            return Err(UnknownTimeZone);
        }
        name.parse::<chrono_tz::Tz>()
            .map(Self)
            .map_err(|_| UnknownTimeZone)
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub const fn tz(&self) -> chrono_tz::Tz {
        self.0
    }

    /// The calendar date that `at` falls on in this zone.
    pub fn local_date(&self, at: Timestamp) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// 00:00 local of the local calendar date that `at` falls on: the instant
    /// an all-day due date is stored as, and where "today" begins.
    pub fn start_of_day(&self, at: Timestamp) -> Timestamp {
        self.start_of_date(self.local_date(at))
    }

    /// The first instant of `date` in this zone: 00:00 local, or, where a
    /// daylight-saving gap swallows midnight (America/Santiago, Asia/Beirut
    /// in some years), the first wall-clock time that exists that day. When
    /// 00:00 happens twice (a fall-back at midnight) the earlier one counts,
    /// so the day is never cut short.
    pub fn start_of_date(&self, date: NaiveDate) -> Timestamp {
        let midnight = date.and_time(NaiveTime::MIN);
        if let Some(first) = self.0.from_local_datetime(&midnight).earliest() {
            return first.to_utc();
        }
        // Midnight falls in a gap. Gaps are shorter than a day and end on a
        // whole minute in every zone of the database, so the first existing
        // minute of the day is where the gap ends.
        (1..24 * 60)
            .filter_map(|minutes| {
                let wall = midnight + chrono::Duration::minutes(minutes);
                self.0.from_local_datetime(&wall).earliest()
            })
            .next()
            .map_or_else(
                // Unreachable for real zones; fall back to the UTC reading.
                || midnight.and_utc(),
                |first| first.to_utc(),
            )
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self::UTC
    }
}

impl FromStr for TimeZone {
    type Err = UnknownTimeZone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The first day of the week in calendars the user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WeekStart {
    /// ISO 8601 and most of the world.
    #[default]
    Monday,
    Sunday,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: monday, sunday")]
pub struct WeekStartError;

impl WeekStart {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Monday => "monday",
            Self::Sunday => "sunday",
        }
    }

    /// # Errors
    /// Fails for anything but `monday` or `sunday`.
    pub fn parse(raw: &str) -> Result<Self, WeekStartError> {
        match raw {
            "monday" => Ok(Self::Monday),
            "sunday" => Ok(Self::Sunday),
            _ => Err(WeekStartError),
        }
    }
}

impl FromStr for WeekStart {
    type Err = WeekStartError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for WeekStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user's settings that change how dates are read and shown. Users who
/// never set them get UTC and Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Preferences {
    pub time_zone: TimeZone,
    pub week_start: WeekStart,
}
