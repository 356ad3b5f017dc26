//! The date views of a task listing (Today, Upcoming, Overdue, No date) and
//! the instants each selects in the user's time zone.

use crate::{TimeZone, Timestamp};

/// How many days Upcoming looks ahead, today included: 1 to 60, 7 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpcomingDays(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an integer from {min} to {max}", min = UpcomingDays::MIN, max = UpcomingDays::MAX)]
pub struct UpcomingDaysError;

impl UpcomingDays {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 60;
    pub const DEFAULT: UpcomingDays = UpcomingDays(7);

    /// # Errors
    /// Fails outside `1..=60`.
    pub fn parse(value: i64) -> Result<Self, UpcomingDaysError> {
        u8::try_from(value)
            .ok()
            .filter(|v| (Self::MIN..=Self::MAX).contains(v))
            .map(Self)
            .ok_or(UpcomingDaysError)
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl Default for UpcomingDays {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A listing restricted by due date, read in the user's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskView {
    /// Due today or earlier (overdue tasks stay in Today until done).
    Today,
    /// Due from the start of today through the next `days` local dates.
    Upcoming { days: UpcomingDays },
    /// Past due: timed tasks whose instant has passed, all-day tasks whose
    /// date is before today.
    Overdue,
    /// Without a due date.
    NoDate,
}

/// Messages leave the parameter out, like the other query errors; the HTTP
/// layer names it from [`TaskViewError::field`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskViewError {
    #[error("must be one of: today, upcoming, overdue, no_date")]
    UnknownView,
    #[error("{0}")]
    Days(UpcomingDaysError),
    #[error("is only allowed with view=upcoming")]
    DaysWithoutUpcoming,
}

impl TaskViewError {
    /// The query parameter at fault, for a 422 that names it.
    pub const fn field(&self) -> &'static str {
        match self {
            Self::UnknownView => "view",
            Self::Days(_) | Self::DaysWithoutUpcoming => "days",
        }
    }
}

/// The instants a view selects, for the adapter to turn into SQL (all on
/// open tasks). Computing them here keeps the time-zone arithmetic in one
/// pure place and the SQL free of zone names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewWindow {
    /// `due_at < before` (Today: `before` = start of tomorrow, local).
    DueBefore { before: Timestamp },
    /// `start <= due_at < end` (Upcoming: `start` = start of today, local;
    /// `end` = start of the day `days` days later).
    DueBetween { start: Timestamp, end: Timestamp },
    /// `(due_all_day AND due_at < start_of_today) OR (NOT due_all_day AND due_at < now)`.
    Overdue {
        start_of_today: Timestamp,
        now: Timestamp,
    },
    /// `due_at IS NULL`.
    NoDate,
}

