-- The change log (issue 10): every write to what a user owns appends, in the
-- same transaction, one entry per changed row to `changes`, numbered by a
-- per-user `seq` that has no gaps in commit order. Clients that poll
-- (GET /changes) and the event streams (GET /events) read it; writers
-- NOTIFY a hint after committing so that every API instance wakes its
-- subscribers.
--
-- Written by triggers rather than by the adapter's Rust code, so that no
-- write path, present or future (and no cascade: a deleted list's tasks, a
-- moved subtree, a deleted label's attachments), can forget to log.

-- One row per user: the last seq handed out. Updating it in the writing
-- transaction is what makes seq gap-free in commit order: a second writer
-- of the same user waits on this row until the first commits, then reads
-- its value. (A global sequence hands out numbers that can commit out of
-- order, so a reader could skip one that commits later.)
CREATE TABLE change_seqs (
    user_id uuid   PRIMARY KEY REFERENCES "user" (id) ON DELETE CASCADE,
    seq     bigint NOT NULL CHECK (seq >= 0)
);

CREATE TABLE changes (
    -- References the counter, not "user", so that deleting a user removes
    -- both without an order in which one would refer to a missing row.
    user_id   uuid        NOT NULL REFERENCES change_seqs (user_id) ON DELETE CASCADE,
    seq       bigint      NOT NULL CHECK (seq >= 1),
    entity    text        NOT NULL
        CHECK (entity IN ('task', 'list', 'label', 'preferences', 'completion')),
    entity_id uuid        NOT NULL,
    op        text        NOT NULL CHECK (op IN ('upsert', 'delete')),
    -- The entity's version after the change; NULL for a deletion.
    version   bigint,
    at        timestamptz NOT NULL,
    PRIMARY KEY (user_id, seq)
);
-- Pruning finds old entries by time; entries arrive in time order, so a
-- block range index is enough and costs next to nothing per insert.
CREATE INDEX changes_at_idx ON changes USING brin (at);

-- Appends one entry for p_user. The hint that wakes event streams
-- (NOTIFY todo_changes '<user_id>:<seq>') is not sent from here but by the
-- writer right after its COMMIT (adapters-postgres, task_repo.rs: hint_sql):
-- PostgreSQL commits notifying transactions one at a time, each holding a
-- cluster-wide lock through its WAL flush, which made every write of the
-- database wait for every other (3-6 x slower updates at 8 clients).
CREATE FUNCTION append_change(p_user uuid, p_entity text, p_id uuid, p_op text, p_version bigint)
    RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
BEGIN
    UPDATE change_seqs SET seq = seq + 1 WHERE user_id = p_user RETURNING seq INTO next_seq;
    IF NOT FOUND THEN
        BEGIN
            INSERT INTO change_seqs AS c (user_id, seq) VALUES (p_user, 1)
                ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + 1
                RETURNING c.seq INTO next_seq;
        EXCEPTION WHEN foreign_key_violation THEN
            -- The account itself is being deleted (its rows go by cascade):
            -- nobody is left to tell.
            RETURN;
        END;
    END IF;
    INSERT INTO changes (user_id, seq, entity, entity_id, op, version, at)
        VALUES (p_user, next_seq, p_entity, p_id, p_op, p_version, clock_timestamp());
END
$$;

-- Row trigger for tasks, lists and labels; TG_ARGV[0] is the entity name.
CREATE FUNCTION log_entity_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM append_change(OLD.user_id, TG_ARGV[0], OLD.id, 'delete', NULL);
    ELSE
        PERFORM append_change(NEW.user_id, TG_ARGV[0], NEW.id, 'upsert', NEW.version);
    END IF;
    RETURN NULL;
END
$$;

-- A task's labels are part of the task's JSON: attaching or detaching one
-- is a change of the task. Skipped when the task row itself was written in
-- this transaction (it has an entry of its own) or is gone (its deletion
-- has one).
CREATE FUNCTION log_task_label_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    row_user uuid;
    row_task uuid;
    task_version bigint;
    written_here boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_user := OLD.user_id; row_task := OLD.task_id;
    ELSE
        row_user := NEW.user_id; row_task := NEW.task_id;
    END IF;
    SELECT t.version, t.xmin::text = (pg_current_xact_id()::xid)::text
        INTO task_version, written_here
        FROM tasks t WHERE t.user_id = row_user AND t.id = row_task;
    IF FOUND AND NOT written_here THEN
        PERFORM append_change(row_user, 'task', row_task, 'upsert', task_version);
    END IF;
    RETURN NULL;
END
$$;

-- Deferred to COMMIT: the counter row is locked only at the very end of a
-- write, after every row lock the write takes, so two writes of one user
-- can never wait on each other in opposite orders (no deadlock), and the
-- counter is held for the commit alone.
CREATE CONSTRAINT TRIGGER tasks_log_change
    AFTER INSERT OR UPDATE OR DELETE ON tasks
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_entity_change('task');
CREATE CONSTRAINT TRIGGER lists_log_change
    AFTER INSERT OR UPDATE OR DELETE ON lists
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_entity_change('list');
CREATE CONSTRAINT TRIGGER labels_log_change
    AFTER INSERT OR UPDATE OR DELETE ON labels
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_entity_change('label');
CREATE CONSTRAINT TRIGGER task_labels_log_change
    AFTER INSERT OR DELETE ON task_labels
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_task_label_change();
