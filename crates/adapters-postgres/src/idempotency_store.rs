//! `IdempotencyStore` on PostgreSQL, implemented by the same
//! [`PgTaskRepo`]: the `idempotency_keys` table of migration
//! 2026-12-09-000001. Every method is one short statement (a claim that
//! finds the key taken adds one read), with no session state and no
//! advisory lock, so it works through a transaction-mode pooler; the
//! primary key `(user_id, key)` arbitrates concurrent claims.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::{
    Array, BigInt, Bytea, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{IdempotencyKey, Timestamp, UserId};
use futures_util::FutureExt;
use ports::{Claim, IdempotencyError, IdempotencyStore, StoredResponse};
use uuid::Uuid;

use crate::prepared::PreparedExt;
use crate::task_repo::{PgTaskRepo, Replay};

/// Takes key `$2` of `$1` for a request with fingerprint `$3` at `$4`,
/// leased until `$5`: inserted when new; taken over when its record is
/// older than `$6` (expired: it counts as absent) or when it is a claim of
/// the same request whose holder's lease ran out (a crashed instance).
/// Returns a row only when the caller now holds the key. Of concurrent
/// claims, the first insert wins; the others wait for it, then find the
/// key taken and return nothing.
const CLAIM: &str = "\
    INSERT INTO idempotency_keys AS k (user_id, key, fingerprint, state, lease_until, created_at) \
    VALUES ($1, $2, $3, 'running', $5, $4) \
    ON CONFLICT (user_id, key) DO UPDATE \
       SET fingerprint = EXCLUDED.fingerprint, state = 'running', \
           lease_until = EXCLUDED.lease_until, created_at = EXCLUDED.created_at, \
           status = NULL, headers = NULL, body = NULL \
     WHERE k.created_at < $6 \
        OR (k.state = 'running' AND k.lease_until < $4 AND k.fingerprint = EXCLUDED.fingerprint) \
    RETURNING 1 AS claimed";

/// The record of a key someone else holds or finished. The headers are
/// stored as a JSON array of `[name, value]` pairs and read back as two
/// arrays in the same order.
const READ: &str = "\
    SELECT fingerprint, state, status, \
           ARRAY(SELECT h->>0 FROM jsonb_array_elements(headers) WITH ORDINALITY AS x (h, n) ORDER BY n) AS names, \
           ARRAY(SELECT h->>1 FROM jsonb_array_elements(headers) WITH ORDINALITY AS x (h, n) ORDER BY n) AS values, \
           body \
      FROM idempotency_keys WHERE user_id = $1 AND key = $2";

/// Stores the answer of the claim of key `$2`.
const COMPLETE: &str = "\
    UPDATE idempotency_keys SET state = 'done', status = $3, body = $6, \
           headers = (SELECT COALESCE(jsonb_agg(jsonb_build_array(n, v) ORDER BY i), '[]'::jsonb) \
                        FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS h (n, v, i)) \
     WHERE user_id = $1 AND key = $2 AND state = 'running'";

/// Forgets the running claim of key `$2`.
const RELEASE: &str =
    "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'running'";

/// Deletes at most `$2` records created before `$1`, skipping those another
/// purge holds.
const PURGE: &str = "\
    DELETE FROM idempotency_keys WHERE (user_id, key) IN ( \
        SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 \
         LIMIT $2 FOR UPDATE SKIP LOCKED)";

#[derive(Debug, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    claimed: i32,
}

#[derive(Debug, QueryableByName)]
struct Record {
    #[diesel(sql_type = Bytea)]
    fingerprint: Vec<u8>,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Nullable<SmallInt>)]
    status: Option<i16>,
    #[diesel(sql_type = Array<Nullable<Text>>)]
    names: Vec<Option<String>>,
    #[diesel(sql_type = Array<Nullable<Text>>)]
    values: Vec<Option<String>>,
    #[diesel(sql_type = Nullable<Bytea>)]
    body: Option<Vec<u8>>,
}

/// How many times a claim that found the key taken, then gone (released
/// in between), tries again before answering "in progress".
const CLAIM_ATTEMPTS: usize = 3;

