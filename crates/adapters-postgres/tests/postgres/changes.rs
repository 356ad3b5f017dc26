//! The change log (issue 10): what each kind of write appends (written by
//! the migration's triggers), and how `ChangeLog` reads and prunes it.

use std::collections::BTreeSet;
use std::sync::Arc;

use adapters_postgres::PgTaskRepo;
use chrono::{Duration as Days, Utc};
use domain::{
    ChangeData, ChangeEntity, ChangeLimit, ChangeOp, ChangePage, Color, CompletionChange,
    LabelName, LabelPatch, ListId, ListName, ListPatch, NewLabel, NewList, Placement, Seq, Task,
    TaskLabels, TaskLocation, TaskMove, TaskPatch, UserId,
};
use ports::{ChangeLog, LabelRepo, ListRepo, ReadChangesError, TaskRepo};
use uuid::Uuid;

use crate::fixtures::{fields, migrated, title};

/// One stored entry: `(seq, entity, entity_id, op)`.
type Entry = (i64, String, Uuid, String);

/// Reads the `changes` table directly (what the triggers wrote, before any
/// collapsing), on a connection of its own.
struct Log {
    client: tokio_postgres::Client,
}

impl Log {
    async fn open(url: &str) -> Self {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        Self { client }
    }

    async fn after(&self, owner: UserId, since: i64) -> Vec<Entry> {
        self.client
            .query(
                "SELECT seq, entity, entity_id::text, op FROM changes \
                  WHERE user_id = $1::text::uuid AND seq > $2 ORDER BY seq",
                &[&owner.to_string(), &since],
            )
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                let id: String = row.get(2);
                (
                    row.get(0),
                    row.get(1),
                    Uuid::parse_str(&id).unwrap(),
                    row.get(3),
                )
            })
            .collect()
    }

    async fn latest(&self, owner: UserId) -> i64 {
        self.client
            .query_opt(
                "SELECT seq FROM change_seqs WHERE user_id = $1::text::uuid",
                &[&owner.to_string()],
            )
            .await
            .unwrap()
            .map_or(0, |row| row.get(0))
    }

    async fn count(&self, sql: &str, owner: UserId) -> i64 {
        self.client
            .query_one(sql, &[&owner.to_string()])
            .await
            .unwrap()
            .get(0)
    }

    /// Makes `owner`'s entries up to `seq` look `days` old.
    async fn age(&self, owner: UserId, up_to: i64, days: i64) {
        self.client
            .execute(
                "UPDATE changes SET at = now() - make_interval(days => $3::int) \
                  WHERE user_id = $1::text::uuid AND seq <= $2",
                &[&owner.to_string(), &up_to, &i32::try_from(days).unwrap()],
            )
            .await
            .unwrap();
    }

    /// The entries logged by `write`, as `(entity, id, op)` without seqs,
    /// after checking that their seqs follow the previous ones without gap.
    async fn of<F: Future>(
        &self,
        owner: UserId,
        write: F,
    ) -> (F::Output, Vec<(String, Uuid, String)>) {
        let before = self.latest(owner).await;
        let out = write.await;
        let entries = self.after(owner, before).await;
        let seqs: Vec<i64> = entries.iter().map(|e| e.0).collect();
        let expected: Vec<i64> =
            (before + 1..=before + i64::try_from(seqs.len()).unwrap()).collect();
        assert_eq!(seqs, expected, "seqs without gap");
        assert_eq!(self.latest(owner).await, *seqs.last().unwrap_or(&before));
        (
            out,
            entries
                .into_iter()
                .map(|(_, entity, id, op)| (entity, id, op))
                .collect(),
        )
    }
}

fn e(entity: &str, id: impl Into<Uuid>, op: &str) -> (String, Uuid, String) {
    (entity.to_owned(), id.into(), op.to_owned())
}

fn sorted(mut v: Vec<(String, Uuid, String)>) -> Vec<(String, Uuid, String)> {
    v.sort();
    v
}

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

fn lists(repo: &PgTaskRepo) -> &dyn ListRepo {
    repo
}

fn labels(repo: &PgTaskRepo) -> &dyn LabelRepo {
    repo
}

fn log(repo: &PgTaskRepo) -> &dyn ChangeLog {
    repo
}

