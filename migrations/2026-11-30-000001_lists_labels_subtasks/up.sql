-- Lists, labels, subtasks and a manual order (issue 9).
--
-- Ownership is enforced by the schema itself: every table is keyed by
-- (user_id, id) and every reference between them is a composite foreign key
-- that includes user_id, so no row can point at another user's row whatever
-- the code does, and every table can be distributed by user_id. Deleting a
-- Better Auth user still cascades to everything.
--
-- Manual order: `position` is a fractional-index key (domain::Position) that
-- sorts bytewise, hence COLLATE "C" (a linguistic collation would ignore
-- case or punctuation and break the order).
--
-- The free-text `category` is left alone here; the next migration turns it
-- into labels.

-- The palette a list or label may be coloured with; the names are what the
-- API and the web app use (domain::Color).
CREATE DOMAIN palette_color AS text
    CHECK (VALUE IN ('gray', 'red', 'orange', 'yellow', 'lime', 'green',
                     'teal', 'cyan', 'blue', 'indigo', 'violet', 'pink'));

CREATE TABLE lists (
    id         uuid          NOT NULL,
    user_id    uuid          NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    name       text          NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    color      palette_color NOT NULL DEFAULT 'gray',
    position   text          COLLATE "C" NOT NULL CHECK (position <> ''),
    is_inbox   boolean       NOT NULL DEFAULT false,
    created_at timestamptz   NOT NULL DEFAULT now(),
    updated_at timestamptz   NOT NULL DEFAULT now(),
    version    bigint        NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (user_id, id),
    -- Deferrable (checked at the end of each statement) so that rebalancing
    -- rewrites every key of a user's lists in one UPDATE.
    CONSTRAINT lists_user_position_key UNIQUE (user_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
-- Names are unique per user ignoring case.
CREATE UNIQUE INDEX lists_user_name_key ON lists (user_id, lower(name));
-- Exactly one Inbox per user: creating it on first need is an
-- INSERT … ON CONFLICT DO NOTHING that this index makes race-free.
CREATE UNIQUE INDEX lists_one_inbox_per_user ON lists (user_id) WHERE is_inbox;

CREATE TABLE labels (
    id         uuid          NOT NULL,
    user_id    uuid          NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    name       text          NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    color      palette_color NOT NULL DEFAULT 'gray',
    created_at timestamptz   NOT NULL DEFAULT now(),
    updated_at timestamptz   NOT NULL DEFAULT now(),
    version    bigint        NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (user_id, id)
);
CREATE UNIQUE INDEX labels_user_name_key ON labels (user_id, lower(name));

CREATE TRIGGER lists_touch_updated_at
    BEFORE UPDATE ON lists
    FOR EACH ROW EXECUTE FUNCTION tasks_touch_updated_at();
CREATE TRIGGER labels_touch_updated_at
    BEFORE UPDATE ON labels
    FOR EACH ROW EXECUTE FUNCTION tasks_touch_updated_at();

-- The n-th key (from 0) of the sequence domain::Position::first / after
-- produces: "a0" … "az", "b00" … "bzz", "c000" …, so that backfilled and
-- new keys are of one kind. Only needed for the backfill below.
CREATE FUNCTION pg_temp.position_key(n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    width int := 1;
    span bigint := 62;
    rest bigint := n;
    key text := '';
BEGIN
    WHILE rest >= span LOOP
        rest := rest - span;
        width := width + 1;
        span := span * 62;
    END LOOP;
    FOR i IN 1..width LOOP
        key := substr(digits, (rest % 62)::int + 1, 1) || key;
        rest := rest / 62;
    END LOOP;
    RETURN chr(ascii('a') + width - 1) || key;
END
$$;

-- Every user who has tasks gets their Inbox now; the others get it on their
-- first list or task request.
INSERT INTO lists (id, user_id, name, position, is_inbox)
SELECT gen_random_uuid(), user_id, 'Inbox', 'a0', true
  FROM (SELECT DISTINCT user_id FROM tasks) AS owners;

ALTER TABLE tasks
    ADD COLUMN list_id   uuid,
    ADD COLUMN parent_id uuid,
    ADD COLUMN position  text COLLATE "C" CHECK (position <> '');

-- Existing tasks move into their owner's Inbox, in creation order.
UPDATE tasks
   SET list_id = inbox.id,
       position = pg_temp.position_key(ordered.rank - 1)
  FROM lists AS inbox,
       (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS rank
          FROM tasks) AS ordered
 WHERE inbox.user_id = tasks.user_id AND inbox.is_inbox AND ordered.id = tasks.id;

ALTER TABLE tasks
    ALTER COLUMN list_id SET NOT NULL,
    ALTER COLUMN position SET NOT NULL,
    DROP CONSTRAINT tasks_pkey,
    ADD PRIMARY KEY (user_id, id),
    -- The target of the parent reference below: a parent is named together
    -- with its list.
    ADD CONSTRAINT tasks_user_list_id_key UNIQUE (user_id, list_id, id),
    ADD CONSTRAINT tasks_list_fkey FOREIGN KEY (user_id, list_id)
        REFERENCES lists (user_id, id) ON DELETE CASCADE,
    -- A subtask lives in its parent's list: moving a parent to another list
    -- carries its subtree along (ON UPDATE CASCADE, level by level), and
    -- deleting a task deletes its subtree.
    ADD CONSTRAINT tasks_parent_fkey FOREIGN KEY (user_id, list_id, parent_id)
        REFERENCES tasks (user_id, list_id, id) ON UPDATE CASCADE ON DELETE CASCADE,
    ADD CONSTRAINT tasks_not_own_parent CHECK (parent_id <> id),
    -- Siblings (same list, same parent; top-level tasks share the NULL
    -- parent) never share a key, so two concurrent moves cannot produce an
    -- ambiguous order. Deferrable for the same reason as for lists. Also the
    -- index behind listing a list or a parent's children in manual order.
    ADD CONSTRAINT tasks_sibling_position_key
        UNIQUE NULLS NOT DISTINCT (user_id, list_id, parent_id, position)
        DEFERRABLE INITIALLY IMMEDIATE;

-- Listing a whole list in manual order, whatever the parent.
CREATE INDEX tasks_user_list_position_idx ON tasks (user_id, list_id, position, id);

-- A task whose list changes (moved, or carried along with its parent by the
-- cascade) has changed: its version moves on too, so its ETag does.
CREATE FUNCTION tasks_bump_version_on_list_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER tasks_bump_version_on_list_change
    BEFORE UPDATE ON tasks
    FOR EACH ROW
    WHEN (OLD.list_id IS DISTINCT FROM NEW.list_id)
    EXECUTE FUNCTION tasks_bump_version_on_list_change();

CREATE TABLE task_labels (
    user_id  uuid NOT NULL,
    task_id  uuid NOT NULL,
    label_id uuid NOT NULL,
    PRIMARY KEY (user_id, task_id, label_id),
    FOREIGN KEY (user_id, task_id) REFERENCES tasks (user_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, label_id) REFERENCES labels (user_id, id) ON DELETE CASCADE
);
-- Tasks carrying a label (the label filter, deleting a label).
CREATE INDEX task_labels_label_idx ON task_labels (user_id, label_id, task_id);
