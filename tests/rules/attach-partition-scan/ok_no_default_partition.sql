-- pgfence-test: schema=events.schema
SET lock_timeout = '2s';
-- logs has no DEFAULT partition: nothing is scanned. A DEFAULT partition made new is empty.
CREATE TABLE logs_2027 PARTITION OF logs FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
CREATE TABLE logs_default PARTITION OF logs DEFAULT;
