-- Inside one transaction a failure rolls everything back: the rerun starts clean.
BEGIN;
CREATE TABLE invoices (id bigint PRIMARY KEY);
CREATE INDEX invoices_id_idx ON invoices (id);
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users DROP COLUMN legacy_name;
DROP TABLE old_users;
COMMIT;
