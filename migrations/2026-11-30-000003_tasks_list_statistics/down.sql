DROP STATISTICS IF EXISTS tasks_user_list_stats;
