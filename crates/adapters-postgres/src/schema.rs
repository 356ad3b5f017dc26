//! The tables as created by the migrations in `migrations/`. Written by hand
//! (no diesel CLI in the toolchain): keep it in step with the migrations.
//! The migration tests catch a drift, because every query below runs
//! against the migrated schema.

diesel::table! {
    tasks (user_id, id) {
        id -> Uuid,
        user_id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        completed -> Bool,
        priority -> Int2,
        due_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int8,
        list_id -> Uuid,
        parent_id -> Nullable<Uuid>,
        /// A fractional-index key, `COLLATE "C"`.
        position -> Text,
        /// Migration 2026-12-08-000001: an all-day `due_at` is 00:00 local
        /// (kept so by a trigger).
        due_all_day -> Bool,
        /// An RRULE; NULL: not recurring.
        recurrence -> Nullable<Text>,
        /// `due` or `completion`.
        recurrence_basis -> Text,
        /// The occurrence after `due_at`, computed by the adapter.
        next_due_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// One row per user who stored preferences (migration
    /// 2026-12-08-000001); none reads as the defaults.
    preferences (user_id) {
        user_id -> Uuid,
        time_zone -> Text,
        /// `monday` or `sunday`.
        week_start -> Text,
        version -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// The completions of recurring tasks (migration 2026-12-08-000001).
    task_completions (user_id, id) {
        user_id -> Uuid,
        id -> Uuid,
        task_id -> Uuid,
        completed_at -> Timestamptz,
        /// The occurrence completed.
        due_at -> Timestamptz,
        /// Where the completion moved the task; NULL when it completed for
        /// good.
        next_due_at -> Nullable<Timestamptz>,
        /// The task's version right after the completion.
        task_version -> Int8,
    }
}

diesel::table! {
    lists (user_id, id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        /// The `palette_color` domain over text.
        color -> Text,
        /// A fractional-index key, `COLLATE "C"`.
        position -> Text,
        is_inbox -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int8,
    }
}

diesel::table! {
    labels (user_id, id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        /// The `palette_color` domain over text.
        color -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int8,
    }
}

diesel::table! {
    task_labels (user_id, task_id, label_id) {
        user_id -> Uuid,
        task_id -> Uuid,
        label_id -> Uuid,
    }
}

diesel::table! {
    /// The last `seq` handed out per user (migration 2026-12-07-000001).
    change_seqs (user_id) {
        user_id -> Uuid,
        seq -> Int8,
    }
}

diesel::table! {
    /// The change log, written by triggers (migration 2026-12-07-000001).
    changes (user_id, seq) {
        user_id -> Uuid,
        seq -> Int8,
        /// `task`, `list`, `label`, `preferences`, `completion` or `trash`.
        entity -> Text,
        entity_id -> Uuid,
        /// `upsert` or `delete`.
        op -> Text,
        /// The entity's version after the change; NULL for a deletion.
        version -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    /// Deleted tasks and lists, as snapshots (migration 2026-12-09-000001).
    trash (user_id, id) {
        user_id -> Uuid,
        /// The deleted task's or list's id.
        id -> Uuid,
        /// `task` or `list`.
        kind -> Text,
        /// The task's title or the list's name.
        title -> Text,
        /// A task's list at the deletion; NULL for a list.
        list_id -> Nullable<Uuid>,
        parent_id -> Nullable<Uuid>,
        task_count -> Int4,
        deleted_at -> Timestamptz,
        /// Every deleted row, as `to_jsonb`.
        payload -> Jsonb,
    }
}

diesel::table! {
    /// `Idempotency-Key` records (migration 2026-12-09-000001).
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        fingerprint -> Bytea,
        /// `running` or `done`.
        state -> Text,
        lease_until -> Timestamptz,
        status -> Nullable<Int2>,
        headers -> Nullable<Jsonb>,
        body -> Nullable<Bytea>,
        created_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    tasks,
    lists,
    labels,
    task_labels,
    change_seqs,
    changes,
    preferences,
    task_completions,
    trash,
    idempotency_keys
);
