-- A publication this migration makes: nothing subscribes to it yet. Adding tables or enabling a
-- subscription stops nothing.
CREATE PUBLICATION audit_changes FOR TABLE audit_log;
ALTER PUBLICATION audit_changes DROP TABLE audit_log;
ALTER PUBLICATION audit_changes SET (publish = 'insert');
DROP PUBLICATION audit_changes;
ALTER PUBLICATION app_changes ADD TABLE invoices;
ALTER SUBSCRIPTION reporting_sub ENABLE;
ALTER SUBSCRIPTION reporting_sub REFRESH PUBLICATION;
SELECT slot_name, active FROM pg_replication_slots;
