//! The `tasks` table as created by `migrations/2026-11-23-000001_create_tasks`.
//! Written by hand (no diesel CLI in the toolchain): keep it in step with the
//! migrations. The migration tests catch a drift, because every query below
//! runs against the migrated schema.

diesel::table! {
    tasks (id) {
        id -> Uuid,
        user_id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        completed -> Bool,
        priority -> Int2,
        category -> Nullable<Text>,
        due_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int8,
    }
}
