-- pgfence-test: schema=shop.schema
-- A foreign key of an existing table would have checked these rows: HIGH, orphans may stay.
SELECT set_config('session_replication_role', 'replica', false);
DELETE FROM users WHERE id = 1;
RESET session_replication_role;
SET session_replication_role = replica;
INSERT INTO orders (id, user_id) VALUES (9, 999999);
RESET session_replication_role;
-- No foreign key involved: MEDIUM (triggers still skipped).
SET session_replication_role = replica;
INSERT INTO audit_log (id, message) VALUES (1, 'x');
