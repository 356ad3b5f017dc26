//! `POST …/import` with `text/csv`: a project in Todoist's CSV template
//! (`TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,
//! DATE_LANG,TIMEZONE,DURATION,DURATION_UNIT,DEADLINE,DEADLINE_LANG`)
//! turned into an [`ImportPlan`], with a report line for every row left
//! out or changed on the way in.
//!
//! - `task` rows become tasks; `INDENT` n makes a subtask of the last task
//!   of `INDENT` n-1 (deeper than [`MAX_DEPTH`], or with a level missing:
//!   attached at the deepest level possible, with a warning).
//! - `section` rows start a list named after them; the tasks before the
//!   first section go to the list named by the caller.
//! - `note` rows are appended to the previous task's description.
//! - `PRIORITY` 1 (Todoist's highest) → high, 2 → medium, 3 → low, 4
//!   (Todoist's "none") → medium, our default; empty → high (Todoist's
//!   template documents an empty cell as p1).
//! - `DATE`: an ISO date → all-day; an ISO date-time → timed, read in
//!   `TIMEZONE` (else the user's zone); `every …` phrases the quick-add
//!   grammar's RRULE subset can say → a recurrence starting today;
//!   anything else → no date, and a warning.
//! - `AUTHOR`, `RESPONSIBLE`, `DATE_LANG`, `DURATION`, `DURATION_UNIT`,
//!   `DEADLINE`, `DEADLINE_LANG` are ignored; blank rows too.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone as _, Weekday};
use domain::limits::MAX_DEPTH;
use domain::{
    Color, Description, ImportPlan, ListName, PlannedList, PlannedTask, Priority, Recurrence,
    RecurrenceBasis, ReportLine, TimeZone, Timestamp, Title,
};

use crate::wire::import_json::date_as_utc;

/// The list for tasks before the first section when the caller names none.
pub const DEFAULT_LIST_NAME: &str = "Todoist import";

/// What the CSV became: the plan, and the report's lines.
#[derive(Debug, Default)]
pub struct TodoistImport {
    pub plan: ImportPlan,
    pub skipped: Vec<ReportLine>,
    pub warnings: Vec<ReportLine>,
}

/// The CSV cannot be read as Todoist's template at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotTodoistCsv(pub String);

/// Where the template's columns are in this file's header.
struct Columns {
    kind: usize,
    content: usize,
    description: Option<usize>,
    priority: Option<usize>,
    indent: Option<usize>,
    date: Option<usize>,
    timezone: Option<usize>,
}

impl Columns {
    fn of(header: &csv::StringRecord) -> Result<Self, NotTodoistCsv> {
        let find = |name: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let (Some(kind), Some(content)) = (find("TYPE"), find("CONTENT")) else {
            return Err(NotTodoistCsv(
                "The CSV's first line must be Todoist's template header (TYPE, CONTENT, \
                 DESCRIPTION, PRIORITY, INDENT, …); TYPE and CONTENT are required."
                    .into(),
            ));
        };
        Ok(Self {
            kind,
            content,
            description: find("DESCRIPTION"),
            priority: find("PRIORITY"),
            indent: find("INDENT"),
            date: find("DATE"),
            timezone: find("TIMEZONE"),
        })
    }
}

fn line(n: u64, reason: impl Into<String>) -> ReportLine {
    ReportLine {
        line: u32::try_from(n).ok(),
        pointer: None,
        reason: reason.into(),
    }
}

fn cell(record: &csv::StringRecord, column: Option<usize>) -> &str {
    column.and_then(|c| record.get(c)).unwrap_or("").trim()
}

struct Builder {
    out: TodoistImport,
    default_list: ListName,
    /// The list new tasks go to, once one is needed.
    current: Option<usize>,
    /// The last task at each depth (index 0: top level) in the current list.
    stack: Vec<usize>,
    zone: TimeZone,
    now: Timestamp,
}

impl Builder {
    fn list(&mut self, name: ListName) -> usize {
        let key = name.as_str().to_lowercase();
        if let Some(i) = self
            .out
            .plan
            .lists
            .iter()
            .position(|l| l.name.as_str().to_lowercase() == key)
        {
            return i;
        }
        self.out.plan.lists.push(PlannedList {
            name,
            color: Color::default(),
            is_inbox: false,
            position: None,
            created_at: None,
            updated_at: None,
        });
        self.out.plan.lists.len() - 1
    }

