-- pgfence-test: schema=slots.schema
-- The migration only replaces the function: its DELETE runs later, at the existing trigger,
-- inside the application's own transactions, not in the migration's (hatchet
-- cleanup_workflow_concurrency_slots, supabase/storage delete_leaf_prefixes). No row stays
-- locked until the migration commits.
SET lock_timeout = '2s';
CREATE OR REPLACE FUNCTION cleanup_slots(wid bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM slots WHERE workflow_id = wid AND done;
END $$;
