-- path: db/migrations/0150_measurements_2024.sql
CREATE TABLE measurements (
    sensor_id integer NOT NULL,
    taken_at date NOT NULL,
    reading double precision,
    unit text,
    PRIMARY KEY (sensor_id, taken_at)
) PARTITION BY RANGE (taken_at);
CREATE TABLE measurements_2024 (
    sensor_id integer NOT NULL,
    taken_at date NOT NULL,
    reading double precision,
    unit text,
    PRIMARY KEY (sensor_id, taken_at)
);
-- migration
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
