UPDATE users SET email_lower = lower(email) WHERE email_lower IS NULL;
DELETE FROM sessions s WHERE s.expires_at < now() - interval '30 days';
UPDATE orders SET status = 'archived' WHERE created_at < '2020-01-01' RETURNING id;
