//! The user's time zone and week start: what "today" and "09:00" mean for them.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Offset as _, TimeZone as _};

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
        self.local_date_time(at).date()
    }

    /// The wall-clock reading of `at` in this zone. Saturates at chrono's
    /// range instead of panicking the way `with_timezone(..).naive_local()`
    /// does for instants at its very ends (a due date is user input).
    pub(crate) fn local_date_time(&self, at: Timestamp) -> NaiveDateTime {
        let utc = at.naive_utc();
        let offset = self.0.offset_from_utc_datetime(&utc).fix();
        utc.checked_add_offset(offset).unwrap_or(utc)
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
                let wall = midnight.checked_add_signed(chrono::Duration::minutes(minutes))?;
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

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    #[test]
    fn parses_exact_iana_names() {
        for name in [
            "Europe/Berlin",
            "UTC",
            "America/New_York",
            "Pacific/Kiritimati",
        ] {
            assert_eq!(zone(name).name(), name);
            assert_eq!(zone(name).to_string(), name);
        }
        assert_eq!(zone("Europe/Berlin").tz(), chrono_tz::Europe::Berlin);
        assert_eq!(TimeZone::default(), TimeZone::UTC);
        assert_eq!(TimeZone::UTC.name(), "UTC");
    }

    #[test]
    fn rejects_empty_padded_and_unknown_names() {
        for name in [
            "",
            " Europe/Berlin",
            "Europe/Berlin ",
            "Mars/Olympus",
            "+02:00",
            "CEST ",
        ] {
            assert_eq!(TimeZone::parse(name), Err(UnknownTimeZone), "{name:?}");
        }
        assert_eq!(
            UnknownTimeZone.to_string(),
            "must be an IANA time zone name, e.g. Europe/Berlin"
        );
    }

    #[test]
    fn local_date_follows_the_zone() {
        let instant = at("2026-12-07T23:30:00Z");
        assert_eq!(TimeZone::UTC.local_date(instant), date(2026, 12, 7));
        assert_eq!(zone("Europe/Berlin").local_date(instant), date(2026, 12, 8));
        assert_eq!(
            zone("America/New_York").local_date(instant),
            date(2026, 12, 7)
        );
    }

    #[test]
    fn start_of_day_is_local_midnight_on_both_sides_of_dst() {
        let berlin = zone("Europe/Berlin");
        // The spring-forward day begins in winter time (+01:00)...
        assert_eq!(
            berlin.start_of_day(at("2026-03-29T12:00:00Z")),
            at("2026-03-28T23:00:00Z")
        );
        // ...and the next day in summer time (+02:00).
        assert_eq!(
            berlin.start_of_day(at("2026-03-30T12:00:00Z")),
            at("2026-03-29T22:00:00Z")
        );
        // The fall-back day begins in summer time, the next one in winter time.
        assert_eq!(
            berlin.start_of_day(at("2026-10-25T12:00:00Z")),
            at("2026-10-24T22:00:00Z")
        );
        assert_eq!(
            berlin.start_of_day(at("2026-10-26T12:00:00Z")),
            at("2026-10-25T23:00:00Z")
        );
        let new_york = zone("America/New_York");
        assert_eq!(
            new_york.start_of_date(date(2026, 3, 8)),
            at("2026-03-08T05:00:00Z")
        );
        assert_eq!(
            new_york.start_of_date(date(2026, 3, 9)),
            at("2026-03-09T04:00:00Z")
        );
    }

    #[test]
    fn start_of_day_is_the_first_instant_when_midnight_is_skipped() {
        // Lebanon springs forward at 00:00: 2026-03-29 starts at 01:00 +03:00.
        let beirut = zone("Asia/Beirut");
        assert_eq!(
            beirut.start_of_date(date(2026, 3, 29)),
            at("2026-03-28T22:00:00Z")
        );
        assert_eq!(
            beirut.local_date(beirut.start_of_date(date(2026, 3, 29))),
            date(2026, 3, 29)
        );
        // The day before is an ordinary +02:00 day.
        assert_eq!(
            beirut.start_of_date(date(2026, 3, 28)),
            at("2026-03-27T22:00:00Z")
        );
    }

    #[test]
    fn start_of_day_is_idempotent() {
        let zone = zone("Pacific/Kiritimati");
        let start = zone.start_of_day(at("2026-12-07T10:00:00Z"));
        assert_eq!(start, at("2026-12-07T10:00:00Z"));
        assert_eq!(zone.start_of_day(start), start);
    }

    #[test]
    fn week_start_names() {
        assert_eq!(WeekStart::default(), WeekStart::Monday);
        for week_start in [WeekStart::Monday, WeekStart::Sunday] {
            assert_eq!(WeekStart::parse(week_start.as_str()), Ok(week_start));
        }
        assert_eq!(WeekStart::parse("Monday"), Err(WeekStartError));
        assert_eq!(WeekStart::parse("saturday"), Err(WeekStartError));
        assert_eq!(WeekStartError.to_string(), "must be one of: monday, sunday");
    }

    #[test]
    fn preferences_default_to_utc_and_monday() {
        assert_eq!(
            Preferences::default(),
            Preferences {
                time_zone: TimeZone::UTC,
                week_start: WeekStart::Monday,
            }
        );
    }
}
