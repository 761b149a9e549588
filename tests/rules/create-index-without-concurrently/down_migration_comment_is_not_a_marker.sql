-- pgfence-test: path=migrations/002_idx.up.sql
-- Down migration is not needed for this change
CREATE INDEX big_v ON big (v);
