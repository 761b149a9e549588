-- pgfence-test: schema=shop.schema
SET lock_timeout = '2s';
SET statement_timeout = '30s';
-- The application's next read of v_things empties orders.
CREATE OR REPLACE VIEW v_things AS SELECT t.*, wipe() AS w FROM things t;
-- Its next INSERT into users that leaves name out, and every INSERT or UPDATE (the CHECK, NOT VALID or not).
ALTER TABLE users ALTER COLUMN name SET DEFAULT wipe()::text;
ALTER TABLE users ADD CONSTRAINT users_ok CHECK (wipe() = 1) NOT VALID;
-- A column of the domain given no value; a policy's condition; a trigger's WHEN.
ALTER DOMAIN posint SET DEFAULT wipe();
ALTER POLICY users_all ON users USING (wipe() = 1);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER users_when BEFORE INSERT ON users FOR EACH ROW WHEN (wipe() = 1) EXECUTE FUNCTION noop();
-- A SQL-language body that writes, behind a view made again under its old name.
CREATE FUNCTION wipe_sql() RETURNS int LANGUAGE sql AS $$ DELETE FROM orders; SELECT 1 $$;
DROP VIEW v_things;
CREATE VIEW v_things AS SELECT t.*, (SELECT wipe_sql()) AS w FROM things t;
-- A function an existing view already calls, given a body that writes.
CREATE OR REPLACE FUNCTION label() RETURNS text LANGUAGE sql AS $$ INSERT INTO orders (user_id, total) SELECT id, 0 FROM users; SELECT 'x' $$;
