-- pgfence-test: schema=keeps.schema path=migrations/V0004.Swap.up.sql
-- Copy-and-swaps whose copy does not carry every row's values into the new table (red team R74
-- F3): orders' total is left out (it takes NULL), documents' body is filled with a constant, and
-- a rule made on the new events before the copy throws every inserted row away. Each is no
-- copy-and-swap: its rename is a plain rename, and dropping the old table is drop-table HIGH.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, total int);
INSERT INTO orders (id) SELECT id FROM _bkp_orders;
DROP TABLE _bkp_orders;
ALTER TABLE documents RENAME TO _bkp_documents;
CREATE TABLE documents (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, body text);
INSERT INTO documents (id, tenant_id, body) SELECT id, tenant_id, 'x' FROM _bkp_documents;
DROP TABLE _bkp_documents;
ALTER TABLE events RENAME TO _bkp_events;
CREATE TABLE events (id bigserial PRIMARY KEY, kind text);
CREATE RULE discard AS ON INSERT TO events DO INSTEAD NOTHING;
INSERT INTO events (id, kind) SELECT id, kind FROM _bkp_events;
DROP RULE discard ON events;
DROP TABLE _bkp_events;
COMMIT;