    fn section(&mut self, n: u64, content: &str) {
        match ListName::parse(content) {
            Ok(name) => {
                self.current = Some(self.list(name));
                self.stack.clear();
            }
            Err(e) => self.out.skipped.push(line(
                n,
                format!(
                    "section not imported: its name {e}; the tasks after it stay in the \
                     previous list"
                ),
            )),
        }
    }

    fn note(&mut self, n: u64, content: &str) {
        let Some(task) = self.out.plan.tasks.last_mut() else {
            self.out
                .skipped
                .push(line(n, "note not imported: no task before it"));
            return;
        };
        if content.is_empty() {
            return;
        }
        let text = match &task.description {
            Some(d) => format!("{}\n\n{content}", d.as_str()),
            None => content.to_owned(),
        };
        match Description::parse(&text) {
            Ok(d) => task.description = Some(d),
            Err(e) => self.out.skipped.push(line(
                n,
                format!("note not imported: the task's description {e}"),
            )),
        }
    }

    fn task(&mut self, n: u64, record: &csv::StringRecord, columns: &Columns) {
        let title = match Title::parse(cell(record, Some(columns.content))) {
            Ok(t) => t,
            Err(e) => {
                self.out
                    .skipped
                    .push(line(n, format!("task not imported: its CONTENT {e}")));
                return;
            }
        };
        let list = match self.current {
            Some(l) => l,
            None => {
                let l = self.list(self.default_list.clone());
                self.current = Some(l);
                l
            }
        };
        let description = match cell(record, columns.description) {
            "" => None,
            raw => match Description::parse(raw) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.out
                        .warnings
                        .push(line(n, format!("DESCRIPTION not imported: it {e}")));
                    None
                }
            },
        };
        let priority = match cell(record, columns.priority) {
            // Todoist's template: an empty cell means p1.
            "1" | "" => Priority::High,
            "3" => Priority::Low,
            "2" | "4" => Priority::Medium,
            other => {
                self.out.warnings.push(line(
                    n,
                    format!("PRIORITY {other:?} is not 1-4; imported as medium"),
                ));
                Priority::Medium
            }
        };
        let wanted = match cell(record, columns.indent) {
            "" => 1,
            raw => match raw.parse::<usize>() {
                Ok(i) if i >= 1 => i,
                _ => {
                    self.out.warnings.push(line(
                        n,
                        format!("INDENT {raw:?} is not a level from 1; imported as top-level"),
                    ));
                    1
                }
            },
        };
        let mut depth = wanted.min(self.stack.len() + 1);
        if depth < wanted {
            self.out.warnings.push(line(
                n,
                format!(
                    "INDENT {wanted} has no task at INDENT {} before it; attached at level \
                     {depth}",
                    wanted - 1
                ),
            ));
        }
        if depth > MAX_DEPTH {
            self.out.warnings.push(line(
                n,
                format!(
                    "INDENT {wanted} is deeper than the {MAX_DEPTH} levels allowed; attached at \
                     level {MAX_DEPTH}"
                ),
            ));
            depth = MAX_DEPTH;
        }
        let parent = (depth > 1).then(|| self.stack[depth - 2]);
        let schedule = self.date(n, record, columns);
        let index = self.out.plan.tasks.len();
        self.stack.truncate(depth - 1);
        self.stack.push(index);
        self.out.plan.tasks.push(PlannedTask {
            list,
            parent,
            position: None,
            title,
            description,
            priority,
            due_at: schedule.due_at,
            due_all_day: schedule.all_day,
            recurrence: schedule.recurrence,
            recurrence_basis: schedule.basis,
            completed: false,
            labels: Vec::new(),
            created_at: None,
            updated_at: None,
        });
    }

    fn date(&mut self, n: u64, record: &csv::StringRecord, columns: &Columns) -> Schedule {
        let raw = cell(record, columns.date);
        if raw.is_empty() {
            return Schedule::none();
        }
        if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            return Schedule::on(date_as_utc(date), true);
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
            return Schedule::on(t.with_timezone(&chrono::Utc), false);
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
                let zone = match cell(record, columns.timezone) {
                    "" => self.zone,
                    name => TimeZone::parse(name).unwrap_or_else(|_| {
                        self.out.warnings.push(line(
                            n,
                            format!("TIMEZONE {name:?} is unknown; DATE read in your time zone"),
                        ));
                        self.zone
                    }),
                };
                if let Some(t) = zone.tz().from_local_datetime(&local).earliest() {
                    return Schedule::on(t.with_timezone(&chrono::Utc), false);
                }
            }
        }
        if let Some(schedule) = recurring(raw, self.zone, self.now) {
            return schedule;
        }
        self.out.warnings.push(line(
            n,
            format!("DATE {raw:?} is not an ISO date or a recurrence we understand; imported without a date"),
        ));
        Schedule::none()
    }
}

