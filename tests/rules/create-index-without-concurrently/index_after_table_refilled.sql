-- The required column proves accounts empty, but the INSERT ... SELECT fills it again in the
-- same transaction: the index build then reads every copied row under the held lock.
BEGIN;
ALTER TABLE accounts ADD COLUMN region text NOT NULL;
INSERT INTO accounts (id, region) SELECT id, 'eu' FROM legacy_accounts;
CREATE INDEX accounts_region_idx ON accounts (region);
COMMIT;
