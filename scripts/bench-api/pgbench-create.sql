-- `just bench-api`: pgbench's side of the create scenario, POST /api/{user}/tasks
-- with every field set (wrk.lua's body). The statement todo-api sends
-- (captured with log_min_duration_statement = 0; run.sh checks it):
-- api: INSERT INTO "tasks" ("id", "user_id", "title", "description", "completed", "priority", "category", "due_at") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."category", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version"
-- The same text below, except for the two uuids, which pgbench cannot hold:
-- $1, the new task's id (a UUIDv7 made by the API), is md5('new' || :r)::uuid
-- (random, not time-ordered), and $2, the user's, is md5('user' || :u)::uuid.
-- run.sh passes -D users=… title=… description=… category=… due_at=…
-- (wrk.lua's values) and -M prepared.
\set u random(1, :users)
\set r random(1, 1000000000000000)
\set completed false
\set priority 2
INSERT INTO "tasks" ("id", "user_id", "title", "description", "completed", "priority", "category", "due_at") VALUES (md5('new' || :r)::uuid, md5('user' || :u)::uuid, :title, :description, :completed, :priority, :category, :due_at) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."category", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version";
