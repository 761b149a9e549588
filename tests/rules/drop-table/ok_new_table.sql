CREATE TABLE import_tmp (id bigint, payload jsonb);
DROP TABLE import_tmp;
DROP VIEW IF EXISTS old_report;
