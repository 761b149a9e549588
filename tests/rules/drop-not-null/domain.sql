-- pgfence-test: schema=domain.schema
-- ALTER DOMAIN ... DROP NOT NULL lets NULLs into every column of the domain, as DROP NOT NULL on
-- each would (red team F1 I_DOMNOTNULL); the columns the history shows are named.
SET lock_timeout = '2s';
ALTER DOMAIN posint DROP NOT NULL;
ALTER DOMAIN public.unknown_domain DROP NOT NULL;
