-- Every task read counts the task's direct subtasks with a correlated
-- subquery on (user_id, list_id, parent_id) (adapters-postgres, rows.rs). A
-- list belongs to one user, so list_id determines user_id; without being
-- told, the planner multiplies the two selectivities, expects about one row
-- for (user_id, list_id), and may probe the list's whole position index
-- (tasks_user_list_position_idx) once per row returned instead of the
-- sibling index that also covers parent_id: about 50 × the list's size index
-- entries for one page (`just bench-api`, list_in_list). These statistics
-- tell it how user_id and list_id relate, so the sibling index wins.
CREATE STATISTICS tasks_user_list_stats (ndistinct, dependencies) ON user_id, list_id FROM tasks;
ANALYZE tasks;
