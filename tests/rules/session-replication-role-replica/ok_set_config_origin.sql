-- set_config of the default, of another setting, and is_local outside a transaction (it lasts
-- for its own statement only).
SELECT set_config('session_replication_role', 'origin', false);
DELETE FROM users WHERE id = 1;
SELECT set_config('application_name', 'replica', false);
UPDATE orders SET user_id = 2 WHERE id = 7;
SELECT set_config('session_replication_role', 'replica', true);
INSERT INTO orders (id, user_id) VALUES (8, 1);