fn limit(n: i64) -> ChangeLimit {
    ChangeLimit::new(n).unwrap()
}

fn seq(n: i64) -> Seq {
    Seq::new(u64::try_from(n).unwrap()).unwrap()
}

async fn new_list(repo: &PgTaskRepo, owner: UserId, name: &str) -> ListId {
    lists(repo)
        .create(
            owner,
            NewList {
                name: ListName::parse(name).unwrap(),
                color: Color::Gray,
            },
        )
        .await
        .unwrap()
        .list
        .id
}

async fn add(repo: &PgTaskRepo, owner: UserId, name: &str, location: TaskLocation) -> Task {
    tasks(repo)
        .create(owner, fields(name), location)
        .await
        .unwrap()
}

fn under(parent: &Task) -> TaskLocation {
    TaskLocation {
        list_id: None,
        parent_id: Some(parent.id),
    }
}

fn summary(page: &ChangePage) -> Vec<(u64, ChangeEntity, Uuid, ChangeOp)> {
    page.changes
        .iter()
        .map(|c| (c.seq.get(), c.entity, c.id, c.op()))
        .collect()
}

#[tokio::test]
async fn task_writes_log_the_task_and_its_subtree() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let log = Log::open(db.url()).await;

    let (inbox, logged) = log.of(owner, lists(&repo).ensure_inbox(owner)).await;
    let inbox = inbox.unwrap();
    assert_eq!(logged, [e("list", inbox.list.id, "upsert")]);

    let (a, logged) = log
        .of(owner, add(&repo, owner, "a", TaskLocation::default()))
        .await;
    assert_eq!(logged, [e("task", a.id, "upsert")]);
    let (b, logged) = log.of(owner, add(&repo, owner, "b", under(&a))).await;
    // The parent's subtask count is derived: no entry of its own.
    assert_eq!(logged, [e("task", b.id, "upsert")]);
    let (c, _) = log.of(owner, add(&repo, owner, "c", under(&b))).await;

    let patch = TaskPatch {
        title: Some(title("a renamed")),
        ..TaskPatch::default()
    };
    let (_, logged) = log
        .of(
            owner,
            tasks(&repo).patch(owner, a.id, patch, Some(a.version)),
        )
        .await;
    assert_eq!(logged, [e("task", a.id, "upsert")]);

    // Completing completes the open subtree, in the same transaction.
    let (_, logged) = log
        .of(
            owner,
            tasks(&repo).set_completed(owner, a.id, CompletionChange::Set(true), None),
        )
        .await;
    assert_eq!(
        sorted(logged),
        sorted(vec![
            e("task", a.id, "upsert"),
            e("task", b.id, "upsert"),
            e("task", c.id, "upsert")
        ])
    );

    // Moving to another list takes the subtree along.
    let work = new_list(&repo, owner, "Work").await;
    let to = TaskMove {
        list_id: Some(work),
        parent_id: None,
        placement: Placement::End,
    };
    let (moved, logged) = log
        .of(owner, tasks(&repo).move_task(owner, a.id, to, None))
        .await;
    assert_eq!(moved.unwrap().list_id, work);
    assert_eq!(
        sorted(logged),
        sorted(vec![
            e("task", a.id, "upsert"),
            e("task", b.id, "upsert"),
            e("task", c.id, "upsert")
        ])
    );

    // Deleting deletes the subtree, into one item of the trash.
    let (_, logged) = log.of(owner, tasks(&repo).delete(owner, a.id, None)).await;
    assert_eq!(
        sorted(logged),
        sorted(vec![
            e("task", a.id, "delete"),
            e("task", b.id, "delete"),
            e("task", c.id, "delete"),
            e("trash", a.id, "upsert")
        ])
    );
}

