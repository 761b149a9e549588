-- pgfence-test: pg-version=11
BEGIN;
ALTER TYPE mood ADD VALUE 'meh';
COMMIT;
