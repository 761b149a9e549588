-- migrate:up
ALTER TABLE invoices ADD COLUMN account_id bigint;
UPDATE invoices SET account_id = subscriptions.account_id
  FROM subscriptions
 WHERE invoices.subscription_id = subscriptions.id;
-- migrate:down