#[tokio::test]
async fn list_writes_log_the_list_and_a_deleted_lists_tasks() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let log = Log::open(db.url()).await;
    lists(&repo).ensure_inbox(owner).await.unwrap();

    let (home, logged) = log
        .of(
            owner,
            lists(&repo).create(
                owner,
                NewList {
                    name: ListName::parse("Home").unwrap(),
                    color: Color::Teal,
                },
            ),
        )
        .await;
    let home = home.unwrap().list.id;
    assert_eq!(logged, [e("list", home, "upsert")]);
    let other = new_list(&repo, owner, "Other").await;

    let patch = ListPatch {
        name: Some(ListName::parse("House").unwrap()),
        color: None,
    };
    let (_, logged) = log
        .of(owner, lists(&repo).update(owner, home, patch, None))
        .await;
    assert_eq!(logged, [e("list", home, "upsert")]);

    let (_, logged) = log
        .of(
            owner,
            lists(&repo).move_list(owner, home, Placement::After(other)),
        )
        .await;
    assert_eq!(logged, [e("list", home, "upsert")]);

    let parent = add(
        &repo,
        owner,
        "parent",
        TaskLocation {
            list_id: Some(home),
            parent_id: None,
        },
    )
    .await;
    let child = add(&repo, owner, "child", under(&parent)).await;
    let (_, logged) = log.of(owner, lists(&repo).delete(owner, home, None)).await;
    assert_eq!(
        sorted(logged),
        sorted(vec![
            e("list", home, "delete"),
            e("task", parent.id, "delete"),
            e("task", child.id, "delete"),
            // The list enters the trash, with its tasks.
            e("trash", home, "upsert")
        ])
    );
}

#[tokio::test]
async fn label_writes_log_the_label_and_the_tasks_that_carry_it_once() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let log = Log::open(db.url()).await;
    lists(&repo).ensure_inbox(owner).await.unwrap();

    let (label, logged) = log
        .of(
            owner,
            labels(&repo).create(
                owner,
                NewLabel {
                    name: LabelName::parse("urgent").unwrap(),
                    color: Color::Red,
                },
            ),
        )
        .await;
    let label = label.unwrap();
    assert_eq!(logged, [e("label", label.id, "upsert")]);

    // Attached in the task's own write: one entry, not one more per label.
    let mut with_label = fields("carrier");
    with_label.labels = TaskLabels::new(vec![label.id]).unwrap();
    let (carrier, logged) = log
        .of(
            owner,
            tasks(&repo).create(owner, with_label, TaskLocation::default()),
        )
        .await;
    let carrier = carrier.unwrap();
    assert_eq!(logged, [e("task", carrier.id, "upsert")]);

    let plain = add(&repo, owner, "plain", TaskLocation::default()).await;
    let attach = TaskPatch {
        labels: Some(TaskLabels::new(vec![label.id]).unwrap()),
        ..TaskPatch::default()
    };
    let (_, logged) = log
        .of(owner, tasks(&repo).patch(owner, plain.id, attach, None))
        .await;
    assert_eq!(logged, [e("task", plain.id, "upsert")]);
    let detach = TaskPatch {
        labels: Some(TaskLabels::default()),
        ..TaskPatch::default()
    };
    let (_, logged) = log
        .of(owner, tasks(&repo).patch(owner, plain.id, detach, None))
        .await;
    assert_eq!(logged, [e("task", plain.id, "upsert")]);

    let rename = LabelPatch {
        name: Some(LabelName::parse("Urgent!").unwrap()),
        color: None,
    };
    let (_, logged) = log
        .of(owner, labels(&repo).update(owner, label.id, rename, None))
        .await;
    assert_eq!(logged, [e("label", label.id, "upsert")]);

    // Deleting it changes the tasks that carried it (their labels), once
    // each; the others not.
    let (_, logged) = log
        .of(owner, labels(&repo).delete(owner, label.id, None))
        .await;
    assert_eq!(
        sorted(logged),
        sorted(vec![
            e("label", label.id, "delete"),
            e("task", carrier.id, "upsert")
        ])
    );
}

