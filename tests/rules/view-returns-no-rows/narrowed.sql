-- pgfence-test: schema=views.schema
-- Views of earlier migrations given queries that may return fewer rows: the condition is not judged.
CREATE OR REPLACE VIEW v_cast AS SELECT id FROM things WHERE 'f'::bool;
CREATE OR REPLACE VIEW v_things AS SELECT * FROM things WHERE id IS NULL;
CREATE OR REPLACE VIEW v_live AS SELECT id, name FROM things WHERE deleted_at IS NULL AND name <> '';
CREATE OR REPLACE VIEW v_join AS SELECT things.id FROM things JOIN owners ON owners.thing_id = things.id;
CREATE OR REPLACE VIEW v_limit AS SELECT id FROM things ORDER BY id LIMIT 10;
CREATE OR REPLACE VIEW v_unnest AS SELECT id, unnest(tags) AS tag FROM things;
CREATE OR REPLACE VIEW v_union AS SELECT id FROM things UNION ALL SELECT id FROM owners WHERE id < 0;
