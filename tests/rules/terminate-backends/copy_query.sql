-- lo_unlink() called inside a COPY's query, an EXPLAIN ANALYZE or CREATE TABLE AS runs as in the
-- SELECT alone (red team F1 W_COPYEXISTINGFN).
SET lock_timeout = '2s';
COPY (SELECT 1 FROM pg_class WHERE relname = 'x' AND lo_unlink(1) = 1) TO STDOUT;
EXPLAIN ANALYZE SELECT lo_unlink(oid) FROM pg_largeobject_metadata;
CREATE TABLE gone AS SELECT lo_unlink(oid) FROM pg_largeobject_metadata;
COPY (SELECT pg_terminate_backend(pid) FROM pg_stat_activity) TO '/dev/null';
