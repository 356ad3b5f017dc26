use std::sync::Arc;

use adapters_postgres::PgTaskRepo;
use diesel_async::SimpleAsyncConnection;
use domain::{
    Color, ListName, ListPatch, NewList, Placement, TaskLocation, TaskQuery, Version, limits,
};
use ports::{
    CreateListError, DeleteListError, GetListError, GetTaskError, ListRepo, MoveListError,
    TaskRepo, UpdateListError,
};

use crate::fixtures::{fields, migrated, raw_connection};

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

fn lists(repo: &PgTaskRepo) -> &dyn ListRepo {
    repo
}

fn new_list(name: &str) -> NewList {
    NewList {
        name: ListName::parse(name).unwrap(),
        color: Color::Blue,
    }
}

fn names(lists: &[domain::ListSummary]) -> Vec<&str> {
    lists.iter().map(|s| s.list.name.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_inbox_is_created_exactly_once_under_20_concurrent_first_requests() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let repo = Arc::new(repo);

    // Every kind of first request at once: listing the lists, ensuring the
    // Inbox, creating a task (which goes into the Inbox).
    let requests: Vec<_> = (0..20)
        .map(|i| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                match i % 3 {
                    0 => ListRepo::list_all(&*repo, owner).await.unwrap()[0].list.id,
                    1 => repo.ensure_inbox(owner).await.unwrap().list.id,
                    _ => {
                        TaskRepo::create(
                            &*repo,
                            owner,
                            fields(&format!("task {i}")),
                            TaskLocation::default(),
                        )
                        .await
                        .unwrap();
                        repo.ensure_inbox(owner).await.unwrap().list.id
                    }
                }
            })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for request in requests {
        seen.insert(request.await.unwrap());
    }

    assert_eq!(seen.len(), 1, "every request saw the same Inbox");
    let lists = ListRepo::list_all(&*repo, owner).await.unwrap();
    assert_eq!(lists.len(), 1);
    let inbox = &lists[0];
    assert!(inbox.list.is_inbox);
    assert_eq!(inbox.list.name.as_str(), "Inbox");
    assert_eq!((inbox.total_tasks, inbox.open_tasks), (6, 6));
}

/// The race a single user rarely loses, made likely: 16 users, each with 8
/// concurrent first task creations. Before the Inbox insert was serialised
/// the loser of a race failed on the name index (`lists_user_name_key`) or
/// deadlocked with the winner's recheck of the deferrable position key.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_creates_of_many_users_never_collide_on_the_inbox() {
    let (db, repo) = migrated().await;
    let repo = Arc::new(repo);
    let mut owners = Vec::new();
    for _ in 0..16 {
        owners.push(db.insert_user().await);
    }
    let creates: Vec<_> = owners
        .iter()
        .flat_map(|&owner| (0..8).map(move |i| (owner, i)))
        .map(|(owner, i)| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                TaskRepo::create(
                    &*repo,
                    owner,
                    fields(&format!("task {i}")),
                    TaskLocation::default(),
                )
                .await
                .map_err(|e| format!("{e:?}"))
            })
        })
        .collect();
    let mut failures = Vec::new();
    for create in creates {
        if let Err(failure) = create.await.unwrap() {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "failed creates: {failures:?}");
    for owner in owners {
        let lists = ListRepo::list_all(&*repo, owner).await.unwrap();
        assert_eq!(lists.len(), 1, "one Inbox and nothing else");
        assert_eq!((lists[0].total_tasks, lists[0].open_tasks), (8, 8));
    }
}

#[tokio::test]
async fn lists_come_inbox_first_then_in_manual_order_with_task_counts() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let work = lists(&repo)
        .create(owner, new_list("  Work "))
        .await
        .unwrap();
    let home = lists(&repo).create(owner, new_list("Home")).await.unwrap();
    assert_eq!(work.list.name.as_str(), "Work");
    assert_eq!(work.list.color, Color::Blue);
    assert_eq!(work.list.version, Version::INITIAL);
    assert_eq!((work.total_tasks, work.open_tasks), (0, 0));

    let done = tasks(&repo)
        .create(owner, fields("done"), TaskLocation::default())
        .await
        .unwrap();
    tasks(&repo)
        .create(owner, fields("open"), TaskLocation::default())
        .await
        .unwrap();
    tasks(&repo)
        .set_completed(owner, done.id, domain::CompletionChange::Set(true), None)
        .await
        .unwrap();

    let all = lists(&repo).list_all(owner).await.unwrap();
    assert_eq!(names(&all), ["Inbox", "Work", "Home"]);
    assert_eq!((all[0].total_tasks, all[0].open_tasks), (2, 1));
    assert_eq!(lists(&repo).get(owner, home.list.id).await.unwrap(), all[2]);
}

