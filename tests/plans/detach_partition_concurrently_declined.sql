-- path: db/migrations/0151_detach_measurements_2022.sql
CREATE TABLE measurements (
    sensor_id integer NOT NULL,
    taken_at date NOT NULL,
    reading double precision,
    unit text,
    PRIMARY KEY (sensor_id, taken_at)
) PARTITION BY RANGE (taken_at);
CREATE TABLE measurements_2022 PARTITION OF measurements FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
-- migration
ALTER TABLE measurements DETACH PARTITION measurements_2022;
