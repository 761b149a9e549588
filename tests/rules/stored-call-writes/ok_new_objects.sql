-- pgfence-test: schema=shop.schema
-- The same calls stored into objects this migration makes (judged where a statement uses them), a
-- function that only reads behind an existing view, and a trigger on an existing table whose
-- function keeps another table in step (the create-trigger rule's).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE TABLE drafts (id bigint PRIMARY KEY, n int DEFAULT wipe(), CHECK (wipe() = 1));
CREATE VIEW v_drafts AS SELECT d.*, wipe() AS w FROM drafts d;
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders $$;
CREATE OR REPLACE VIEW v_things AS SELECT t.*, order_count() AS n FROM things t;
CREATE TABLE audit (at timestamptz, what text);
CREATE FUNCTION log_user() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (now(), NEW.email); RETURN NEW; END $$;
CREATE TRIGGER users_log AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION log_user();
