-- pgfence-test: schema=events.schema
SET lock_timeout = '2s';
-- events has a DEFAULT partition holding the application's rows: a new partition scans it under
-- ACCESS EXCLUSIVE on events and events_default.
CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
-- ATTACH scans it too.
CREATE TABLE events_2028 (LIKE events INCLUDING ALL);
ALTER TABLE events ATTACH PARTITION events_2028 FOR VALUES FROM ('2028-01-01') TO ('2029-01-01');
