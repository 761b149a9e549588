-- pgfence-test: path=db/migration/V10.0_2026.01.07__create_table_items_for_update.sql
-- DSpace's V9.0 DO block (dynamic SQL pgfence does not follow: an unknown), then V10.0's table: the
-- block only EXECUTEs an ALTER TABLE ... DROP CONSTRAINT of a computed name, which makes no
-- relation, so CREATE TABLE IF NOT EXISTS makes itemupdate_metadata_enhancement, new and empty:
-- its index blocks nobody (a DBA's review of DSpace).
DO $$
BEGIN
    EXECUTE 'ALTER TABLE registrationdata DROP CONSTRAINT IF EXISTS ' ||
        QUOTE_IDENT((SELECT constraint_name FROM information_schema.key_column_usage
                     WHERE table_name = 'registrationdata' AND column_name = 'email'));
END
$$;
CREATE TABLE IF NOT EXISTS itemupdate_metadata_enhancement (
    uuid uuid NOT NULL PRIMARY KEY,
    date_queued timestamp NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_date_queued ON itemupdate_metadata_enhancement (date_queued);
