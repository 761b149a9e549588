-- pgfence-test: schema=swap.schema path=migrations/V0004.Notes.up.sql
-- A copy-and-swap whose copy runs under SET ROLE: a role that does not own the aside table reads
-- it through its row-level security, and the rows the policy hides from that role are not
-- copied before the drop deletes them (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE notes RENAME TO _bkp_notes;
CREATE TABLE notes (id bigint PRIMARY KEY, owner text, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON notes USING (owner = current_user);
GRANT SELECT ON notes TO PUBLIC;
SET ROLE app;
INSERT INTO notes (id, owner, body) SELECT id, owner, body FROM _bkp_notes;
RESET ROLE;
DROP TABLE _bkp_notes;
COMMIT;
