//! `PreferencesRepo` on PostgreSQL, implemented by the same [`PgTaskRepo`]
//! (one pool for every port). A user without a `preferences` row has the
//! defaults; the row is created by the first write.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use domain::{Preferences, TimeZone, UserId, WeekStart};
use futures_util::FutureExt;
use ports::{GetPreferencesError, PreferencesRepo, PutPreferencesError};
use uuid::Uuid;

use crate::errors::StoreError;
use crate::prepared::PreparedExt;
use crate::recurring;
use crate::rows::CorruptRow;
use crate::schema::preferences;
use crate::task_repo::{PgTaskRepo, Replay};

/// Whether PostgreSQL's own zone database knows the name (the all-day
/// normalisation uses it): `pg_timezone_names` lists real zones only, not
/// the abbreviations and POSIX specs `AT TIME ZONE` would also take.
const ZONE_KNOWN: &str = "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known";

/// Creates the row with the defaults unless it exists, so that the next
/// statement can lock it even for a first write (two concurrent first
/// writes then run one after the other, each seeing the zone the other
/// left).
const ENSURE_ROW: &str =
    "INSERT INTO preferences (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING";

/// Every all-day task keeps its calendar date in the new zone: 00:00 of the
/// date it had in the old zone, now read in the new one. The touch trigger
/// sets `updated_at`; the change log's trigger logs each task.
const MOVE_ALL_DAY: &str = "UPDATE tasks \
        SET due_at = ((due_at AT TIME ZONE $2)::date::timestamp AT TIME ZONE $3), \
            version = version + 1 \
      WHERE user_id = $1 AND due_all_day AND due_at IS NOT NULL";

#[derive(Debug, QueryableByName)]
struct Known {
    #[diesel(sql_type = Bool)]
    known: bool,
}

fn preferences_from(
    owner: UserId,
    (time_zone, week_start): (String, String),
) -> Result<Preferences, CorruptRow> {
    let corrupt = |column: &'static str| {
        move |e: &dyn std::fmt::Display| {
            CorruptRow::new("preferences", Uuid::from(owner), column, e)
        }
    };
    Ok(Preferences {
        time_zone: TimeZone::parse(&time_zone).map_err(|e| corrupt("time_zone")(&e))?,
        week_start: WeekStart::parse(&week_start).map_err(|e| corrupt("week_start")(&e))?,
    })
}

/// What a write found.
enum Put {
    Stored((String, String)),
    UnknownZone,
    UnknownOwner,
}

#[async_trait]
impl PreferencesRepo for PgTaskRepo {
    async fn get(&self, owner: UserId) -> Result<Preferences, GetPreferencesError> {
        let row = self
            .run(Replay::Safe, move |conn| {
                preferences::table
                    .filter(preferences::user_id.eq(Uuid::from(owner)))
                    .select((preferences::time_zone, preferences::week_start))
                    .prepared()
                    .get_result::<(String, String)>(conn)
                    .map(|r| r.optional())
                    .boxed()
            })
            .await?;
        match row {
            None => Ok(Preferences::default()),
            Some(row) => {
                preferences_from(owner, row).map_err(|e| GetPreferencesError::Internal(Box::new(e)))
            }
        }
    }

    async fn put(
        &self,
        owner: UserId,
        new: Preferences,
    ) -> Result<Preferences, PutPreferencesError> {
        // Repeating a committed first attempt writes the same values again
        // (and moves nothing: the zone is already the new one).
        let outcome = self
            .run_write_tx(owner, Replay::Safe, move |conn| {
                async move {
                    let zone = new.time_zone.name();
                    let known: Known = diesel::sql_query(ZONE_KNOWN)
                        .bind::<Text, _>(zone)
                        .prepared()
                        .get_result(conn)
                        .await?;
                    if !known.known {
                        return Ok(Put::UnknownZone);
                    }
                    let ensured = diesel::sql_query(ENSURE_ROW)
                        .bind::<SqlUuid, _>(Uuid::from(owner))
                        .prepared()
                        .execute(conn)
                        .await;
                    match ensured {
                        Ok(_) => {}
                        Err(DieselError::DatabaseError(
                            DatabaseErrorKind::ForeignKeyViolation,
                            _,
                        )) => {
                            return Ok(Put::UnknownOwner);
                        }
                        Err(error) => return Err(error),
                    }
                    let old: String = preferences::table
                        .filter(preferences::user_id.eq(Uuid::from(owner)))
                        .select(preferences::time_zone)
                        .for_update()
                        .prepared()
                        .get_result(conn)
                        .await?;
                    let stored: (String, String) = diesel::update(preferences::table)
                        .filter(preferences::user_id.eq(Uuid::from(owner)))
                        .set((
                            preferences::time_zone.eq(zone),
                            preferences::week_start.eq(new.week_start.as_str()),
                            preferences::version.eq(preferences::version + 1),
                            preferences::updated_at.eq(diesel::dsl::now),
                        ))
                        .returning((preferences::time_zone, preferences::week_start))
                        .prepared()
                        .get_result(conn)
                        .await?;
                    if old != zone {
                        diesel::sql_query(MOVE_ALL_DAY)
                            .bind::<SqlUuid, _>(Uuid::from(owner))
                            .bind::<Text, _>(old)
                            .bind::<Text, _>(zone)
                            .prepared()
                            .execute(conn)
                            .await?;
                        recurring::recompute_all(conn, owner, new.time_zone).await?;
                    }
                    Ok(Put::Stored(stored))
                }
                .boxed()
            })
            .await
            .map_err(PutPreferencesError::from)?;
        match outcome {
            Put::Stored(row) => preferences_from(owner, row)
                .map_err(|e| PutPreferencesError::from(StoreError::Internal(Box::new(e)))),
            Put::UnknownZone => Err(PutPreferencesError::UnknownTimeZone),
            Put::UnknownOwner => Err(PutPreferencesError::UnknownOwner),
        }
    }
}
