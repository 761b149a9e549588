-- The required column proved invoices empty and the transaction still holds its lock: the
-- UPDATE that a generator emitted after it changes no row.
BEGIN;
ALTER TABLE invoices ADD COLUMN currency char(3) NOT NULL;
UPDATE invoices SET currency = 'EUR';
COMMIT;
