//! The change log: what a client needs to follow a user's data without
//! reloading it. Every write appends one entry per changed entity, numbered
//! by a per-user [`Seq`] that has no gaps in commit order, so a client that
//! has seen `n` and asks for what follows sees every later change exactly
//! once.

use std::fmt;

use uuid::Uuid;

use crate::{Completion, Label, ListSummary, Preferences, Task, TrashItem};

/// A position in one user's change log: the number of changes made so far
/// when read as "the last one seen". `0` is before the first change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Seq(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a whole number from 0 to {max}", max = Seq::MAX)]
pub struct SeqError;

impl Seq {
    /// The largest value the store can hold (PostgreSQL's `bigint`).
    pub const MAX: u64 = i64::MAX as u64;
    pub const ZERO: Seq = Seq(0);

    /// # Errors
    /// Fails above [`Seq::MAX`].
    pub fn new(value: u64) -> Result<Self, SeqError> {
        if value <= Self::MAX {
            Ok(Self(value))
        } else {
            Err(SeqError)
        }
    }

    /// Parses the decimal digits a client sends (`?since=`, `Last-Event-ID`).
    ///
    /// # Errors
    /// Fails for anything but ASCII digits (no sign, no spaces) or a value
    /// above [`Seq::MAX`].
    pub fn parse(text: &str) -> Result<Self, SeqError> {
        if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SeqError);
        }
        text.parse::<u64>()
            .map_err(|_| SeqError)
            .and_then(Self::new)
    }

    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What kind of entity a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeEntity {
    Task,
    List,
    Label,
    Preferences,
    Completion,
    /// An item of the trash: `upsert` when something is deleted into it,
    /// `delete` when it is restored, deleted for good or purged.
    Trash,
}

impl ChangeEntity {
    /// The name used on the wire and in the store.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::List => "list",
            Self::Label => "label",
            Self::Preferences => "preferences",
            Self::Completion => "completion",
            Self::Trash => "trash",
        }
    }

    /// The inverse of [`ChangeEntity::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "task" => Self::Task,
            "list" => Self::List,
            "label" => Self::Label,
            "preferences" => Self::Preferences,
            "completion" => Self::Completion,
            "trash" => Self::Trash,
            _ => return None,
        })
    }
}

/// Whether the entity now exists (`Upsert`: created or changed) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeOp {
    Upsert,
    Delete,
}

impl ChangeOp {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Upsert => "upsert",
            Self::Delete => "delete",
        }
    }
}

/// The entity's current state, as its own GET returns it, read when the
/// change is read (not when it was made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeData {
    Task(Box<Task>),
    List(Box<ListSummary>),
    Label(Box<Label>),
    /// The owner's preferences (the entry's id is the owner's id).
    Preferences(Box<Preferences>),
    /// One completion of a recurring task.
    Completion(Box<Completion>),
    /// An item of the trash (the entry's id is the deleted task's or
    /// list's id).
    Trash(Box<TrashItem>),
    /// The entity no longer exists: deleted by this change or by a later
    /// one (whose own entry follows).
    Gone,
}

/// One entry of the log as a client receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: Seq,
    pub entity: ChangeEntity,
    pub id: Uuid,
    pub data: ChangeData,
}

impl Change {
    /// `Delete` exactly when the entity is gone: an entry recorded as an
    /// upsert of an entity deleted since is reported as its deletion (what
    /// a client must do with it), and the later deletion is then a no-op.
    pub const fn op(&self) -> ChangeOp {
        match self.data {
            ChangeData::Gone => ChangeOp::Delete,
            _ => ChangeOp::Upsert,
        }
    }
}

/// One page of the log, in ascending `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePage {
    /// Several entries for one entity within the page may be collapsed
    /// into the last of them.
    pub changes: Vec<Change>,
    /// The last `seq` the page covers (also of collapsed entries), or the
    /// `since` asked for when the page is empty: where to continue.
    pub next: Seq,
    pub has_more: bool,
}

/// How many entries one read returns: 1 to 1,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeLimit(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an integer from {min} to {max}", min = ChangeLimit::MIN, max = ChangeLimit::MAX)]
pub struct ChangeLimitError;

impl ChangeLimit {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 1000;
    pub const DEFAULT: ChangeLimit = ChangeLimit(100);

    /// # Errors
    /// Fails outside `1..=1000`.
    pub fn new(value: i64) -> Result<Self, ChangeLimitError> {
        u16::try_from(value)
            .ok()
            .filter(|v| (Self::MIN..=Self::MAX).contains(v))
            .map(Self)
            .ok_or(ChangeLimitError)
    }

    pub const fn get(self) -> u16 {
        self.0
    }
}

impl Default for ChangeLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_parses_plain_digits_only() {
        assert_eq!(Seq::parse("0"), Ok(Seq::ZERO));
        assert_eq!(Seq::parse("42").map(Seq::get), Ok(42));
        assert_eq!(
            Seq::parse("9223372036854775807").map(Seq::get),
            Ok(Seq::MAX)
        );
        for bad in [
            "",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.0",
            "0x10",
            "9223372036854775808",
            "99999999999999999999",
            "١",
        ] {
            assert_eq!(Seq::parse(bad), Err(SeqError), "{bad:?}");
        }
    }

    #[test]
    fn seq_new_refuses_what_the_store_cannot_hold() {
        assert!(Seq::new(Seq::MAX).is_ok());
        assert_eq!(Seq::new(Seq::MAX + 1), Err(SeqError));
    }

    #[test]
    fn change_limit_bounds() {
        assert_eq!(ChangeLimit::new(1).map(ChangeLimit::get), Ok(1));
        assert_eq!(ChangeLimit::new(1000).map(ChangeLimit::get), Ok(1000));
        assert_eq!(ChangeLimit::new(0), Err(ChangeLimitError));
        assert_eq!(ChangeLimit::new(1001), Err(ChangeLimitError));
        assert_eq!(ChangeLimit::new(-1), Err(ChangeLimitError));
    }

    #[test]
    fn entity_names_round_trip() {
        for entity in [
            ChangeEntity::Task,
            ChangeEntity::List,
            ChangeEntity::Label,
            ChangeEntity::Preferences,
            ChangeEntity::Completion,
            ChangeEntity::Trash,
        ] {
            assert_eq!(ChangeEntity::from_name(entity.as_str()), Some(entity));
        }
        assert_eq!(ChangeEntity::Trash.as_str(), "trash");
        assert_eq!(ChangeEntity::from_name("Task"), None);
    }

    #[test]
    fn a_gone_entity_is_a_deletion() {
        let change = Change {
            seq: Seq(3),
            entity: ChangeEntity::Label,
            id: Uuid::nil(),
            data: ChangeData::Gone,
        };
        assert_eq!(change.op(), ChangeOp::Delete);
    }
}
