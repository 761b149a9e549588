UPDATE plans SET price = 10 WHERE name = 'pro';
UPDATE settings SET value = 'x' WHERE key IN ('a', 'b') AND value IS NULL;
DELETE FROM users WHERE id = $1;
UPDATE users SET email_lower = lower(email) WHERE id IN (SELECT id FROM users WHERE id > 100 ORDER BY id LIMIT 5000);
DELETE FROM sessions WHERE ctid = ANY (ARRAY(SELECT ctid FROM sessions WHERE expires_at < now() LIMIT 5000));
CREATE TABLE fresh (id bigint, v text);
UPDATE fresh SET v = 'x' WHERE v IS NULL;
