SET lock_timeout = '2s';
DROP TABLE legacy_sessions;
DROP TABLE IF EXISTS app."OldOrders", old_events CASCADE;
