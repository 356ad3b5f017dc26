use chrono::Utc;
use domain::{
    CompletionChange, Description, Priority, TaskFields, TaskId, TaskLocation, TaskPatch, UserId,
    Version,
};
use ports::{CreateTaskError, DeleteTaskError, GetTaskError, TaskRepo, UpdateTaskError};
use test_support::TestDatabase;

use crate::fixtures::{at, fields, full_fields, migrated, title};

#[tokio::test]
async fn create_stores_every_field_and_get_returns_it() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let before = Utc::now();

    let wanted = full_fields("Write report", at("2030-01-02T03:04:05.123456Z"));
    let created = repo
        .create(owner, wanted.clone(), TaskLocation::default())
        .await
        .unwrap();

    assert_eq!(created.fields, wanted);
    assert_eq!(created.owner, owner);
    assert_eq!(created.version, Version::INITIAL);
    assert_eq!(created.id.as_uuid().get_version_num(), 7);
    assert_eq!(created.created_at, created.updated_at);
    // Set by the database's clock; generous bound for clock skew.
    assert!(created.created_at > before - chrono::Duration::minutes(5));

    assert_eq!(repo.get(owner, created.id).await.unwrap(), created);
}

#[tokio::test]
async fn create_defaults_are_kept_and_ids_are_fresh() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let a = repo
        .create(owner, fields("a"), TaskLocation::default())
        .await
        .unwrap();
    let b = repo
        .create(owner, fields("a"), TaskLocation::default())
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(a.fields, fields("a"));
    assert_eq!(a.fields.priority, Priority::Medium);
}

#[tokio::test]
async fn create_for_an_unknown_owner_is_refused() {
    let (_db, repo) = migrated().await;
    let ghost = UserId::from_uuid(uuid::Uuid::new_v4());
    let err = repo
        .create(ghost, fields("x"), TaskLocation::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CreateTaskError::UnknownOwner), "{err:?}");
}

#[tokio::test]
async fn get_of_a_missing_task_is_not_found() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let err = repo.get(owner, TaskId::new_v7()).await.unwrap_err();
    assert!(matches!(err, GetTaskError::NotFound), "{err:?}");
}

#[tokio::test]
async fn replace_sets_every_field_clears_omitted_ones_and_bumps_the_version() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let original = repo
        .create(
            owner,
            full_fields("Old", at("2030-01-01T00:00:00Z")),
            TaskLocation::default(),
        )
        .await
        .unwrap();

    let replacement = TaskFields {
        priority: Priority::Low,
        completed: true,
        ..fields("New")
    };
    let replaced = repo
        .replace(
            owner,
            original.id,
            replacement.clone(),
            TaskLocation::default(),
            Some(original.version),
        )
        .await
        .unwrap();

    assert_eq!(replaced.fields, replacement);
    assert_eq!(replaced.fields.description, None);
    assert!(replaced.fields.labels.is_empty());
    assert_eq!(replaced.fields.due_at, None);
    assert_eq!(replaced.version, original.version.next());
    assert_eq!(replaced.created_at, original.created_at);
    // The trigger moves updated_at on every write.
    assert!(replaced.updated_at > original.updated_at);
    assert_eq!(repo.get(owner, original.id).await.unwrap(), replaced);

    // Without an expected version the write is unconditional.
    let again = repo
        .replace(
            owner,
            original.id,
            fields("Third"),
            TaskLocation::default(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(again.version, replaced.version.next());
}

#[tokio::test]
async fn patch_changes_only_present_fields_and_null_clears() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let original = repo
        .create(
            owner,
            full_fields("Keep me", at("2030-01-01T00:00:00Z")),
            TaskLocation::default(),
        )
        .await
        .unwrap();

    let patch = TaskPatch {
        description: Some(None),
        priority: Some(Priority::Low),
        due_at: Some(None),
        ..TaskPatch::default()
    };
    let patched = repo
        .patch(owner, original.id, patch.clone(), Some(original.version))
        .await
        .unwrap();

    assert_eq!(patched.fields, patch.apply_to(original.fields.clone()));
    assert_eq!(patched.fields.title.as_str(), "Keep me");
    assert_eq!(patched.fields.priority, Priority::Low);
    assert_eq!(patched.fields.description, None);
    assert_eq!(patched.version, original.version.next());

    let titled = repo
        .patch(
            owner,
            original.id,
            TaskPatch {
                title: Some(title("Renamed")),
                description: Some(Some(Description::parse("new").unwrap())),
                completed: Some(true),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(titled.fields.title.as_str(), "Renamed");
    assert_eq!(titled.fields.description.unwrap().as_str(), "new");
    assert!(titled.fields.completed);
    assert_eq!(titled.version, original.version.next().next());
}

#[tokio::test]
async fn an_empty_patch_writes_nothing_but_still_checks() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("Same"), TaskLocation::default())
        .await
        .unwrap();

    let same = repo
        .patch(owner, task.id, TaskPatch::default(), Some(task.version))
        .await
        .unwrap();
    assert_eq!(same, task);

    let stale = repo
        .patch(owner, task.id, TaskPatch::default(), Some(Version::new(9)))
        .await
        .unwrap_err();
    assert!(
        matches!(stale, UpdateTaskError::VersionMismatch),
        "{stale:?}"
    );

    let missing = repo
        .patch(owner, TaskId::new_v7(), TaskPatch::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(missing, UpdateTaskError::NotFound), "{missing:?}");
}

