//! Rows of `lists` and `labels` as diesel reads them, and their translation
//! to the domain. As for tasks, values read back go through the domain's
//! parsers: a row that no longer satisfies them is reported, never trusted.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Color, Label, LabelId, LabelName, List, ListId, ListName, ListSummary, Position, UserId,
    Version,
};
use uuid::Uuid;

use crate::rows::CorruptRow;
use crate::schema::{labels, lists};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = lists, check_for_backend(diesel::pg::Pg))]
pub(crate) struct ListRow {
    pub(crate) id: Uuid,
    user_id: Uuid,
    name: String,
    color: String,
    pub(crate) position: String,
    pub(crate) is_inbox: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    pub(crate) version: i64,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = labels, check_for_backend(diesel::pg::Pg))]
pub(crate) struct LabelRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    color: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

fn version(table: &'static str, id: Uuid, raw: i64) -> Result<Version, CorruptRow> {
    if raw < Version::INITIAL.get() {
        return Err(CorruptRow::new(table, id, "version", &"must be at least 1"));
    }
    Ok(Version::new(raw))
}

impl TryFrom<ListRow> for List {
    type Error = CorruptRow;

    fn try_from(row: ListRow) -> Result<Self, Self::Error> {
        let id = row.id;
        let corrupt = |column, e: &dyn std::fmt::Display| CorruptRow::new("list", id, column, e);
        Ok(List {
            id: ListId::from_uuid(row.id),
            owner: UserId::from_uuid(row.user_id),
            name: ListName::parse(&row.name).map_err(|e| corrupt("name", &e))?,
            color: Color::parse(&row.color).map_err(|e| corrupt("color", &e))?,
            position: Position::parse(&row.position).map_err(|e| corrupt("position", &e))?,
            is_inbox: row.is_inbox,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: version("list", id, row.version)?,
        })
    }
}

/// A list row with its total and open task counts, as the summary queries
/// select it.
pub(crate) fn summary((row, total, open): (ListRow, i64, i64)) -> Result<ListSummary, CorruptRow> {
    let id = row.id;
    let count =
        |raw: i64| u32::try_from(raw).map_err(|e| CorruptRow::new("list", id, "task count", &e));
    Ok(ListSummary {
        total_tasks: count(total)?,
        open_tasks: count(open)?,
        list: List::try_from(row)?,
    })
}

impl LabelRow {
    pub(crate) fn version(&self) -> i64 {
        self.version
    }
}

impl TryFrom<LabelRow> for Label {
    type Error = CorruptRow;

    fn try_from(row: LabelRow) -> Result<Self, Self::Error> {
        let id = row.id;
        let corrupt = |column, e: &dyn std::fmt::Display| CorruptRow::new("label", id, column, e);
        Ok(Label {
            id: LabelId::from_uuid(row.id),
            owner: UserId::from_uuid(row.user_id),
            name: LabelName::parse(&row.name).map_err(|e| corrupt("name", &e))?,
            color: Color::parse(&row.color).map_err(|e| corrupt("color", &e))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: version("label", id, row.version)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ListRow {
        let now = Utc::now();
        ListRow {
            id: Uuid::now_v7(),
            user_id: Uuid::new_v4(),
            name: "Home".into(),
            color: "teal".into(),
            position: "a1".into(),
            is_inbox: false,
            created_at: now,
            updated_at: now,
            version: 2,
        }
    }

    #[test]
    fn a_valid_row_becomes_a_list_with_counts() {
        let s = summary((row(), 5, 2)).unwrap();
        assert_eq!(s.list.name.as_str(), "Home");
        assert_eq!(s.list.color, Color::Teal);
        assert_eq!((s.total_tasks, s.open_tasks), (5, 2));
    }

    #[test]
    fn corrupt_rows_name_the_column() {
        type Spoil = fn(&mut ListRow);
        let cases: [(Spoil, &str); 4] = [
            (|r| r.name = " ".into(), "name"),
            (|r| r.color = "mauve".into(), "color"),
            (|r| r.position = "a00".into(), "position"),
            (|r| r.version = 0, "version"),
        ];
        for (spoil, column) in cases {
            let mut r = row();
            spoil(&mut r);
            let err = List::try_from(r).unwrap_err();
            assert!(err.to_string().contains(column), "{err}");
        }
    }
}
