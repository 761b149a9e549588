-- The parent is new, the table being attached already holds a year of rows.
CREATE TABLE measurements (id bigint, taken_on date NOT NULL, value numeric) PARTITION BY RANGE (taken_on);
ALTER TABLE measurements ATTACH PARTITION measurements_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
ALTER TABLE measurements ATTACH PARTITION measurements_old FOR VALUES FROM (MINVALUE) TO ('2023-01-01');
