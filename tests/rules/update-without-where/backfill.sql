SET lock_timeout = '2s';
UPDATE users SET email_verified = false;
UPDATE app.orders o SET total_cents = (o.total * 100)::bigint, currency = 'EUR' RETURNING o.id;
