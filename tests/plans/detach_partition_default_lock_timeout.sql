-- path: db/migrations/0153_detach_metrics_us.sql
CREATE TABLE metrics (
    region text NOT NULL,
    metric_id bigint NOT NULL,
    value numeric,
    recorded_at timestamptz,
    PRIMARY KEY (region, metric_id)
) PARTITION BY LIST (region);
CREATE TABLE metrics_us PARTITION OF metrics FOR VALUES IN ('us');
CREATE TABLE metrics_eu PARTITION OF metrics FOR VALUES IN ('eu');
CREATE TABLE metrics_other PARTITION OF metrics DEFAULT;
-- The oracle's seeded rows go to metrics_other ('us' is no value it makes): the partition the
-- file detaches has rows of its own, or nothing would be proven of them.
INSERT INTO metrics (region, metric_id, value) SELECT 'us', g, g FROM generate_series(1, 50) g;
-- migration
ALTER TABLE metrics DETACH PARTITION metrics_us;
