-- Every form of DETACH takes the partition's rows out of an existing parent (red team F1,
-- G_DETACHCONC): CONCURRENTLY only shortens the lock.
SET lock_timeout = '2s';
ALTER TABLE events DETACH PARTITION events_2026 CONCURRENTLY;
ALTER TABLE events DETACH PARTITION events_2025 FINALIZE;
ALTER TABLE events DETACH PARTITION events_2019;