#[tokio::test]
async fn deleting_the_user_removes_their_log() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let other = db.insert_user().await;
    let log = Log::open(db.url()).await;
    for who in [owner, other] {
        let parent = add(&repo, who, "parent", TaskLocation::default()).await;
        add(&repo, who, "child", under(&parent)).await;
        new_list(&repo, who, "Work").await;
    }
    assert!(log.latest(owner).await > 0);

    db.delete_user(owner).await;

    let count_seqs = "SELECT count(*) FROM change_seqs WHERE user_id = $1::text::uuid";
    let count_changes = "SELECT count(*) FROM changes WHERE user_id = $1::text::uuid";
    assert_eq!(log.count(count_seqs, owner).await, 0);
    assert_eq!(log.count(count_changes, owner).await, 0);
    assert_eq!(log.count(count_changes, other).await, 4);
    assert_eq!(log.latest(other).await, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_get_every_seq_once_in_order() {
    const WORKERS: usize = 8;
    const WRITES: usize = 200;
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let repo = Arc::new(repo);
    // Seq 1: the Inbox.
    lists(&repo).ensure_inbox(owner).await.unwrap();

    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                let mut ids = Vec::with_capacity(WRITES);
                for i in 0..WRITES {
                    let task = TaskRepo::create(
                        &*repo,
                        owner,
                        fields(&format!("{w}/{i}")),
                        TaskLocation::default(),
                    )
                    .await
                    .unwrap();
                    ids.push(Uuid::from(task.id));
                }
                ids
            })
        })
        .collect();
    let mut created = BTreeSet::new();
    for worker in workers {
        created.extend(worker.await.unwrap());
    }
    assert_eq!(created.len(), WORKERS * WRITES);

    let total = u64::try_from(WORKERS * WRITES).unwrap() + 1;
    assert_eq!(log(&repo).latest(owner).await.unwrap().get(), total);
    let mut seqs = Vec::new();
    let mut seen = BTreeSet::new();
    let mut since = Seq::ZERO;
    let mut pages = 0;
    loop {
        let page = log(&repo).read(owner, since, limit(1000)).await.unwrap();
        pages += 1;
        for change in &page.changes {
            seqs.push(change.seq.get());
            if change.entity == ChangeEntity::Task {
                assert!(matches!(change.data, ChangeData::Task(_)));
                seen.insert(change.id);
            }
        }
        since = page.next;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
    assert_eq!(seen, created);
}

#[tokio::test]
async fn reads_collapse_an_entity_to_its_last_entry_with_current_data() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let inbox = lists(&repo).ensure_inbox(owner).await.unwrap(); // 1
    let a = add(&repo, owner, "a", TaskLocation::default()).await; // 2
    let b = add(&repo, owner, "b", TaskLocation::default()).await; // 3
    let patch = |t: &str| TaskPatch {
        title: Some(title(t)),
        ..TaskPatch::default()
    };
    tasks(&repo)
        .patch(owner, a.id, patch("a2"), None)
        .await
        .unwrap(); // 4
    let a3 = tasks(&repo)
        .patch(owner, a.id, patch("a3"), None)
        .await
        .unwrap(); // 5
    let label = labels(&repo)
        .create(
            owner,
            NewLabel {
                name: LabelName::parse("x").unwrap(),
                color: Color::Blue,
            },
        )
        .await
        .unwrap(); // 6

    let page = log(&repo).read(owner, Seq::ZERO, limit(100)).await.unwrap();
    assert_eq!(
        summary(&page),
        [
            (
                1,
                ChangeEntity::List,
                Uuid::from(inbox.list.id),
                ChangeOp::Upsert
            ),
            (3, ChangeEntity::Task, Uuid::from(b.id), ChangeOp::Upsert),
            (5, ChangeEntity::Task, Uuid::from(a.id), ChangeOp::Upsert),
            (
                6,
                ChangeEntity::Label,
                Uuid::from(label.id),
                ChangeOp::Upsert
            ),
        ]
    );
    assert_eq!((page.next, page.has_more), (seq(6), false));
    // The data is what the entity's own GET returns now.
    let inbox_now = lists(&repo).get(owner, inbox.list.id).await.unwrap();
    assert_eq!(inbox_now.total_tasks, 2);
    assert_eq!(page.changes[0].data, ChangeData::List(Box::new(inbox_now)));
    assert_eq!(page.changes[2].data, ChangeData::Task(Box::new(a3.clone())));
    assert_eq!(
        page.changes[2].data,
        ChangeData::Task(Box::new(tasks(&repo).get(owner, a.id).await.unwrap()))
    );
    assert_eq!(page.changes[3].data, ChangeData::Label(Box::new(label)));

    // A page that ends inside the run of a's entries: next is the last seq
    // covered, even though it was collapsed away.
    let page = log(&repo).read(owner, seq(2), limit(2)).await.unwrap();
    assert_eq!(
        summary(&page),
        [
            (3, ChangeEntity::Task, Uuid::from(b.id), ChangeOp::Upsert),
            (4, ChangeEntity::Task, Uuid::from(a.id), ChangeOp::Upsert)
        ]
    );
    assert_eq!((page.next, page.has_more), (seq(4), true));
    let page = log(&repo).read(owner, seq(1), limit(1)).await.unwrap();
    assert_eq!(
        (page.changes.len(), page.next, page.has_more),
        (1, seq(2), true)
    );

    // The end of the log: an empty page that stays where it is.
    let page = log(&repo).read(owner, seq(6), limit(100)).await.unwrap();
    assert_eq!(
        (page.changes.len(), page.next, page.has_more),
        (0, seq(6), false)
    );
}

