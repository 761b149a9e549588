-- pgfence-test: schema=plans.schema
-- Denormalise each subscription's price from its plan. The join restricts nothing: plan_id is
-- NOT NULL and its foreign key guarantees a plan for every row, so every subscription is written
-- in the migration's transaction, as an UPDATE without WHERE would.
SET lock_timeout = '2s';
UPDATE subscriptions s SET price_cents = p.monthly_cents FROM plans p WHERE s.plan_id = p.id;
