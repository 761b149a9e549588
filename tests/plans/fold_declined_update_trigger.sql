-- path: db/0002_add.sql
CREATE TABLE p (id bigint PRIMARY KEY, touched int NOT NULL DEFAULT 0);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := OLD.touched + 1; RETURN NEW; END $$;
CREATE TRIGGER p_touch BEFORE UPDATE ON p FOR EACH ROW EXECUTE FUNCTION touch();
-- migration
-- The UPDATE fires p_touch on every row; a DEFAULT fires nothing.
ALTER TABLE p ADD COLUMN flag text DEFAULT 'old';
UPDATE p SET flag = 'new';
