//! An import, parsed and checked before anything is written: the lists,
//! labels, tasks and completions to create, referring to each other by
//! their place in the plan (ids are the store's to hand out), and the
//! report the importer answers with.

use std::collections::HashSet;

use crate::limits::{MAX_DEPTH, MAX_LABELS_PER_TASK, MAX_LABELS_PER_USER, MAX_LISTS_PER_USER};
use crate::{
    Color, Description, LabelName, ListName, Position, Preferences, Priority, Recurrence,
    RecurrenceBasis, Timestamp, Title,
};

/// Everything an import creates or merges, in the order it is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    /// Applied only when the account has no preferences stored.
    pub preferences: Option<Preferences>,
    pub lists: Vec<PlannedList>,
    pub labels: Vec<PlannedLabel>,
    /// Every parent before its subtasks.
    pub tasks: Vec<PlannedTask>,
    pub completions: Vec<PlannedCompletion>,
}

/// A list to create, or to merge into the account's list of the same name
/// (ignoring case; the Inbox into the Inbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedList {
    pub name: ListName,
    pub color: Color,
    pub is_inbox: bool,
    /// Kept when the list is created; `None`: after the account's lists.
    pub position: Option<Position>,
    /// `None`: now.
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

/// A label to create, or to merge into the account's label of the same
/// name (ignoring case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLabel {
    pub name: LabelName,
    pub color: Color,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

/// A task to create (always new, with a new id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    /// Index into [`ImportPlan::lists`].
    pub list: usize,
    /// Index into [`ImportPlan::tasks`] of an earlier task in the same list.
    pub parent: Option<usize>,
    /// Kept when none of its siblings existed before the import; `None`:
    /// after the siblings, in plan order.
    pub position: Option<Position>,
    pub title: Title,
    pub description: Option<Description>,
    pub priority: Priority,
    /// For an all-day task, 00:00 UTC of its date: the store places it at
    /// 00:00 of that date in the owner's time zone, so that the date
    /// survives an import into an account in another zone.
    pub due_at: Option<Timestamp>,
    pub due_all_day: bool,
    pub recurrence: Option<Recurrence>,
    pub recurrence_basis: RecurrenceBasis,
    pub completed: bool,
    /// Indexes into [`ImportPlan::labels`].
    pub labels: Vec<usize>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

/// One completed occurrence of a planned recurring task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedCompletion {
    /// Index into [`ImportPlan::tasks`].
    pub task: usize,
    pub completed_at: Timestamp,
    pub due_at: Timestamp,
    pub next_due_at: Option<Timestamp>,
}

/// Which element of a plan a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanItem {
    List(usize),
    Label(usize),
    Task(usize),
    Completion(usize),
}

/// Why a plan cannot be imported as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    pub item: PlanItem,
    /// The member at fault (`"parent_id"`, `"labels"`, …).
    pub field: &'static str,
    pub reason: String,
}

