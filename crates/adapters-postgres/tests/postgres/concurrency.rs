use std::sync::Arc;

use domain::{CompletionChange, Priority, TaskLocation, TaskPatch, Version};
use ports::{TaskRepo, UpdateTaskError};

use crate::fixtures::{fields, migrated};

const WRITERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_with_the_same_version_let_exactly_one_win() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("Contended"), TaskLocation::default())
        .await
        .unwrap();
    let repo = Arc::new(repo);

    let writers: Vec<_> = (0..WRITERS)
        .map(|i| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                let patch = TaskPatch {
                    title: Some(domain::Title::parse(&format!("writer {i}")).unwrap()),
                    ..TaskPatch::default()
                };
                repo.patch(owner, task.id, patch, Some(task.version)).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for writer in writers {
        match writer.await.unwrap() {
            Ok(updated) => winners.push(updated),
            Err(UpdateTaskError::VersionMismatch) => {}
            Err(other) => panic!("unexpected outcome: {other:?}"),
        }
    }

    assert_eq!(winners.len(), 1, "exactly one writer wins");
    let stored = repo.get(owner, task.id).await.unwrap();
    assert_eq!(stored, winners[0]);
    assert_eq!(stored.version, Version::new(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_unconditional_writes_lose_no_update() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("Flip"), TaskLocation::default())
        .await
        .unwrap();
    let repo = Arc::new(repo);

    let togglers: Vec<_> = (0..WRITERS)
        .map(|i| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                if i % 2 == 0 {
                    repo.set_completed(owner, task.id, CompletionChange::Toggle, None)
                        .await
                        .map(drop)
                } else {
                    let patch = TaskPatch {
                        priority: Some(Priority::ALL[i % 3]),
                        ..TaskPatch::default()
                    };
                    repo.patch(owner, task.id, patch, None).await.map(drop)
                }
            })
        })
        .collect();
    for toggler in togglers {
        toggler.await.unwrap().unwrap();
    }

    let stored = repo.get(owner, task.id).await.unwrap();
    // Every write counted once, and an even number of toggles cancel out.
    assert_eq!(stored.version.get(), 1 + WRITERS as i64);
    assert!(!stored.fields.completed);
}
