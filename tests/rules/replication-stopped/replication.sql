-- Publications and subscriptions earlier migrations (or the operators) made: their consumers stop
-- receiving changes.
DROP PUBLICATION app_changes;
ALTER PUBLICATION app_changes DROP TABLE payments;
ALTER PUBLICATION app_changes SET TABLE users;
ALTER PUBLICATION app_changes SET (publish = 'insert');
ALTER PUBLICATION app_changes RENAME TO app_changes_v2;
DROP SUBSCRIPTION reporting_sub;
ALTER SUBSCRIPTION reporting_sub DISABLE;
ALTER SUBSCRIPTION reporting_sub SET PUBLICATION other_changes;
ALTER SUBSCRIPTION reporting_sub DROP PUBLICATION app_changes;
ALTER SUBSCRIPTION reporting_sub SKIP (lsn = '0/14C0378');
-- Server functions on slots and origins, wherever they are called.
SELECT pg_drop_replication_slot('debezium');
SELECT slot_name, pg_replication_slot_advance(slot_name, pg_current_wal_lsn()) FROM pg_replication_slots;
SELECT count(*) FROM pg_logical_slot_get_changes('debezium', NULL, NULL);
DO $$
BEGIN
  PERFORM pg_replication_origin_drop('pg_16390');
END;
$$;