async fn claim_in(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    key: &str,
    fingerprint: [u8; 32],
    now: Timestamp,
    lease_until: Timestamp,
    expired_before: Timestamp,
) -> QueryResult<Claim> {
    for _ in 0..CLAIM_ATTEMPTS {
        let claimed: Option<Claimed> = diesel::sql_query(CLAIM)
            .bind::<SqlUuid, _>(owner)
            .bind::<Text, _>(key)
            .bind::<Bytea, _>(fingerprint.as_slice())
            .bind::<Timestamptz, _>(now)
            .bind::<Timestamptz, _>(lease_until)
            .bind::<Timestamptz, _>(expired_before)
            .prepared()
            .get_result(conn)
            .await
            .optional()?;
        if claimed.is_some_and(|row| row.claimed == 1) {
            return Ok(Claim::Proceed);
        }
        let record: Option<Record> = diesel::sql_query(READ)
            .bind::<SqlUuid, _>(owner)
            .bind::<Text, _>(key)
            .prepared()
            .get_result(conn)
            .await
            .optional()?;
        let Some(record) = record else {
            // Released between the two statements: claim again.
            continue;
        };
        if record.fingerprint != fingerprint {
            return Ok(Claim::Mismatch);
        }
        if record.state != "done" {
            return Ok(Claim::InProgress);
        }
        let headers = record
            .names
            .into_iter()
            .zip(record.values)
            .filter_map(|(name, value)| Some((name?, value?)))
            .collect();
        return Ok(Claim::Replay(StoredResponse {
            status: record
                .status
                .and_then(|status| u16::try_from(status).ok())
                .unwrap_or(500),
            headers,
            body: record.body.unwrap_or_default(),
        }));
    }
    Ok(Claim::InProgress)
}

#[async_trait]
impl IdempotencyStore for PgTaskRepo {
    async fn claim(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        fingerprint: [u8; 32],
        now: Timestamp,
        lease_until: Timestamp,
        expired_before: Timestamp,
    ) -> Result<Claim, IdempotencyError> {
        let key = key.as_str().to_owned();
        // Not repeated: a repeat after a committed first attempt would find
        // its own claim and answer "in progress".
        self.run(Replay::Never, |conn| {
            let key = key.clone();
            async move {
                claim_in(
                    conn,
                    Uuid::from(owner),
                    &key,
                    fingerprint,
                    now,
                    lease_until,
                    expired_before,
                )
                .await
            }
            .boxed()
        })
        .await
        .map_err(Into::into)
    }

    async fn complete(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        response: StoredResponse,
    ) -> Result<(), IdempotencyError> {
        let key = key.as_str().to_owned();
        let status = i16::try_from(response.status).unwrap_or(i16::MAX);
        let (names, values): (Vec<String>, Vec<String>) = response.headers.into_iter().unzip();
        let body = response.body;
        // Storing the same answer again is harmless.
        self.run(Replay::Safe, |conn| {
            let (key, names, values, body) =
                (key.clone(), names.clone(), values.clone(), body.clone());
            async move {
                diesel::sql_query(COMPLETE)
                    .bind::<SqlUuid, _>(Uuid::from(owner))
                    .bind::<Text, _>(key)
                    .bind::<SmallInt, _>(status)
                    .bind::<Array<Text>, _>(names)
                    .bind::<Array<Text>, _>(values)
                    .bind::<Bytea, _>(body)
                    .prepared()
                    .execute(conn)
                    .await
            }
            .boxed()
        })
        .await?;
        Ok(())
    }

    async fn release(&self, owner: UserId, key: &IdempotencyKey) -> Result<(), IdempotencyError> {
        let key = key.as_str().to_owned();
        self.run(Replay::Safe, |conn| {
            let key = key.clone();
            async move {
                diesel::sql_query(RELEASE)
                    .bind::<SqlUuid, _>(Uuid::from(owner))
                    .bind::<Text, _>(key)
                    .prepared()
                    .execute(conn)
                    .await
            }
            .boxed()
        })
        .await?;
        Ok(())
    }

    async fn purge_expired(
        &self,
        expired_before: Timestamp,
        batch: u32,
    ) -> Result<u64, IdempotencyError> {
        let deleted = self
            .run(Replay::Safe, move |conn| {
                diesel::sql_query(PURGE)
                    .bind::<Timestamptz, _>(expired_before)
                    .bind::<BigInt, _>(i64::from(batch))
                    .prepared()
                    .execute(conn)
                    .boxed()
            })
            .await?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }
}
