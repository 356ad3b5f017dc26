-- `just bench-api`: pgbench's side of the list_in_list scenario,
-- GET /api/{user}/tasks?list_id={list}&limit=50: 50 of the 60 tasks of the
-- user's list "Work" in manual order (position), each with its labels and
-- subtask counts. The statement todo-api sends (captured with
-- log_min_duration_statement = 0; run.sh checks it):
-- api: SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE (("tasks"."user_id" = $1) AND ("tasks"."list_id" = $2)) ORDER BY "tasks"."position" ASC, "tasks"."id" ASC LIMIT $3
-- The same text below, except for the uuids, which pgbench cannot hold:
-- $1, the user's, is md5('user' || :u)::uuid and $2, the list's,
-- md5('list' || :u || '.1')::uuid (seed.sql's ids). $3 is 51, a page of 50
-- plus the row that tells whether there is more. run.sh passes -D users=…
-- and -M prepared.
\set u random(1, :users)
\set limit 51
SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."list_id" = md5('list' || :u || '.1')::uuid)) ORDER BY "tasks"."position" ASC, "tasks"."id" ASC LIMIT :limit;