#[tokio::test]
async fn set_completed_toggles_and_sets() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("Toggle me"), TaskLocation::default())
        .await
        .unwrap();

    let done = repo
        .set_completed(owner, task.id, CompletionChange::Toggle, Some(task.version))
        .await
        .unwrap();
    assert!(done.fields.completed);
    assert_eq!(done.version, Version::new(2));

    let undone = repo
        .set_completed(owner, task.id, CompletionChange::Toggle, None)
        .await
        .unwrap();
    assert!(!undone.fields.completed);

    let set = repo
        .set_completed(
            owner,
            task.id,
            CompletionChange::Set(true),
            Some(undone.version),
        )
        .await
        .unwrap();
    assert!(set.fields.completed);
    let still = repo
        .set_completed(owner, task.id, CompletionChange::Set(true), None)
        .await
        .unwrap();
    assert!(still.fields.completed);
    assert_eq!(still.version, Version::new(5));
    // Completion is the only thing that changed.
    assert_eq!(still.fields.title, task.fields.title);
}

#[tokio::test]
async fn stale_versions_are_refused_and_change_nothing() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("Guarded"), TaskLocation::default())
        .await
        .unwrap();
    let current = repo
        .patch(
            owner,
            task.id,
            TaskPatch {
                priority: Some(Priority::Low),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    let stale = Some(task.version);

    let e = repo
        .replace(
            owner,
            task.id,
            fields("Lost"),
            TaskLocation::default(),
            stale,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, UpdateTaskError::VersionMismatch), "{e:?}");
    let e = repo
        .patch(
            owner,
            task.id,
            TaskPatch {
                completed: Some(true),
                ..TaskPatch::default()
            },
            stale,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, UpdateTaskError::VersionMismatch), "{e:?}");
    let e = repo
        .set_completed(owner, task.id, CompletionChange::Toggle, stale)
        .await
        .unwrap_err();
    assert!(matches!(e, UpdateTaskError::VersionMismatch), "{e:?}");
    let e = repo.delete(owner, task.id, stale).await.unwrap_err();
    assert!(matches!(e, DeleteTaskError::VersionMismatch), "{e:?}");

    assert_eq!(repo.get(owner, task.id).await.unwrap(), current);
}

#[tokio::test]
async fn writes_to_a_missing_task_are_not_found_with_or_without_a_version() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let id = TaskId::new_v7();
    for expected in [None, Some(Version::INITIAL)] {
        let e = repo
            .replace(owner, id, fields("x"), TaskLocation::default(), expected)
            .await
            .unwrap_err();
        assert!(matches!(e, UpdateTaskError::NotFound), "{e:?}");
        let patch = TaskPatch {
            completed: Some(true),
            ..TaskPatch::default()
        };
        let e = repo.patch(owner, id, patch, expected).await.unwrap_err();
        assert!(matches!(e, UpdateTaskError::NotFound), "{e:?}");
        let e = repo
            .set_completed(owner, id, CompletionChange::Toggle, expected)
            .await
            .unwrap_err();
        assert!(matches!(e, UpdateTaskError::NotFound), "{e:?}");
        let e = repo.delete(owner, id, expected).await.unwrap_err();
        assert!(matches!(e, DeleteTaskError::NotFound), "{e:?}");
    }
}

#[tokio::test]
async fn delete_removes_the_task_once() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("Bye"), TaskLocation::default())
        .await
        .unwrap();
    let other = repo
        .create(owner, fields("Stay"), TaskLocation::default())
        .await
        .unwrap();

    repo.delete(owner, task.id, Some(task.version))
        .await
        .unwrap();
    assert!(matches!(
        repo.get(owner, task.id).await,
        Err(GetTaskError::NotFound)
    ));
    assert!(matches!(
        repo.delete(owner, task.id, None).await,
        Err(DeleteTaskError::NotFound)
    ));
    repo.delete(owner, other.id, None).await.unwrap();
}

#[tokio::test]
async fn deleting_the_user_cascades_to_their_tasks_only() {
    let db = TestDatabase::create().await;
    adapters_postgres::run_migrations(&db.url().into())
        .await
        .unwrap();
    let repo = crate::fixtures::repo_at(db.url());
    let leaving = db.insert_user().await;
    let staying = db.insert_user().await;
    let gone = repo
        .create(leaving, fields("Mine"), TaskLocation::default())
        .await
        .unwrap();
    let kept = repo
        .create(staying, fields("Theirs"), TaskLocation::default())
        .await
        .unwrap();

    db.delete_user(leaving).await;

    assert!(matches!(
        repo.get(leaving, gone.id).await,
        Err(GetTaskError::NotFound)
    ));
    let page = repo
        .list(leaving, &domain::TaskQuery::default())
        .await
        .unwrap();
    assert!(page.tasks.is_empty());
    assert_eq!(repo.get(staying, kept.id).await.unwrap(), kept);
}
