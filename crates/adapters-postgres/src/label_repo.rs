//! `LabelRepo` on PostgreSQL, implemented by the same [`PgTaskRepo`] (one
//! pool for every port). Every statement carries `user_id = owner`.

use async_trait::async_trait;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use domain::{Color, Label, LabelId, LabelName, LabelPatch, NewLabel, UserId, Version, limits};
use futures_util::FutureExt;
use ports::{
    CreateLabelError, DeleteLabelError, GetLabelError, LabelRepo, ListLabelsError, UpdateLabelError,
};
use uuid::Uuid;

use crate::errors::{StoreError, ViolationKind, violated};
use crate::list_rows::LabelRow;
use crate::prepared::PreparedExt;
use crate::schema::{labels, task_labels, tasks};
use crate::task_repo::{PgTaskRepo, Replay};

/// The unique index on `(user_id, lower(name))`.
const NAME_INDEX: &str = "labels_user_name_key";

/// The class of the transaction-scoped advisory lock that serialises one
/// user's label creations, so that the count checked against the limit
/// cannot change before the insert (the second key is the user's hash).
pub(crate) const LABEL_LOCK_CLASS: i32 = 0x6c61_6265; // "labe"

fn to_label(row: LabelRow) -> Result<Label, StoreError> {
    Label::try_from(row).map_err(|e| StoreError::Internal(Box::new(e)))
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = labels)]
struct LabelChanges<'a> {
    name: Option<&'a str>,
    color: Option<&'static str>,
}

