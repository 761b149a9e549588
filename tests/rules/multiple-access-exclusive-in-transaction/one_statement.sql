BEGIN;
DROP TABLE legacy_sessions, legacy_tokens;
COMMIT;
