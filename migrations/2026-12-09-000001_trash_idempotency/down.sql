DROP TABLE IF EXISTS idempotency_keys;
DROP TRIGGER IF EXISTS trash_log_change ON trash;
DROP FUNCTION IF EXISTS log_trash_change();
DROP TABLE IF EXISTS trash;
DELETE FROM changes WHERE entity = 'trash';
ALTER TABLE changes DROP CONSTRAINT IF EXISTS changes_entity_check;
ALTER TABLE changes ADD CONSTRAINT changes_entity_check
    CHECK (entity IN ('task', 'list', 'label', 'preferences', 'completion'));
