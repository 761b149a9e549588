-- pgfence-test: schema=domain.schema
-- SET DEFAULT NULL on a domain column stores NULL as the column's default, over the domain's: a NOT
-- NULL domain then refuses every insert that leaves the column out (PostgreSQL 15: "domain status_t
-- does not allow null values").
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN status SET DEFAULT NULL;
