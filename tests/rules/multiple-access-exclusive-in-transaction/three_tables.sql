SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE users ADD COLUMN avatar_url text;
ALTER TABLE invoices RENAME COLUMN total TO amount;
COMMIT;
