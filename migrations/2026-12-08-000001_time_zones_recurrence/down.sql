DROP TRIGGER IF EXISTS task_completions_log_change ON task_completions;
DROP TRIGGER IF EXISTS preferences_log_change ON preferences;
DROP FUNCTION IF EXISTS log_completion_change();
DROP FUNCTION IF EXISTS log_preferences_change();
DROP TABLE IF EXISTS task_completions;
DROP INDEX IF EXISTS tasks_user_open_due_idx;
DROP TRIGGER IF EXISTS tasks_normalise_all_day ON tasks;
DROP FUNCTION IF EXISTS normalise_all_day_due();
ALTER TABLE tasks
    DROP CONSTRAINT IF EXISTS tasks_all_day_needs_due,
    DROP CONSTRAINT IF EXISTS tasks_recurrence_needs_due,
    DROP COLUMN IF EXISTS next_due_at,
    DROP COLUMN IF EXISTS recurrence_basis,
    DROP COLUMN IF EXISTS recurrence,
    DROP COLUMN IF EXISTS due_all_day;
DROP TABLE IF EXISTS preferences;
