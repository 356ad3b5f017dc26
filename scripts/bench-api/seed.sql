-- `just bench-api`: (re)seeds the benchmark database before each scenario, so
-- that every scenario starts from the same rows. psql variables: users,
-- tasks_per_user.
--
-- Ids are deterministic so that pgbench, whose variables are integers, can
-- name the same rows: user u is md5('user' || u)::uuid and its task t is
-- md5('task' || u || '.' || t)::uuid (random-looking, like Better Auth's v4
-- user ids). The driver still reads the task ids back from the table.
\set ON_ERROR_STOP on

TRUNCATE tasks;

-- The stand-in "user" table has only an id (see crates/test-support).
INSERT INTO "user" (id)
SELECT md5('user' || u)::uuid FROM generate_series(1, :users) AS u
ON CONFLICT DO NOTHING;

INSERT INTO tasks (id, user_id, title, description, completed, priority, category, due_at,
                   created_at, updated_at)
SELECT md5('task' || u || '.' || t)::uuid,
       md5('user' || u)::uuid,
       'Seeded task ' || t || ' of user ' || u,
       CASE WHEN t % 2 = 0 THEN 'Seeded by just bench-api' END,
       t % 5 = 0,
       (t % 3)::smallint,
       CASE WHEN t % 4 <> 0 THEN 'category ' || (t % 4) END,
       CASE WHEN t % 3 <> 0 THEN now() + t * interval '1 day' END,
       now() - (t * interval '1 minute'),
       now() - (t * interval '1 minute')
FROM generate_series(1, :users) AS u, generate_series(1, :tasks_per_user) AS t;

VACUUM ANALYZE tasks;
