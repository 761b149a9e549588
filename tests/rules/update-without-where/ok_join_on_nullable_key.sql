-- pgfence-test: schema=plans.schema
-- gift_plan_id may be NULL: only gifted subscriptions have a partner, so not every row is
-- written (backfill-in-migration reports the read of every row, not this rule).
SET lock_timeout = '2s';
UPDATE subscriptions s SET price_cents = p.monthly_cents FROM plans p WHERE s.gift_plan_id = p.id;
