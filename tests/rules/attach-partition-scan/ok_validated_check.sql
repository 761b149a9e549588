ALTER TABLE measurements_2024 VALIDATE CONSTRAINT measurements_2024_bound_check;
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE measurements_2024 DROP CONSTRAINT measurements_2024_bound_check;
