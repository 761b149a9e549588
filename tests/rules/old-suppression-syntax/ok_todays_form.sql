SET lock_timeout = '2s';
SET statement_timeout = '5min';

-- pgfence-ignore: drop-table -- no code has used it since v3
DROP TABLE old_appointments;

-- pgfence: this comment only mentions the tool
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_appointments_status ON appointments(status);