#[tokio::test]
async fn an_entity_deleted_since_reads_as_gone() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    lists(&repo).ensure_inbox(owner).await.unwrap(); // 1
    let a = add(&repo, owner, "a", TaskLocation::default()).await; // 2
    tasks(&repo)
        .patch(
            owner,
            a.id,
            TaskPatch {
                completed: Some(true),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap(); // 3
    // 4: the task enters the trash (its item is logged first), 5: the
    // live row goes.
    tasks(&repo).delete(owner, a.id, None).await.unwrap();

    // The upserts are read after the deletion: reported as deletions.
    let page = log(&repo).read(owner, seq(1), limit(2)).await.unwrap();
    assert_eq!(
        summary(&page),
        [(3, ChangeEntity::Task, Uuid::from(a.id), ChangeOp::Delete)]
    );
    assert_eq!(page.changes[0].data, ChangeData::Gone);
    assert_eq!((page.next, page.has_more), (seq(3), true));
    let page = log(&repo).read(owner, seq(3), limit(2)).await.unwrap();
    let deleted = [
        (4, ChangeEntity::Trash, Uuid::from(a.id), ChangeOp::Upsert),
        (5, ChangeEntity::Task, Uuid::from(a.id), ChangeOp::Delete),
    ];
    assert_eq!(summary(&page), deleted);
    assert!(
        matches!(&page.changes[0].data, ChangeData::Trash(item) if item.id == Uuid::from(a.id))
    );
    let whole = log(&repo).read(owner, seq(1), limit(100)).await.unwrap();
    assert_eq!(summary(&whole), deleted);
}

#[tokio::test]
async fn since_beyond_the_log_is_refused_with_the_latest() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    // No change yet: the log is empty at 0.
    assert_eq!(log(&repo).latest(owner).await.unwrap(), Seq::ZERO);
    let page = log(&repo).read(owner, Seq::ZERO, limit(10)).await.unwrap();
    assert_eq!(
        (page.changes.len(), page.next, page.has_more),
        (0, Seq::ZERO, false)
    );
    assert!(matches!(
        log(&repo).read(owner, seq(1), limit(10)).await,
        Err(ReadChangesError::AheadOfLog { latest }) if latest == Seq::ZERO
    ));

    add(&repo, owner, "a", TaskLocation::default()).await; // 1 (Inbox), 2
    assert_eq!(log(&repo).latest(owner).await.unwrap(), seq(2));
    assert!(matches!(
        log(&repo).read(owner, seq(3), limit(10)).await,
        Err(ReadChangesError::AheadOfLog { latest }) if latest == seq(2)
    ));
    assert!(matches!(
        log(&repo).read(owner, Seq::new(Seq::MAX).unwrap(), limit(10)).await,
        Err(ReadChangesError::AheadOfLog { latest }) if latest == seq(2)
    ));
}