#[tokio::test]
async fn duplicate_names_ignoring_case_are_refused() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let other = db.insert_user().await;
    let work = lists(&repo).create(owner, new_list("Work")).await.unwrap();

    for name in ["work", "WORK", " Work ", "inbox"] {
        assert!(
            matches!(
                lists(&repo).create(owner, new_list(name)).await,
                Err(CreateListError::DuplicateName)
            ),
            "{name}"
        );
    }
    // Another user's names are no obstacle.
    lists(&repo).create(other, new_list("work")).await.unwrap();

    let home = lists(&repo).create(owner, new_list("Home")).await.unwrap();
    let rename = ListPatch {
        name: Some(ListName::parse("wORK").unwrap()),
        ..ListPatch::default()
    };
    assert!(matches!(
        lists(&repo)
            .update(owner, home.list.id, rename.clone(), None)
            .await,
        Err(UpdateListError::DuplicateName)
    ));
    // A list may change the case of its own name.
    let renamed = lists(&repo)
        .update(owner, work.list.id, rename, None)
        .await
        .unwrap();
    assert_eq!(renamed.list.name.as_str(), "wORK");
}

#[tokio::test]
async fn the_lists_per_user_limit_is_enforced() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    repo.ensure_inbox(owner).await.unwrap();
    // The Inbox and 998 more, written directly for speed: one short of the
    // limit.
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(&format!(
        "INSERT INTO lists (id, user_id, name, position)
         SELECT gen_random_uuid(), '{owner}', 'list ' || g, 'c' || lpad(g::text, 3, '0')
           FROM generate_series(1, {}) AS g",
        limits::MAX_LISTS_PER_USER - 2
    ))
    .await
    .unwrap();

    let last = lists(&repo)
        .create(owner, new_list("the last one"))
        .await
        .unwrap();
    assert!(matches!(
        lists(&repo).create(owner, new_list("one too many")).await,
        Err(CreateListError::LimitReached)
    ));
    lists(&repo)
        .delete(owner, last.list.id, None)
        .await
        .unwrap();
    lists(&repo)
        .create(owner, new_list("room again"))
        .await
        .unwrap();
}

#[tokio::test]
async fn update_checks_the_version_and_keeps_the_inbox_name() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let list = lists(&repo)
        .create(owner, new_list("Work"))
        .await
        .unwrap()
        .list;

    let recolor = ListPatch {
        color: Some(Color::Red),
        ..ListPatch::default()
    };
    assert!(matches!(
        lists(&repo)
            .update(owner, list.id, recolor.clone(), Some(list.version.next()))
            .await,
        Err(UpdateListError::VersionMismatch)
    ));
    let updated = repo
        .update(owner, list.id, recolor, Some(list.version))
        .await
        .unwrap()
        .list;
    assert_eq!(updated.color, Color::Red);
    assert_eq!(updated.name, list.name);
    assert_eq!(updated.version, list.version.next());
    assert!(updated.updated_at >= list.updated_at);
    // An empty patch writes nothing.
    let same = repo
        .update(owner, list.id, ListPatch::default(), Some(updated.version))
        .await
        .unwrap();
    assert_eq!(same.list, updated);

    let inbox = repo.ensure_inbox(owner).await.unwrap().list;
    assert!(matches!(
        lists(&repo)
            .update(
                owner,
                inbox.id,
                ListPatch {
                    name: Some(ListName::parse("Later").unwrap()),
                    color: Some(Color::Green),
                },
                None
            )
            .await,
        Err(UpdateListError::InboxRename)
    ));
    let recolored = repo
        .update(
            owner,
            inbox.id,
            ListPatch {
                name: Some(ListName::inbox()),
                color: Some(Color::Green),
            },
            None,
        )
        .await
        .unwrap()
        .list;
    assert_eq!(
        (recolored.name.as_str(), recolored.color),
        ("Inbox", Color::Green)
    );
}

#[tokio::test]
async fn deleting_a_list_deletes_its_tasks_and_the_inbox_stays() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let list = lists(&repo)
        .create(owner, new_list("Doomed"))
        .await
        .unwrap()
        .list;
    let kept = tasks(&repo)
        .create(owner, fields("kept"), TaskLocation::default())
        .await
        .unwrap();
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(&format!(
        "UPDATE tasks SET list_id = '{}' WHERE id = '{}'",
        list.id, kept.id
    ))
    .await
    .unwrap();
    let stays = tasks(&repo)
        .create(owner, fields("stays"), TaskLocation::default())
        .await
        .unwrap();

    assert!(matches!(
        lists(&repo)
            .delete(owner, list.id, Some(list.version.next()))
            .await,
        Err(DeleteListError::VersionMismatch)
    ));
    lists(&repo)
        .delete(owner, list.id, Some(list.version))
        .await
        .unwrap();
    assert!(matches!(
        lists(&repo).get(owner, list.id).await,
        Err(GetListError::NotFound)
    ));
    assert!(matches!(
        tasks(&repo).get(owner, kept.id).await,
        Err(GetTaskError::NotFound)
    ));
    assert_eq!(tasks(&repo).get(owner, stays.id).await.unwrap(), stays);
    assert!(matches!(
        lists(&repo).delete(owner, list.id, None).await,
        Err(DeleteListError::NotFound)
    ));

    let inbox = repo.ensure_inbox(owner).await.unwrap().list;
    assert!(matches!(
        lists(&repo).delete(owner, inbox.id, None).await,
        Err(DeleteListError::Inbox)
    ));
    let page = tasks(&repo)
        .list(owner, &TaskQuery::default())
        .await
        .unwrap();
    assert_eq!(page.tasks, vec![stays]);
}

