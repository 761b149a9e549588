-- pgfence-test: schema=shop.schema
-- vaultwarden's add_pkce_to_sso_nonce: the table is reset, made again with every column it had
-- and a nullable one more, in one transaction. The old release's statements keep working; its
-- rows are gone.
BEGIN;
SET LOCAL lock_timeout = '2s';
DROP TABLE stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint, verifier text);
COMMIT;
