-- `just bench-api`: pgbench's side of the create scenario, POST /api/{user}/tasks
-- with title, description, priority and due_at (wrk.lua's body; no list, so
-- the task goes to the end of the Inbox). One transaction; the statements
-- todo-api sends in it (captured with log_min_duration_statement = 0;
-- run.sh checks them), in order: lock the Inbox, count its tasks (the
-- 10,000 per list limit), the last key among the top-level tasks, insert:
-- api: SELECT "lists"."id" FROM "lists" WHERE (("lists"."user_id" = $1) AND "lists"."is_inbox") FOR NO KEY UPDATE
-- api: SELECT COUNT(*) FROM "tasks" WHERE (("tasks"."user_id" = $1) AND ("tasks"."list_id" = $2))
-- api: SELECT max("tasks"."position") FROM "tasks" WHERE ((("tasks"."user_id" = $1) AND ("tasks"."list_id" = $2)) AND ("tasks"."parent_id" IS NULL))
-- api: INSERT INTO "tasks" ("id", "user_id", "title", "description", "completed", "priority", "due_at", "due_all_day", "recurrence", "recurrence_basis", "next_due_at", "list_id", "parent_id", "position") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, DEFAULT, $9, DEFAULT, $10, DEFAULT, $11) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id)
-- The same texts below, except for the uuids, which pgbench cannot hold:
-- the user's is md5('user' || :u)::uuid and the new task's id (a UUIDv7
-- made by the API) md5('new' || :r)::uuid (random, not time-ordered); and
-- the new key, which the API computes in Rust (domain::Position), is
-- computed here by seed.sql's bench_key_between from the last key (\gset).
-- The Inbox's id is read back (\gset) as the API does. run.sh passes
-- -D users=… title=… description=… due_at=… (wrk.lua's values) and
-- -M prepared.
\set u random(1, :users)
\set r random(1, 1000000000000000)
\set completed false
\set all_day false
\set priority 2
BEGIN;
SELECT "lists"."id" FROM "lists" WHERE (("lists"."user_id" = md5('user' || :u)::uuid) AND "lists"."is_inbox") FOR NO KEY UPDATE \gset inbox_
SELECT COUNT(*) FROM "tasks" WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."list_id" = :inbox_id));
SELECT max("tasks"."position") FROM "tasks" WHERE ((("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."list_id" = :inbox_id)) AND ("tasks"."parent_id" IS NULL)) \gset key_
INSERT INTO "tasks" ("id", "user_id", "title", "description", "completed", "priority", "due_at", "due_all_day", "recurrence", "recurrence_basis", "next_due_at", "list_id", "parent_id", "position") VALUES (md5('new' || :r)::uuid, md5('user' || :u)::uuid, :title, :description, :completed, :priority, :due_at, :all_day, DEFAULT, 'due', DEFAULT, :inbox_id, DEFAULT, bench_key_between(:key_max, '')) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id);
COMMIT;
