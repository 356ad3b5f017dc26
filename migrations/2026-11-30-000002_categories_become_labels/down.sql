-- The category comes back as the first of each task's label names; the
-- labels stay (they belong to the previous migration's tables).
ALTER TABLE tasks ADD COLUMN category text CHECK (char_length(category) BETWEEN 1 AND 50);
UPDATE tasks
   SET category = (SELECT min(labels.name COLLATE "C")
                     FROM task_labels
                     JOIN labels ON labels.user_id = task_labels.user_id AND labels.id = task_labels.label_id
                    WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id);
