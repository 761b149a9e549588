BEGIN;
ALTER TYPE order_status ADD VALUE 'refunded';
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'on_hold' AFTER 'refunded';
COMMIT;
