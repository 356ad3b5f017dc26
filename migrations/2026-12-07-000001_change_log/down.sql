DROP TRIGGER IF EXISTS task_labels_log_change ON task_labels;
DROP TRIGGER IF EXISTS labels_log_change ON labels;
DROP TRIGGER IF EXISTS lists_log_change ON lists;
DROP TRIGGER IF EXISTS tasks_log_change ON tasks;
DROP FUNCTION IF EXISTS log_task_label_change();
DROP FUNCTION IF EXISTS log_entity_change();
DROP FUNCTION IF EXISTS append_change(uuid, text, uuid, text, bigint);
DROP TABLE IF EXISTS changes;
DROP TABLE IF EXISTS change_seqs;
