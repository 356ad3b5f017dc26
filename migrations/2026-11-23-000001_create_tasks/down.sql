DROP TRIGGER IF EXISTS tasks_touch_updated_at ON tasks;
DROP FUNCTION IF EXISTS tasks_touch_updated_at();
DROP TABLE IF EXISTS tasks;
