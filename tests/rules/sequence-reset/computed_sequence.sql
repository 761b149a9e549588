-- setval() to a constant on a sequence its first argument computes resets it all the same (red
-- team F1: Q_SETVALSERIAL, Q_SETVALSUB, Q_SEQSETVALSEL, Q_SETVALVALUES, Q_SETVALLOWER).
SELECT setval(pg_get_serial_sequence('users', 'id'), 1);
SELECT setval((SELECT 'users_id_seq'::regclass), 1);
SELECT setval(c.oid, 1) FROM pg_class c WHERE relname = 'users_id_seq';
SELECT setval(s, 1) FROM (VALUES ('users_id_seq')) AS v(s);
SELECT setval(lower('USERS_ID_SEQ'), 1);
