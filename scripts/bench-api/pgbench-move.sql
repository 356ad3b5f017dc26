-- `just bench-api`: pgbench's side of the move scenario,
-- POST /api/{user}/tasks/{id}/move with {"before": id} or {"after": id}: a
-- top-level task of the user's list "Work" placed before or after another
-- one of them. One transaction; the statements todo-api sends in it
-- (captured with log_min_duration_statement = 0; run.sh checks them), in
-- order: read where the task is, lock that list, lock the task, the
-- anchor's key, the neighbouring key on the anchor's other side (max below
-- it for before, min above it for after), write the new place, read the
-- task back:
-- api: SELECT "tasks"."list_id", "tasks"."parent_id", "tasks"."version", "tasks"."completed", ("tasks"."recurrence" IS NOT NULL) FROM "tasks" WHERE (("tasks"."user_id" = $1) AND ("tasks"."id" = $2))
-- api: SELECT "lists"."id" FROM "lists" WHERE (("lists"."user_id" = $1) AND ("lists"."id" = $2)) FOR NO KEY UPDATE
-- api: SELECT "tasks"."list_id", "tasks"."parent_id", "tasks"."version", "tasks"."completed", ("tasks"."recurrence" IS NOT NULL) FROM "tasks" WHERE (("tasks"."user_id" = $1) AND ("tasks"."id" = $2)) FOR NO KEY UPDATE
-- api: SELECT "tasks"."position" FROM "tasks" WHERE ((((("tasks"."user_id" = $1) AND ("tasks"."list_id" = $2)) AND ("tasks"."parent_id" IS NULL)) AND ("tasks"."id" != $3)) AND ("tasks"."id" = $4))
-- api: SELECT max("tasks"."position") FROM "tasks" WHERE ((((("tasks"."user_id" = $1) AND ("tasks"."list_id" = $2)) AND ("tasks"."parent_id" IS NULL)) AND ("tasks"."id" != $3)) AND ("tasks"."position" < $4))
-- api: SELECT min("tasks"."position") FROM "tasks" WHERE ((((("tasks"."user_id" = $1) AND ("tasks"."list_id" = $2)) AND ("tasks"."parent_id" IS NULL)) AND ("tasks"."id" != $3)) AND ("tasks"."position" > $4))
-- api: UPDATE "tasks" SET "list_id" = $1, "parent_id" = $2, "position" = $3, "version" = ("tasks"."version" + $4) WHERE (("tasks"."user_id" = $5) AND ("tasks"."id" = $6))
-- api: SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE (("tasks"."id" = $1) AND ("tasks"."user_id" = $2)) LIMIT $3
-- The same texts below, except: the uuids, which pgbench cannot hold (the
-- user's is md5('user' || :u)::uuid, the task's and the anchor's
-- md5('task' || :u || '.' || :t)::uuid with seed.sql's numbering of the
-- list's top-level tasks, t = 4·(i / 3) + i % 3 + 1); the list is read back
-- (\gset) as the API does; parent_id is the literal NULL (a top-level task;
-- pgbench variables cannot be NULL); and the new key, which the API computes
-- in Rust (domain::Position::between), is computed here by seed.sql's
-- bench_key_between from the two keys read (\gset; a missing key reads as
-- ''). The API also rebalances the siblings' keys when one grows long; these
-- moves never make one that long within a run. run.sh passes -D users=…
-- big_list=… and -M prepared.
\set u random(1, :users)
\set top :big_list - :big_list / 4
\set i random(0, :top - 1)
\set j (:i + random(1, :top - 1)) % :top
\set t 4 * (:i / 3) + :i % 3 + 1
\set a 4 * (:j / 3) + :j % 3 + 1
\set after random(0, 1)
\set one 1
BEGIN;
SELECT "tasks"."list_id", "tasks"."parent_id", "tasks"."version", "tasks"."completed", ("tasks"."recurrence" IS NOT NULL) AS recurring FROM "tasks" WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."id" = md5('task' || :u || '.' || :t)::uuid)) \gset task_
SELECT "lists"."id" FROM "lists" WHERE (("lists"."user_id" = md5('user' || :u)::uuid) AND ("lists"."id" = :task_list_id)) FOR NO KEY UPDATE;
SELECT "tasks"."list_id", "tasks"."parent_id", "tasks"."version", "tasks"."completed", ("tasks"."recurrence" IS NOT NULL) FROM "tasks" WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."id" = md5('task' || :u || '.' || :t)::uuid)) FOR NO KEY UPDATE;
SELECT "tasks"."position" FROM "tasks" WHERE ((((("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."list_id" = :task_list_id)) AND ("tasks"."parent_id" IS NULL)) AND ("tasks"."id" != md5('task' || :u || '.' || :t)::uuid)) AND ("tasks"."id" = md5('task' || :u || '.' || :a)::uuid)) \gset anchor_
\if :after
SELECT min("tasks"."position") FROM "tasks" WHERE ((((("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."list_id" = :task_list_id)) AND ("tasks"."parent_id" IS NULL)) AND ("tasks"."id" != md5('task' || :u || '.' || :t)::uuid)) AND ("tasks"."position" > :anchor_position)) \gset key_
UPDATE "tasks" SET "list_id" = :task_list_id, "parent_id" = NULL, "position" = bench_key_between(:anchor_position, :key_min), "version" = ("tasks"."version" + :one) WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."id" = md5('task' || :u || '.' || :t)::uuid));
\else
SELECT max("tasks"."position") FROM "tasks" WHERE ((((("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."list_id" = :task_list_id)) AND ("tasks"."parent_id" IS NULL)) AND ("tasks"."id" != md5('task' || :u || '.' || :t)::uuid)) AND ("tasks"."position" < :anchor_position)) \gset key_
UPDATE "tasks" SET "list_id" = :task_list_id, "parent_id" = NULL, "position" = bench_key_between(:key_max, :anchor_position), "version" = ("tasks"."version" + :one) WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."id" = md5('task' || :u || '.' || :t)::uuid));
\endif
SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE (("tasks"."id" = md5('task' || :u || '.' || :t)::uuid) AND ("tasks"."user_id" = md5('user' || :u)::uuid)) LIMIT :one;
COMMIT;
