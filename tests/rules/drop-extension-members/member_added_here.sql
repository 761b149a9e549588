-- pgfence-test: schema=shop.schema
-- Members added in the same file: a sequence (users' ids' DEFAULT goes with it) and a view.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE EXTENSION IF NOT EXISTS pgcrypto;
ALTER EXTENSION pgcrypto ADD SEQUENCE users_id_seq;
ALTER EXTENSION pgcrypto ADD VIEW active_users;
DROP EXTENSION pgcrypto CASCADE;
