-- pgfence-test: schema=shop.schema
-- Give every user a display name (email is NOT NULL, so the WHERE keeps every row).
UPDATE users SET name = split_part(email, '@', 1) WHERE email IS NOT NULL;
UPDATE orders o SET status = 'legacy' WHERE o.status = o.status;
