-- A built-in PostgreSQL marks VOLATILE that pgfence neither models nor knows harmless
-- (analyze/volatile_builtins.cpp), wherever the statement calls it: a COPY's query, a WHERE, a
-- VALUES list, RETURNING, a DO block, a function the migration calls.
SET lock_timeout = '2s';
COPY (SELECT 1 FROM pg_class WHERE relname = 'x' AND pg_file_unlink('postgresql.auto.conf')) TO STDOUT;
SELECT pg_create_logical_replication_slot('cdc', 'pgoutput');
INSERT INTO audit_log (msg) VALUES (pg_stat_reset()::text) RETURNING id;
DO $$ BEGIN PERFORM pg_switch_wal(); END $$;
CREATE FUNCTION reset_stats() RETURNS void LANGUAGE sql AS $$ SELECT pg_stat_statements_reset() $$;
SELECT reset_stats();
SELECT lo_truncate(lo_open(16400, 131072), 0);
