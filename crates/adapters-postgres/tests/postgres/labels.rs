use adapters_postgres::PgTaskRepo;
use diesel_async::SimpleAsyncConnection;
use domain::{Color, LabelName, LabelPatch, NewLabel, TaskLocation, limits};
use ports::{
    CreateLabelError, DeleteLabelError, GetLabelError, LabelRepo, TaskRepo, UpdateLabelError,
};

use crate::fixtures::{fields, migrated, raw_connection};

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

fn labels(repo: &PgTaskRepo) -> &dyn LabelRepo {
    repo
}

fn new_label(name: &str) -> NewLabel {
    NewLabel {
        name: LabelName::parse(name).unwrap(),
        color: Color::Pink,
    }
}

#[tokio::test]
async fn labels_are_created_listed_by_name_updated_and_deleted() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let urgent = labels(&repo)
        .create(owner, new_label(" urgent "))
        .await
        .unwrap();
    let errand = labels(&repo)
        .create(owner, new_label("Errand"))
        .await
        .unwrap();
    assert_eq!(urgent.name.as_str(), "urgent");
    assert_eq!(urgent.color, Color::Pink);

    let listed = labels(&repo).list(owner).await.unwrap();
    assert_eq!(listed, vec![errand.clone(), urgent.clone()]);
    assert_eq!(labels(&repo).get(owner, urgent.id).await.unwrap(), urgent);

    let patch = LabelPatch {
        name: Some(LabelName::parse("Urgent!").unwrap()),
        color: Some(Color::Red),
    };
    assert!(matches!(
        labels(&repo)
            .update(owner, urgent.id, patch.clone(), Some(urgent.version.next()))
            .await,
        Err(UpdateLabelError::VersionMismatch)
    ));
    let updated = repo
        .update(owner, urgent.id, patch, Some(urgent.version))
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.color),
        ("Urgent!", Color::Red)
    );
    assert_eq!(updated.version, urgent.version.next());

    assert!(matches!(
        labels(&repo)
            .delete(owner, errand.id, Some(errand.version.next()))
            .await,
        Err(DeleteLabelError::VersionMismatch)
    ));
    labels(&repo)
        .delete(owner, errand.id, Some(errand.version))
        .await
        .unwrap();
    assert!(matches!(
        labels(&repo).get(owner, errand.id).await,
        Err(GetLabelError::NotFound)
    ));
    assert!(matches!(
        labels(&repo).delete(owner, errand.id, None).await,
        Err(DeleteLabelError::NotFound)
    ));
}

#[tokio::test]
async fn duplicate_label_names_ignoring_case_are_refused() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let other = db.insert_user().await;
    labels(&repo)
        .create(owner, new_label("Work"))
        .await
        .unwrap();
    let home = labels(&repo)
        .create(owner, new_label("home"))
        .await
        .unwrap();
    assert!(matches!(
        labels(&repo).create(owner, new_label("wORK")).await,
        Err(CreateLabelError::DuplicateName)
    ));
    labels(&repo)
        .create(other, new_label("work"))
        .await
        .unwrap();
    let rename = LabelPatch {
        name: Some(LabelName::parse("WORK").unwrap()),
        ..LabelPatch::default()
    };
    assert!(matches!(
        labels(&repo).update(owner, home.id, rename, None).await,
        Err(UpdateLabelError::DuplicateName)
    ));
}

#[tokio::test]
async fn another_users_label_is_indistinguishable_from_a_missing_one() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let bobs = labels(&repo)
        .create(bob, new_label("secret"))
        .await
        .unwrap();
    assert!(matches!(
        labels(&repo).get(alice, bobs.id).await,
        Err(GetLabelError::NotFound)
    ));
    for expected in [None, Some(bobs.version)] {
        assert!(matches!(
            labels(&repo)
                .update(alice, bobs.id, LabelPatch::default(), expected)
                .await,
            Err(UpdateLabelError::NotFound)
        ));
        assert!(matches!(
            labels(&repo).delete(alice, bobs.id, expected).await,
            Err(DeleteLabelError::NotFound)
        ));
    }
    assert!(labels(&repo).list(alice).await.unwrap().is_empty());
    assert_eq!(labels(&repo).get(bob, bobs.id).await.unwrap(), bobs);
}

#[tokio::test]
async fn the_labels_per_user_limit_is_enforced() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(&format!(
        "INSERT INTO labels (id, user_id, name)
         SELECT gen_random_uuid(), '{owner}', 'label ' || g FROM generate_series(1, {}) AS g",
        limits::MAX_LABELS_PER_USER - 1
    ))
    .await
    .unwrap();
    let last = labels(&repo)
        .create(owner, new_label("last"))
        .await
        .unwrap();
    assert!(matches!(
        labels(&repo).create(owner, new_label("too many")).await,
        Err(CreateLabelError::LimitReached)
    ));
    labels(&repo).delete(owner, last.id, None).await.unwrap();
    labels(&repo)
        .create(owner, new_label("room again"))
        .await
        .unwrap();
}

#[tokio::test]
async fn deleting_a_label_detaches_it_and_the_tasks_stay() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let other = db.insert_user().await;
    let label = labels(&repo)
        .create(owner, new_label("soon"))
        .await
        .unwrap();
    let task = tasks(&repo)
        .create(owner, fields("carrier"), TaskLocation::default())
        .await
        .unwrap();
    let others_task = tasks(&repo)
        .create(other, fields("theirs"), TaskLocation::default())
        .await
        .unwrap();
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(&format!(
        "INSERT INTO task_labels (user_id, task_id, label_id) VALUES ('{owner}', '{}', '{}')",
        task.id, label.id
    ))
    .await
    .unwrap();
    // The database refuses a link to another user's task.
    let foreign = conn
        .batch_execute(&format!(
            "INSERT INTO task_labels (user_id, task_id, label_id) VALUES ('{owner}', '{}', '{}')",
            others_task.id, label.id
        ))
        .await
        .unwrap_err();
    assert!(foreign.to_string().contains("foreign key"), "{foreign}");

    labels(&repo).delete(owner, label.id, None).await.unwrap();
    let after = tasks(&repo).get(owner, task.id).await.unwrap();
    assert_eq!(after.fields, task.fields);
    assert_eq!(after.version, task.version.next(), "its labels changed");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let links: Count = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT count(*) AS n FROM task_labels"),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!(links.n, 0);
}