#[tokio::test]
async fn moves_place_a_list_before_or_after_another_and_the_inbox_stays_first() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let mut ids = Vec::new();
    for name in ["A", "B", "C", "D"] {
        ids.push(
            lists(&repo)
                .create(owner, new_list(name))
                .await
                .unwrap()
                .list
                .id,
        );
    }
    let [a, b, c, d] = ids[..] else {
        unreachable!()
    };
    let inbox = repo.ensure_inbox(owner).await.unwrap().list.id;
    let order = async || names(&lists(&repo).list_all(owner).await.unwrap()).join(" ");

    let moved = repo
        .move_list(owner, d, Placement::Before(b))
        .await
        .unwrap();
    assert_eq!(moved.list.version, Version::INITIAL.next());
    assert_eq!(order().await, "Inbox A D B C");
    repo.move_list(owner, a, Placement::After(c)).await.unwrap();
    assert_eq!(order().await, "Inbox D B C A");
    repo.move_list(owner, c, Placement::After(inbox))
        .await
        .unwrap();
    assert_eq!(order().await, "Inbox C D B A");
    repo.move_list(owner, c, Placement::End).await.unwrap();
    assert_eq!(order().await, "Inbox D B A C");
    repo.move_list(owner, b, Placement::Before(b))
        .await
        .unwrap();
    assert_eq!(order().await, "Inbox D B A C");

    assert!(matches!(
        repo.move_list(owner, a, Placement::Before(inbox)).await,
        Err(MoveListError::InboxFirst)
    ));
    assert!(matches!(
        repo.move_list(owner, inbox, Placement::End).await,
        Err(MoveListError::InboxFirst)
    ));
    let other = db.insert_user().await;
    let theirs = lists(&repo)
        .create(other, new_list("Theirs"))
        .await
        .unwrap()
        .list
        .id;
    assert!(matches!(
        repo.move_list(owner, a, Placement::After(theirs)).await,
        Err(MoveListError::AnchorNotFound)
    ));
    assert!(matches!(
        repo.move_list(owner, theirs, Placement::End).await,
        Err(MoveListError::NotFound)
    ));
    assert_eq!(order().await, "Inbox D B A C");
}

#[tokio::test]
async fn keys_that_grow_long_are_rebalanced_and_the_order_kept() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let a = lists(&repo)
        .create(owner, new_list("A"))
        .await
        .unwrap()
        .list
        .id;
    let b = lists(&repo)
        .create(owner, new_list("B"))
        .await
        .unwrap()
        .list
        .id;
    let c = lists(&repo)
        .create(owner, new_list("C"))
        .await
        .unwrap()
        .list
        .id;
    // Alternately squeezing B and C right after A halves the gap each time.
    for round in 0..300 {
        let moving = if round % 2 == 0 { b } else { c };
        repo.move_list(owner, moving, Placement::After(a))
            .await
            .unwrap();
    }
    let all = lists(&repo).list_all(owner).await.unwrap();
    // The last round (odd) put C right after A.
    assert_eq!(names(&all), ["Inbox", "A", "C", "B"]);
    assert!(all.iter().all(|s| !s.list.position.is_long()));
}

#[tokio::test]
async fn the_database_refuses_a_task_in_another_users_list() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let bobs_list = lists(&repo)
        .create(bob, new_list("Bob's"))
        .await
        .unwrap()
        .list;
    let alices_task = tasks(&repo)
        .create(alice, fields("mine"), TaskLocation::default())
        .await
        .unwrap();
    let mut conn = raw_connection(db.url()).await;

    let insert = conn
        .batch_execute(&format!(
            "INSERT INTO tasks (id, user_id, title, list_id, position)
             VALUES (gen_random_uuid(), '{alice}', 'sneaky', '{}', 'a0')",
            bobs_list.id
        ))
        .await
        .unwrap_err();
    assert!(insert.to_string().contains("tasks_list_fkey"), "{insert}");
    let update = conn
        .batch_execute(&format!(
            "UPDATE tasks SET list_id = '{}' WHERE id = '{}'",
            bobs_list.id, alices_task.id
        ))
        .await
        .unwrap_err();
    assert!(update.to_string().contains("tasks_list_fkey"), "{update}");
}

#[tokio::test]
async fn deleting_the_user_deletes_their_lists() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let alices = lists(&repo)
        .create(alice, new_list("Mine"))
        .await
        .unwrap()
        .list;
    let bobs = lists(&repo).create(bob, new_list("Bob's")).await.unwrap();
    tasks(&repo)
        .create(alice, fields("x"), TaskLocation::default())
        .await
        .unwrap();

    db.delete_user(alice).await;
    assert!(matches!(
        lists(&repo).get(alice, alices.id).await,
        Err(GetListError::NotFound)
    ));
    assert_eq!(lists(&repo).get(bob, bobs.list.id).await.unwrap(), bobs);
    assert!(matches!(
        lists(&repo).create(alice, new_list("after")).await,
        Err(CreateListError::UnknownOwner)
    ));
}
