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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskViewError {
    #[error("view must be one of: today, upcoming, overdue, no_date")]
    UnknownView,
    #[error("days {0}")]
    Days(UpcomingDaysError),
    #[error("days is only allowed with view=upcoming")]
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
