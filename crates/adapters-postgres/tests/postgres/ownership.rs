use domain::{CompletionChange, TaskLocation, TaskPatch, TaskQuery};
use ports::{DeleteTaskError, GetTaskError, TaskRepo, UpdateTaskError};

use crate::fixtures::{at, fields, full_fields, migrated};

#[tokio::test]
async fn a_user_cannot_touch_another_users_task_by_id() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let bobs = repo
        .create(
            bob,
            full_fields("Bob's secret", at("2030-05-05T00:00:00Z")),
            TaskLocation::default(),
        )
        .await
        .unwrap();

    // With Bob's real version, so only the owner check can stop Alice.
    for expected in [None, Some(bobs.version)] {
        assert!(matches!(
            repo.get(alice, bobs.id).await,
            Err(GetTaskError::NotFound)
        ));
        assert!(matches!(
            repo.replace(
                alice,
                bobs.id,
                fields("Mine now"),
                TaskLocation::default(),
                expected
            )
            .await,
            Err(UpdateTaskError::NotFound)
        ));
        let patch = TaskPatch {
            completed: Some(true),
            ..TaskPatch::default()
        };
        assert!(matches!(
            repo.patch(alice, bobs.id, patch, expected).await,
            Err(UpdateTaskError::NotFound)
        ));
        assert!(matches!(
            repo.patch(alice, bobs.id, TaskPatch::default(), expected)
                .await,
            Err(UpdateTaskError::NotFound)
        ));
        assert!(matches!(
            repo.set_completed(alice, bobs.id, CompletionChange::Toggle, expected)
                .await,
            Err(UpdateTaskError::NotFound)
        ));
        assert!(matches!(
            repo.delete(alice, bobs.id, expected).await,
            Err(DeleteTaskError::NotFound)
        ));
    }
    // A stale version does not reveal that the task exists either.
    assert!(matches!(
        repo.replace(
            alice,
            bobs.id,
            fields("x"),
            TaskLocation::default(),
            Some(bobs.version.next())
        )
        .await,
        Err(UpdateTaskError::NotFound)
    ));

    assert_eq!(repo.get(bob, bobs.id).await.unwrap(), bobs);
}

#[tokio::test]
async fn listings_only_show_the_owners_tasks() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let alices = repo
        .create(alice, fields("shared word"), TaskLocation::default())
        .await
        .unwrap();
    repo.create(bob, fields("shared word"), TaskLocation::default())
        .await
        .unwrap();

    let page = repo.list(alice, &TaskQuery::default()).await.unwrap();
    assert_eq!(page.tasks, vec![alices]);
    assert!(!page.has_more);
}
