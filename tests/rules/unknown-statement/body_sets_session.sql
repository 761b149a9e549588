-- A DO block that sets session_replication_role or search_path for the rest of the session: the
-- statements after it run under a setting pgfence does not carry past the block.
DO $$ BEGIN SET session_replication_role = replica; END $$;
DO $$ BEGIN PERFORM set_config('session_replication_role', 'replica', false); END $$;
DO $$ BEGIN PERFORM pg_catalog.set_config('search_path', 'nowhere', true); END $$;
DO $$ BEGIN EXECUTE 'SET search_path = ' || 'nowhere'; END $$;
