-- pgfence-test: schema=copies.schema
-- The key column is NOT NULL already: WITH OPTIONS NOT NULL, or SET NOT NULL since.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE staff ADD PRIMARY KEY USING INDEX staff_id;
ALTER TABLE checked ADD PRIMARY KEY USING INDEX checked_id;
