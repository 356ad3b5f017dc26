-- Time zones, all-day and recurring tasks, their completion history, and
-- the views Today / Upcoming / Overdue / No date (issue 11).

-- One row per user, created on first need (the first PUT): a user without
-- one reads as the defaults, so reading never writes. `time_zone` is an
-- IANA name, validated by the API (the domain's zone database) and by
-- PostgreSQL (the adapter checks pg_timezone_names before storing it), so
-- that the all-day normalisation below can always use it.
CREATE TABLE preferences (
    user_id    uuid        PRIMARY KEY REFERENCES "user" (id) ON DELETE CASCADE,
    time_zone  text        NOT NULL DEFAULT 'UTC',
    week_start text        NOT NULL DEFAULT 'monday'
        CHECK (week_start IN ('monday', 'sunday')),
    version    bigint      NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tasks
    -- An all-day task is due on a date, stored as 00:00 of that date in
    -- the user's zone (the trigger below keeps it so).
    ADD COLUMN due_all_day boolean NOT NULL DEFAULT false,
    -- An RFC 5545 RRULE (validated by the domain); NULL: not recurring.
    ADD COLUMN recurrence text,
    -- `due`: the next occurrence follows the schedule; `completion`: it
    -- counts from the day the task was done.
    ADD COLUMN recurrence_basis text NOT NULL DEFAULT 'due'
        CHECK (recurrence_basis IN ('due', 'completion')),
    -- The occurrence after the current one, computed by the adapter (with
    -- the domain's rule expansion, in the user's zone) whenever due_at, the
    -- rule, the basis or the zone change; NULL when not recurring or when
    -- the rule is exhausted. Stored so that lists show it without
    -- expanding rules on every read.
    ADD COLUMN next_due_at timestamptz,
    -- Named, so the adapter maps a violation to its own error (422).
    ADD CONSTRAINT tasks_recurrence_needs_due CHECK (recurrence IS NULL OR due_at IS NOT NULL),
    ADD CONSTRAINT tasks_all_day_needs_due CHECK (NOT due_all_day OR due_at IS NOT NULL);

-- All-day normalisation in the database, so that no write path (create,
-- replace, patch, completion of a recurring task, a future one) can forget
-- it: an all-day due_at becomes 00:00 of its local date in the user's zone.
-- The WHEN clause keeps timed writes free of any cost (the function does not
-- even run), and `UPDATE OF` skips updates that touch neither column.
--
-- Against a concurrent change of zone (PreferencesRepo::put locks the
-- preferences row FOR UPDATE, then moves the all-day tasks it sees): a row
-- that becomes all-day here (inserted, or timed until now) is invisible to
-- that move, so its zone is read FOR KEY SHARE, which waits for the zone
-- change to commit and then reads the new zone (or makes the zone change
-- wait, and then move this row). A row that was all-day already is moved by
-- the zone change itself, which waits for this write's row lock, so it
-- reads without a lock: locking would let the two wait on each other.
CREATE FUNCTION normalise_all_day_due() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tz text;
BEGIN
    IF TG_OP = 'INSERT' OR NOT OLD.due_all_day THEN
        SELECT p.time_zone INTO tz FROM preferences p WHERE p.user_id = NEW.user_id FOR KEY SHARE;
    ELSE
        SELECT p.time_zone INTO tz FROM preferences p WHERE p.user_id = NEW.user_id;
    END IF;
    tz := COALESCE(tz, 'UTC');
    NEW.due_at := date_trunc('day', NEW.due_at AT TIME ZONE tz) AT TIME ZONE tz;
    RETURN NEW;
END
$$;

CREATE TRIGGER tasks_normalise_all_day
    BEFORE INSERT OR UPDATE OF due_at, due_all_day ON tasks
    FOR EACH ROW
    WHEN (NEW.due_all_day AND NEW.due_at IS NOT NULL)
    EXECUTE FUNCTION normalise_all_day_due();

-- The views (Today, Upcoming, Overdue: open tasks by due date) read open
-- tasks in due order; the general (user_id, due_at, id) index would also
-- walk every completed task, which in a long-used account is most of them.
CREATE INDEX tasks_user_open_due_idx ON tasks (user_id, due_at, id) WHERE NOT completed;

-- The history of a recurring task's completions. The composite key makes a
-- completion of another user's task impossible.
CREATE TABLE task_completions (
    user_id      uuid        NOT NULL,
    id           uuid        NOT NULL,
    task_id      uuid        NOT NULL,
    completed_at timestamptz NOT NULL,
    -- The occurrence that was completed.
    due_at       timestamptz NOT NULL,
    -- Where completing moved the task; NULL when it completed for good.
    next_due_at  timestamptz,
    -- The task's version right after this completion: undoing it is
    -- allowed only while the task is still at that version (nothing else
    -- changed it since).
    task_version bigint      NOT NULL,
    PRIMARY KEY (user_id, id),
    FOREIGN KEY (user_id, task_id) REFERENCES tasks (user_id, id) ON DELETE CASCADE
);
-- History pages (newest first), the latest completion (undo) and the count
-- (COUNT rules) of one task.
CREATE INDEX task_completions_task_idx
    ON task_completions (user_id, task_id, completed_at DESC, id DESC);

-- The change log (migration 2026-12-07-000001) learns both new entities,
-- deferred to COMMIT like the others (see there why).
CREATE FUNCTION log_preferences_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM append_change(OLD.user_id, 'preferences', OLD.user_id, 'delete', NULL);
    ELSE
        PERFORM append_change(NEW.user_id, 'preferences', NEW.user_id, 'upsert', NEW.version);
    END IF;
    RETURN NULL;
END
$$;

-- A completion never changes once written: its version is always 1.
CREATE FUNCTION log_completion_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM append_change(OLD.user_id, 'completion', OLD.id, 'delete', NULL);
    ELSE
        PERFORM append_change(NEW.user_id, 'completion', NEW.id, 'upsert', 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER preferences_log_change
    AFTER INSERT OR UPDATE OR DELETE ON preferences
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_preferences_change();
CREATE CONSTRAINT TRIGGER task_completions_log_change
    AFTER INSERT OR DELETE ON task_completions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_completion_change();
