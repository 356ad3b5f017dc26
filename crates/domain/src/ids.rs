use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// The id of a user, as issued by the authentication authority (Better Auth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(Uuid);

/// The id of a task. New ids are UUIDv7 so that they sort by creation time,
/// which keeps the primary-key index append-mostly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(Uuid);

/// The id of a list (UUIDv7, like task ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListId(Uuid);

/// The id of a label (UUIDv7, like task ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelId(Uuid);

macro_rules! uuid_newtype {
    ($name:ident) => {
        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// Parses the canonical textual form of a UUID.
            ///
            /// # Errors
            /// Fails when `s` is not a UUID.
            pub fn parse(s: &str) -> Result<Self, uuid::Error> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

uuid_newtype!(UserId);
uuid_newtype!(TaskId);
uuid_newtype!(ListId);
uuid_newtype!(LabelId);

impl TaskId {
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

impl ListId {
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

impl LabelId {
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_canonical_form() {
        let id = UserId::parse("33E85BCB-82D5-4511-B8FC-1F6806A44A90").unwrap();
        assert_eq!(id.to_string(), "33e85bcb-82d5-4511-b8fc-1f6806a44a90");
    }

    #[test]
    fn rejects_non_uuid() {
        assert!(TaskId::parse("not-a-uuid").is_err());
        assert!(TaskId::parse("").is_err());
        assert!(TaskId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a9").is_err());
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = TaskId::new_v7();
        let b = TaskId::new_v7();
        assert_ne!(a, b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }
}
