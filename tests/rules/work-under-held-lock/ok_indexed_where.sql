-- pgfence-test: schema=vault.schema path=migrations/2021-04-30-233251_add_reprompt/up.sql
-- The same shapes with a WHERE an index serves (the primary key, an index of
-- organization_uuid beside the key, a ctid batch): not read as whole-table scans. (The foreign key
-- organization_uuid alone is no key: pinned_foreign_key_under_lock.)
ALTER TABLE users ADD COLUMN reprompt_default integer;
UPDATE ciphers SET favorite = true WHERE uuid IN ('a', 'b');
INSERT INTO users (uuid, email, name) SELECT uuid, uuid, 'org' FROM ciphers WHERE organization_uuid = 'o1' OR uuid = 'x';
DELETE FROM ciphers WHERE ctid = ANY (ARRAY(SELECT ctid FROM ciphers WHERE user_uuid IS NULL LIMIT 1000));
