-- Partitions: attach, detach (also CONCURRENTLY), CREATE TABLE ... PARTITION OF, with and
-- without a default partition.

-- case: attach_partition_with_default_present
ALTER TABLE events ATTACH PARTITION events_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');

-- case: attach_partition_proven_by_check
ALTER TABLE events ATTACH PARTITION events_2022 FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');

-- case: attach_partition_no_default
CREATE TABLE metrics_asia (id bigint NOT NULL, region text NOT NULL, value double precision);
ALTER TABLE metrics ATTACH PARTITION metrics_asia FOR VALUES IN ('asia');

-- case: attach_partition_as_default
CREATE TABLE metrics_rest (id bigint NOT NULL, region text NOT NULL, value double precision);
ALTER TABLE metrics ATTACH PARTITION metrics_rest DEFAULT;

-- case: detach_partition
ALTER TABLE events DETACH PARTITION events_2024;

-- case: detach_default_partition
ALTER TABLE events DETACH PARTITION events_default;

-- case: detach_partition_no_default
ALTER TABLE metrics DETACH PARTITION metrics_us;

-- case: detach_partition_concurrently
-- hold: metrics, metrics_us
ALTER TABLE metrics DETACH PARTITION metrics_us CONCURRENTLY;

-- case: create_partition_with_default_present
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- case: create_partition_no_default
CREATE TABLE metrics_asia PARTITION OF metrics FOR VALUES IN ('asia');

-- case: create_default_partition
CREATE TABLE metrics_other PARTITION OF metrics DEFAULT;

-- case: create_partitioned_table
CREATE TABLE sessions (id bigint NOT NULL, user_id bigint REFERENCES users (id), started_at timestamptz NOT NULL) PARTITION BY RANGE (started_at);

-- case: create_sub_partitioned
CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01') PARTITION BY LIST (kind);

-- case: drop_partition
DROP TABLE events_2025;

-- case: drop_default_partition
DROP TABLE events_default;

-- case: drop_partition_no_default
DROP TABLE metrics_eu;

-- case: drop_partitioned_table
DROP TABLE metrics;

-- case: attach_index_partition
CREATE INDEX metrics_value_idx ON ONLY metrics (value);
CREATE INDEX metrics_eu_value_idx ON metrics_eu (value);
ALTER INDEX metrics_value_idx ATTACH PARTITION metrics_eu_value_idx;
