-- The original pgfence's inline-ignore fixture, as its users wrote it.
SET lock_timeout = '2s';
SET statement_timeout = '5min';

-- pgfence: ignore drop-table
DROP TABLE old_appointments;

-- pgfence-ignore: create-index-not-concurrent -- appointments has 40 rows
CREATE INDEX idx_appointments_status ON appointments(status);

-- pgfence: ignore missing-lock-timeout, prefer-robust-drop-index
DROP INDEX idx_appointments_legacy;

-- pgfence: ignore add-column-constant-default
ALTER TABLE appointments ADD COLUMN archived boolean DEFAULT false;