struct Schedule {
    due_at: Option<Timestamp>,
    all_day: bool,
    recurrence: Option<Recurrence>,
    basis: RecurrenceBasis,
}

impl Schedule {
    const fn none() -> Self {
        Self {
            due_at: None,
            all_day: false,
            recurrence: None,
            basis: RecurrenceBasis::Due,
        }
    }

    const fn on(due: Timestamp, all_day: bool) -> Self {
        Self {
            due_at: Some(due),
            all_day,
            recurrence: None,
            basis: RecurrenceBasis::Due,
        }
    }
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.trim().trim_end_matches('s');
    [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ]
    .into_iter()
    .find(|(prefix, _)| w.starts_with(prefix) && w.len() <= 9)
    .map(|(_, d)| d)
}

const fn code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// The part of the quick-add grammar a Todoist DATE uses most: `every
/// day|week|month|year`, `every N days|weeks|months|years`, `every other
/// …`, `every weekday`, `every monday, wednesday and friday`, the adverbs
/// `daily` … `yearly`; `every!` counts from completion. All-day, from the
/// first matching day from today in `zone`.
fn recurring(raw: &str, zone: TimeZone, now: Timestamp) -> Option<Schedule> {
    let text = raw.trim().to_lowercase();
    let (basis, rest) = if let Some(rest) = text.strip_prefix("every!") {
        (RecurrenceBasis::Completion, rest.trim())
    } else if let Some(rest) = text
        .strip_prefix("every ")
        .or_else(|| text.strip_prefix("each "))
    {
        (RecurrenceBasis::Due, rest.trim())
    } else {
        let adverb = match text.as_str() {
            "daily" => "day",
            "weekly" => "week",
            "monthly" => "month",
            "yearly" | "annually" => "year",
            _ => return None,
        };
        return rule(adverb, 1, RecurrenceBasis::Due, &[], zone, now);
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        [unit] if matches!(*unit, "weekday" | "workday") => rule(
            "week",
            1,
            basis,
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            zone,
            now,
        ),
        [unit] if weekday(unit).is_none() => rule(unit, 1, basis, &[], zone, now),
        ["other", unit] => rule(unit.trim_end_matches('s'), 2, basis, &[], zone, now),
        [n, unit] if n.parse::<u16>().is_ok() => rule(
            unit.trim_end_matches('s'),
            n.parse().ok()?,
            basis,
            &[],
            zone,
            now,
        ),
        _ => {
            let days: Option<Vec<Weekday>> = rest
                .split([',', '&'])
                .flat_map(|part| part.split(" and "))
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(weekday)
                .collect();
            let days = days.filter(|d| !d.is_empty())?;
            rule("week", 1, basis, &days, zone, now)
        }
    }
}

fn rule(
    unit: &str,
    interval: u16,
    basis: RecurrenceBasis,
    days: &[Weekday],
    zone: TimeZone,
    now: Timestamp,
) -> Option<Schedule> {
    let freq = match unit {
        "day" => "DAILY",
        "week" => "WEEKLY",
        "month" => "MONTHLY",
        "year" => "YEARLY",
        _ => return None,
    };
    let mut text = format!("FREQ={freq}");
    if interval > 1 {
        text.push_str(&format!(";INTERVAL={interval}"));
    }
    let today = zone.local_date(now);
    let mut start = today;
    if !days.is_empty() {
        let codes: Vec<&str> = days.iter().map(|&d| code(d)).collect();
        text.push_str(&format!(";BYDAY={}", codes.join(",")));
        while !days.contains(&start.weekday()) {
            start = start.succ_opt()?;
        }
    }
    let recurrence = Recurrence::parse(&text).ok()?;
    Some(Schedule {
        due_at: Some(date_as_utc(start)),
        all_day: true,
        recurrence: Some(recurrence),
        basis,
    })
}

