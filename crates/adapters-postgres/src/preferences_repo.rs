//! `PreferencesRepo` on PostgreSQL, implemented by the same [`PgTaskRepo`]
//! (one pool for every port). A user without a `preferences` row has the
//! defaults at version 1 (the row's own first version); the row is created
//! by the first write, which moves it to version 2.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use domain::{Preferences, TimeZone, UserId, Version, WeekStart};
use futures_util::FutureExt;
use ports::{GetPreferencesError, PreferencesRepo, PutPreferencesError, StoredPreferences};
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
    Stored((String, String), i64),
    UnknownZone,
    UnknownOwner,
    VersionMismatch,
}

#[async_trait]
impl PreferencesRepo for PgTaskRepo {
    async fn get(&self, owner: UserId) -> Result<StoredPreferences, GetPreferencesError> {
        let row = self
            .run(Replay::Safe, move |conn| {
                preferences::table
                    .filter(preferences::user_id.eq(Uuid::from(owner)))
                    .select((
                        preferences::time_zone,
                        preferences::week_start,
                        preferences::version,
                    ))
                    .prepared()
                    .get_result::<(String, String, i64)>(conn)
                    .map(|r| r.optional())
                    .boxed()
            })
            .await?;
        match row {
            None => Ok(StoredPreferences {
                preferences: Preferences::default(),
                version: Version::INITIAL,
            }),
            Some((zone, week, version)) => preferences_from(owner, (zone, week))
                .map(|preferences| StoredPreferences {
                    preferences,
                    version: Version::new(version),
                })
                .map_err(|e| GetPreferencesError::Internal(Box::new(e))),
        }
    }

    async fn put(
        &self,
        owner: UserId,
        new: Preferences,
        expected: Option<Version>,
    ) -> Result<StoredPreferences, PutPreferencesError> {
        // Repeating a committed first attempt writes the same values again
        // (and moves nothing: the zone is already the new one); not so a
        // conditional write, which would then find another version.
        let replay = if expected.is_some() {
            Replay::Never
        } else {
            Replay::Safe
        };
        let outcome = self
            .run_write_tx(owner, replay, move |conn| {
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
                    // A missing row is at the defaults' version: a stale
                    // tag is refused before the row is created.
                    if let Some(expected) = expected {
                        let current: Option<i64> = preferences::table
                            .filter(preferences::user_id.eq(Uuid::from(owner)))
                            .select(preferences::version)
                            .prepared()
                            .get_result(conn)
                            .await
                            .optional()?;
                        if current.unwrap_or(Version::INITIAL.get()) != expected.get() {
                            return Ok(Put::VersionMismatch);
                        }
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
                    let (old, version): (String, i64) = preferences::table
                        .filter(preferences::user_id.eq(Uuid::from(owner)))
                        .select((preferences::time_zone, preferences::version))
                        .for_update()
                        .prepared()
                        .get_result(conn)
                        .await?;
                    // Checked again under the row lock: a concurrent write
                    // may have come first.
                    if expected.is_some_and(|e| e.get() != version) {
                        return Ok(Put::VersionMismatch);
                    }
                    let stored: (String, String, i64) = diesel::update(preferences::table)
                        .filter(preferences::user_id.eq(Uuid::from(owner)))
                        .set((
                            preferences::time_zone.eq(zone),
                            preferences::week_start.eq(new.week_start.as_str()),
                            preferences::version.eq(preferences::version + 1),
                            preferences::updated_at.eq(diesel::dsl::now),
                        ))
                        .returning((
                            preferences::time_zone,
                            preferences::week_start,
                            preferences::version,
                        ))
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
                    let (zone, week, version) = stored;
                    Ok(Put::Stored((zone, week), version))
                }
                .boxed()
            })
            .await
            .map_err(PutPreferencesError::from)?;
        match outcome {
            Put::Stored(row, version) => preferences_from(owner, row)
                .map(|preferences| StoredPreferences {
                    preferences,
                    version: Version::new(version),
                })
                .map_err(|e| PutPreferencesError::from(StoreError::Internal(Box::new(e)))),
            Put::UnknownZone => Err(PutPreferencesError::UnknownTimeZone),
            Put::UnknownOwner => Err(PutPreferencesError::UnknownOwner),
            Put::VersionMismatch => Err(PutPreferencesError::VersionMismatch),
        }
    }
}
