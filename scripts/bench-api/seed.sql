-- `just bench-api`: (re)seeds the benchmark database before each scenario, so
-- that every scenario starts from the same rows. psql variables: users,
-- tasks_per_user, big_list (how many of a user's tasks are in their first
-- list; run.sh passes the same values to pgbench).
--
-- Each user has an Inbox and three lists, five labels, and tasks_per_user
-- tasks numbered t = 1 … tasks_per_user:
--   * t ≤ big_list are in list 1 ("Work", the one `list_in_list` pages
--     through: more than a page of 50); the rest are split into three runs,
--     for the Inbox, list 2 and list 3;
--   * t with t % 4 = 0 is a subtask of t − 1 when t − 1 is in the same list
--     (a quarter of the tasks: one level below a top-level task); so the
--     top-level tasks of list 1, the ones `move` reorders, are t ≤ big_list
--     with t % 4 ≠ 0: the i-th of them (from 0) is t = 4·(i / 3) + i % 3 + 1;
--   * task t carries t % 4 labels (0 to 3): labels (t + j) % 5 + 1, j < t % 4;
--   * positions are the keys of the migration's backfill (pg_temp.position_key
--     in migrations/2026-11-30-000001_*: "a0" … "az", "b00" …), in order of
--     t among the siblings (same list, same parent).
--
-- Ids are deterministic so that pgbench, whose variables are integers, can
-- name the same rows: user u is md5('user' || u)::uuid, its list k (0 = the
-- Inbox) md5('list' || u || '.' || k)::uuid, its label l
-- md5('label' || u || '.' || l)::uuid and its task t
-- md5('task' || u || '.' || t)::uuid (random-looking, like Better Auth's v4
-- user ids and the API's ids). The driver still reads the ids back from the
-- tables.
\set ON_ERROR_STOP on

-- Every table the API writes, together (task_labels references tasks and
-- labels, task_completions references tasks, tasks references lists).
TRUNCATE task_completions, task_labels, tasks, labels, lists;

-- The stand-in "user" table has only an id (see crates/test-support).
INSERT INTO "user" (id)
SELECT md5('user' || u)::uuid FROM generate_series(1, :users) AS u
ON CONFLICT DO NOTHING;

-- The n-th key (from 0) of domain::Position::spread, as the migration's
-- backfill makes them.
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

INSERT INTO lists (id, user_id, name, color, position, is_inbox)
SELECT md5('list' || u || '.' || k)::uuid,
       md5('user' || u)::uuid,
       (ARRAY['Inbox', 'Work', 'Home', 'Errands'])[k + 1],
       (ARRAY['gray', 'blue', 'green', 'orange'])[k + 1],
       pg_temp.position_key(k),
       k = 0
FROM generate_series(1, :users) AS u, generate_series(0, 3) AS k;

INSERT INTO labels (id, user_id, name, color)
SELECT md5('label' || u || '.' || l)::uuid,
       md5('user' || u)::uuid,
       (ARRAY['urgent', 'waiting', 'phone', 'computer', 'someday'])[l],
       (ARRAY['red', 'yellow', 'teal', 'indigo', 'gray'])[l]
FROM generate_series(1, :users) AS u, generate_series(1, 5) AS l;

-- The list (0 = Inbox) of task t: list 1 up to big_list, then three runs.
CREATE FUNCTION pg_temp.list_of(t int, tasks_per_user int, big_list int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN t <= big_list THEN 1
        ELSE (ARRAY[0, 2, 3])[least(3, (t - big_list - 1) * 3 / greatest(1, tasks_per_user - big_list)) + 1]
    END
$$;

INSERT INTO tasks (id, user_id, list_id, parent_id, position, title, description, completed, priority,
                   due_at, created_at, updated_at)
SELECT md5('task' || u || '.' || t)::uuid,
       md5('user' || u)::uuid,
       md5('list' || u || '.' || k)::uuid,
       CASE WHEN parent IS NOT NULL THEN md5('task' || u || '.' || parent)::uuid END,
       pg_temp.position_key(row_number() OVER (PARTITION BY u, k, parent ORDER BY t) - 1),
       'Seeded task ' || t || ' of user ' || u,
       CASE WHEN t % 2 = 0 THEN 'Seeded by just bench-api' END,
       t % 5 = 0,
       (t % 3)::smallint,
       CASE WHEN t % 3 <> 0 THEN now() + t * interval '1 day' END,
       now() - (t * interval '1 minute'),
       now() - (t * interval '1 minute')
FROM generate_series(1, :users) AS u,
     generate_series(1, :tasks_per_user) AS t,
     LATERAL (SELECT pg_temp.list_of(t, :tasks_per_user, :big_list) AS k) AS list,
     LATERAL (SELECT CASE WHEN t % 4 = 0 AND pg_temp.list_of(t - 1, :tasks_per_user, :big_list) = k
                          THEN t - 1 END AS parent) AS tree;

INSERT INTO task_labels (user_id, task_id, label_id)
SELECT md5('user' || u)::uuid,
       md5('task' || u || '.' || t)::uuid,
       md5('label' || u || '.' || ((t + j) % 5 + 1))::uuid
FROM generate_series(1, :users) AS u,
     generate_series(1, :tasks_per_user) AS t,
     generate_series(0, 2) AS j
WHERE j < t % 4;

-- pgbench's stand-in for domain::Position::between in the move scenario
-- (the API computes keys in Rust; pgbench can only ask the server): a key
-- strictly between lower and upper ('' = open) in bytewise order, made like
-- fractional indexing's midpoint but over the whole key and without reading
-- missing digits as '0' (the seeded keys end in '0'). Not the domain's keys
-- (no integer part), but ordered and unique among siblings just the same;
-- it never makes a key that ends in '0', so there is always room.
CREATE OR REPLACE FUNCTION bench_key_between(lower text, upper text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    a text := coalesce(lower, '');
    b text := nullif(upper, '');
    prefix text := '';
    da int;
    db int;
BEGIN
    LOOP
        IF b IS NOT NULL THEN
            WHILE a <> '' AND left(a, 1) = left(b, 1) LOOP
                prefix := prefix || left(a, 1);
                a := substr(a, 2);
                b := substr(b, 2);
            END LOOP;
        END IF;
        IF b = '' THEN
            RAISE EXCEPTION 'bench_key_between: no key between % and %', lower, upper;
        END IF;
        -- A first digit strictly between, never '0' (so never a trailing
        -- '0'), when there is one.
        da := CASE WHEN a = '' THEN -1 ELSE strpos(digits, left(a, 1)) - 1 END;
        db := CASE WHEN b IS NULL THEN 62 ELSE strpos(digits, left(b, 1)) - 1 END;
        IF db - greatest(da, 0) > 1 THEN
            RETURN prefix || substr(digits, round((greatest(da, 0) + db) / 2.0)::int + 1, 1);
        ELSIF a = '' THEN
            -- b starts with '0' or '1': a '0', then below the rest of b
            -- (anything, after a '1').
            prefix := prefix || '0';
            b := CASE WHEN db = 0 THEN substr(b, 2) END;
        ELSE
            -- a's first digit, then anything above the rest of a.
            prefix := prefix || left(a, 1);
            a := substr(a, 2);
            b := NULL;
        END IF;
    END LOOP;
END
$$;

VACUUM ANALYZE lists, labels, tasks, task_labels;
