-- pgfence-test: schema=vault.schema path=migrations/2021-04-30-233251_add_reprompt/up.sql
-- The same shapes with a WHERE an index serves (the primary key, an index of
-- organization_uuid, a ctid batch): not read as whole-table scans. organization_uuid is a foreign
-- key, so a constant there picks one organization's rows, not a share of the table a type code
-- would pick (pinned_column_no_key).
ALTER TABLE users ADD COLUMN reprompt_default integer;
UPDATE ciphers SET favorite = true WHERE uuid IN ('a', 'b');
INSERT INTO users (uuid, email, name) SELECT uuid, uuid, 'org' FROM ciphers WHERE organization_uuid = 'o1' OR uuid = 'x';
DELETE FROM ciphers WHERE ctid = ANY (ARRAY(SELECT ctid FROM ciphers WHERE user_uuid IS NULL LIMIT 1000));
UPDATE ciphers c SET data = u.name FROM users u WHERE u.uuid = c.user_uuid AND c.organization_uuid = 'o2';
