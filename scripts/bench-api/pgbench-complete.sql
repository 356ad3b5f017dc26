-- `just bench-api`: pgbench's side of the complete scenario,
-- PATCH /api/{user}/tasks/{id}/complete with {"completed": true|false}
-- on any of the user's tasks. What todo-api sends (captured with
-- log_min_duration_statement = 0; run.sh checks these statements):
-- {"completed": false} is one statement,
-- api: UPDATE "tasks" SET "completed" = $1, "version" = ("tasks"."version" + $2) WHERE ((("tasks"."id" = $3) AND ("tasks"."user_id" = $4)) AND ("tasks"."recurrence" IS NULL)) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id)
-- {"completed": true} one transaction, since it completes the task's open
-- subtasks too: lock the task, complete it, complete its open descendants,
-- read it back with its labels and subtask counts:
-- api: SELECT "tasks"."list_id", "tasks"."parent_id", "tasks"."version", "tasks"."completed", ("tasks"."recurrence" IS NOT NULL) FROM "tasks" WHERE (("tasks"."user_id" = $1) AND ("tasks"."id" = $2)) FOR NO KEY UPDATE
-- api: UPDATE "tasks" SET "completed" = $1, "version" = ("tasks"."version" + $2) WHERE (("tasks"."user_id" = $3) AND ("tasks"."id" = $4))
-- api: WITH RECURSIVE down (id) AS ( SELECT id FROM tasks WHERE user_id = $1 AND list_id = $2 AND parent_id = $3 UNION ALL SELECT tasks.id FROM tasks JOIN down ON tasks.user_id = $1 AND tasks.list_id = $2 AND tasks.parent_id = down.id) UPDATE tasks SET completed = true, version = version + 1 WHERE user_id = $1 AND id IN (SELECT id FROM down) AND NOT completed
-- api: SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE (("tasks"."id" = $1) AND ("tasks"."user_id" = $2)) LIMIT $3
-- The same texts below, except for the uuids, which pgbench cannot hold: the
-- task's is md5('task' || :u || '.' || :t)::uuid and the user's
-- md5('user' || :u)::uuid (seed.sql's ids); the task's list is read back
-- (\gset) as the API does. run.sh passes -D users=… tasks_per_user=… and
-- -M prepared.
\set u random(1, :users)
\set t random(1, :tasks_per_user)
\set completed random(0, 1)
\set one 1
\if :completed
BEGIN;
SELECT "tasks"."list_id", "tasks"."parent_id", "tasks"."version", "tasks"."completed", ("tasks"."recurrence" IS NOT NULL) AS recurring FROM "tasks" WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."id" = md5('task' || :u || '.' || :t)::uuid)) FOR NO KEY UPDATE \gset task_
UPDATE "tasks" SET "completed" = :completed, "version" = ("tasks"."version" + :one) WHERE (("tasks"."user_id" = md5('user' || :u)::uuid) AND ("tasks"."id" = md5('task' || :u || '.' || :t)::uuid));
WITH RECURSIVE down (id) AS ( SELECT id FROM tasks WHERE user_id = md5('user' || :u)::uuid AND list_id = :task_list_id AND parent_id = md5('task' || :u || '.' || :t)::uuid UNION ALL SELECT tasks.id FROM tasks JOIN down ON tasks.user_id = md5('user' || :u)::uuid AND tasks.list_id = :task_list_id AND tasks.parent_id = down.id) UPDATE tasks SET completed = true, version = version + 1 WHERE user_id = md5('user' || :u)::uuid AND id IN (SELECT id FROM down) AND NOT completed;
SELECT "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id) FROM "tasks" WHERE (("tasks"."id" = md5('task' || :u || '.' || :t)::uuid) AND ("tasks"."user_id" = md5('user' || :u)::uuid)) LIMIT :one;
COMMIT;
\else
UPDATE "tasks" SET "completed" = :completed, "version" = ("tasks"."version" + :one) WHERE ((("tasks"."id" = md5('task' || :u || '.' || :t)::uuid) AND ("tasks"."user_id" = md5('user' || :u)::uuid)) AND ("tasks"."recurrence" IS NULL)) RETURNING "tasks"."id", "tasks"."user_id", "tasks"."title", "tasks"."description", "tasks"."completed", "tasks"."priority", "tasks"."due_at", "tasks"."created_at", "tasks"."updated_at", "tasks"."version", "tasks"."list_id", "tasks"."parent_id", "tasks"."position", "tasks"."due_all_day", "tasks"."recurrence", "tasks"."recurrence_basis", "tasks"."next_due_at", ARRAY(SELECT task_labels.label_id FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id ORDER BY task_labels.label_id), (SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id AND sub.parent_id = tasks.id);
\endif
