-- pgfence-test: schema=views.schema
-- Views of earlier migrations given queries that keep every row they returned.
CREATE OR REPLACE VIEW v_things AS SELECT *, 1 AS one FROM things;
CREATE OR REPLACE VIEW v_live AS SELECT id, name, lower(name) AS lname FROM   things WHERE deleted_at IS NULL ORDER BY id;
CREATE OR REPLACE VIEW v_join AS SELECT things.id, o.id AS owner FROM things LEFT JOIN owners o ON o.thing_id = things.id;
CREATE OR REPLACE VIEW v_limit AS SELECT id FROM things ORDER BY id;
CREATE OR REPLACE VIEW v_cast AS SELECT id FROM things WHERE 't'::bool;
CREATE OR REPLACE VIEW v_union AS SELECT id FROM things UNION ALL SELECT id FROM owners;
CREATE OR REPLACE VIEW v_things AS SELECT t.*, 2 AS two FROM things t;
