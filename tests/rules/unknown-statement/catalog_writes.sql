-- Writes into a system catalog change what PostgreSQL does (a function's body, a constraint, a
-- trigger, row security, NOT NULL) with no statement pgfence models (red team F1: J_CATPROC,
-- J_CATCON, J_CATTRIG, J_CATRLS, J_ATTNOTNULL).
UPDATE pg_proc SET prosrc = 'SELECT false' WHERE proname = 'can_see';
DELETE FROM pg_catalog.pg_constraint WHERE conname = 'orders_user_id_fkey';
UPDATE pg_trigger SET tgenabled = 'D' WHERE tgname = 'users_audit';
UPDATE pg_class SET relrowsecurity = false WHERE relname = 'users';
UPDATE pg_attribute SET attnotnull = false WHERE attrelid = 'users'::regclass AND attname = 'email';
INSERT INTO pg_catalog.pg_authid (rolname, rolsuper) VALUES ('x', true);
WITH d AS (DELETE FROM pg_depend WHERE objid = 1 RETURNING 1) SELECT count(*) FROM d;
DO $$ BEGIN UPDATE pg_catalog.pg_proc SET prosrc = 'SELECT 1' WHERE proname = 'f'; END $$;
