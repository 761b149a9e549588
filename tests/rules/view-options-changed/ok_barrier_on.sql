SET lock_timeout = '2s';
ALTER VIEW v_things SET (security_barrier = true);
ALTER TABLE things SET (fillfactor = 70);
ALTER TABLE things RESET (autovacuum_enabled, toast.autovacuum_enabled);
