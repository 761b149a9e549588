-- Triggers, rules, policies.

-- case: create_trigger
CREATE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop_trigger();

-- case: create_trigger_statement_level
CREATE TRIGGER orders_noop AFTER DELETE ON orders FOR EACH STATEMENT EXECUTE FUNCTION noop_trigger();

-- case: create_or_replace_trigger_existing
CREATE OR REPLACE TRIGGER orders_touch BEFORE UPDATE OR INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch_audit();

-- case: create_or_replace_trigger_new
CREATE OR REPLACE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop_trigger();

-- case: create_trigger_partitioned
CREATE TRIGGER events_noop BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION noop_trigger();

-- case: create_trigger_on_view
CREATE TRIGGER active_users_insert INSTEAD OF INSERT ON active_users FOR EACH ROW EXECUTE FUNCTION noop_trigger();

-- case: create_constraint_trigger
CREATE CONSTRAINT TRIGGER orders_check AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION noop_trigger();

-- case: create_constraint_trigger_from
CREATE CONSTRAINT TRIGGER orders_check AFTER INSERT ON orders FROM users FOR EACH ROW EXECUTE FUNCTION noop_trigger();

-- case: drop_trigger
DROP TRIGGER orders_touch ON orders;

-- case: drop_trigger_if_exists
DROP TRIGGER IF EXISTS orders_touch ON orders;

-- case: rename_trigger
ALTER TRIGGER orders_touch ON orders RENAME TO orders_touch_note;

-- case: create_rule
CREATE RULE settings_keep AS ON DELETE TO settings DO INSTEAD NOTHING;

-- case: create_rule_writing_other_table
CREATE RULE orders_log AS ON INSERT TO orders DO ALSO INSERT INTO audit_log (table_name, action) VALUES ('orders', 'insert');

-- case: create_or_replace_rule
CREATE RULE settings_keep AS ON DELETE TO settings DO INSTEAD NOTHING;
CREATE OR REPLACE RULE settings_keep AS ON UPDATE TO settings DO INSTEAD NOTHING;

-- case: drop_rule
CREATE RULE settings_keep AS ON DELETE TO settings DO INSTEAD NOTHING;
DROP RULE settings_keep ON settings;

-- case: rename_rule
CREATE RULE settings_keep AS ON DELETE TO settings DO INSTEAD NOTHING;
ALTER RULE settings_keep ON settings RENAME TO settings_never_delete;

-- case: create_policy
CREATE POLICY users_self ON users USING (id = current_setting('app.user_id')::bigint);

-- case: create_policy_with_subquery
CREATE POLICY users_with_orders ON users USING (id IN (SELECT user_id FROM orders));

-- case: create_policy_for_insert
CREATE POLICY orders_insert ON orders FOR INSERT TO reporting WITH CHECK (amount > 0);

-- case: alter_policy
CREATE POLICY users_self ON users USING (id = current_setting('app.user_id')::bigint);
ALTER POLICY users_self ON users USING (true);

-- case: alter_policy_with_subquery
CREATE POLICY users_self ON users USING (true);
ALTER POLICY users_self ON users USING (id IN (SELECT user_id FROM orders));

-- case: drop_policy
CREATE POLICY users_self ON users USING (true);
DROP POLICY users_self ON users;

-- case: rename_policy
CREATE POLICY users_self ON users USING (true);
ALTER POLICY users_self ON users RENAME TO users_own_rows;
