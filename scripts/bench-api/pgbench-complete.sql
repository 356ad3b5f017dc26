-- `just bench-api`: pgbench's side of the complete scenario,
-- PATCH /api/{user}/tasks/{id}/complete with {"completed": true|false}.
-- The statement todo-api sends (captured with log_min_duration_statement = 0;
-- run.sh checks it):
-- api: UPDATE "tasks" SET "completed" = $1, "version" = ("tasks"."version" + $2) WHERE (("tasks"."id" = $3) AND ("tasks"."user_id" = $4)) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."category", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version"
-- The same text below, except for the uuids, which pgbench cannot hold: $3,
-- the task's, is md5('task' || :u || '.' || :t)::uuid and $4, the user's,
-- md5('user' || :u)::uuid (seed.sql's ids). run.sh passes -D users=…
-- tasks_per_user=… and -M prepared.
\set u random(1, :users)
\set t random(1, :tasks_per_user)
\set completed random(0, 1)
\set one 1
UPDATE "tasks" SET "completed" = :completed, "version" = ("tasks"."version" + :one) WHERE (("tasks"."id" = md5('task' || :u || '.' || :t)::uuid) AND ("tasks"."user_id" = md5('user' || :u)::uuid)) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."category", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version";
