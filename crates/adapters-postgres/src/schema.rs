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
        /// `task`, `list`, `label`, `preferences` or `completion`.
        entity -> Text,
        entity_id -> Uuid,
        /// `upsert` or `delete`.
        op -> Text,
        /// The entity's version after the change; NULL for a deletion.
        version -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    tasks,
    lists,
    labels,
    task_labels,
    change_seqs,
    changes
);
