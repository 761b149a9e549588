BEGIN;
CREATE TABLE api_tokens (id bigserial PRIMARY KEY, user_id bigint, token text);
INSERT INTO api_tokens (user_id, token) VALUES (1, 'seed');
ALTER TABLE api_tokens ALTER COLUMN user_id SET NOT NULL;
COMMIT;