/// Reads `body` as a Todoist project CSV. Tasks before the first section go
/// to `default_list`; dates without a zone are read in `zone`; recurrences
/// start on `now`'s date.
///
/// # Errors
/// [`NotTodoistCsv`] when the body is not CSV (or not UTF-8) or has no
/// template header.
pub fn plan(
    body: &[u8],
    default_list: ListName,
    zone: TimeZone,
    now: Timestamp,
) -> Result<TodoistImport, NotTodoistCsv> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body);
    let header = reader
        .headers()
        .map_err(|e| NotTodoistCsv(format!("The CSV cannot be read: {e}.")))?
        .clone();
    let columns = Columns::of(&header)?;
    let mut builder = Builder {
        out: TodoistImport::default(),
        default_list,
        current: None,
        stack: Vec::new(),
        zone,
        now,
    };
    for record in reader.records() {
        let record = record.map_err(|e| NotTodoistCsv(format!("The CSV cannot be read: {e}.")))?;
        let n = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let content = cell(&record, Some(columns.content));
        match cell(&record, Some(columns.kind))
            .to_ascii_lowercase()
            .as_str()
        {
            "task" => builder.task(n, &record, &columns),
            "section" => builder.section(n, content),
            "note" => builder.note(n, content),
            "meta" => builder.out.skipped.push(line(
                n,
                format!("Todoist view setting {content:?} not imported"),
            )),
            other => builder.out.skipped.push(line(
                n,
                format!("row of TYPE {other:?} not imported (only task, section and note are)"),
            )),
        }
    }
    Ok(builder.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        crate::wire::timestamp::parse("2030-01-02T12:00:00Z").expect("time")
    }

    fn read(csv: &str) -> TodoistImport {
        plan(
            csv.as_bytes(),
            ListName::parse(DEFAULT_LIST_NAME).expect("name"),
            TimeZone::UTC,
            now(),
        )
        .expect("readable")
    }

    #[test]
    fn a_file_without_the_template_header_is_refused() {
        let err = plan(b"a,b\n1,2\n", ListName::inbox(), TimeZone::UTC, now());
        assert!(err.is_err());
    }

    #[test]
    fn recurrence_phrases_become_rules_starting_on_the_first_matching_day() {
        // 2030-01-02 is a Wednesday.
        let s = recurring("every friday", TimeZone::UTC, now()).expect("a rule");
        assert_eq!(s.recurrence.expect("rule").as_str(), "FREQ=WEEKLY;BYDAY=FR");
        assert_eq!(
            s.due_at.map(|d| crate::wire::timestamp::format(&d)),
            Some("2030-01-04T00:00:00Z".to_owned())
        );
        let s = recurring("every 3 days", TimeZone::UTC, now()).expect("a rule");
        assert_eq!(
            s.recurrence.expect("rule").as_str(),
            "FREQ=DAILY;INTERVAL=3"
        );
        let s = recurring("every! week", TimeZone::UTC, now()).expect("a rule");
        assert_eq!(s.basis, RecurrenceBasis::Completion);
        assert!(recurring("every full moon", TimeZone::UTC, now()).is_none());
        assert!(recurring("tomorrow", TimeZone::UTC, now()).is_none());
    }

    #[test]
    fn indents_deeper_than_the_limit_attach_at_the_deepest_level() {
        let out =
            read("TYPE,CONTENT,INDENT\ntask,L1,1\ntask,L2,2\ntask,L3,3\ntask,L4,4\ntask,L5,5\n");
        let parents: Vec<Option<usize>> = out.plan.tasks.iter().map(|t| t.parent).collect();
        assert_eq!(parents, vec![None, Some(0), Some(1), Some(2), Some(2)]);
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].line, Some(6));
        assert!(out.warnings[0].reason.contains("deeper than the 4 levels"));
        assert!(out.plan.problems().is_empty());
    }

    #[test]
    fn notes_join_the_previous_task_and_sections_start_lists() {
        let out = read(
            "TYPE,CONTENT\nnote,orphan\ntask,A\nnote,first\nnote,second\nsection,Later\ntask,B\nsection,\n",
        );
        assert_eq!(
            out.plan.tasks[0].description.as_ref().map(|d| d.as_str()),
            Some("first\n\nsecond")
        );
        let lists: Vec<&str> = out.plan.lists.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(lists, vec![DEFAULT_LIST_NAME, "Later"]);
        assert_eq!(out.plan.tasks[1].list, 1);
        let skipped: Vec<Option<u32>> = out.skipped.iter().map(|s| s.line).collect();
        assert_eq!(skipped, vec![Some(2), Some(8)]);
    }

    #[test]
    fn indent_gaps_attach_at_the_deepest_level_available() {
        let out =
            read("TYPE,CONTENT,PRIORITY,INDENT\ntask,A,1,1\ntask,B,2,3\ntask,C,3,2\ntask,D,4,5\n");
        let parents: Vec<Option<usize>> = out.plan.tasks.iter().map(|t| t.parent).collect();
        assert_eq!(parents, vec![None, Some(0), Some(0), Some(2)]);
        let lines: Vec<Option<u32>> = out.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(3), Some(5)]);
    }
}
