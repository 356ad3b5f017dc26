use std::fmt;
use std::str::FromStr;

/// How urgent a task is. The derived order (`Low < Medium < High`) is the
/// order used when sorting by priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Priority {
    Low,
    #[default]
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: low, medium, high")]
pub struct PriorityError;

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Low, Priority::Medium, Priority::High];

    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }

    /// A dense rank, for storage that sorts numerically.
    pub const fn rank(self) -> i16 {
        match self {
            Priority::Low => 0,
            Priority::Medium => 1,
            Priority::High => 2,
        }
    }

    /// # Errors
    /// Fails when `rank` is not one produced by [`Self::rank`].
    pub const fn from_rank(rank: i16) -> Result<Self, PriorityError> {
        match rank {
            0 => Ok(Priority::Low),
            1 => Ok(Priority::Medium),
            2 => Ok(Priority::High),
            _ => Err(PriorityError),
        }
    }

    /// Exact, lower-case names only: the wire format is case-sensitive.
    ///
    /// # Errors
    /// Fails for anything but `low`, `medium` or `high`.
    pub fn parse(raw: &str) -> Result<Self, PriorityError> {
        match raw {
            "low" => Ok(Priority::Low),
            "medium" => Ok(Priority::Medium),
            "high" => Ok(Priority::High),
            _ => Err(PriorityError),
        }
    }
}

impl FromStr for Priority {
    type Err = PriorityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_medium() {
        assert_eq!(Priority::default(), Priority::Medium);
    }

    #[test]
    fn orders_low_to_high() {
        assert!(Priority::Low < Priority::Medium && Priority::Medium < Priority::High);
        for p in Priority::ALL {
            assert_eq!(Priority::from_rank(p.rank()), Ok(p));
            assert_eq!(Priority::parse(p.as_str()), Ok(p));
        }
    }

    #[test]
    fn rejects_unknown_names_and_ranks() {
        assert_eq!(Priority::parse("HIGH"), Err(PriorityError));
        assert_eq!(Priority::parse("urgent"), Err(PriorityError));
        assert_eq!(Priority::from_rank(3), Err(PriorityError));
    }
}
