-- The free-text category gives way to labels (issue 9): each user's distinct
-- categories become labels of the same name, attached to the same tasks,
-- and the column goes. Label names are unique per user ignoring case, so
-- categories that differ only in case ("Work", "work") become one label,
-- named by the first of them in byte order.
INSERT INTO labels (id, user_id, name)
SELECT gen_random_uuid(), user_id, min(category COLLATE "C")
  FROM tasks
 WHERE category IS NOT NULL
 GROUP BY user_id, lower(category);

INSERT INTO task_labels (user_id, task_id, label_id)
SELECT tasks.user_id, tasks.id, labels.id
  FROM tasks
  JOIN labels ON labels.user_id = tasks.user_id AND lower(labels.name) = lower(tasks.category)
 WHERE tasks.category IS NOT NULL;

-- Its CHECK goes with it; it had no index.
ALTER TABLE tasks DROP COLUMN category;
