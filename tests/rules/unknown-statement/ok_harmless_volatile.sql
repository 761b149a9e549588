-- VOLATILE built-ins known harmless: new values, reads of sizes and state, advisory locks; and
-- the ones rules model (nextval, setval, set_config).
SET lock_timeout = '2s';
SELECT random(), clock_timestamp(), timeofday(), gen_random_uuid(), pg_relation_size('users');
SELECT pg_advisory_xact_lock(42);
INSERT INTO audit_log (at, msg) VALUES (clock_timestamp(), txid_status(1)::text);
SELECT pg_is_in_recovery(), pg_current_wal_lsn(), pg_database_size(current_database());