impl ImportPlan {
    /// Every broken reference or rule in the plan; empty when it can be
    /// written as it is. The store checks what depends on the account
    /// (limits counting existing rows).
    pub fn problems(&self) -> Vec<PlanProblem> {
        let mut problems = Vec::new();
        let mut push = |item, field, reason: &str| {
            problems.push(PlanProblem {
                item,
                field,
                reason: reason.to_owned(),
            });
        };
        if self.lists.len() > MAX_LISTS_PER_USER {
            push(PlanItem::List(MAX_LISTS_PER_USER), "", "too many lists");
        }
        if self.labels.len() > MAX_LABELS_PER_USER {
            push(PlanItem::Label(MAX_LABELS_PER_USER), "", "too many labels");
        }
        let mut names = HashSet::new();
        let mut inboxes = 0;
        for (i, list) in self.lists.iter().enumerate() {
            if list.is_inbox {
                inboxes += 1;
                if inboxes > 1 {
                    push(PlanItem::List(i), "is_inbox", "a second Inbox");
                }
            } else if !names.insert(list.name.as_str().to_lowercase()) {
                push(PlanItem::List(i), "name", "a second list of this name");
            }
        }
        let mut names = HashSet::new();
        for (i, label) in self.labels.iter().enumerate() {
            if !names.insert(label.name.as_str().to_lowercase()) {
                push(PlanItem::Label(i), "name", "a second label of this name");
            }
        }
        let mut depths: Vec<usize> = Vec::with_capacity(self.tasks.len());
        for (i, task) in self.tasks.iter().enumerate() {
            let item = PlanItem::Task(i);
            if task.list >= self.lists.len() {
                push(item, "list_id", "no such list in the import");
            }
            let depth = match task.parent {
                None => 1,
                Some(p) if p >= i => {
                    push(
                        item,
                        "parent_id",
                        "the parent must come before its subtasks",
                    );
                    1
                }
                Some(p) => {
                    if self.tasks[p].list != task.list {
                        push(item, "parent_id", "the parent is in another list");
                    }
                    depths[p] + 1
                }
            };
            if depth > MAX_DEPTH {
                push(item, "parent_id", "subtasks nest too deep");
            }
            depths.push(depth);
            if task.due_at.is_none() && task.recurrence.is_some() {
                push(item, "recurrence", "a recurring task needs a due date");
            }
            if task.due_at.is_none() && task.due_all_day {
                push(item, "due_all_day", "an all-day task needs a due date");
            }
            if task.labels.iter().any(|&l| l >= self.labels.len()) {
                push(item, "labels", "no such label in the import");
            }
            let distinct: HashSet<_> = task.labels.iter().collect();
            if distinct.len() > MAX_LABELS_PER_TASK {
                push(item, "labels", "too many labels on one task");
            }
        }
        for (i, completion) in self.completions.iter().enumerate() {
            if completion.task >= self.tasks.len() {
                push(
                    PlanItem::Completion(i),
                    "task_id",
                    "no such task in the import",
                );
            }
        }
        problems
    }
}

/// How many of each were created (merged lists and labels not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub lists: u32,
    pub labels: u32,
    pub tasks: u32,
    pub completions: u32,
}

/// One line of an import report: where in the input (a CSV line, a JSON
/// pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub line: Option<u32>,
    pub pointer: Option<String>,
    pub reason: String,
}

/// What an import did: what it created, what it left out, and what it
/// changed on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: ImportCounts,
    pub skipped: Vec<ReportLine>,
    pub warnings: Vec<ReportLine>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str) -> PlannedList {
        PlannedList {
            name: ListName::parse(name).expect("name"),
            color: Color::default(),
            is_inbox: false,
            position: None,
            created_at: None,
            updated_at: None,
        }
    }

    fn task(list: usize, parent: Option<usize>) -> PlannedTask {
        PlannedTask {
            list,
            parent,
            position: None,
            title: Title::parse("t").expect("title"),
            description: None,
            priority: Priority::default(),
            due_at: None,
            due_all_day: false,
            recurrence: None,
            recurrence_basis: RecurrenceBasis::Due,
            completed: false,
            labels: Vec::new(),
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn a_sound_plan_has_no_problems() {
        let plan = ImportPlan {
            lists: vec![list("A")],
            tasks: vec![task(0, None), task(0, Some(0)), task(0, Some(1))],
            ..ImportPlan::default()
        };
        assert_eq!(plan.problems(), Vec::new());
    }

    #[test]
    fn broken_references_and_rules_are_each_reported() {
        let mut too_deep: Vec<PlannedTask> = vec![task(0, None)];
        for i in 0..MAX_DEPTH {
            too_deep.push(task(0, Some(i)));
        }
        let mut plan = ImportPlan {
            lists: vec![list("A"), list("a"), list("B")],
            tasks: too_deep,
            ..ImportPlan::default()
        };
        plan.tasks.push(task(7, None));
        plan.tasks.push(task(2, Some(0)));
        let mut undated = task(0, None);
        undated.due_all_day = true;
        plan.tasks.push(undated);
        let items: Vec<(PlanItem, &str)> = plan
            .problems()
            .into_iter()
            .map(|p| (p.item, p.field))
            .collect();
        let last = MAX_DEPTH;
        assert_eq!(
            items,
            vec![
                (PlanItem::List(1), "name"),
                (PlanItem::Task(last), "parent_id"),
                (PlanItem::Task(last + 1), "list_id"),
                (PlanItem::Task(last + 2), "parent_id"),
                (PlanItem::Task(last + 3), "due_all_day"),
            ]
        );
    }
}
