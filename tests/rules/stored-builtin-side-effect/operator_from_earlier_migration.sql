-- pgfence-test: schema=operators.schema
-- Operators an earlier migration made, used now in what orders keeps: a CHECK, a DEFAULT, an index
-- expression. Each application insert runs the operator's function (red team I1).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE orders ADD CONSTRAINT orders_total_op CHECK ((### total) IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN note SET DEFAULT (1 OPERATOR(public.===) 1)::text;
