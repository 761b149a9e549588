-- path: server/migrations/60_add_columns_cf.up.sql
CREATE FUNCTION now_utc_micro_seconds() RETURNS bigint LANGUAGE sql AS $$ SELECT (extract(epoch from now()) * 1000000)::bigint $$;
CREATE TABLE collection_files (collection_id bigint, file_id bigint, PRIMARY KEY (collection_id, file_id));
-- migration
ALTER TABLE collection_files
    ADD COLUMN IF NOT EXISTS c_owner_id bigint,
    ADD COLUMN IF NOT EXISTS created_at bigint;
-- set the default after adding the column, so existing rows keep created_at NULL
ALTER TABLE collection_files
    ALTER created_at SET DEFAULT now_utc_micro_seconds();
