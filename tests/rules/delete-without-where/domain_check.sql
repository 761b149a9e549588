-- A domain whose CHECK calls a function that deletes rows: adding a column of it checks every row
-- (line 6), and each later write of the column calls it again (line 7), on a table pgfence does not know.
SET lock_timeout = '2s';
CREATE FUNCTION purge(v int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN DELETE FROM users; RETURN true; END $$;
CREATE DOMAIN checked AS int CHECK (purge(VALUE));
ALTER TABLE accounts ADD COLUMN score checked;
INSERT INTO accounts (score) VALUES (1);
