-- pgfence-test: path=db/migration/V10.0_2026.01.07__create_table_items_for_update.sql
-- As ok_if_not_exists_after_unknown_drop_constraint, but the dynamic SQL pgfence does not follow
-- may make tables (it EXECUTEs a CREATE, or calls a procedure): CREATE TABLE IF NOT EXISTS may
-- then do nothing, and the index is built on a table that may hold rows (red team F1 E_PROC).
DO $$
BEGIN
    EXECUTE 'CREATE TABLE ' || quote_ident(current_setting('app.queue_table')) || ' (uuid uuid PRIMARY KEY, date_queued timestamp)';
END
$$;
CREATE TABLE IF NOT EXISTS itemupdate_metadata_enhancement (
    uuid uuid NOT NULL PRIMARY KEY,
    date_queued timestamp NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_date_queued ON itemupdate_metadata_enhancement (date_queued);
CALL make_report_tables();
CREATE TABLE IF NOT EXISTS report_rows (id bigint PRIMARY KEY, day date);
CREATE INDEX report_rows_day_idx ON report_rows (day);
