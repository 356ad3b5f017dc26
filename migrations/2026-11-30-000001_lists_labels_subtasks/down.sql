DROP TABLE IF EXISTS task_labels;
DROP TRIGGER IF EXISTS tasks_bump_version_on_list_change ON tasks;
DROP FUNCTION IF EXISTS tasks_bump_version_on_list_change();
DROP INDEX IF EXISTS tasks_user_list_position_idx;
ALTER TABLE tasks
    DROP CONSTRAINT IF EXISTS tasks_sibling_position_key,
    DROP CONSTRAINT IF EXISTS tasks_not_own_parent,
    DROP CONSTRAINT IF EXISTS tasks_parent_fkey,
    DROP CONSTRAINT IF EXISTS tasks_list_fkey,
    DROP CONSTRAINT IF EXISTS tasks_user_list_id_key,
    DROP CONSTRAINT IF EXISTS tasks_pkey,
    ADD PRIMARY KEY (id),
    DROP COLUMN IF EXISTS position,
    DROP COLUMN IF EXISTS parent_id,
    DROP COLUMN IF EXISTS list_id;
DROP TABLE IF EXISTS labels;
DROP TABLE IF EXISTS lists;
DROP DOMAIN IF EXISTS palette_color;
