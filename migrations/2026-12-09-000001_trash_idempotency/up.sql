-- The trash and idempotent writes (issue 12).
--
-- The trash holds snapshots rather than flagging live rows: deleting a task
-- (with its subtasks) or a list (with its tasks) writes one row here, in the
-- same transaction, whose payload holds every deleted row, then deletes the
-- live rows. So every listing, view, count and 404 keeps working unchanged,
-- and unique names and positions never collide with trashed rows.
CREATE TABLE trash (
    user_id    uuid        NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    -- The id of the deleted task or list.
    id         uuid        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('task', 'list')),
    -- The task's title or the list's name at the deletion.
    title      text        NOT NULL,
    -- A task: its list and parent at the deletion (either may be gone
    -- since); a list: NULL.
    list_id    uuid,
    parent_id  uuid,
    task_count integer     NOT NULL CHECK (task_count >= 0),
    deleted_at timestamptz NOT NULL,
    -- {"list": <lists row>|null, "tasks": [<tasks row>…] (parents before
    -- their subtasks), "task_labels": [{task_id, label_id}…],
    -- "completions": [<task_completions row>…]}, each row as to_jsonb.
    payload    jsonb       NOT NULL,
    PRIMARY KEY (user_id, id),
    CHECK ((kind = 'task') = (list_id IS NOT NULL)),
    CHECK (kind = 'task' OR parent_id IS NULL)
);
-- The trash page: newest first, keyset on (deleted_at, id).
CREATE INDEX trash_user_deleted_idx ON trash (user_id, deleted_at DESC, id DESC);
-- The purge: the oldest items of every user.
CREATE INDEX trash_deleted_at_idx ON trash (deleted_at);

-- The change log learns the trash: an item appears (upsert) when something
-- is deleted into it and disappears (delete) when it is restored, deleted
-- for good, emptied or purged. A trash row never changes: its version is 1.
ALTER TABLE changes DROP CONSTRAINT changes_entity_check;
ALTER TABLE changes ADD CONSTRAINT changes_entity_check
    CHECK (entity IN ('task', 'list', 'label', 'preferences', 'completion', 'trash'));

CREATE FUNCTION log_trash_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM append_change(OLD.user_id, 'trash', OLD.id, 'delete', NULL);
    ELSE
        PERFORM append_change(NEW.user_id, 'trash', NEW.id, 'upsert', 1);
    END IF;
    RETURN NULL;
END
$$;

-- Deferred to COMMIT like the other log triggers (migration
-- 2026-12-07-000001 says why).
CREATE CONSTRAINT TRIGGER trash_log_change
    AFTER INSERT OR DELETE ON trash
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_trash_change();

-- Idempotency-Key records: per user and key, the fingerprint of the first
-- request and, once it finished, its answer, kept 24 hours.
CREATE TABLE idempotency_keys (
    user_id     uuid        NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    key         text        NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the request's method, path, query, content type and body.
    fingerprint bytea       NOT NULL CHECK (octet_length(fingerprint) = 32),
    state       text        NOT NULL CHECK (state IN ('running', 'done')),
    -- While running: when a crashed holder's claim may be taken over.
    lease_until timestamptz NOT NULL,
    -- The answer, once done.
    status      int2,
    headers     jsonb,
    body        bytea,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, key),
    CHECK (state = 'running' OR (status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL))
);
-- The purge of expired records.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