#[async_trait]
impl LabelRepo for PgTaskRepo {
    async fn list(&self, owner: UserId) -> Result<Vec<Label>, ListLabelsError> {
        let rows = self
            .run(Replay::Safe, move |conn| {
                labels::table
                    .filter(labels::user_id.eq(Uuid::from(owner)))
                    .select(LabelRow::as_select())
                    .order_by((sql::<Text>("lower(labels.name)").asc(), labels::id.asc()))
                    .prepared()
                    .load::<LabelRow>(conn)
                    .boxed()
            })
            .await?;
        rows.into_iter()
            .map(to_label)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    async fn create(&self, owner: UserId, new: NewLabel) -> Result<Label, CreateLabelError> {
        let id = LabelId::new_v7();
        // Not repeated after a dead connection: a repeat of a committed
        // first attempt would answer "duplicate name".
        let row = self
            .run_write_tx(owner, Replay::Never, |conn| {
                let new = new.clone();
                async move {
                    diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2::text))")
                        .bind::<Integer, _>(LABEL_LOCK_CLASS)
                        .bind::<SqlUuid, _>(Uuid::from(owner))
                        .prepared()
                        .execute(conn)
                        .await?;
                    let count: i64 = labels::table
                        .filter(labels::user_id.eq(Uuid::from(owner)))
                        .select(count_star())
                        .prepared()
                        .get_result(conn)
                        .await?;
                    if usize::try_from(count).unwrap_or(usize::MAX) >= limits::MAX_LABELS_PER_USER {
                        return Ok(Err(CreateLabelError::LimitReached));
                    }
                    let inserted = diesel::insert_into(labels::table)
                        .values((
                            labels::id.eq(Uuid::from(id)),
                            labels::user_id.eq(Uuid::from(owner)),
                            labels::name.eq(new.name.as_str()),
                            labels::color.eq(new.color.as_str()),
                        ))
                        .returning(LabelRow::as_returning())
                        .prepared()
                        .get_result::<LabelRow>(conn)
                        .await;
                    match inserted {
                        Ok(row) => Ok(Ok(row)),
                        Err(e) if violated(&e, ViolationKind::Unique) == Some(NAME_INDEX) => {
                            Ok(Err(CreateLabelError::DuplicateName))
                        }
                        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
                            Ok(Err(CreateLabelError::UnknownOwner))
                        }
                        Err(e) => Err(e),
                    }
                }
                .boxed()
            })
            .await??;
        to_label(row).map_err(Into::into)
    }

    async fn get(&self, owner: UserId, id: LabelId) -> Result<Label, GetLabelError> {
        let row = self
            .run(Replay::Safe, move |conn| {
                labels::table
                    .filter(labels::user_id.eq(Uuid::from(owner)))
                    .filter(labels::id.eq(Uuid::from(id)))
                    .select(LabelRow::as_select())
                    .prepared()
                    .get_result::<LabelRow>(conn)
                    .map(|r| r.optional())
                    .boxed()
            })
            .await?
            .ok_or(GetLabelError::NotFound)?;
        to_label(row).map_err(Into::into)
    }

    async fn update(
        &self,
        owner: UserId,
        id: LabelId,
        patch: LabelPatch,
        expected: Option<Version>,
    ) -> Result<Label, UpdateLabelError> {
        let replay = if expected.is_some() {
            Replay::Never
        } else {
            Replay::Safe
        };
        let row = self
            .run_write_tx(owner, replay, |conn| {
                let patch = patch.clone();
                async move {
                    let id = Uuid::from(id);
                    let current: Option<LabelRow> = labels::table
                        .filter(labels::user_id.eq(Uuid::from(owner)))
                        .filter(labels::id.eq(id))
                        .select(LabelRow::as_select())
                        .for_no_key_update()
                        .prepared()
                        .get_result(conn)
                        .await
                        .optional()?;
                    let Some(current) = current else {
                        return Ok(Err(UpdateLabelError::NotFound));
                    };
                    if expected.is_some_and(|expected| expected.get() != current.version()) {
                        return Ok(Err(UpdateLabelError::VersionMismatch));
                    }
                    if patch.is_empty() {
                        return Ok(Ok(current));
                    }
                    let changes = LabelChanges {
                        name: patch.name.as_ref().map(LabelName::as_str),
                        color: patch.color.map(Color::as_str),
                    };
                    let updated = diesel::update(labels::table)
                        .filter(labels::user_id.eq(Uuid::from(owner)))
                        .filter(labels::id.eq(id))
                        .set((changes, labels::version.eq(labels::version + 1)))
                        .returning(LabelRow::as_returning())
                        .prepared()
                        .get_result::<LabelRow>(conn)
                        .await;
                    match updated {
                        Ok(row) => Ok(Ok(row)),
                        Err(e) if violated(&e, ViolationKind::Unique) == Some(NAME_INDEX) => {
                            Ok(Err(UpdateLabelError::DuplicateName))
                        }
                        Err(e) => Err(e),
                    }
                }
                .boxed()
            })
            .await??;
        to_label(row).map_err(Into::into)
    }

    async fn delete(
        &self,
        owner: UserId,
        id: LabelId,
        expected: Option<Version>,
    ) -> Result<(), DeleteLabelError> {
        self.run_write_tx(owner, Replay::Never, move |conn| {
            async move {
                let id = Uuid::from(id);
                let version: Option<i64> = labels::table
                    .filter(labels::user_id.eq(Uuid::from(owner)))
                    .filter(labels::id.eq(id))
                    .select(labels::version)
                    .for_update()
                    .prepared()
                    .get_result(conn)
                    .await
                    .optional()?;
                let Some(version) = version else {
                    return Ok(Err(DeleteLabelError::NotFound));
                };
                if expected.is_some_and(|expected| expected.get() != version) {
                    return Ok(Err(DeleteLabelError::VersionMismatch));
                }
                // The tasks that carried it change (their labels do), so
                // their versions and ETags move on; the link rows go with
                // the label by the foreign key's cascade.
                let carriers = task_labels::table
                    .filter(task_labels::user_id.eq(Uuid::from(owner)))
                    .filter(task_labels::label_id.eq(id))
                    .select(task_labels::task_id);
                diesel::update(tasks::table)
                    .filter(tasks::user_id.eq(Uuid::from(owner)))
                    .filter(tasks::id.eq_any(carriers))
                    .set(tasks::version.eq(tasks::version + 1))
                    .prepared()
                    .execute(conn)
                    .await?;
                diesel::delete(labels::table)
                    .filter(labels::user_id.eq(Uuid::from(owner)))
                    .filter(labels::id.eq(id))
                    .prepared()
                    .execute(conn)
                    .await?;
                Ok(Ok(()))
            }
            .boxed()
        })
        .await?
    }
}
