-- set_config is SET by another spelling: the session's setting, or the transaction's with is_local.
SELECT set_config('session_replication_role', 'replica', false);
DELETE FROM users WHERE id = 1;
SELECT set_config('session_replication_role', NULL, false);
BEGIN;
SELECT pg_catalog.set_config(setting_name => 'Session_Replication_Role', new_value => 'replica'::text, is_local => true);
UPDATE orders SET user_id = 2 WHERE id = 7;
COMMIT;
INSERT INTO orders (id, user_id) VALUES (8, 1);
