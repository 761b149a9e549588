-- A partitioned table this migration creates: nobody reads it yet.
CREATE TABLE readings (id bigint, taken_on date) PARTITION BY RANGE (taken_on);
CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE readings DETACH PARTITION readings_2024;
