-- pgfence-test: path=db/migration/V7__drop_legacy.sql
DROP TABLE legacy_sessions;
ALTER TABLE users DROP COLUMN legacy_token;
