-- The later statement takes the same lock itself: holding it earlier adds nothing.
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN settings jsonb DEFAULT gen_random_uuid()::text::jsonb;
COMMIT;