#[tokio::test]
async fn pruned_entries_expire_the_positions_before_them() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let log_table = Log::open(db.url()).await;
    let a = add(&repo, owner, "a", TaskLocation::default()).await; // 1, 2
    for i in 0..3 {
        // 3, 4, 5
        tasks(&repo)
            .patch(
                owner,
                a.id,
                TaskPatch {
                    title: Some(title(&format!("a{i}"))),
                    ..TaskPatch::default()
                },
                None,
            )
            .await
            .unwrap();
    }
    log_table.age(owner, 3, 40).await;
    let cutoff = Utc::now() - Days::days(30);
    assert_eq!(log(&repo).prune(cutoff, 1000).await.unwrap(), 3);
    assert_eq!(log(&repo).prune(cutoff, 1000).await.unwrap(), 0);

    for since in [0, 1, 2] {
        assert!(
            matches!(
                log(&repo).read(owner, seq(since), limit(10)).await,
                Err(ReadChangesError::Expired { latest }) if latest == seq(5)
            ),
            "since {since}"
        );
    }
    let page = log(&repo).read(owner, seq(3), limit(10)).await.unwrap();
    assert_eq!(
        summary(&page),
        [(5, ChangeEntity::Task, Uuid::from(a.id), ChangeOp::Upsert)]
    );
    let page = log(&repo).read(owner, seq(5), limit(10)).await.unwrap();
    assert!(page.changes.is_empty());

    // Everything after `since` pruned: expired too, not an empty page.
    log_table.age(owner, 5, 40).await;
    assert_eq!(log(&repo).prune(cutoff, 1000).await.unwrap(), 2);
    assert!(matches!(
        log(&repo).read(owner, seq(3), limit(10)).await,
        Err(ReadChangesError::Expired { latest }) if latest == seq(5)
    ));
    // The latest position itself is still a valid place to follow from.
    let page = log(&repo).read(owner, seq(5), limit(10)).await.unwrap();
    assert_eq!((page.changes.len(), page.next), (0, seq(5)));
    // And the numbering carries on.
    tasks(&repo).delete(owner, a.id, None).await.unwrap();
    let page = log(&repo).read(owner, seq(5), limit(10)).await.unwrap();
    assert_eq!(
        summary(&page),
        [
            (6, ChangeEntity::Trash, Uuid::from(a.id), ChangeOp::Upsert),
            (7, ChangeEntity::Task, Uuid::from(a.id), ChangeOp::Delete)
        ]
    );
}

#[tokio::test]
async fn pruning_deletes_only_old_entries_in_batches() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let log_table = Log::open(db.url()).await;
    for who in [alice, bob] {
        let t = add(&repo, who, "t", TaskLocation::default()).await; // 1, 2
        for i in 0..4 {
            // 3 ..= 6
            tasks(&repo)
                .patch(
                    who,
                    t.id,
                    TaskPatch {
                        title: Some(title(&format!("t{i}"))),
                        ..TaskPatch::default()
                    },
                    None,
                )
                .await
                .unwrap();
        }
    }
    log_table.age(alice, 5, 31).await; // 5 old
    log_table.age(bob, 3, 45).await; // 3 old
    let cutoff = Utc::now() - Days::days(30);
    let mut batches = Vec::new();
    loop {
        let n = log(&repo).prune(cutoff, 2).await.unwrap();
        batches.push(n);
        if n == 0 {
            break;
        }
    }
    assert_eq!(batches, [2, 2, 2, 2, 0]);
    let left = |who| {
        let log_table = &log_table;
        async move {
            log_table
                .after(who, 0)
                .await
                .into_iter()
                .map(|e| e.0)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(left(alice).await, [6]);
    assert_eq!(left(bob).await, [4, 5, 6]);
}

#[tokio::test]
async fn another_users_changes_never_appear() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let mine = add(&repo, alice, "mine", TaskLocation::default()).await;
    for i in 0..5 {
        add(&repo, bob, &format!("bob {i}"), TaskLocation::default()).await;
    }
    new_list(&repo, bob, "Bob's").await;
    assert_eq!(log(&repo).latest(alice).await.unwrap(), seq(2));
    assert_eq!(log(&repo).latest(bob).await.unwrap(), seq(7));
    let page = log(&repo)
        .read(alice, Seq::ZERO, limit(1000))
        .await
        .unwrap();
    assert_eq!(page.changes.len(), 2);
    assert_eq!(page.changes[1].id, Uuid::from(mine.id));
    assert!(page.changes.iter().all(|c| match &c.data {
        ChangeData::Task(t) => t.owner == alice,
        ChangeData::List(l) => l.list.owner == alice,
        _ => false,
    }));
    // Bob's positions mean nothing in Alice's log.
    assert!(matches!(
        log(&repo).read(alice, seq(7), limit(10)).await,
        Err(ReadChangesError::AheadOfLog { .. })
    ));
}
