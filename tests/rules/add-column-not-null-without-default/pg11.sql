-- pgfence-test: pg-version=11
ALTER TABLE users ADD COLUMN age integer NOT NULL;
