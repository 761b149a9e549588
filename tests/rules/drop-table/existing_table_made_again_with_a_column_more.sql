-- pgfence-test: schema=shop.schema
-- vaultwarden's add_pkce_to_sso_nonce: the table is reset, made again with every column it had
-- and a nullable one more. The old release's statements keep working; its rows are gone.
SET lock_timeout = '2s';
DROP TABLE stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint, verifier text);
