-- Tasks belong to Better Auth's users. Better Auth owns the "user" table and
-- creates it with its own migration (`npm run db:migrate` in frontend/), which
-- must run first: this migration only references it, never changes it.
DO $$
BEGIN
    IF to_regclass('"user"') IS NULL THEN
        RAISE EXCEPTION 'Better Auth''s schema is missing: table "user" does not exist. Run the auth migration first (cd frontend && npm run db:migrate), then migrate the API.';
    END IF;
    IF (SELECT format_type(a.atttypid, a.atttypmod)
          FROM pg_attribute a
         WHERE a.attrelid = to_regclass('"user"') AND a.attname = 'id' AND NOT a.attisdropped) IS DISTINCT FROM 'uuid' THEN
        RAISE EXCEPTION 'Better Auth''s "user".id must be of type uuid: configure advanced.database.generateId = "uuid" in frontend/lib/auth.ts.';
    END IF;
END
$$;

CREATE TABLE tasks (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description text        CHECK (char_length(description) <= 4000),
    completed   boolean     NOT NULL DEFAULT false,
    -- 0 = low, 1 = medium, 2 = high: numeric so that sorting by priority is
    -- sorting by urgency.
    priority    smallint    NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 2),
    category    text        CHECK (char_length(category) BETWEEN 1 AND 50),
    due_at      timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Optimistic concurrency: bumped by every write, exposed as the ETag.
    version     bigint      NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- Every listing is scoped to one user and ordered by a sort key with the id
-- as tie-breaker (keyset pagination); one index per sort key serves both the
-- filter and the order, in either direction (read backwards for desc).
-- Except due_at: undated tasks come last in both orders, and a backward
-- scan would put NULLs first, so descending order has its own index.
CREATE INDEX tasks_user_created_idx  ON tasks (user_id, created_at, id);
CREATE INDEX tasks_user_updated_idx  ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_due_idx      ON tasks (user_id, due_at, id);
CREATE INDEX tasks_user_due_desc_idx ON tasks (user_id, due_at DESC NULLS LAST, id DESC);
CREATE INDEX tasks_user_priority_idx ON tasks (user_id, priority, id);
CREATE INDEX tasks_user_title_idx    ON tasks (user_id, lower(title), id);

-- updated_at is the database's business, so no client or code path can
-- forget or forge it.
CREATE FUNCTION tasks_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER tasks_touch_updated_at
    BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_touch_updated_at();
