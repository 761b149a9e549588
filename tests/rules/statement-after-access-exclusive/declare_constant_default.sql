-- hatchet v1_0_103.sql: a DECLARE default of a constant does nothing and is no statement of its
-- own; the finding stays at the DO block, whose UPDATE runs under the ADD COLUMN's lock.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE entries ADD COLUMN payload_id uuid;
DO $$
DECLARE
    batch_size INT := 100;
    started timestamptz := now();
BEGIN
    UPDATE entries SET payload_id = gen_random_uuid() WHERE id IN (SELECT id FROM entries WHERE payload_id IS NULL LIMIT batch_size);
END $$;
COMMIT;
