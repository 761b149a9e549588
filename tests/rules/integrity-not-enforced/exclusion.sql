-- pgfence-test: schema=bookings.schema
-- An exclusion constraint dropped for good: its message names it with its article.
SET lock_timeout = '2s';
ALTER TABLE bookings DROP CONSTRAINT bookings_during_excl;
