-- The table the migration made, named as it was made: its own, whatever the schema.
CREATE TABLE staging.import_tmp (id bigint);
DROP TABLE staging.import_tmp;
SET search_path = staging, public;
CREATE TABLE scratch (id bigint);
DROP TABLE scratch;
DO $$ BEGIN CREATE TABLE work_tmp (id int); DROP TABLE work_tmp; END $$;
DO $$ BEGIN IF true THEN CREATE TABLE branch_tmp (id int); DROP TABLE branch_tmp; END IF; END $$;
