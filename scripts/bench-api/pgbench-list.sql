-- `just bench-api`: pgbench's side of the list scenario,
-- GET /api/{user}/tasks?limit=50: 50 of the user's 100 tasks, newest first,
-- each with its labels and subtask counts. The statement todo-api sends
-- (captured with log_min_duration_statement = 0; run.sh checks that the API
-- still sends exactly this):
-- api: SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE ("tasks"."user_id" = $1) ORDER BY "tasks"."created_at" DESC, "tasks"."id" DESC LIMIT $2
-- The same text below, except that $1, the user's uuid, is written
-- md5('user' || :u)::uuid (seed.sql's ids: pgbench's variables are numbers).
-- $2 is 51, a page of 50 plus the row that tells whether there is more.
-- run.sh passes -D users=… and -M prepared.
\set u random(1, :users)
\set limit 51
SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE ("tasks"."user_id" = md5('user' || :u)::uuid) ORDER BY "tasks"."created_at" DESC, "tasks"."id" DESC LIMIT :limit;