impl TaskView {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Today => "today",
            Self::Upcoming { .. } => "upcoming",
            Self::Overdue => "overdue",
            Self::NoDate => "no_date",
        }
    }

    /// Reads the `view` and `days` query parameters together, because `days`
    /// only means something for Upcoming: sending it with another view is a
    /// mistake worth reporting rather than ignoring.
    ///
    /// # Errors
    /// Fails for an unknown view, `days` outside `1..=60`, or `days` with a
    /// view other than `upcoming`.
    pub fn parse(view: &str, days: Option<i64>) -> Result<Self, TaskViewError> {
        let parsed = match view {
            "today" => Self::Today,
            "upcoming" => {
                let days = days
                    .map(UpcomingDays::parse)
                    .transpose()
                    .map_err(TaskViewError::Days)?
                    .unwrap_or_default();
                return Ok(Self::Upcoming { days });
            }
            "overdue" => Self::Overdue,
            "no_date" => Self::NoDate,
            _ => return Err(TaskViewError::UnknownView),
        };
        if days.is_some() {
            return Err(TaskViewError::DaysWithoutUpcoming);
        }
        Ok(parsed)
    }

    /// The instants this view selects at `now` for a user in `tz`.
    pub fn window(self, now: Timestamp, tz: TimeZone) -> ViewWindow {
        let today = tz.local_date(now);
        let start_of_today = tz.start_of_date(today);
        let start_of_day_after = |days: u8| {
            let date = today
                .checked_add_days(chrono::Days::new(u64::from(days)))
                .unwrap_or(chrono::NaiveDate::MAX);
            tz.start_of_date(date)
        };
        match self {
            Self::Today => ViewWindow::DueBefore {
                before: start_of_day_after(1),
            },
            Self::Upcoming { days } => ViewWindow::DueBetween {
                start: start_of_today,
                end: start_of_day_after(days.get()),
            },
            Self::Overdue => ViewWindow::Overdue {
                start_of_today,
                now,
            },
            Self::NoDate => ViewWindow::NoDate,
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

    fn upcoming(days: i64) -> TaskView {
        TaskView::parse("upcoming", Some(days)).expect("valid days")
    }

    #[test]
    fn parses_views_and_days() {
        assert_eq!(TaskView::parse("today", None), Ok(TaskView::Today));
        assert_eq!(TaskView::parse("overdue", None), Ok(TaskView::Overdue));
        assert_eq!(TaskView::parse("no_date", None), Ok(TaskView::NoDate));
        assert_eq!(
            TaskView::parse("upcoming", None),
            Ok(TaskView::Upcoming {
                days: UpcomingDays::DEFAULT
            })
        );
        assert_eq!(UpcomingDays::DEFAULT.get(), 7);
        assert_eq!(
            upcoming(1),
            TaskView::Upcoming {
                days: UpcomingDays(1)
            }
        );
        assert_eq!(
            upcoming(60),
            TaskView::Upcoming {
                days: UpcomingDays(60)
            }
        );
        for view in [
            TaskView::Today,
            upcoming(3),
            TaskView::Overdue,
            TaskView::NoDate,
        ] {
            assert_eq!(
                TaskView::parse(view.as_str(), None).map(TaskView::as_str),
                Ok(view.as_str())
            );
        }
    }

    #[test]
    fn rejects_unknown_views_and_misplaced_or_out_of_range_days() {
        let unknown = TaskView::parse("Today", None).expect_err("case-sensitive");
        assert_eq!(unknown.field(), "view");
        for days in [0, 61, -1, 256, i64::MAX] {
            let error = TaskView::parse("upcoming", Some(days)).expect_err("out of range");
            assert_eq!(error, TaskViewError::Days(UpcomingDaysError));
            assert_eq!(error.field(), "days");
            assert_eq!(error.to_string(), "must be an integer from 1 to 60");
        }
        for view in ["today", "overdue", "no_date"] {
            let error = TaskView::parse(view, Some(7)).expect_err("days only with upcoming");
            assert_eq!(error, TaskViewError::DaysWithoutUpcoming);
            assert_eq!(error.field(), "days");
        }
    }

    #[test]
    fn today_at_the_day_boundary_in_kiritimati() {
        let kiritimati = zone("Pacific/Kiritimati"); // UTC+14
        // 09:59Z is 23:59 on Dec 7 there: today ends at Dec 8 00:00 +14.
        assert_eq!(
            TaskView::Today.window(at("2026-12-07T09:59:00Z"), kiritimati),
            ViewWindow::DueBefore {
                before: at("2026-12-07T10:00:00Z")
            }
        );
        // A minute later it is Dec 8 there: today ends at Dec 9 00:00 +14,
        // while it is still the morning of Dec 7 in UTC.
        assert_eq!(
            TaskView::Today.window(at("2026-12-07T10:00:00Z"), kiritimati),
            ViewWindow::DueBefore {
                before: at("2026-12-08T10:00:00Z")
            }
        );
    }

    #[test]
    fn today_at_the_day_boundary_in_pago_pago() {
        let pago_pago = zone("Pacific/Pago_Pago"); // UTC-11
        // 10:59Z on Dec 7 is 23:59 on Dec 6 there.
        assert_eq!(
            TaskView::Today.window(at("2026-12-07T10:59:00Z"), pago_pago),
            ViewWindow::DueBefore {
                before: at("2026-12-07T11:00:00Z")
            }
        );
        assert_eq!(
            TaskView::Today.window(at("2026-12-07T11:00:00Z"), pago_pago),
            ViewWindow::DueBefore {
                before: at("2026-12-08T11:00:00Z")
            }
        );
    }

    #[test]
    fn upcoming_spans_whole_local_days_from_today() {
        let now = at("2026-12-07T10:00:00Z");
        assert_eq!(
            upcoming(7).window(now, zone("Pacific/Kiritimati")),
            ViewWindow::DueBetween {
                start: at("2026-12-07T10:00:00Z"),
                end: at("2026-12-14T10:00:00Z"),
            }
        );
        assert_eq!(
            upcoming(1).window(now, zone("Pacific/Pago_Pago")),
            ViewWindow::DueBetween {
                start: at("2026-12-06T11:00:00Z"),
                end: at("2026-12-07T11:00:00Z"),
            }
        );
    }

    #[test]
    fn upcoming_across_a_dst_change_ends_at_local_midnight() {
        // Friday noon in Berlin; three days reach Monday 00:00 summer time.
        assert_eq!(
            upcoming(3).window(at("2026-03-27T11:00:00Z"), zone("Europe/Berlin")),
            ViewWindow::DueBetween {
                start: at("2026-03-26T23:00:00Z"),
                end: at("2026-03-29T22:00:00Z"),
            }
        );
    }

    #[test]
    fn overdue_separates_the_start_of_today_from_now() {
        let now = at("2026-12-07T10:30:00Z");
        assert_eq!(
            TaskView::Overdue.window(now, zone("Pacific/Kiritimati")),
            ViewWindow::Overdue {
                start_of_today: at("2026-12-07T10:00:00Z"),
                now,
            }
        );
        assert_eq!(
            TaskView::Overdue.window(now, zone("Pacific/Pago_Pago")),
            ViewWindow::Overdue {
                start_of_today: at("2026-12-06T11:00:00Z"),
                now,
            }
        );
    }

    #[test]
    fn windows_at_the_ends_of_time_do_not_panic() {
        for now in [
            chrono::DateTime::<chrono::Utc>::MAX_UTC,
            chrono::DateTime::<chrono::Utc>::MIN_UTC,
        ] {
            for zone in [zone("Pacific/Kiritimati"), zone("Pacific/Pago_Pago")] {
                for view in [TaskView::Today, upcoming(60), TaskView::Overdue] {
                    let _ = view.window(now, zone);
                }
            }
        }
    }

    #[test]
    fn no_date_needs_no_instants() {
        assert_eq!(
            TaskView::NoDate.window(at("2026-12-07T10:30:00Z"), TimeZone::UTC),
            ViewWindow::NoDate
        );
    }
}
